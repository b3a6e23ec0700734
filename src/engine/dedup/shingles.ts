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

/** `count` shingles given as hash halves, as sorted, distinct 53-bit numbers: a set for exact Jaccard. */
export function shingleSet(low: Int32Array, high: Int32Array, count: number): Float64Array {
  const values = new Float64Array(count)
  for (let i = 0; i < count; i++) values[i] = to53(low[i], high[i])
  values.sort()
  let distinct = 0
  for (let i = 0; i < values.length; i++) if (i === 0 || values[i] !== values[distinct - 1]) values[distinct++] = values[i]
  return values.slice(0, distinct)
}

/** Jaccard similarity of two sets given as sorted, distinct numbers. */
export function jaccard(a: Float64Array, b: Float64Array): number {
  let i = 0
  let j = 0
  let shared = 0
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) {
      shared++
      i++
      j++
    } else if (a[i] < b[j]) i++
    else j++
  }
  const union = a.length + b.length - shared
  return union === 0 ? 1 : shared / union
}
