;; The length check's word count in WebAssembly SIMD: bit for bit what measureCharacters in
;; length.ts counts (the reference, and the fallback where WebAssembly SIMD is missing) for
;; ASCII text. scripts/build-wasm.mjs compiles this file into length-wasm.ts; length.ts loads it.
;;
;; Every text of every text field is measured. In JavaScript, even four bytes at a time (SWAR),
;; that was 0.35-0.45 s of the check worker's pass over 1M records; here 64 bytes are classed
;; in four 16-byte steps into one 64-bit mask of spaces, and the starts of words are counted
;; with popcnt.
;;
;; The caller writes the text's bytes (one per character, Latin-1) at $text with 64 spaces after
;; them: whole blocks of 64 are read, and the spaces after the end start no word.
(module
  (memory (export "memory") 1)

  ;; Words (runs of bytes other than 9-13 and 32) of the $length bytes at $text; -1 when one of
  ;; them is 0x80 or more (a Latin-1 letter or space: JavaScript measures those).
  (func (export "asciiWords") (param $text i32) (param $length i32) (result i32)
    (local $p i32)
    (local $end i32)
    (local $words i64)
    (local $high v128)
    (local $v0 v128)
    (local $v1 v128)
    (local $v2 v128)
    (local $v3 v128)
    (local $nonSpace i64)
    (local $carry i64)
    (local.set $p (local.get $text))
    (local.set $end (i32.add (local.get $text) (local.get $length)))
    (local.set $high (v128.const i64x2 0 0))
    (block $done
      (loop $each_window
        (br_if $done (i32.ge_u (local.get $p) (local.get $end)))
        (local.set $v0 (v128.load (local.get $p)))
        (local.set $v1 (v128.load offset=16 (local.get $p)))
        (local.set $v2 (v128.load offset=32 (local.get $p)))
        (local.set $v3 (v128.load offset=48 (local.get $p)))
        (local.set $high (v128.or (local.get $high) (v128.or (v128.or (local.get $v0) (local.get $v1)) (v128.or (local.get $v2) (local.get $v3)))))
        ;; A space is 32, or 9 to 13: (byte - 9) < 5, unsigned. Bit i of the mask: byte i is one.
        (local.set $nonSpace
          (i64.xor
            (i64.or
              (i64.or
                (i64.extend_i32_u (i8x16.bitmask
                  (v128.or (i8x16.eq (local.get $v0) (i8x16.splat (i32.const 32)))
                    (i8x16.lt_u (i8x16.sub (local.get $v0) (i8x16.splat (i32.const 9))) (i8x16.splat (i32.const 5))))))
                (i64.shl
                  (i64.extend_i32_u (i8x16.bitmask
                    (v128.or (i8x16.eq (local.get $v1) (i8x16.splat (i32.const 32)))
                      (i8x16.lt_u (i8x16.sub (local.get $v1) (i8x16.splat (i32.const 9))) (i8x16.splat (i32.const 5))))))
                  (i64.const 16)))
              (i64.or
                (i64.shl
                  (i64.extend_i32_u (i8x16.bitmask
                    (v128.or (i8x16.eq (local.get $v2) (i8x16.splat (i32.const 32)))
                      (i8x16.lt_u (i8x16.sub (local.get $v2) (i8x16.splat (i32.const 9))) (i8x16.splat (i32.const 5))))))
                  (i64.const 32))
                (i64.shl
                  (i64.extend_i32_u (i8x16.bitmask
                    (v128.or (i8x16.eq (local.get $v3) (i8x16.splat (i32.const 32)))
                      (i8x16.lt_u (i8x16.sub (local.get $v3) (i8x16.splat (i32.const 9))) (i8x16.splat (i32.const 5))))))
                  (i64.const 48))))
            (i64.const -1)))
        ;; A word starts at a non-space whose byte before (the window before's last, $carry) is a space.
        (local.set $words
          (i64.add (local.get $words)
            (i64.popcnt
              (i64.and (local.get $nonSpace)
                (i64.xor (i64.or (i64.shl (local.get $nonSpace) (i64.const 1)) (local.get $carry)) (i64.const -1))))))
        (local.set $carry (i64.shr_u (local.get $nonSpace) (i64.const 63)))
        (local.set $p (i32.add (local.get $p) (i32.const 64)))
        (br $each_window)))
    (if (result i32) (i8x16.bitmask (local.get $high))
      (then (i32.const -1))
      (else (i32.wrap_i64 (local.get $words))))))
