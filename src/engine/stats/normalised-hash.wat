;; normalisedHash of ASCII text in WebAssembly: bit for bit hashScratch in labels.ts over the
;; bytes of normaliseText's result (the reference, and the path of every other text and of
;; runtimes without WebAssembly). scripts/build-wasm.mjs compiles this file into
;; normalised-hash-wasm.ts; labels.ts loads it.
;;
;; conflicting-labels hashes every input and output of a file, normalised (lower case, runs of
;; whitespace as one space, trimmed). In JavaScript, four bytes a word, that was 0.48 s of the
;; main thread's pass over 1M records: every typed-array read is bounds-checked there. Here one
;; pass hashes the bytes lower-cased while it checks that they are normalised text already
;; (most texts); the others are normalised in place and hashed again.
;;
;; The caller writes the text's bytes (one per character, Latin-1) at 0, with room for 8 more.
(module
  (memory (export "memory") 1)

  ;; Fills the bytes from $length to the next multiple of 8 with the padding ('a', which
  ;; lower-casing leaves as it is and the checks pass); returns that multiple.
  (func $pad (param $length i32) (result i32)
    (local $end i32)
    (local.set $end (i32.and (i32.add (local.get $length) (i32.const 7)) (i32.const -8)))
    (block $done
      (loop $each
        (br_if $done (i32.ge_u (local.get $length) (local.get $end)))
        (i32.store8 (local.get $length) (i32.const 0x61))
        (local.set $length (i32.add (local.get $length) (i32.const 1)))
        (br $each)))
    (local.get $end))

  ;; finishHash in hash.ts: the two lanes mixed into a 53-bit number.
  (func $finish (param $h1 i32) (param $h2 i32) (result f64)
    (local.set $h1
      (i32.xor
        (i32.mul (i32.xor (local.get $h1) (i32.shr_u (local.get $h1) (i32.const 16))) (i32.const 2246822507))
        (i32.mul (i32.xor (local.get $h2) (i32.shr_u (local.get $h2) (i32.const 13))) (i32.const 3266489909))))
    (local.set $h2
      (i32.xor
        (i32.mul (i32.xor (local.get $h2) (i32.shr_u (local.get $h2) (i32.const 16))) (i32.const 2246822507))
        (i32.mul (i32.xor (local.get $h1) (i32.shr_u (local.get $h1) (i32.const 13))) (i32.const 3266489909))))
    (f64.add
      (f64.mul (f64.convert_i32_u (i32.and (local.get $h2) (i32.const 2097151))) (f64.const 4294967296))
      (f64.convert_i32_u (local.get $h1))))

  ;; The hash of the first $length bytes lower-cased (hashScratch of them), and with $check,
  ;; -1 when they are not normalised text: a byte not from 0x20 to
  ;; 0x7f, a leading, trailing or doubled space. Four lanes, two over the even words, two over
  ;; the odd ones (mix1: rotate by 13, times 0x9e3779b1; mix2: by 17, times 0x5f356495). The
  ;; per-word steps are written out: V8 does not inline calls between WebAssembly functions.
  (func $hash (param $length i32) (param $check i32) (result f64)
    (local $end i32)
    (local $p i32)
    (local $even i32)
    (local $odd i32)
    (local $evenFlags i32)
    (local $oddFlags i32)
    (local $before i32)
    (local $passes i32)
    (local $even1 i32)
    (local $even2 i32)
    (local $odd1 i32)
    (local $odd2 i32)
    (local.set $end (call $pad (local.get $length)))
    (local.set $even1 (i32.xor (i32.const 0xdeadbeef) (local.get $length)))
    (local.set $even2 (i32.xor (i32.const 0x41c6ce57) (local.get $length)))
    (local.set $odd1 (i32.xor (i32.const 0x9e3779b9) (local.get $length)))
    (local.set $odd2 (i32.xor (i32.const 0x85ebca6b) (local.get $length)))
    (local.set $passes (i32.const -1))
    (block $done
      (loop $each_step
        (br_if $done (i32.ge_u (local.get $p) (local.get $end)))
        (local.set $even (i32.load (local.get $p)))
        (local.set $odd (i32.load offset=4 (local.get $p)))
        ;; At least 0x21: not a space (nor a control, which the other test catches).
        (local.set $evenFlags (i32.add (local.get $even) (i32.const 0x5f5f5f5f)))
        (local.set $oddFlags (i32.add (local.get $odd) (i32.const 0x5f5f5f5f)))
        ;; Below 0x80, at least 0x20, and no two spaces in a row: top bits set where a byte or
        ;; the one before it (the last of the word before) is not a space.
        (local.set $passes
          (i32.and (local.get $passes)
            (i32.and
              (i32.and
                (i32.xor (i32.or (local.get $even) (local.get $odd)) (i32.const -1))
                (i32.and (i32.add (local.get $even) (i32.const 0x60606060)) (i32.add (local.get $odd) (i32.const 0x60606060))))
              (i32.and
                (i32.or (i32.or (local.get $evenFlags) (i32.shl (local.get $evenFlags) (i32.const 8))) (i32.shr_u (local.get $before) (i32.const 24)))
                (i32.or (i32.or (local.get $oddFlags) (i32.shl (local.get $oddFlags) (i32.const 8))) (i32.shr_u (local.get $evenFlags) (i32.const 24)))))))
        (local.set $before (local.get $oddFlags))
        ;; Lower case: 0x20 added to the bytes from 0x41 to 0x5a.
        (local.set $even (i32.or (local.get $even)
          (i32.shr_u
            (i32.and (i32.xor (i32.add (local.get $even) (i32.const 0x3f3f3f3f)) (i32.add (local.get $even) (i32.const 0x25252525))) (i32.const 0x80808080))
            (i32.const 2))))
        (local.set $odd (i32.or (local.get $odd)
          (i32.shr_u
            (i32.and (i32.xor (i32.add (local.get $odd) (i32.const 0x3f3f3f3f)) (i32.add (local.get $odd) (i32.const 0x25252525))) (i32.const 0x80808080))
            (i32.const 2))))
        (local.set $even1 (i32.mul (i32.xor (i32.rotl (local.get $even1) (i32.const 13)) (local.get $even)) (i32.const 0x9e3779b1)))
        (local.set $even2 (i32.mul (i32.xor (i32.rotl (local.get $even2) (i32.const 17)) (local.get $even)) (i32.const 0x5f356495)))
        (local.set $odd1 (i32.mul (i32.xor (i32.rotl (local.get $odd1) (i32.const 13)) (local.get $odd)) (i32.const 0x9e3779b1)))
        (local.set $odd2 (i32.mul (i32.xor (i32.rotl (local.get $odd2) (i32.const 17)) (local.get $odd)) (i32.const 0x5f356495)))
        (local.set $p (i32.add (local.get $p) (i32.const 8)))
        (br $each_step)))
    (if (local.get $check)
      (then
        (if (i32.or
              (i32.ne (i32.and (local.get $passes) (i32.const 0x80808080)) (i32.const 0x80808080))
              (i32.eq (i32.load8_u (i32.sub (local.get $length) (i32.const 1))) (i32.const 0x20)))
          (then (return (f64.const -1))))))
    (call $finish
      (i32.mul (i32.xor (i32.rotl (local.get $even1) (i32.const 13)) (local.get $odd1)) (i32.const 0x9e3779b1))
      (i32.mul (i32.xor (i32.rotl (local.get $even2) (i32.const 17)) (local.get $odd2)) (i32.const 0x5f356495))))

  ;; normaliseText of ASCII text but for the lower case, which $hash applies: the first $length
  ;; bytes rewritten with runs of 9-13 and 32 as one space, trimmed; returns the new length, or
  ;; -1 (the bytes left as they were) when a byte is 0x80 or more.
  (func $normalise (param $length i32) (result i32)
    (local $i i32)
    (local $written i32)
    (local $pending i32)
    (local $code i32)
    (block $ascii
      (loop $each
        (br_if $ascii (i32.ge_u (local.get $i) (local.get $length)))
        (if (i32.ge_u (i32.load8_u (local.get $i)) (i32.const 0x80)) (then (return (i32.const -1))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $each)))
    (local.set $i (i32.const 0))
    (block $done
      (loop $each_byte
        (br_if $done (i32.ge_u (local.get $i) (local.get $length)))
        (local.set $code (i32.load8_u (local.get $i)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (if (i32.or (i32.eq (local.get $code) (i32.const 32)) (i32.lt_u (i32.sub (local.get $code) (i32.const 9)) (i32.const 5)))
          (then
            (local.set $pending (i32.gt_u (local.get $written) (i32.const 0)))
            (br $each_byte)))
        (if (local.get $pending)
          (then
            (i32.store8 (local.get $written) (i32.const 32))
            (local.set $written (i32.add (local.get $written) (i32.const 1)))
            (local.set $pending (i32.const 0))))
        (i32.store8 (local.get $written) (local.get $code))
        (local.set $written (i32.add (local.get $written) (i32.const 1)))
        (br $each_byte)))
    (local.get $written))

  ;; normalisedHash of the $length (at least 1) bytes at 0: the hash; -2 when the text
  ;; normalises to nothing; -1 when a byte is 0x80 or more (JavaScript hashes those texts).
  (func (export "asciiHash") (param $length i32) (result f64)
    (local $simple f64)
    (local $normalised i32)
    (local.set $simple (call $hash (local.get $length) (i32.const 1)))
    (if (f64.ge (local.get $simple) (f64.const 0)) (then (return (local.get $simple))))
    (local.set $normalised (call $normalise (local.get $length)))
    (if (i32.lt_s (local.get $normalised) (i32.const 0)) (then (return (f64.const -1))))
    (if (i32.eqz (local.get $normalised)) (then (return (f64.const -2))))
    (call $hash (local.get $normalised) (i32.const 0))))
