;; The costly half of the repetition check in WebAssembly SIMD: finding a text's whitespace-
;; separated chunks, splitting them into words, and the n-gram rules' bounds from fingerprints,
;; bit for bit what the JavaScript in repetition.ts and repeated-ngrams.ts computes (the
;; reference, the fallback where WebAssembly SIMD is missing, and what runs the exact rules on
;; the rare text the bounds do not prove clean). scripts/build-wasm.mjs compiles this file into
;; repetition-wasm.ts; repetition-kernel.ts loads it.
;;
;; In JavaScript these loops were 3.3 of the 1M-record scan's 25 CPU seconds: typed-array reads
;; are bounds-checked there, and the branchless steps still cost one unit a step. Here 16 UTF-16
;; units are classed at a time (ASCII by comparison, anything else by the class table), and the
;; places where a chunk starts or ends are walked with ctz.
;;
;; The caller lays out the memory (byte addresses): the class of every UTF-16 unit (1 space,
;; 2 word character, 3 anything else) at $classes, 65536 bytes; the fingerprint buckets, 2^22
;; bytes, all zero between calls; the rules, per n from 1 the limits of the top and of the
;; duplicated n-gram rule as two f64 (NaN: no rule at that n); the text's units with 16 spaces
;; after them; the chunks' edges (two i32 a chunk); and the work area of `ngramsClean`.
(module
  (memory (export "memory") 1)

  ;; Writes the start and end (exclusive) of each whitespace-separated chunk of the $length
  ;; units at $units to $edges, as i32; returns how many edges (twice the chunks).
  (func (export "scan") (param $units i32) (param $length i32) (param $classes i32) (param $edges i32) (result i32)
    (local $i i32)
    (local $edge i32)
    (local $previous i32)
    (local $low v128)
    (local $high v128)
    (local $spaces i32)
    (local $changes i32)
    (local $j i32)
    (local.set $edge (local.get $edges))
    ;; Before the text is as if a space.
    (local.set $previous (i32.const 1))
    (block $done
      (loop $each_block
        (br_if $done (i32.ge_u (local.get $i) (local.get $length)))
        (local.set $low (v128.load (i32.add (local.get $units) (i32.shl (local.get $i) (i32.const 1)))))
        (local.set $high (v128.load offset=16 (i32.add (local.get $units) (i32.shl (local.get $i) (i32.const 1)))))
        (if (v128.any_true (v128.and (v128.or (local.get $low) (local.get $high)) (i16x8.splat (i32.const 0xff80))))
          (then
            ;; A unit beyond ASCII: each of the 16 looked up in the class table.
            (local.set $spaces (i32.const 0))
            (local.set $j (i32.const 0))
            (block $classed
              (loop $each_unit
                (br_if $classed (i32.eq (local.get $j) (i32.const 16)))
                (local.set $spaces
                  (i32.or (local.get $spaces)
                    (i32.shl
                      (i32.eq
                        (i32.load8_u (i32.add (local.get $classes)
                          (i32.load16_u (i32.add (local.get $units) (i32.shl (i32.add (local.get $i) (local.get $j)) (i32.const 1))))))
                        (i32.const 1))
                      (local.get $j))))
                (local.set $j (i32.add (local.get $j) (i32.const 1)))
                (br $each_unit))))
          (else
            ;; ASCII whitespace: 32, and 9 to 13 ((unit - 9) < 5, unsigned).
            (local.set $spaces
              (i8x16.bitmask
                (i8x16.narrow_i16x8_s
                  (v128.or
                    (i16x8.eq (local.get $low) (i16x8.splat (i32.const 32)))
                    (i16x8.lt_u (i16x8.sub (local.get $low) (i16x8.splat (i32.const 9))) (i16x8.splat (i32.const 5))))
                  (v128.or
                    (i16x8.eq (local.get $high) (i16x8.splat (i32.const 32)))
                    (i16x8.lt_u (i16x8.sub (local.get $high) (i16x8.splat (i32.const 9))) (i16x8.splat (i32.const 5)))))))))
        ;; An edge wherever a unit's space bit differs from the one before it.
        (local.set $changes
          (i32.and
            (i32.xor (local.get $spaces) (i32.or (i32.shl (local.get $spaces) (i32.const 1)) (local.get $previous)))
            (i32.const 0xffff)))
        (local.set $previous (i32.and (i32.shr_u (local.get $spaces) (i32.const 15)) (i32.const 1)))
        ;; Without a branch on the data (a loop over the set bits mispredicts its exit at nearly
        ;; every block): each position is written, and the edge moves on only at a change.
        (if (local.get $changes)
          (then
            (local.set $j (local.get $i))
            (loop $each_four
              (i32.store (local.get $edge) (local.get $j))
              (local.set $edge (i32.add (local.get $edge) (i32.shl (i32.and (local.get $changes) (i32.const 1)) (i32.const 2))))
              (i32.store (local.get $edge) (i32.add (local.get $j) (i32.const 1)))
              (local.set $edge (i32.add (local.get $edge) (i32.and (i32.shl (local.get $changes) (i32.const 1)) (i32.const 4))))
              (i32.store (local.get $edge) (i32.add (local.get $j) (i32.const 2)))
              (local.set $edge (i32.add (local.get $edge) (i32.and (local.get $changes) (i32.const 4))))
              (i32.store (local.get $edge) (i32.add (local.get $j) (i32.const 3)))
              (local.set $edge (i32.add (local.get $edge) (i32.and (i32.shr_u (local.get $changes) (i32.const 1)) (i32.const 4))))
              (local.set $changes (i32.shr_u (local.get $changes) (i32.const 4)))
              (local.set $j (i32.add (local.get $j) (i32.const 4)))
              (br_if $each_four (i32.lt_u (local.get $j) (i32.add (local.get $i) (i32.const 16)))))))
        (local.set $i (i32.add (local.get $i) (i32.const 16)))
        (br $each_block)))
    ;; A text ending in a chunk (the spaces after it were not read) ends that chunk.
    (if (i32.eqz (local.get $previous))
      (then
        (i32.store (local.get $edge) (local.get $length))
        (local.set $edge (i32.add (local.get $edge) (i32.const 4)))))
    (i32.shr_u (i32.sub (local.get $edge) (local.get $edges)) (i32.const 2)))

  ;; A token's fingerprint (fingerprintOf in repetition.ts): its first two units (one if it has
  ;; one), its last unit and its length, mixed.
  (func $fingerprint (param $units i32) (param $start i32) (param $length i32) (result i32)
    (local $at i32)
    (local.set $at (i32.add (local.get $units) (i32.shl (local.get $start) (i32.const 1))))
    (i32.add
      (i32.mul
        (i32.or
          (i32.load16_u (local.get $at))
          (i32.shl
            (i32.and (i32.load16_u offset=2 (local.get $at)) (i32.shr_s (i32.sub (i32.const 1) (local.get $length)) (i32.const 31)))
            (i32.const 16)))
        (i32.const 0x2c1b3c6d))
      (i32.mul
        (i32.xor
          (i32.shl (i32.load16_u (i32.add (local.get $at) (i32.shl (i32.sub (local.get $length) (i32.const 1)) (i32.const 1)))) (i32.const 8))
          (local.get $length))
        (i32.const 0x297a2d39))))

  ;; Counts one window into its bucket, up to 255 and no further.
  (func $countInto (param $buckets i32) (param $bucket i32)
    (local $at i32)
    (local $seen i32)
    (local.set $at (i32.add (local.get $buckets) (local.get $bucket)))
    (local.set $seen (i32.load8_u (local.get $at)))
    (i32.store8 (local.get $at) (i32.add (local.get $seen) (i32.shr_u (i32.sub (local.get $seen) (i32.const 255)) (i32.const 31)))))

  ;; The class of the unit at $position.
  (func $classAt (param $units i32) (param $classes i32) (param $position i32) (result i32)
    (i32.load8_u (i32.add (local.get $classes) (i32.load16_u (i32.add (local.get $units) (i32.shl (local.get $position) (i32.const 1)))))))

  ;; Token $count is [$start, $end) (addToken in repetition.ts): its start, fingerprint and the
  ;; characters up to it; returns the next token's index.
  (func $addToken (param $units i32) (param $start i32) (param $end i32) (param $count i32)
      (param $starts i32) (param $fingerprints i32) (param $prefix i32) (param $buckets i32) (param $shift i32) (result i32)
    (local $fingerprint i32)
    (local $slot i32)
    (local.set $fingerprint (call $fingerprint (local.get $units) (local.get $start) (i32.sub (local.get $end) (local.get $start))))
    (call $countInto (local.get $buckets) (i32.shr_u (local.get $fingerprint) (local.get $shift)))
    (local.set $slot (i32.shl (local.get $count) (i32.const 2)))
    (i32.store (i32.add (local.get $starts) (local.get $slot)) (local.get $start))
    (i32.store (i32.add (local.get $fingerprints) (local.get $slot)) (local.get $fingerprint))
    (i32.store offset=4 (i32.add (local.get $prefix) (local.get $slot))
      (i32.add (i32.load (i32.add (local.get $prefix) (local.get $slot))) (i32.sub (local.get $end) (local.get $start))))
    (i32.add (local.get $count) (i32.const 1)))

  ;; The tokens of a chunk that starts or ends with something other than a word character
  ;; (splitChunk in repetition.ts); returns the next token's index.
  (func $splitChunk (param $units i32) (param $classes i32) (param $chunkStart i32) (param $chunkEnd i32) (param $count i32)
      (param $starts i32) (param $fingerprints i32) (param $prefix i32) (param $buckets i32) (param $shift i32) (result i32)
    (local $start i32)
    (local $end i32)
    (local.set $start (local.get $chunkStart))
    (block $found
      (loop $skip
        (br_if $found (i32.ge_u (local.get $start) (local.get $chunkEnd)))
        (br_if $found (i32.eq (call $classAt (local.get $units) (local.get $classes) (local.get $start)) (i32.const 2)))
        (local.set $start (i32.add (local.get $start) (i32.const 1)))
        (br $skip)))
    (if (i32.eq (local.get $start) (local.get $chunkEnd))
      (then
        (return (call $addToken (local.get $units) (local.get $chunkStart) (local.get $chunkEnd) (local.get $count)
          (local.get $starts) (local.get $fingerprints) (local.get $prefix) (local.get $buckets) (local.get $shift)))))
    (local.set $end (local.get $chunkEnd))
    (block $found_end
      (loop $skip_back
        (br_if $found_end (i32.eq (call $classAt (local.get $units) (local.get $classes) (i32.sub (local.get $end) (i32.const 1))) (i32.const 2)))
        (local.set $end (i32.sub (local.get $end) (i32.const 1)))
        (br $skip_back)))
    (if (i32.gt_u (local.get $start) (local.get $chunkStart))
      (then
        (local.set $count (call $addToken (local.get $units) (local.get $chunkStart) (local.get $start) (local.get $count)
          (local.get $starts) (local.get $fingerprints) (local.get $prefix) (local.get $buckets) (local.get $shift)))))
    (local.set $count (call $addToken (local.get $units) (local.get $start) (local.get $end) (local.get $count)
      (local.get $starts) (local.get $fingerprints) (local.get $prefix) (local.get $buckets) (local.get $shift)))
    (if (i32.lt_u (local.get $end) (local.get $chunkEnd))
      (then
        (local.set $count (call $addToken (local.get $units) (local.get $end) (local.get $chunkEnd) (local.get $count)
          (local.get $starts) (local.get $fingerprints) (local.get $prefix) (local.get $buckets) (local.get $shift)))))
    (local.get $count))

  ;; Keeps the windows whose bucket holds another: reads $pairs fingerprints at $from and, for
  ;; window p, its position at $positionOf[p] (or p itself when $positionOf is -1), writes the
  ;; kept ones' positions, fingerprints and count bounds (the bucket's count, or $tokens once
  ;; it stops at 255), then empties the buckets. Returns how many were kept. The windows must
  ;; have been counted into the buckets already.
  (func $keepShared (param $from i32) (param $positionOf i32) (param $sourcePositions i32) (param $pairs i32)
      (param $positions i32) (param $fingerprints i32) (param $counts i32) (param $buckets i32) (param $shift i32) (param $tokens i32) (result i32)
    (local $p i32)
    (local $kept i32)
    (local $fingerprint i32)
    (local $at i32)
    (local $count i32)
    (local $shared i32)
    (local $slot i32)
    (block $done
      (loop $each
        (br_if $done (i32.ge_u (local.get $p) (local.get $pairs)))
        (local.set $fingerprint (i32.load (i32.add (local.get $from) (i32.shl (local.get $p) (i32.const 2)))))
        (local.set $at (i32.add (local.get $buckets) (i32.shr_u (local.get $fingerprint) (local.get $shift))))
        (local.set $count (i32.load8_u (local.get $at)))
        (local.set $shared (i32.shr_u (i32.add (local.get $count) (i32.const 254)) (i32.const 8)))
        (i32.store8 (local.get $at) (i32.and (local.get $count) (i32.sub (i32.const 0) (local.get $shared))))
        (local.set $slot (i32.shl (local.get $kept) (i32.const 2)))
        (i32.store (i32.add (local.get $positions) (local.get $slot))
          (if (result i32) (i32.lt_s (local.get $positionOf) (i32.const 0))
            (then (local.get $p))
            (else
              (i32.load (i32.add (local.get $sourcePositions)
                (i32.shl (i32.load (i32.add (local.get $positionOf) (i32.shl (local.get $p) (i32.const 2)))) (i32.const 2)))))))
        (i32.store (i32.add (local.get $fingerprints) (local.get $slot)) (local.get $fingerprint))
        (i32.store (i32.add (local.get $counts) (local.get $slot))
          (i32.add (local.get $count)
            (i32.and
              (i32.sub (i32.const 0) (i32.shr_u (i32.add (local.get $count) (i32.const 1)) (i32.const 8)))
              (i32.sub (local.get $tokens) (i32.const 255)))))
        (local.set $kept (i32.add (local.get $kept) (local.get $shared)))
        (local.set $p (i32.add (local.get $p) (i32.const 1)))
        (br $each)))
    (local.set $p (i32.const 0))
    (block $emptied
      (loop $each_kept
        (br_if $emptied (i32.ge_u (local.get $p) (local.get $kept)))
        (i32.store8
          (i32.add (local.get $buckets) (i32.shr_u (i32.load (i32.add (local.get $fingerprints) (i32.shl (local.get $p) (i32.const 2)))) (local.get $shift)))
          (i32.const 0))
        (local.set $p (i32.add (local.get $p) (i32.const 1)))
        (br $each_kept)))
    (local.get $kept))

  ;; Splits the $chunks chunks at $edges into tokens (readWords in repetition.ts), then bounds
  ;; the n-gram rules from fingerprints for n = 1 to $longest (at most the tokens there are), as
  ;; NgramFingerprints does: 1 when no bound breaks its limit (the text breaks no n-gram rule),
  ;; 0 when the exact rules must decide. $length is the text's length, the fractions' divisor.
  ;; The work area at $work holds nine arrays of 3 * $chunks + 2 i32.
  (func (export "ngramsClean") (param $units i32) (param $length i32) (param $classes i32) (param $edges i32) (param $chunks i32)
      (param $buckets i32) (param $shift i32) (param $rules i32) (param $longest i32) (param $work i32) (result i32)
    (local $stride i32)
    (local $starts i32)
    (local $fingerprints i32)
    (local $prefix i32)
    (local $firstPositions i32)
    (local $laterPositions i32)
    (local $windowFingerprints i32)
    (local $counts i32)
    (local $pairAt i32)
    (local $pairFingerprints i32)
    (local $chunk i32)
    (local $start i32)
    (local $end i32)
    (local $size i32)
    (local $first i32)
    (local $count i32)
    (local $characters i32)
    (local $fingerprint i32)
    (local $tokens i32)
    (local $last i32)
    (local $n i32)
    (local $k i32)
    (local $gap i32)
    (local $pairs i32)
    (local $positions i32)
    (local $next i32)
    (local $second i32)
    (local $at i32)
    (local $wordLength i32)
    (local $lastUnit i32)
    (local $seen i32)
    (local $limit f64)
    (local $bound i64)
    (local $product i64)
    (local.set $stride (i32.shl (i32.add (i32.mul (local.get $chunks) (i32.const 3)) (i32.const 2)) (i32.const 2)))
    (local.set $starts (local.get $work))
    (local.set $fingerprints (i32.add (local.get $starts) (local.get $stride)))
    (local.set $prefix (i32.add (local.get $fingerprints) (local.get $stride)))
    (local.set $firstPositions (i32.add (local.get $prefix) (local.get $stride)))
    (local.set $laterPositions (i32.add (local.get $firstPositions) (local.get $stride)))
    (local.set $windowFingerprints (i32.add (local.get $laterPositions) (local.get $stride)))
    (local.set $counts (i32.add (local.get $windowFingerprints) (local.get $stride)))
    (local.set $pairAt (i32.add (local.get $counts) (local.get $stride)))
    (local.set $pairFingerprints (i32.add (local.get $pairAt) (local.get $stride)))

    ;; The words, each chunk that starts and ends with a word character being one whole.
    (i32.store (local.get $prefix) (i32.const 0))
    (block $words_done
      (loop $each_chunk
        (br_if $words_done (i32.ge_u (local.get $chunk) (local.get $chunks)))
        (local.set $start (i32.load (i32.add (local.get $edges) (i32.shl (local.get $chunk) (i32.const 3)))))
        (local.set $end (i32.load offset=4 (i32.add (local.get $edges) (i32.shl (local.get $chunk) (i32.const 3)))))
        (local.set $chunk (i32.add (local.get $chunk) (i32.const 1)))
        ;; The steps of $classAt, $fingerprint and $countInto are written out here: V8 does not
        ;; inline calls between WebAssembly functions, and four calls a word cost more than the
        ;; JavaScript they replace.
        (local.set $at (i32.add (local.get $units) (i32.shl (local.get $start) (i32.const 1))))
        (local.set $first (i32.load16_u (local.get $at)))
        (local.set $wordLength (i32.sub (local.get $end) (local.get $start)))
        (local.set $lastUnit (i32.load16_u (i32.add (local.get $at) (i32.shl (i32.sub (local.get $wordLength) (i32.const 1)) (i32.const 1)))))
        (if (i32.or
              (i32.ne (i32.load8_u (i32.add (local.get $classes) (local.get $first))) (i32.const 2))
              (i32.ne (i32.load8_u (i32.add (local.get $classes) (local.get $lastUnit))) (i32.const 2)))
          (then
            (local.set $tokens (call $splitChunk (local.get $units) (local.get $classes) (local.get $start) (local.get $end) (local.get $tokens)
              (local.get $starts) (local.get $fingerprints) (local.get $prefix) (local.get $buckets) (local.get $shift)))
            (local.set $characters (i32.load (i32.add (local.get $prefix) (i32.shl (local.get $tokens) (i32.const 2)))))
            (br $each_chunk)))
        (local.set $fingerprint
          (i32.add
            (i32.mul
              (i32.or (local.get $first)
                (i32.shl
                  (i32.and (i32.load16_u offset=2 (local.get $at)) (i32.shr_s (i32.sub (i32.const 1) (local.get $wordLength)) (i32.const 31)))
                  (i32.const 16)))
              (i32.const 0x2c1b3c6d))
            (i32.mul (i32.xor (i32.shl (local.get $lastUnit) (i32.const 8)) (local.get $wordLength)) (i32.const 0x297a2d39))))
        (local.set $at (i32.add (local.get $buckets) (i32.shr_u (local.get $fingerprint) (local.get $shift))))
        (local.set $seen (i32.load8_u (local.get $at)))
        (i32.store8 (local.get $at) (i32.add (local.get $seen) (i32.shr_u (i32.sub (local.get $seen) (i32.const 255)) (i32.const 31))))
        (local.set $at (i32.shl (local.get $tokens) (i32.const 2)))
        (i32.store (i32.add (local.get $starts) (local.get $at)) (local.get $start))
        (i32.store (i32.add (local.get $fingerprints) (local.get $at)) (local.get $fingerprint))
        (local.set $characters (i32.add (local.get $characters) (local.get $wordLength)))
        (i32.store offset=4 (i32.add (local.get $prefix) (local.get $at)) (local.get $characters))
        (local.set $tokens (i32.add (local.get $tokens) (i32.const 1)))
        (br $each_chunk)))

    ;; n = 1: the tokens whose bucket holds another (NgramFingerprints.start).
    (local.set $size
      (call $keepShared (local.get $fingerprints) (i32.const -1) (i32.const 0) (local.get $tokens)
        (local.get $firstPositions) (local.get $windowFingerprints) (local.get $counts) (local.get $buckets) (local.get $shift) (local.get $tokens)))
    (local.set $positions (local.get $firstPositions))
    (local.set $last (select (local.get $longest) (local.get $tokens) (i32.lt_u (local.get $longest) (local.get $tokens))))
    (local.set $n (i32.const 1))
    (block $clean
      (loop $each_n
        (br_if $clean (i32.gt_u (local.get $n) (local.get $last)))
        ;; n > 1: the n-gram at positions[k] is the (n-1)-gram there and the one after it, kept
        ;; only if that is positions[k + 1] (NgramFingerprints.advance).
        (if (i32.and (i32.gt_u (local.get $n) (i32.const 1)) (i32.ne (local.get $size) (i32.const 0)))
          (then
            (local.set $pairs (i32.const 0))
            (local.set $k (i32.const 0))
            (block $gathered
              (loop $each_window
                (br_if $gathered (i32.ge_u (i32.add (local.get $k) (i32.const 1)) (local.get $size)))
                (local.set $at (i32.add (local.get $positions) (i32.shl (local.get $k) (i32.const 2))))
                (local.set $gap (i32.sub (i32.sub (i32.load offset=4 (local.get $at)) (i32.load (local.get $at))) (i32.const 1)))
                (i32.store (i32.add (local.get $pairAt) (i32.shl (local.get $pairs) (i32.const 2))) (local.get $k))
                (local.set $pairs
                  (i32.add (local.get $pairs)
                    (i32.xor (i32.shr_u (i32.or (local.get $gap) (i32.sub (i32.const 0) (local.get $gap))) (i32.const 31)) (i32.const 1))))
                (local.set $k (i32.add (local.get $k) (i32.const 1)))
                (br $each_window)))
            (local.set $k (i32.const 0))
            (block $paired
              (loop $each_pair
                (br_if $paired (i32.ge_u (local.get $k) (local.get $pairs)))
                (local.set $at
                  (i32.add (local.get $windowFingerprints)
                    (i32.shl (i32.load (i32.add (local.get $pairAt) (i32.shl (local.get $k) (i32.const 2)))) (i32.const 2))))
                (local.set $second (i32.load offset=4 (local.get $at)))
                (local.set $fingerprint
                  (i32.add
                    (i32.mul (i32.load (local.get $at)) (i32.const 0x9e3779b1))
                    (i32.mul (i32.xor (local.get $second) (i32.shr_u (local.get $second) (i32.const 15))) (i32.const 0x85ebca6b))))
                (i32.store (i32.add (local.get $pairFingerprints) (i32.shl (local.get $k) (i32.const 2))) (local.get $fingerprint))
                (call $countInto (local.get $buckets) (i32.shr_u (local.get $fingerprint) (local.get $shift)))
                (local.set $k (i32.add (local.get $k) (i32.const 1)))
                (br $each_pair)))
            ;; Level 1 is left as it is; later levels are written over the one before (the
            ;; window read is never behind the one written).
            (local.set $next (select (local.get $laterPositions) (local.get $positions) (i32.eq (local.get $positions) (local.get $firstPositions))))
            (local.set $size
              (call $keepShared (local.get $pairFingerprints) (local.get $pairAt) (local.get $positions) (local.get $pairs)
                (local.get $next) (local.get $windowFingerprints) (local.get $counts) (local.get $buckets) (local.get $shift) (local.get $tokens)))
            (local.set $positions (local.get $next))))

        ;; The top n-gram's bound: the largest count x (characters + n - 1) over the windows
        ;; kept, or that of the first n-gram.
        (local.set $limit (f64.load (i32.add (local.get $rules) (i32.shl (i32.sub (local.get $n) (i32.const 1)) (i32.const 4)))))
        (if (f64.eq (local.get $limit) (local.get $limit))
          (then
            (local.set $bound
              (i64.extend_i32_s
                (i32.add
                  (i32.sub (i32.load (i32.add (local.get $prefix) (i32.shl (local.get $n) (i32.const 2)))) (i32.load (local.get $prefix)))
                  (i32.sub (local.get $n) (i32.const 1)))))
            (local.set $k (i32.const 0))
            (block $topped
              (loop $each_kept
                (br_if $topped (i32.ge_u (local.get $k) (local.get $size)))
                (local.set $at (i32.add (local.get $prefix) (i32.shl (i32.load (i32.add (local.get $positions) (i32.shl (local.get $k) (i32.const 2)))) (i32.const 2))))
                (local.set $product
                  (i64.mul
                    (i64.extend_i32_s (i32.load (i32.add (local.get $counts) (i32.shl (local.get $k) (i32.const 2)))))
                    (i64.extend_i32_s
                      (i32.add
                        (i32.sub (i32.load (i32.add (local.get $at) (i32.shl (local.get $n) (i32.const 2)))) (i32.load (local.get $at)))
                        (i32.sub (local.get $n) (i32.const 1))))))
                (if (i64.gt_s (local.get $product) (local.get $bound)) (then (local.set $bound (local.get $product))))
                (local.set $k (i32.add (local.get $k) (i32.const 1)))
                (br $each_kept)))
            (if (f64.gt (f64.div (f64.convert_i64_s (local.get $bound)) (f64.convert_i32_s (local.get $length))) (local.get $limit))
              (then (return (i32.const 0))))))

        ;; The duplicated n-grams' bound: the characters of every window kept.
        (local.set $limit (f64.load offset=8 (i32.add (local.get $rules) (i32.shl (i32.sub (local.get $n) (i32.const 1)) (i32.const 4)))))
        (if (f64.eq (local.get $limit) (local.get $limit))
          (then
            (local.set $bound (i64.const 0))
            (local.set $k (i32.const 0))
            (block $summed
              (loop $each_kept
                (br_if $summed (i32.ge_u (local.get $k) (local.get $size)))
                (local.set $at (i32.add (local.get $prefix) (i32.shl (i32.load (i32.add (local.get $positions) (i32.shl (local.get $k) (i32.const 2)))) (i32.const 2))))
                (local.set $bound
                  (i64.add (local.get $bound)
                    (i64.extend_i32_s (i32.sub (i32.load (i32.add (local.get $at) (i32.shl (local.get $n) (i32.const 2)))) (i32.load (local.get $at))))))
                (local.set $k (i32.add (local.get $k) (i32.const 1)))
                (br $each_kept)))
            (if (f64.gt (f64.div (f64.convert_i64_s (local.get $bound)) (f64.convert_i32_s (local.get $length))) (local.get $limit))
              (then (return (i32.const 0))))))
        (local.set $n (i32.add (local.get $n) (i32.const 1)))
        (br $each_n)))
    (i32.const 1)))
