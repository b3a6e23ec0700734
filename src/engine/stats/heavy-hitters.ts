import { hash53 } from '../hash.js'

/** One frequent item: its estimated count and the most that estimate can exceed the truth by. */
export interface HeavyHitter {
  item: string
  count: number
  /** Upper bound of the overestimate; 0 while the sketch never had to evict. */
  error: number
}

/** Entries allocated up front; the arrays double from there up to the capacity. */
const INITIAL_ENTRIES = 1024

/**
 * The most frequent items of a stream in bounded memory: Space-Saving (Metwally, Agrawal &
 * El Abbadi 2005) on a min-heap. Exact while the stream has at most `capacity` distinct items;
 * past that, every count is overestimated by at most (stream length / capacity).
 *
 * An item may be offered for every record of a file, so an offer works on typed arrays only: each
 * tracked item keeps a fixed entry (its string, hash and error), found by its hash in an
 * open-addressing table, and the heap holds entry numbers with their counts, so sifting moves
 * numbers, not strings. The sketch keeps the strings it is given: a slice of a long text keeps
 * that text alive.
 */
export class SpaceSaving {
  /** Per entry: the item and the count it inherited on eviction. */
  private readonly items: string[] = []
  private errors = new Float64Array(0)
  /** The heap, least counted at the root: per position, the entry there and its count. */
  private heap = new Int32Array(0)
  private counts = new Float64Array(0)
  /** Per entry: its position in the heap. */
  private positions = new Int32Array(0)
  /** Per entry: hash53 of its item. */
  private hashes = new Float64Array(0)
  /** Open addressing with linear probing: entry + 1 per slot, 0 for an empty slot. */
  private table = new Int32Array(0)
  private mask = 0
  /** Items offered. */
  total = 0
  /** True once an item had to be evicted: counts are then estimates. */
  evicted = false

  constructor(readonly capacity: number) {
    if (!(capacity >= 1)) throw new RangeError('capacity must be at least 1')
  }

  /**
   * Counts one occurrence of `item`. `hash` must be `hash53(item)`: a caller that reads the item's
   * characters anyway can hash them on the way and save the sketch reading them again.
   */
  offer(item: string, hash: number = hash53(item)): void {
    this.total++
    const known = this.find(item, hash)
    if (known !== -1) {
      const at = this.positions[known]
      this.counts[at]++
      this.siftDown(at)
      return
    }
    const size = this.items.length
    if (size < this.capacity) {
      if (size === this.heap.length) this.grow()
      this.items.push(item)
      this.errors[size] = 0
      this.heap[size] = size
      this.counts[size] = 1
      this.positions[size] = size
      this.hashes[size] = hash
      this.insert(size)
      this.siftUp(size)
      return
    }
    // Replace the least counted item; the newcomer inherits its count as possible error.
    this.evicted = true
    const entry = this.heap[0]
    this.remove(entry)
    this.items[entry] = item
    this.hashes[entry] = hash
    this.errors[entry] = this.counts[0]
    this.counts[0]++
    this.insert(entry)
    this.siftDown(0)
  }

  /** Distinct items tracked (a lower bound of the distinct items seen once `evicted`). */
  get size(): number {
    return this.items.length
  }

  /** The `limit` most frequent items, most frequent first (ties in item order). */
  top(limit: number): HeavyHitter[] {
    const hitters = this.items.map((item, entry) => ({ item, count: this.counts[this.positions[entry]], error: this.errors[entry] }))
    hitters.sort((a, b) => b.count - a.count || (a.item < b.item ? -1 : a.item > b.item ? 1 : 0))
    return hitters.slice(0, limit)
  }

  /** The entry holding `item`, else -1. */
  private find(item: string, hash: number): number {
    const { table, mask, hashes, items } = this
    if (table.length === 0) return -1
    for (let slot = hash & mask; ; slot = (slot + 1) & mask) {
      const held = table[slot]
      if (held === 0) return -1
      if (hashes[held - 1] === hash && items[held - 1] === item) return held - 1
    }
  }

  private insert(entry: number): void {
    const { table, mask } = this
    let slot = this.hashes[entry] & mask
    while (table[slot] !== 0) slot = (slot + 1) & mask
    table[slot] = entry + 1
  }

  /** Takes `entry` out of the table, shifting later entries of its probe run back into the hole (no tombstones). */
  private remove(entry: number): void {
    const { table, mask, hashes } = this
    let hole = hashes[entry] & mask
    while (table[hole] !== entry + 1) hole = (hole + 1) & mask
    for (let slot = (hole + 1) & mask; table[slot] !== 0; slot = (slot + 1) & mask) {
      const home = hashes[table[slot] - 1] & mask
      // An entry may fill the hole when the hole lies between its home slot and where it sits.
      if (((slot - home) & mask) >= ((slot - hole) & mask)) {
        table[hole] = table[slot]
        hole = slot
      }
    }
    table[hole] = 0
  }

  /** Entries are allocated as needed: a large capacity costs nothing until it fills. */
  private grow(): void {
    const length = Math.min(Math.ceil(this.capacity), Math.max(INITIAL_ENTRIES, this.heap.length * 2))
    const widen = <T extends Float64Array | Int32Array>(old: T, made: T): T => {
      made.set(old)
      return made
    }
    this.errors = widen(this.errors, new Float64Array(length))
    this.heap = widen(this.heap, new Int32Array(length))
    this.counts = widen(this.counts, new Float64Array(length))
    this.positions = widen(this.positions, new Int32Array(length))
    this.hashes = widen(this.hashes, new Float64Array(length))
    // At most half full, so probe runs stay short.
    let slots = 2
    while (slots < 2 * length) slots *= 2
    this.table = new Int32Array(slots)
    this.mask = slots - 1
    for (let entry = 0; entry < this.items.length; entry++) this.insert(entry)
  }

  // Both sifts carry the moving entry along a hole instead of swapping at each level: the
  // comparisons, and so the heap's shape and which of equally counted items is evicted, are
  // those of a plain swapping heap.

  private siftUp(from: number): void {
    const { heap, counts, positions } = this
    const entry = heap[from]
    const count = counts[from]
    let i = from
    while (i > 0) {
      const parent = (i - 1) >> 1
      const parentCount = counts[parent]
      if (parentCount <= count) break
      const above = heap[parent]
      heap[i] = above
      counts[i] = parentCount
      positions[above] = i
      i = parent
    }
    heap[i] = entry
    counts[i] = count
    positions[entry] = i
  }

  private siftDown(from: number): void {
    const { heap, counts, positions } = this
    const n = this.items.length
    const entry = heap[from]
    const count = counts[from]
    let i = from
    for (;;) {
      const left = 2 * i + 1
      if (left >= n) break
      // The smaller child (the left one on a tie) moves up if it is smaller than the mover.
      const right = left + 1
      let child = left
      let childCount = counts[left]
      if (right < n && counts[right] < childCount) {
        child = right
        childCount = counts[right]
      }
      if (!(childCount < count)) break
      const below = heap[child]
      heap[i] = below
      counts[i] = childCount
      positions[below] = i
      i = child
    }
    heap[i] = entry
    counts[i] = count
    positions[entry] = i
  }
}
