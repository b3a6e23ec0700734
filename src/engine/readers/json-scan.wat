;; The structure of one JSON Lines line that holds an object, found 16 bytes a step with
;; WebAssembly SIMD, so that flat-json.ts can build the record from its spans instead of
;; decoding the whole line into a string and giving it to JSON.parse (which builds that string
;; and then scans it again; at a million records of 900 bytes, 1.6-1.9 s a thread).
;;
;; `scan` accepts a subset of JSON and never more than JSON: a line it does not return a count
;; for is given to JSON.parse as before (which also words the error of a line that is not
;; JSON). What it leaves to JavaScript it marks: strings with escapes are decoded by JSON.parse
;; of their literal, nested objects and arrays by JSON.parse of their span, which both check
;; what the scan did not. The caller lays out the memory (byte addresses):
;;
;;   [0, 6144)      the members found, six i32 each, at most 256 of them:
;;                  key start, key end (the bytes between the quotes), key flags,
;;                  value kind | flags << 4, value start, value end
;;   [6144, 6656)   the last key seen at each of the first 16 positions, 32 bytes each
;;   [6656, 6720)   their lengths, i32, -1 for none (the caller sets them all to -1 to forget)
;;   [8192, ...)    the line, followed by at least 32 bytes of any value (the scan reads whole
;;                  blocks, one or two bytes past `end` after an escape, and never trusts a
;;                  byte at or past `end`)
;;
;; Flags: 1 the string has a backslash escape, 2 a byte at or above 0x80 (not ASCII); for a
;; key, 4: the same bytes as the key at its position in the line before, which the caller
;; decoded then (keys are the same line after line, and so need not be decoded again).
;; Kinds: 1 string, 2 number, 3 true, 4 false, 5 null, 6 object or array.
(module
  (memory (export "memory") 1)

  (global $flags (mut i32) (i32.const 0))

  ;; The position of the quote that ends the string whose first byte is at $p, or -1 when the
  ;; line ends first or a control character (which JSON does not allow in a string) comes
  ;; first. Sets $flags. Each block of 16 bytes is tested for a quote, a backslash, a byte
  ;; below 0x20 and (until the first is seen) one at or above 0x80, all at once.
  (func $string (param $p i32) (param $end i32) (result i32)
    (local $v v128)
    (local $high v128)
    (local $mask i32)
    (local $byte i32)
    (local $flags i32)
    (local.set $high (i8x16.splat (i32.const 0x80)))
    (loop $blocks
      (local.set $v (v128.load (local.get $p)))
      (local.set $mask
        (i8x16.bitmask
          (v128.or
            (v128.or
              (i8x16.eq (local.get $v) (i8x16.splat (i32.const 0x22)))
              (i8x16.eq (local.get $v) (i8x16.splat (i32.const 0x5c))))
            (v128.or
              (i8x16.lt_u (local.get $v) (i8x16.splat (i32.const 0x20)))
              (v128.and (local.get $v) (local.get $high))))))
      (if (i32.eqz (local.get $mask))
        (then
          (local.set $p (i32.add (local.get $p) (i32.const 16)))
          (br_if $blocks (i32.lt_u (local.get $p) (local.get $end)))
          (return (i32.const -1))))
      (local.set $p (i32.add (local.get $p) (i32.ctz (local.get $mask))))
      (if (i32.ge_u (local.get $p) (local.get $end)) (then (return (i32.const -1))))
      (local.set $byte (i32.load8_u (local.get $p)))
      (if (i32.eq (local.get $byte) (i32.const 0x22))
        (then
          (global.set $flags (local.get $flags))
          (return (local.get $p))))
      (if (i32.eq (local.get $byte) (i32.const 0x5c))
        (then
          ;; The escaped byte is skipped whatever it is: a quote or a backslash there belongs
          ;; to the escape. JSON.parse of the literal checks the escape itself.
          (local.set $flags (i32.or (local.get $flags) (i32.const 1)))
          (local.set $p (i32.add (local.get $p) (i32.const 2)))
          (br $blocks)))
      (if (i32.lt_u (local.get $byte) (i32.const 0x20)) (then (return (i32.const -1))))
      ;; Not ASCII: the reader has checked the line is UTF-8, so no byte of a multi-byte
      ;; character is a quote or a backslash. The rest of the string is scanned without the
      ;; high-bit test.
      (local.set $flags (i32.or (local.get $flags) (i32.const 2)))
      (local.set $high (v128.const i32x4 0 0 0 0))
      (local.set $p (i32.add (local.get $p) (i32.const 1)))
      (br $blocks))
    (i32.const -1))

  ;; 4 when the key [$start, $end) at position $i is the one remembered there, else 0 (and it is
  ;; remembered from now on, if it fits).
  (func $sameKey (param $i i32) (param $start i32) (param $end i32) (result i32)
    (local $length i32)
    (local $slot i32)
    (local $at i32)
    (if (i32.ge_u (local.get $i) (i32.const 16)) (then (return (i32.const 0))))
    (local.set $length (i32.sub (local.get $end) (local.get $start)))
    (local.set $slot (i32.add (i32.const 6144) (i32.shl (local.get $i) (i32.const 5))))
    (block $differs
      (br_if $differs (i32.ne (i32.load offset=6656 (i32.shl (local.get $i) (i32.const 2))) (local.get $length)))
      (loop $each
        (if (i32.ge_u (local.get $at) (local.get $length)) (then (return (i32.const 4))))
        (br_if $differs
          (i32.ne
            (i32.load8_u (i32.add (local.get $slot) (local.get $at)))
            (i32.load8_u (i32.add (local.get $start) (local.get $at)))))
        (local.set $at (i32.add (local.get $at) (i32.const 1)))
        (br $each)))
    (if (i32.gt_u (local.get $length) (i32.const 32))
      (then
        (i32.store offset=6656 (i32.shl (local.get $i) (i32.const 2)) (i32.const -1))
        (return (i32.const 0))))
    (local.set $at (i32.const 0))
    (block $copied
      (loop $copy
        (br_if $copied (i32.ge_u (local.get $at) (local.get $length)))
        (i32.store8 (i32.add (local.get $slot) (local.get $at)) (i32.load8_u (i32.add (local.get $start) (local.get $at))))
        (local.set $at (i32.add (local.get $at) (i32.const 1)))
        (br $copy)))
    (i32.store offset=6656 (i32.shl (local.get $i) (i32.const 2)) (local.get $length))
    (i32.const 0))

  ;; The first position at or after $p that is not JSON whitespace (or $end).
  (func $space (param $p i32) (param $end i32) (result i32)
    (local $byte i32)
    (block $done
      (loop $each
        (br_if $done (i32.ge_u (local.get $p) (local.get $end)))
        (local.set $byte (i32.load8_u (local.get $p)))
        (br_if $done
          (i32.eqz
            (i32.or
              (i32.or (i32.eq (local.get $byte) (i32.const 0x20)) (i32.eq (local.get $byte) (i32.const 0x09)))
              (i32.or (i32.eq (local.get $byte) (i32.const 0x0a)) (i32.eq (local.get $byte) (i32.const 0x0d))))))
        (local.set $p (i32.add (local.get $p) (i32.const 1)))
        (br $each)))
    (local.get $p))

  (func $isDigit (param $p i32) (param $end i32) (result i32)
    (if (result i32) (i32.ge_u (local.get $p) (local.get $end))
      (then (i32.const 0))
      (else (i32.lt_u (i32.sub (i32.load8_u (local.get $p)) (i32.const 0x30)) (i32.const 10)))))

  ;; The end of the JSON number that starts at $p (-?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?),
  ;; or -1 when what starts there is not one.
  (func $number (param $p i32) (param $end i32) (result i32)
    (local $byte i32)
    (if (i32.eq (i32.load8_u (local.get $p)) (i32.const 0x2d)) (then (local.set $p (i32.add (local.get $p) (i32.const 1)))))
    (if (i32.eqz (call $isDigit (local.get $p) (local.get $end))) (then (return (i32.const -1))))
    (if (i32.eq (i32.load8_u (local.get $p)) (i32.const 0x30))
      (then (local.set $p (i32.add (local.get $p) (i32.const 1))))
      (else
        (loop $integer
          (local.set $p (i32.add (local.get $p) (i32.const 1)))
          (br_if $integer (call $isDigit (local.get $p) (local.get $end))))))
    (if (i32.lt_u (local.get $p) (local.get $end))
      (then
        (if (i32.eq (i32.load8_u (local.get $p)) (i32.const 0x2e))
          (then
            (local.set $p (i32.add (local.get $p) (i32.const 1)))
            (if (i32.eqz (call $isDigit (local.get $p) (local.get $end))) (then (return (i32.const -1))))
            (loop $fraction
              (local.set $p (i32.add (local.get $p) (i32.const 1)))
              (br_if $fraction (call $isDigit (local.get $p) (local.get $end))))))))
    (if (i32.lt_u (local.get $p) (local.get $end))
      (then
        (local.set $byte (i32.or (i32.load8_u (local.get $p)) (i32.const 0x20)))
        (if (i32.eq (local.get $byte) (i32.const 0x65))
          (then
            (local.set $p (i32.add (local.get $p) (i32.const 1)))
            (if (i32.lt_u (local.get $p) (local.get $end))
              (then
                (local.set $byte (i32.load8_u (local.get $p)))
                (if (i32.or (i32.eq (local.get $byte) (i32.const 0x2b)) (i32.eq (local.get $byte) (i32.const 0x2d)))
                  (then (local.set $p (i32.add (local.get $p) (i32.const 1)))))))
            (if (i32.eqz (call $isDigit (local.get $p) (local.get $end))) (then (return (i32.const -1))))
            (loop $exponent
              (local.set $p (i32.add (local.get $p) (i32.const 1)))
              (br_if $exponent (call $isDigit (local.get $p) (local.get $end))))))))
    (local.get $p))

  ;; The position just past the object or array that opens at $p, found by counting brackets
  ;; outside strings, or -1 when the line ends first. (Whether the brackets match, and all the
  ;; rest, JSON.parse of the span checks.)
  (func $nested (param $p i32) (param $end i32) (result i32)
    (local $depth i32)
    (local $byte i32)
    (loop $each
      (if (i32.ge_u (local.get $p) (local.get $end)) (then (return (i32.const -1))))
      (local.set $byte (i32.load8_u (local.get $p)))
      (if (i32.eq (local.get $byte) (i32.const 0x22))
        (then
          (local.set $p (call $string (i32.add (local.get $p) (i32.const 1)) (local.get $end)))
          (if (i32.lt_s (local.get $p) (i32.const 0)) (then (return (i32.const -1))))
          (local.set $p (i32.add (local.get $p) (i32.const 1)))
          (br $each)))
      (if (i32.eq (i32.or (local.get $byte) (i32.const 0x20)) (i32.const 0x7b))
        (then (local.set $depth (i32.add (local.get $depth) (i32.const 1)))))
      (if (i32.eq (i32.or (local.get $byte) (i32.const 0x20)) (i32.const 0x7d))
        (then
          (local.set $depth (i32.sub (local.get $depth) (i32.const 1)))
          (if (i32.eqz (local.get $depth)) (then (return (i32.add (local.get $p) (i32.const 1)))))))
      (local.set $p (i32.add (local.get $p) (i32.const 1)))
      (br $each))
    (i32.const -1))

  ;; The members of the object that is the whole of [$start, $end), into the table at 0: their
  ;; count, or -1 when the line is not an object this scan reads (it is then given to JSON.parse).
  (func (export "scan") (param $start i32) (param $end i32) (result i32)
    (local $p i32)
    (local $q i32)
    (local $count i32)
    (local $out i32)
    (local $byte i32)
    (local $kind i32)
    (local.set $p (call $space (local.get $start) (local.get $end)))
    (if (i32.ge_u (local.get $p) (local.get $end)) (then (return (i32.const -1))))
    (if (i32.ne (i32.load8_u (local.get $p)) (i32.const 0x7b)) (then (return (i32.const -1))))
    (local.set $p (call $space (i32.add (local.get $p) (i32.const 1)) (local.get $end)))
    (if (i32.ge_u (local.get $p) (local.get $end)) (then (return (i32.const -1))))
    (if (i32.eq (i32.load8_u (local.get $p)) (i32.const 0x7d))
      (then
        (return
          (select (i32.const 0) (i32.const -1)
            (i32.eq (call $space (i32.add (local.get $p) (i32.const 1)) (local.get $end)) (local.get $end))))))
    (loop $members
      (if (i32.ge_u (local.get $count) (i32.const 256)) (then (return (i32.const -1))))
      (if (i32.ge_u (local.get $p) (local.get $end)) (then (return (i32.const -1))))
      (if (i32.ne (i32.load8_u (local.get $p)) (i32.const 0x22)) (then (return (i32.const -1))))
      ;; The key.
      (local.set $q (call $string (i32.add (local.get $p) (i32.const 1)) (local.get $end)))
      (if (i32.lt_s (local.get $q) (i32.const 0)) (then (return (i32.const -1))))
      (i32.store offset=0 (local.get $out) (i32.add (local.get $p) (i32.const 1)))
      (i32.store offset=4 (local.get $out) (local.get $q))
      (i32.store offset=8 (local.get $out)
        (i32.or (global.get $flags) (call $sameKey (local.get $count) (i32.add (local.get $p) (i32.const 1)) (local.get $q))))
      (local.set $p (call $space (i32.add (local.get $q) (i32.const 1)) (local.get $end)))
      (if (i32.ge_u (local.get $p) (local.get $end)) (then (return (i32.const -1))))
      (if (i32.ne (i32.load8_u (local.get $p)) (i32.const 0x3a)) (then (return (i32.const -1))))
      (local.set $p (call $space (i32.add (local.get $p) (i32.const 1)) (local.get $end)))
      (if (i32.ge_u (local.get $p) (local.get $end)) (then (return (i32.const -1))))
      ;; The value: $q becomes its end, $kind its kind and flags.
      (local.set $byte (i32.load8_u (local.get $p)))
      (block $value
        (if (i32.eq (local.get $byte) (i32.const 0x22))
          (then
            (local.set $p (i32.add (local.get $p) (i32.const 1)))
            (local.set $q (call $string (local.get $p) (local.get $end)))
            (if (i32.lt_s (local.get $q) (i32.const 0)) (then (return (i32.const -1))))
            (local.set $kind (i32.or (i32.const 1) (i32.shl (global.get $flags) (i32.const 4))))
            (br $value)))
        (if (i32.or (i32.eq (local.get $byte) (i32.const 0x2d)) (i32.lt_u (i32.sub (local.get $byte) (i32.const 0x30)) (i32.const 10)))
          (then
            (local.set $q (call $number (local.get $p) (local.get $end)))
            (if (i32.lt_s (local.get $q) (i32.const 0)) (then (return (i32.const -1))))
            (local.set $kind (i32.const 2))
            (br $value)))
        (if (i32.eq (i32.or (local.get $byte) (i32.const 0x20)) (i32.const 0x7b))
          (then
            (local.set $q (call $nested (local.get $p) (local.get $end)))
            (if (i32.lt_s (local.get $q) (i32.const 0)) (then (return (i32.const -1))))
            (local.set $kind (i32.const 6))
            (br $value)))
        ;; true, false, null: the four bytes read as one little-endian word.
        (if (i32.le_u (i32.add (local.get $p) (i32.const 4)) (local.get $end))
          (then
            (if (i32.eq (i32.load (local.get $p)) (i32.const 0x65757274))
              (then
                (local.set $q (i32.add (local.get $p) (i32.const 4)))
                (local.set $kind (i32.const 3))
                (br $value)))
            (if (i32.eq (i32.load (local.get $p)) (i32.const 0x6c6c756e))
              (then
                (local.set $q (i32.add (local.get $p) (i32.const 4)))
                (local.set $kind (i32.const 5))
                (br $value)))
            (if (i32.and
                  (i32.eq (i32.load (local.get $p)) (i32.const 0x736c6166))
                  (i32.lt_u (i32.add (local.get $p) (i32.const 4)) (local.get $end)))
              (then
                (if (i32.eq (i32.load8_u offset=4 (local.get $p)) (i32.const 0x65))
                  (then
                    (local.set $q (i32.add (local.get $p) (i32.const 5)))
                    (local.set $kind (i32.const 4))
                    (br $value)))))))
        (return (i32.const -1)))
      (i32.store offset=12 (local.get $out) (local.get $kind))
      (i32.store offset=16 (local.get $out) (local.get $p))
      (i32.store offset=20 (local.get $out) (local.get $q))
      (local.set $out (i32.add (local.get $out) (i32.const 24)))
      (local.set $count (i32.add (local.get $count) (i32.const 1)))
      ;; After a string value, $q is its closing quote.
      (if (i32.eq (i32.and (local.get $kind) (i32.const 15)) (i32.const 1)) (then (local.set $q (i32.add (local.get $q) (i32.const 1)))))
      (local.set $p (call $space (local.get $q) (local.get $end)))
      (if (i32.ge_u (local.get $p) (local.get $end)) (then (return (i32.const -1))))
      (local.set $byte (i32.load8_u (local.get $p)))
      (if (i32.eq (local.get $byte) (i32.const 0x2c))
        (then
          (local.set $p (call $space (i32.add (local.get $p) (i32.const 1)) (local.get $end)))
          (br $members)))
      (if (i32.eq (local.get $byte) (i32.const 0x7d))
        (then
          (return
            (select (local.get $count) (i32.const -1)
              (i32.eq (call $space (i32.add (local.get $p) (i32.const 1)) (local.get $end)) (local.get $end)))))))
    (i32.const -1)))
