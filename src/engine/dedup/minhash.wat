;; MinHash signatures and LSH band hashes in WebAssembly SIMD, bit for bit those of
;; `MinHasher.signature` and `bandHashes` in minhash.ts (the reference, and the fallback where
;; WebAssembly SIMD is missing). scripts/build-wasm.mjs compiles this file into
;; minhash-wasm.ts; band-signer.ts loads it.
;;
;; A permutation is x -> a*x + b (mod 2^32), its minimum compared as a signed int32. Four
;; permutations make one vector: i32x4.mul and i32x4.add wrap exactly as Math.imul and `| 0` do,
;; and i32x4.min_s is the signed comparison. The caller lays out the memory (byte addresses):
;;
;;   $a          the multipliers, `vectors` x 4 of them (padding lanes are computed and ignored)
;;   $b          the offsets, laid out as $a
;;   $sig        scratch for one record's signature, `vectors` x 16 bytes
;;   $offsets    a batch's record offsets, in shingles: record i is [offsets[i], offsets[i + 1])
;;   $shingles   the batch's shingles end to end
;;   $out        the band hashes, `bands` a record
(module
  (memory (export "memory") 1)

  ;; One record's signature: for each of `vectors` vectors of permutations, the minimum over
  ;; its `count` shingles, into $sig. With no shingle every minimum stays 0x7fffffff, as in
  ;; JavaScript.
  (func $signature (param $a i32) (param $b i32) (param $vectors i32) (param $shingles i32) (param $count i32) (param $sig i32)
    (local $end i32)
    (local $p i32)
    (local $x v128)
    (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128)
    (local $b0 v128) (local $b1 v128) (local $b2 v128) (local $b3 v128)
    (local $m0 v128) (local $m1 v128) (local $m2 v128) (local $m3 v128)
    (local.set $end (i32.add (local.get $shingles) (i32.shl (local.get $count) (i32.const 2))))

    ;; Four vectors (16 permutations) a pass over the shingles: their multipliers, offsets and
    ;; minimums are 12 locals, which the compiler keeps in 12 of x64's 16 SIMD registers, so
    ;; the inner loop only loads the shingle.
    (block $groups_done
      (loop $groups
        (br_if $groups_done (i32.lt_u (local.get $vectors) (i32.const 4)))
        (local.set $a0 (v128.load offset=0 (local.get $a)))
        (local.set $a1 (v128.load offset=16 (local.get $a)))
        (local.set $a2 (v128.load offset=32 (local.get $a)))
        (local.set $a3 (v128.load offset=48 (local.get $a)))
        (local.set $b0 (v128.load offset=0 (local.get $b)))
        (local.set $b1 (v128.load offset=16 (local.get $b)))
        (local.set $b2 (v128.load offset=32 (local.get $b)))
        (local.set $b3 (v128.load offset=48 (local.get $b)))
        (local.set $m0 (i32x4.splat (i32.const 0x7fffffff)))
        (local.set $m1 (local.get $m0))
        (local.set $m2 (local.get $m0))
        (local.set $m3 (local.get $m0))
        (local.set $p (local.get $shingles))
        (block $shingles_done
          (loop $each_shingle
            (br_if $shingles_done (i32.ge_u (local.get $p) (local.get $end)))
            ;; The shingle in all four lanes.
            (local.set $x (v128.load32_splat (local.get $p)))
            (local.set $m0 (i32x4.min_s (local.get $m0) (i32x4.add (i32x4.mul (local.get $a0) (local.get $x)) (local.get $b0))))
            (local.set $m1 (i32x4.min_s (local.get $m1) (i32x4.add (i32x4.mul (local.get $a1) (local.get $x)) (local.get $b1))))
            (local.set $m2 (i32x4.min_s (local.get $m2) (i32x4.add (i32x4.mul (local.get $a2) (local.get $x)) (local.get $b2))))
            (local.set $m3 (i32x4.min_s (local.get $m3) (i32x4.add (i32x4.mul (local.get $a3) (local.get $x)) (local.get $b3))))
            (local.set $p (i32.add (local.get $p) (i32.const 4)))
            (br $each_shingle)))
        (v128.store offset=0 (local.get $sig) (local.get $m0))
        (v128.store offset=16 (local.get $sig) (local.get $m1))
        (v128.store offset=32 (local.get $sig) (local.get $m2))
        (v128.store offset=48 (local.get $sig) (local.get $m3))
        (local.set $a (i32.add (local.get $a) (i32.const 64)))
        (local.set $b (i32.add (local.get $b) (i32.const 64)))
        (local.set $sig (i32.add (local.get $sig) (i32.const 64)))
        (local.set $vectors (i32.sub (local.get $vectors) (i32.const 4)))
        (br $groups)))

    ;; The last one to three vectors, one a pass.
    (block $rest_done
      (loop $rest
        (br_if $rest_done (i32.eqz (local.get $vectors)))
        (local.set $a0 (v128.load (local.get $a)))
        (local.set $b0 (v128.load (local.get $b)))
        (local.set $m0 (i32x4.splat (i32.const 0x7fffffff)))
        (local.set $p (local.get $shingles))
        (block $shingles_done
          (loop $each_shingle
            (br_if $shingles_done (i32.ge_u (local.get $p) (local.get $end)))
            (local.set $m0 (i32x4.min_s (local.get $m0) (i32x4.add (i32x4.mul (local.get $a0) (v128.load32_splat (local.get $p))) (local.get $b0))))
            (local.set $p (i32.add (local.get $p) (i32.const 4)))
            (br $each_shingle)))
        (v128.store (local.get $sig) (local.get $m0))
        (local.set $a (i32.add (local.get $a) (i32.const 16)))
        (local.set $b (i32.add (local.get $b) (i32.const 16)))
        (local.set $sig (i32.add (local.get $sig) (i32.const 16)))
        (local.set $vectors (i32.sub (local.get $vectors) (i32.const 1)))
        (br $rest))))

  ;; `bands` band hashes of the signature at $sig, `rows` values each, into $out: MurmurHash3's
  ;; block step (mixBlock in shingles.ts) over the band's rows from the seed (band + 1) * K1, then
  ;; its finaliser (fmix32) over the hash xor `rows`.
  (func $bandHashes (param $sig i32) (param $bands i32) (param $rows i32) (param $out i32)
    (local $band i32)
    (local $row i32)
    (local $h i32)
    (local $k i32)
    (block $bands_done
      (loop $each_band
        (br_if $bands_done (i32.ge_u (local.get $band) (local.get $bands)))
        (local.set $h (i32.mul (i32.add (local.get $band) (i32.const 1)) (i32.const 0x9e3779b1)))
        ;; A band's rows follow the previous band's, so $sig just walks on.
        (local.set $row (i32.const 0))
        (block $rows_done
          (loop $each_row
            (br_if $rows_done (i32.ge_u (local.get $row) (local.get $rows)))
            (local.set $k (i32.mul (i32.load (local.get $sig)) (i32.const 0xcc9e2d51)))
            (local.set $k (i32.rotl (local.get $k) (i32.const 15)))
            (local.set $h (i32.xor (local.get $h) (i32.mul (local.get $k) (i32.const 0x1b873593))))
            (local.set $h (i32.rotl (local.get $h) (i32.const 13)))
            (local.set $h (i32.add (i32.mul (local.get $h) (i32.const 5)) (i32.const 0xe6546b64)))
            (local.set $sig (i32.add (local.get $sig) (i32.const 4)))
            (local.set $row (i32.add (local.get $row) (i32.const 1)))
            (br $each_row)))
        (local.set $h (i32.xor (local.get $h) (local.get $rows)))
        (local.set $h (i32.xor (local.get $h) (i32.shr_u (local.get $h) (i32.const 16))))
        (local.set $h (i32.mul (local.get $h) (i32.const 0x85ebca6b)))
        (local.set $h (i32.xor (local.get $h) (i32.shr_u (local.get $h) (i32.const 13))))
        (local.set $h (i32.mul (local.get $h) (i32.const 0xc2b2ae35)))
        (local.set $h (i32.xor (local.get $h) (i32.shr_u (local.get $h) (i32.const 16))))
        (i32.store (local.get $out) (local.get $h))
        (local.set $out (i32.add (local.get $out) (i32.const 4)))
        (local.set $band (i32.add (local.get $band) (i32.const 1)))
        (br $each_band))))

  ;; The band hashes of a batch of `count` records, in one call so that crossing from
  ;; JavaScript is paid once a batch. Only the `vectors` vectors that hold the bands' rows are
  ;; computed (bands x rows may be fewer than the permutations).
  (func (export "signBatch") (param $a i32) (param $b i32) (param $vectors i32) (param $sig i32)
    (param $offsets i32) (param $count i32) (param $shingles i32) (param $bands i32) (param $rows i32) (param $out i32)
    (local $from i32)
    (local $to i32)
    (local $bandBytes i32)
    (local.set $bandBytes (i32.shl (local.get $bands) (i32.const 2)))
    (local.set $to (i32.load (local.get $offsets)))
    (block $records_done
      (loop $each_record
        (br_if $records_done (i32.eqz (local.get $count)))
        (local.set $from (local.get $to))
        (local.set $to (i32.load offset=4 (local.get $offsets)))
        (call $signature (local.get $a) (local.get $b) (local.get $vectors)
          (i32.add (local.get $shingles) (i32.shl (local.get $from) (i32.const 2)))
          (i32.sub (local.get $to) (local.get $from))
          (local.get $sig))
        (call $bandHashes (local.get $sig) (local.get $bands) (local.get $rows) (local.get $out))
        (local.set $offsets (i32.add (local.get $offsets) (i32.const 4)))
        (local.set $out (i32.add (local.get $out) (local.get $bandBytes)))
        (local.set $count (i32.sub (local.get $count) (i32.const 1)))
        (br $each_record))))

  ;; One record's whole signature (every vector), for the tests' comparison with JavaScript.
  (export "signature" (func $signature)))
