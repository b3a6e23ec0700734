/**
 * Words and shingles of records as pairs of 32-bit hashes, in integer arithmetic only
 * (`Math.imul`). The low half of a shingle feeds MinHash; both halves (53 bits of them) name a
 * shingle for the exact Jaccard check, where a collision is about one in 10^12 per pair of
 * shingles.
 */
import { fmix32 } from './murmur.js'

const imul = Math.imul

const K1 = 0x9e3779b1
const K2 = 0x85ebca77
const K3 = 0x27d4eb2f

/** A 53-bit number from the two halves of a 64-bit hash: exact in a double, usable as a Map key. */
export function to53(low: number, high: number): number {
  return (high & 0x1fffff) * 4294967296 + (low >>> 0)
}

/** Two independent 32-bit hashes of `text[start, end)`, written to `out[at]` and `out[at + 1]`. */
export function hashRange(text: string, start: number, end: number, out: Int32Array, at: number): void {
  let h1 = 0x9747b28c
  let h2 = 0x5bd1e995
  for (let i = start; i < end; i++) {
    const code = text.charCodeAt(i)
    h1 = imul(h1 ^ code, K1)
    h2 = imul(h2 ^ code, K2)
  }
  const length = end - start
  out[at] = fmix32(h1 ^ length)
  out[at + 1] = fmix32((h2 ^ imul(length, K3)) + h1)
}

/** How a record is cut into shingles. */
export interface ShingleOptions {
  /** Words per shingle (5). */
  ngram: number
  /** Characters per shingle for short records (5). */
  charNgram: number
  /** Records with fewer words than this are shingled by characters: a few words make too few word n-grams to compare. */
  minWords: number
}

/** Character shingle hashes of one short record, in buffers reused from one record to the next (word shingles come from `Tokens`). */
export class Shingler {
  /** Per shingle of the last record: low half of its hash. */
  low = new Int32Array(1024)
  /** Per shingle of the last record: high half. */
  high = new Int32Array(1024)
  /** Shingles of the last record. */
  count = 0
  private readonly scratch = new Int32Array(2)

  /** Character n-grams of a normalised text. Shorter than `n`: one shingle of it all. */
  characters(normalised: string, n: number): number {
    const length = normalised.length
    const count = length <= n ? 1 : length - n + 1
    const size = length <= n ? length : n
    this.ensure(count)
    for (let s = 0; s < count; s++) {
      hashRange(normalised, s, s + size, this.scratch, 0)
      // Another seed than word shingles: a short text and a long one never share shingles by accident.
      this.low[s] = fmix32(this.scratch[0] ^ 0x2545f491)
      this.high[s] = this.scratch[1]
    }
    this.count = count
    return count
  }

  private ensure(count: number): void {
    if (this.low.length < count) {
      this.low = new Int32Array(Math.ceil(count * 1.5))
      this.high = new Int32Array(this.low.length)
    }
  }
}

/**
 * An open-addressing set of 64-bit hashes (int32 pairs) in typed arrays, emptied in O(1) by
 * moving to a new generation: one serves every set built and every Jaccard computed
 * (JavaScript runs one at a time), so neither allocates more than its result. The hashes are
 * finalised already: their low half picks the slot.
 */
class PairTable {
  private lows = new Int32Array(0)
  private highs = new Int32Array(0)
  private stamps = new Int32Array(0)
  private mask = 0
  private generation = 0

  /** Empties the table and sizes it for `count` pairs. */
  reset(count: number): void {
    let capacity = 16
    while (capacity < 2 * count) capacity *= 2
    if (capacity > this.lows.length) {
      this.lows = new Int32Array(capacity)
      this.highs = new Int32Array(capacity)
      this.stamps = new Int32Array(capacity)
      this.generation = 0
    }
    this.mask = capacity - 1
    if (++this.generation === 0x7fffffff) {
      this.stamps.fill(0)
      this.generation = 1
    }
  }

  /** Adds the pair; false when it was there already. */
  add(low: number, high: number): boolean {
    let slot = low & this.mask
    while (this.stamps[slot] === this.generation) {
      if (this.lows[slot] === low && this.highs[slot] === high) return false
      slot = (slot + 1) & this.mask
    }
    this.stamps[slot] = this.generation
    this.lows[slot] = low
    this.highs[slot] = high
    return true
  }

  has(low: number, high: number): boolean {
    let slot = low & this.mask
    while (this.stamps[slot] === this.generation) {
      if (this.lows[slot] === low && this.highs[slot] === high) return true
      slot = (slot + 1) & this.mask
    }
    return false
  }
}

const table = new PairTable()

/**
 * A record's shingles as a set for exact Jaccard: their distinct 64-bit hashes, as (low, high)
 * int32 pairs in first-seen order. (Sorting each candidate's set cost more than all the
 * comparisons made with it; two shingles are the same when both halves agree.)
 */
export type ShingleSet = Int32Array

/** Ints of one chunk sets are cut from (1 MiB); a set of more than a quarter of it gets a chunk of its own. */
const SET_CHUNK = 1 << 18

/**
 * Where sets are written: views of shared chunks rather than an array each. A typed array of
 * its own has its own backing store outside the heap: the 80,000 candidates' sets of a
 * million-record scan held ~30 MB more at the peak that way (524-537 MB against 553-568 MB,
 * three runs each; the time within noise). A chunk lives as long as a set of it does, and
 * the sets live until their side's finish is over.
 */
let chunk = new Int32Array(0)
let used = 0

/**
 * The sets made so far keep their chunks to themselves: the next set starts a new one. For
 * a thread about to move those chunks to another (see check-worker.ts), as writing into a moved
 * chunk would fail.
 */
export function sealSetChunks(): void {
  chunk = new Int32Array(0)
  used = 0
}

/** The set of `count` shingles given as hash halves. */
export function shingleSet(low: Int32Array, high: Int32Array, count: number): ShingleSet {
  if (used + 2 * count > chunk.length) {
    chunk = new Int32Array(Math.max(SET_CHUNK, 2 * count))
    used = 0
  }
  table.reset(count)
  const pairs = chunk
  const start = used
  let at = start
  for (let i = 0; i < count; i++) {
    if (!table.add(low[i], high[i])) continue
    pairs[at++] = low[i]
    pairs[at++] = high[i]
  }
  used = at
  return pairs.subarray(start, at)
}

/** Jaccard similarity of two shingle sets: |A ∩ B| / |A ∪ B|, 1 for two empty sets. */
export function jaccard(a: ShingleSet, b: ShingleSet): number {
  const sizeA = a.length >> 1
  const sizeB = b.length >> 1
  table.reset(sizeA)
  for (let i = 0; i < a.length; i += 2) table.add(a[i], a[i + 1])
  let shared = 0
  for (let i = 0; i < b.length; i += 2) if (table.has(b[i], b[i + 1])) shared++
  const union = sizeA + sizeB - shared
  return union === 0 ? 1 : shared / union
}
