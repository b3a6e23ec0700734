import { hash53 } from './hash.js'
import { grownTo } from './typed-arrays.js'

/** The hash of a position without a key (hash53 is never negative). */
const NO_KEY = -1

/**
 * The records' keys of one index, position by position: each key's UTF-16 code units in one
 * growable byte buffer, with its 53-bit hash. A million keys held as strings were ~65 MB of
 * heap a side, a million small objects that every young-generation collection promoted and
 * every full one marked; here they are 12 bytes a record and 2 a character, in three typed
 * arrays. Code units rather than UTF-8, so that every string, a lone surrogate too, comes back
 * as it was.
 */
export class KeyStore {
  /** Positions stored. */
  count = 0
  private bytes = new Uint8Array(1 << 14)
  private used = 0
  /** Per position: where its key's bytes end (they start where the previous one's end). */
  private ends = new Int32Array(1024)
  private hashes = new Float64Array(1024)

  /** Makes room for `total` positions in all, their keys as long as those stored so far. */
  reserve(total: number): void {
    if (total <= this.ends.length || this.count === 0) return
    this.ends = grownTo(this.ends, total)
    this.hashes = grownTo(this.hashes, total)
    const bytes = Math.ceil((this.used / this.count) * total)
    if (bytes > this.bytes.length) this.bytes = grownTo(this.bytes, bytes)
  }

  /** Adds the key of the next position; undefined when that record has none. */
  add(key: string | undefined): void {
    if (this.count === this.ends.length) {
      this.ends = grownTo(this.ends, Math.max(1024, 2 * this.count))
      this.hashes = grownTo(this.hashes, Math.max(1024, 2 * this.count))
    }
    const position = this.count++
    if (key === undefined) {
      this.hashes[position] = NO_KEY
      this.ends[position] = this.used
      return
    }
    const length = 2 * key.length
    if (this.used + length > this.bytes.length) {
      let size = Math.max(1 << 14, this.bytes.length * 2)
      while (size < this.used + length) size *= 2
      this.bytes = grownTo(this.bytes, size)
    }
    // Code units little-endian, as `toString('utf16le')` reads them back; keys are short, and a
    // loop allocates nothing (a Buffer view a key would).
    const bytes = this.bytes
    for (let i = 0, at = this.used; i < key.length; i++, at += 2) {
      const unit = key.charCodeAt(i)
      bytes[at] = unit & 0xff
      bytes[at + 1] = unit >>> 8
    }
    this.used += length
    this.ends[position] = this.used
    this.hashes[position] = hash53(key)
  }

  has(position: number): boolean {
    return this.hashes[position] !== NO_KEY
  }

  /** The key's hash53 (the position must have a key). */
  hashAt(position: number): number {
    return this.hashes[position]
  }

  /** The key at `position`, or undefined when its record has none. */
  at(position: number): string | undefined {
    if (!this.has(position)) return undefined
    const start = this.startOf(position)
    return Buffer.from(this.bytes.buffer, this.bytes.byteOffset + start, this.ends[position] - start).toString('utf16le')
  }

  /** True when the key at `position` here and the one at `otherPosition` of `other` are the same string (both must have keys). */
  sameKey(position: number, other: KeyStore, otherPosition: number): boolean {
    if (this.hashes[position] !== other.hashes[otherPosition]) return false
    const start = this.startOf(position)
    const otherStart = other.startOf(otherPosition)
    const length = this.ends[position] - start
    if (other.ends[otherPosition] - otherStart !== length) return false
    const bytes = this.bytes
    const otherBytes = other.bytes
    for (let i = 0; i < length; i++) if (bytes[start + i] !== otherBytes[otherStart + i]) return false
    return true
  }

  /** Drops the room kept for more keys (up to half of what the arrays hold): for a store that is complete, before it is cached. */
  trim(): void {
    this.bytes = this.bytes.slice(0, this.used)
    this.ends = this.ends.slice(0, this.count)
    this.hashes = this.hashes.slice(0, this.count)
  }

  /** Every position keeps its place but loses its key. */
  clear(): void {
    this.hashes.fill(NO_KEY, 0, this.count)
    this.ends.fill(0, 0, this.count)
    this.used = 0
  }

  private startOf(position: number): number {
    return position === 0 ? 0 : this.ends[position - 1]
  }
}
