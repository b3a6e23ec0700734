;; Words of a record's text to hashes, shingles and the exact digest, in WebAssembly SIMD: bit
;; for bit what the JavaScript in shingles.ts computes (the reference, and the fallback where
;; WebAssembly SIMD is missing). scripts/build-wasm.mjs compiles this file into tokens-wasm.ts;
;; shingles.ts loads it.
;;
;; Text arrives as UTF-8 bytes: ASCII text as it is, other text already normalised (NFKC, lower
;; case, punctuation turned into single spaces) by normaliseText in JavaScript. A byte is a
;; break when it is one of the ASCII characters normalisation turns into a space
;; (ASCII_BREAK_CODES in normalise.ts); every other byte, including each byte of a non-ASCII
;; character, is part of a word, and A-Z are lower-cased. So both kinds of text give the words
;; of the normalised text.
;;
;; Finding words is the costly part in JavaScript: a branch a character, mispredicted at every
;; word boundary. Here 16 bytes at a time are classified with two table lookups (i8x16.swizzle
;; on the low and the high nibble) into a bitmap of break bytes; then, 64 bytes of it at a time,
;; the bits where words start and end are found with shifts and walked with ctz.
;;
;; A word's hash is xxHash32's round (acc + lane * P2, rotated by 13, times P1) over its bytes
;; read four at a time, little-endian, zero-padded, at least two blocks, from two seeds; then
;; MurmurHash3's finaliser with the length mixed in: two 32-bit halves, `low` and `high`.
;; The per-word and per-token steps are written out where they are used: V8 does not inline
;; calls between WebAssembly functions, and a call a step cost a third of the time.
;;
;; The caller lays out the memory (byte addresses): the text at $text with 64 zero bytes after
;; it, the bitmap at $bitmap (a bit a byte of text, rounded up to 8 bytes, plus 8), token
;; hashes as (low, high) pairs of i32.
(module
  (memory (export "memory") 1)

  ;; MurmurHash3's finaliser.
  (func $fmix32 (param $h i32) (result i32)
    (local.set $h (i32.xor (local.get $h) (i32.shr_u (local.get $h) (i32.const 16))))
    (local.set $h (i32.mul (local.get $h) (i32.const 0x85ebca6b)))
    (local.set $h (i32.xor (local.get $h) (i32.shr_u (local.get $h) (i32.const 13))))
    (local.set $h (i32.mul (local.get $h) (i32.const 0xc2b2ae35)))
    (i32.xor (local.get $h) (i32.shr_u (local.get $h) (i32.const 16))))

  ;; The low `n` bytes (0 to 4) of a 32-bit word.
  (func $lowBytes (param $n i32) (result i32)
    (i32.wrap_i64 (i64.sub (i64.shl (i64.const 1) (i64.extend_i32_u (i32.shl (local.get $n) (i32.const 3)))) (i64.const 1))))

  ;; Lower-cases the text's A-Z in place and writes its bitmap: bit i set when byte i is a break.
  ;; Every byte up to and including $len is classified (the zero after the text is a break, so
  ;; every word has an end), in whole windows of 64, so that no bit of the bitmap is unset.
  (func $classify (param $text i32) (param $len i32) (param $bitmap i32)
    (local $p i32)
    (local $v v128)
    (local $upper v128)
    (local $class v128)
    (block $done
      (loop $each_block
        (br_if $done (i32.and (i32.gt_u (local.get $p) (local.get $len)) (i32.eqz (i32.and (local.get $p) (i32.const 63)))))
        (local.set $v (v128.load (i32.add (local.get $text) (local.get $p))))
        ;; A-Z: (byte - 'A') < 26, unsigned; they get 32 added.
        (local.set $upper (i8x16.lt_u (i8x16.sub (local.get $v) (i8x16.splat (i32.const 65))) (i8x16.splat (i32.const 26))))
        (local.set $v (i8x16.add (local.get $v) (v128.and (local.get $upper) (i8x16.splat (i32.const 32)))))
        (v128.store (i32.add (local.get $text) (local.get $p)) (local.get $v))
        ;; A break byte (high nibble h, low nibble l) has bit h set in LOW[l], and HIGH[h] is
        ;; 1 << h (0 for h >= 8: no byte from 0x80 up is a break). LOW[l] has bit h set for
        ;; each h with byte (h << 4 | l) a break: 0x00-0x20, ! " # % & ' ( ) * , - . / : ; ? @
        ;; [ \ ] _ { } and 0x7f.
        (local.set $class
          (v128.and
            (i8x16.swizzle
              (v128.const i8x16 0x17 0x07 0x07 0x07 0x03 0x07 0x07 0x07 0x07 0x07 0x0f 0xab 0x27 0xa7 0x07 0xaf)
              (v128.and (local.get $v) (i8x16.splat (i32.const 15))))
            (i8x16.swizzle
              (v128.const i8x16 0x01 0x02 0x04 0x08 0x10 0x20 0x40 0x80 0 0 0 0 0 0 0 0)
              (i8x16.shr_u (local.get $v) (i32.const 4)))))
        (i32.store16
          (i32.add (local.get $bitmap) (i32.shr_u (local.get $p) (i32.const 3)))
          (i8x16.bitmask (i8x16.ne (local.get $class) (v128.const i64x2 0 0))))
        (local.set $p (i32.add (local.get $p) (i32.const 16)))
        (br $each_block))))

  ;; Appends the hashes of the words of the $len bytes at $text to the pairs at $tokens, from
  ;; pair $count on; returns the new count. Needs 64 zero bytes after the text and room for
  ;; $len / 2 + 1 more pairs.
  (func (export "tokenize") (param $text i32) (param $len i32) (param $bitmap i32) (param $tokens i32) (param $count i32) (result i32)
    (local $window i32)
    (local $base i32)
    (local $words i64)
    (local $shifted i64)
    (local $carry i64)
    (local $starts i64)
    (local $ends i64)
    (local $start i32)
    (local $pending i32)
    (local $end i32)
    (local $length i32)
    (local $bytes i64)
    (local $b0 i32)
    (local $b1 i32)
    (local $h1 i32)
    (local $h2 i32)
    (local $q i32)
    (local $at i32)
    (local $k0 i32)
    (local $k1 i32)
    (local $f1 i32)
    (local $f2 i32)
    (call $classify (local.get $text) (local.get $len) (local.get $bitmap))
    (local.set $pending (i32.const -1))
    (block $done
      (loop $each_window
        (local.set $base (i32.shl (local.get $window) (i32.const 6)))
        (br_if $done (i32.gt_u (local.get $base) (local.get $len)))
        ;; Word bytes are the clear bits; a word starts where the byte before is not one, ends
        ;; (exclusive) at the first break after it. $carry: the last byte of the window before.
        (local.set $words (i64.xor (i64.load (i32.add (local.get $bitmap) (i32.shl (local.get $window) (i32.const 3)))) (i64.const -1)))
        (local.set $shifted (i64.or (i64.shl (local.get $words) (i64.const 1)) (local.get $carry)))
        (local.set $starts (i64.and (local.get $words) (i64.xor (local.get $shifted) (i64.const -1))))
        (local.set $ends (i64.and (i64.xor (local.get $words) (i64.const -1)) (local.get $shifted)))
        (local.set $carry (i64.shr_u (local.get $words) (i64.const 63)))
        (block $window_done
          (loop $each_end
            (br_if $window_done (i64.eqz (local.get $ends)))
            ;; The word ending here started in an earlier window, or is the next start of this one.
            (if (i32.ge_s (local.get $pending) (i32.const 0))
              (then
                (local.set $start (local.get $pending))
                (local.set $pending (i32.const -1)))
              (else
                (local.set $start (i32.add (local.get $base) (i32.wrap_i64 (i64.ctz (local.get $starts)))))
                (local.set $starts (i64.and (local.get $starts) (i64.sub (local.get $starts) (i64.const 1))))))
            (local.set $end (i32.add (local.get $base) (i32.wrap_i64 (i64.ctz (local.get $ends)))))
            (local.set $ends (i64.and (local.get $ends) (i64.sub (local.get $ends) (i64.const 1))))
            (local.set $length (i32.sub (local.get $end) (local.get $start)))
            ;; The first eight bytes at once, masked to the word: most words need no more.
            (local.set $bytes (i64.load (i32.add (local.get $text) (local.get $start))))
            (if (i32.lt_u (local.get $length) (i32.const 8))
              (then
                (local.set $bytes
                  (i64.and (local.get $bytes)
                    (i64.sub (i64.shl (i64.const 1) (i64.extend_i32_u (i32.shl (local.get $length) (i32.const 3)))) (i64.const 1))))))
            (local.set $b0 (i32.wrap_i64 (local.get $bytes)))
            (local.set $b1 (i32.wrap_i64 (i64.shr_u (local.get $bytes) (i64.const 32))))
            ;; Two xxHash32 rounds a lane.
            (local.set $k0 (i32.mul (local.get $b0) (i32.const 0x85ebca77)))
            (local.set $k1 (i32.mul (local.get $b1) (i32.const 0x85ebca77)))
            (local.set $h1 (i32.mul (i32.rotl (i32.add (i32.mul (i32.rotl (i32.add (i32.const 0x9747b28c) (local.get $k0)) (i32.const 13)) (i32.const 0x9e3779b1)) (local.get $k1)) (i32.const 13)) (i32.const 0x9e3779b1)))
            (local.set $h2 (i32.mul (i32.rotl (i32.add (i32.mul (i32.rotl (i32.add (i32.const 0x5bd1e995) (local.get $k0)) (i32.const 13)) (i32.const 0x9e3779b1)) (local.get $k1)) (i32.const 13)) (i32.const 0x9e3779b1)))
            ;; Longer words, four bytes a block.
            (local.set $q (i32.add (local.get $start) (i32.const 8)))
            (block $blocks_done
              (loop $each_block
                (br_if $blocks_done (i32.ge_u (local.get $q) (local.get $end)))
                (local.set $b0
                  (i32.and (i32.load (i32.add (local.get $text) (local.get $q)))
                    (call $lowBytes
                      (select (i32.const 4) (i32.sub (local.get $end) (local.get $q)) (i32.gt_u (i32.sub (local.get $end) (local.get $q)) (i32.const 4))))))
                (local.set $k0 (i32.mul (local.get $b0) (i32.const 0x85ebca77)))
                (local.set $h1 (i32.mul (i32.rotl (i32.add (local.get $h1) (local.get $k0)) (i32.const 13)) (i32.const 0x9e3779b1)))
                (local.set $h2 (i32.mul (i32.rotl (i32.add (local.get $h2) (local.get $k0)) (i32.const 13)) (i32.const 0x9e3779b1)))
                (local.set $q (i32.add (local.get $q) (i32.const 4)))
                (br $each_block)))
            (local.set $at (i32.add (local.get $tokens) (i32.shl (local.get $count) (i32.const 3))))
            ;; MurmurHash3's finaliser of each lane, the length mixed in.
            (local.set $f1 (i32.xor (local.get $h1) (local.get $length)))
            (local.set $f1 (i32.mul (i32.xor (local.get $f1) (i32.shr_u (local.get $f1) (i32.const 16))) (i32.const 0x85ebca6b)))
            (local.set $f1 (i32.mul (i32.xor (local.get $f1) (i32.shr_u (local.get $f1) (i32.const 13))) (i32.const 0xc2b2ae35)))
            (local.set $f1 (i32.xor (local.get $f1) (i32.shr_u (local.get $f1) (i32.const 16))))
            (local.set $f2 (i32.add (i32.xor (local.get $h2) (i32.mul (local.get $length) (i32.const 0x27d4eb2f))) (local.get $h1)))
            (local.set $f2 (i32.mul (i32.xor (local.get $f2) (i32.shr_u (local.get $f2) (i32.const 16))) (i32.const 0x85ebca6b)))
            (local.set $f2 (i32.mul (i32.xor (local.get $f2) (i32.shr_u (local.get $f2) (i32.const 13))) (i32.const 0xc2b2ae35)))
            (local.set $f2 (i32.xor (local.get $f2) (i32.shr_u (local.get $f2) (i32.const 16))))
            (i32.store (local.get $at) (local.get $f1))
            (i32.store offset=4 (local.get $at) (local.get $f2))
            (local.set $count (i32.add (local.get $count) (i32.const 1)))
            (br $each_end)))
        ;; A word that goes on into the next window.
        (if (i64.ne (local.get $starts) (i64.const 0))
          (then (local.set $pending (i32.add (local.get $base) (i32.wrap_i64 (i64.ctz (local.get $starts)))))))
        (local.set $window (i32.add (local.get $window) (i32.const 1)))
        (br $each_window)))
    (local.get $count))

  ;; The exact hash of the token sequence ($count pairs at $tokens) into the two i32 at $out.
  (func (export "digest") (param $tokens i32) (param $count i32) (param $out i32)
    (local $h1 i32)
    (local $h2 i32)
    (local $t i32)
    (local $end i32)
    (local.set $h1 (i32.const 0x243f6a88))
    (local.set $h2 (i32.const 0x13198a2e))
    (local.set $t (local.get $tokens))
    (local.set $end (i32.add (local.get $tokens) (i32.shl (local.get $count) (i32.const 3))))
    (block $done
      (loop $each_token
        (br_if $done (i32.ge_u (local.get $t) (local.get $end)))
        ;; MurmurHash3's block step (mixBlock in murmur.ts) of each lane.
        (local.set $h1 (i32.add (i32.mul (i32.rotl (i32.xor (local.get $h1) (i32.mul (i32.rotl (i32.mul (i32.load (local.get $t)) (i32.const 0xcc9e2d51)) (i32.const 15)) (i32.const 0x1b873593))) (i32.const 13)) (i32.const 5)) (i32.const 0xe6546b64)))
        (local.set $h2 (i32.add (i32.mul (i32.rotl (i32.xor (local.get $h2) (i32.mul (i32.rotl (i32.mul (i32.load offset=4 (local.get $t)) (i32.const 0xcc9e2d51)) (i32.const 15)) (i32.const 0x1b873593))) (i32.const 13)) (i32.const 5)) (i32.const 0xe6546b64)))
        (local.set $t (i32.add (local.get $t) (i32.const 8)))
        (br $each_token)))
    (i32.store (local.get $out) (call $fmix32 (i32.xor (local.get $h1) (local.get $count))))
    (i32.store offset=4 (local.get $out) (call $fmix32 (i32.xor (local.get $h2) (i32.mul (local.get $count) (i32.const 0x27d4eb2f))))))

;; One half (the int32 at $half: 0 low, 4 high) of the hashes of the word $n-gram shingles of
  ;; $count tokens (one shingle of them all when there are fewer than $n) into the i32 at $out;
  ;; returns how many. A shingle is the polynomial sum of its tokens' halves,
  ;; x = t[0] * B^(n-1) + ... + t[n-1] (mod 2^32), rolled from one shingle to the next at two
  ;; multiplies, then finalised (MurmurHash3's finaliser, the size mixed in).
  (func $rolling (param $tokens i32) (param $count i32) (param $n i32) (param $half i32) (param $base i32) (param $out i32) (result i32)
    (local $size i32)
    (local $shingles i32)
    (local $s i32)
    (local $j i32)
    (local $x i32)
    (local $top i32)
    (local $f i32)
    (local.set $tokens (i32.add (local.get $tokens) (local.get $half)))
    (local.set $size (select (local.get $count) (local.get $n) (i32.lt_u (local.get $count) (local.get $n))))
    (local.set $shingles (select (i32.const 1) (i32.add (i32.sub (local.get $count) (local.get $n)) (i32.const 1)) (i32.lt_u (local.get $count) (local.get $n))))
    ;; The first shingle, and B^(size-1): the weight of the token that leaves when it rolls.
    (local.set $top (i32.const 1))
    (block $first_done
      (loop $each_word
        (br_if $first_done (i32.ge_u (local.get $j) (local.get $size)))
        (local.set $x (i32.add (i32.mul (local.get $x) (local.get $base)) (i32.load (i32.add (local.get $tokens) (i32.shl (local.get $j) (i32.const 3))))))
        (if (i32.gt_u (local.get $j) (i32.const 0)) (then (local.set $top (i32.mul (local.get $top) (local.get $base)))))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br $each_word)))
    (block $done
      (loop $each_shingle
        (local.set $f (i32.xor (local.get $x) (local.get $size)))
        (local.set $f (i32.mul (i32.xor (local.get $f) (i32.shr_u (local.get $f) (i32.const 16))) (i32.const 0x85ebca6b)))
        (local.set $f (i32.mul (i32.xor (local.get $f) (i32.shr_u (local.get $f) (i32.const 13))) (i32.const 0xc2b2ae35)))
        (local.set $f (i32.xor (local.get $f) (i32.shr_u (local.get $f) (i32.const 16))))
        (i32.store (i32.add (local.get $out) (i32.shl (local.get $s) (i32.const 2))) (local.get $f))
        (local.set $s (i32.add (local.get $s) (i32.const 1)))
        (br_if $done (i32.ge_u (local.get $s) (local.get $shingles)))
        ;; Roll: the token at s - 1 leaves, the one at s - 1 + size comes in.
        (local.set $x
          (i32.add
            (i32.mul
              (i32.sub (local.get $x) (i32.mul (i32.load (i32.add (local.get $tokens) (i32.shl (i32.sub (local.get $s) (i32.const 1)) (i32.const 3)))) (local.get $top)))
              (local.get $base))
            (i32.load (i32.add (local.get $tokens) (i32.shl (i32.add (i32.sub (local.get $s) (i32.const 1)) (local.get $size)) (i32.const 3))))))
        (br $each_shingle)))
    (local.get $shingles))

  ;; The MinHash hashes of the word $n-gram shingles: their low halves alone, into $out.
  (func (export "shingleLows") (param $tokens i32) (param $count i32) (param $n i32) (param $out i32) (result i32)
    (call $rolling (local.get $tokens) (local.get $count) (local.get $n) (i32.const 0) (i32.const 0x9e3779b1) (local.get $out)))

  ;; Both halves of the word $n-gram shingles' hashes, the low ones (as shingleLows) into $low,
  ;; the high ones into $high: 64 bits a shingle, for exact Jaccard and contamination.
  (func (export "ngrams") (param $tokens i32) (param $count i32) (param $n i32) (param $low i32) (param $high i32) (result i32)
    (drop (call $rolling (local.get $tokens) (local.get $count) (local.get $n) (i32.const 0) (i32.const 0x9e3779b1) (local.get $low)))
    (call $rolling (local.get $tokens) (local.get $count) (local.get $n) (i32.const 4) (i32.const 0x85ebca77) (local.get $high))))
