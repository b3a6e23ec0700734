import { fmix32, mixBlock } from './murmur.js'

/**
 * `Math.imul` bound once: in a VM context (jest) every global lookup in a hot loop goes through
 * the context's interceptor, which made signatures 100 times slower there.
 */
const imul = Math.imul

/** A small seeded generator (mulberry32): the same permutations on every run and machine. */
export function seededRandom(seed: number): () => number {
  let state = seed | 0
  return () => {
    state = (state + 0x6d2b79f5) | 0
    let t = imul(state ^ (state >>> 15), 1 | state)
    t = (t + imul(t ^ (t >>> 7), 61 | t)) ^ t
    return (t ^ (t >>> 14)) | 0
  }
}

/**
 * MinHash over 32-bit shingle hashes with `permutations` random permutations of the 32-bit
 * integers, each `x -> a*x + b (mod 2^32)` with `a` odd (so it is a bijection), computed with
 * `Math.imul` and compared as signed integers (a fixed re-labelling of the same order, so still
 * a permutation). No float and no BigInt: datasketch's `(a*x + b) mod p` over 61-bit primes
 * needs 64-bit products, which JavaScript numbers cannot hold exactly.
 */
export class MinHasher {
  /** Each permutation's `a` (odd) and `b`: band-signer.ts copies them into its WebAssembly memory. */
  readonly multipliers: Int32Array
  readonly offsets: Int32Array

  constructor(
    readonly permutations: number,
    seed = 1
  ) {
    const random = seededRandom(seed)
    this.multipliers = new Int32Array(permutations)
    this.offsets = new Int32Array(permutations)
    for (let p = 0; p < permutations; p++) {
      this.multipliers[p] = random() | 1
      this.offsets[p] = random()
    }
  }

  /**
   * The signature of the first `count` shingles into `out` (length `permutations`). Eight
   * permutations a pass over the shingles, their minimums in registers: about twice as fast as
   * one a pass, and this loop is most of the near-duplicate check's time. `from`: where the
   * shingles start in `shingles` (a batch holds many records' shingles end to end).
   */
  signature(shingles: Int32Array, count: number, out: Int32Array, from = 0): void {
    const multipliers = this.multipliers
    const offsets = this.offsets
    const unrolled = this.permutations - (this.permutations % 8)
    for (let p = 0; p < unrolled; p += 8) {
      const a0 = multipliers[p], a1 = multipliers[p + 1], a2 = multipliers[p + 2], a3 = multipliers[p + 3]
      const a4 = multipliers[p + 4], a5 = multipliers[p + 5], a6 = multipliers[p + 6], a7 = multipliers[p + 7]
      const b0 = offsets[p], b1 = offsets[p + 1], b2 = offsets[p + 2], b3 = offsets[p + 3]
      const b4 = offsets[p + 4], b5 = offsets[p + 5], b6 = offsets[p + 6], b7 = offsets[p + 7]
      let m0 = 0x7fffffff, m1 = m0, m2 = m0, m3 = m0, m4 = m0, m5 = m0, m6 = m0, m7 = m0
      for (let s = from, end = from + count; s < end; s++) {
        const x = shingles[s]
        let v = (imul(a0, x) + b0) | 0
        if (v < m0) m0 = v
        v = (imul(a1, x) + b1) | 0
        if (v < m1) m1 = v
        v = (imul(a2, x) + b2) | 0
        if (v < m2) m2 = v
        v = (imul(a3, x) + b3) | 0
        if (v < m3) m3 = v
        v = (imul(a4, x) + b4) | 0
        if (v < m4) m4 = v
        v = (imul(a5, x) + b5) | 0
        if (v < m5) m5 = v
        v = (imul(a6, x) + b6) | 0
        if (v < m6) m6 = v
        v = (imul(a7, x) + b7) | 0
        if (v < m7) m7 = v
      }
      out[p] = m0
      out[p + 1] = m1
      out[p + 2] = m2
      out[p + 3] = m3
      out[p + 4] = m4
      out[p + 5] = m5
      out[p + 6] = m6
      out[p + 7] = m7
    }
    for (let p = unrolled; p < this.permutations; p++) out[p] = this.minimum(p, shingles.subarray(from, from + count), count)
  }

  /** One permutation's minimum over the shingles: the plain definition, for the remainder and for tests. */
  minimum(permutation: number, shingles: Int32Array, count: number): number {
    const a = this.multipliers[permutation]
    const b = this.offsets[permutation]
    let min = 0x7fffffff
    for (let s = 0; s < count; s++) {
      const value = (imul(a, shingles[s]) + b) | 0
      if (value < min) min = value
    }
    return min
  }
}

/**
 * One 32-bit hash per band of `rows` signature values, written to `out[at + band]`. Two records
 * share a band hash when all its rows agree (or, once in 2^32, by chance: the verification
 * with exact Jaccard drops those).
 */
export function bandHashes(signature: Int32Array, bands: number, rows: number, out: Int32Array, at: number): void {
  for (let band = 0; band < bands; band++) {
    let h = imul(band + 1, 0x9e3779b1)
    const start = band * rows
    for (let r = 0; r < rows; r++) h = mixBlock(h, signature[start + r])
    out[at + band] = fmix32(h ^ rows)
  }
}

/** The share of agreeing signature values: an estimate of the Jaccard similarity. */
export function estimateJaccard(a: Int32Array, b: Int32Array): number {
  let same = 0
  for (let i = 0; i < a.length; i++) if (a[i] === b[i]) same++
  return same / a.length
}
