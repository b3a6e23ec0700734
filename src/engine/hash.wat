;; The record index's hash of a text, over its UTF-8 bytes: bit for bit textHash53 in hash.ts
;; (which also computes it in JavaScript for short texts, and where WebAssembly is missing).
;; Every value of every record is hashed to index a file; in JavaScript a character costs a
;; charCodeAt and a multiply, here four bytes cost one load and two multiplies.
;;
;; Two 32-bit lanes over the bytes read four at a time, little-endian (h = (h ^ block) * M,
;; one multiplier a lane), the last one to three bytes one at a time, then textHash53's final
;; mix of the lanes and the length into a 53-bit number, returned as an f64.
(module
  (memory (export "memory") 1)

  (func (export "hashBytes") (param $at i32) (param $length i32) (param $seed i32) (result f64)
    (local $h1 i32)
    (local $h2 i32)
    (local $end i32)
    (local $block i32)
    (local.set $h1 (i32.xor (i32.const 0xdeadbeef) (local.get $seed)))
    (local.set $h2 (i32.xor (i32.const 0x41c6ce57) (local.get $seed)))
    (local.set $end (i32.add (local.get $at) (local.get $length)))
    (block $blocks_done
      (loop $each_block
        (br_if $blocks_done (i32.gt_u (i32.add (local.get $at) (i32.const 4)) (local.get $end)))
        (local.set $block (i32.load (local.get $at)))
        (local.set $h1 (i32.mul (i32.xor (local.get $h1) (local.get $block)) (i32.const 2654435761)))
        (local.set $h2 (i32.mul (i32.xor (local.get $h2) (local.get $block)) (i32.const 1597334677)))
        (local.set $at (i32.add (local.get $at) (i32.const 4)))
        (br $each_block)))
    (block $bytes_done
      (loop $each_byte
        (br_if $bytes_done (i32.ge_u (local.get $at) (local.get $end)))
        (local.set $block (i32.load8_u (local.get $at)))
        (local.set $h1 (i32.mul (i32.xor (local.get $h1) (local.get $block)) (i32.const 2654435761)))
        (local.set $h2 (i32.mul (i32.xor (local.get $h2) (local.get $block)) (i32.const 1597334677)))
        (local.set $at (i32.add (local.get $at) (i32.const 1)))
        (br $each_byte)))
    ;; finishHash(h1 ^ length, h2 ^ length * M1): two cross-mixed finalisers, 21 bits of one lane
    ;; above the 32 of the other.
    (local.set $h1 (i32.xor (local.get $h1) (local.get $length)))
    (local.set $h2 (i32.xor (local.get $h2) (i32.mul (local.get $length) (i32.const 2654435761))))
    (local.set $h1
      (i32.xor
        (i32.mul (i32.xor (local.get $h1) (i32.shr_u (local.get $h1) (i32.const 16))) (i32.const 2246822507))
        (i32.mul (i32.xor (local.get $h2) (i32.shr_u (local.get $h2) (i32.const 13))) (i32.const 3266489909))))
    (local.set $h2
      (i32.xor
        (i32.mul (i32.xor (local.get $h2) (i32.shr_u (local.get $h2) (i32.const 16))) (i32.const 2246822507))
        (i32.mul (i32.xor (local.get $h1) (i32.shr_u (local.get $h1) (i32.const 13))) (i32.const 3266489909))))
    (f64.add
      (f64.mul (f64.convert_i32_u (i32.and (local.get $h2) (i32.const 0x1fffff))) (f64.const 4294967296))
      (f64.convert_i32_u (local.get $h1)))))
