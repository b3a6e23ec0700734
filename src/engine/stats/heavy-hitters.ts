/** One frequent item: its estimated count and the most that estimate can exceed the truth by. */
export interface HeavyHitter {
  item: string
  count: number
  /** Upper bound of the overestimate; 0 while the sketch never had to evict. */
  error: number
}

/**
 * The most frequent items of a stream in bounded memory: Space-Saving (Metwally, Agrawal &
 * El Abbadi 2005) on a min-heap. Exact while the stream has at most `capacity` distinct items;
 * past that, every count is overestimated by at most (stream length / capacity).
 */
export class SpaceSaving {
  private readonly items: string[] = []
  private readonly counts: number[] = []
  private readonly errors: number[] = []
  private readonly slots = new Map<string, number>()
  /** Items offered. */
  total = 0
  /** True once an item had to be evicted: counts are then estimates. */
  evicted = false

  constructor(readonly capacity: number) {
    if (!(capacity >= 1)) throw new RangeError('capacity must be at least 1')
  }

  offer(item: string): void {
    this.total++
    const slot = this.slots.get(item)
    if (slot !== undefined) {
      this.counts[slot]++
      this.siftDown(slot)
      return
    }
    if (this.items.length < this.capacity) {
      this.items.push(item)
      this.counts.push(1)
      this.errors.push(0)
      this.slots.set(item, this.items.length - 1)
      this.siftUp(this.items.length - 1)
      return
    }
    // Replace the least counted item; the newcomer inherits its count as possible error.
    this.evicted = true
    this.slots.delete(this.items[0])
    this.items[0] = item
    this.errors[0] = this.counts[0]
    this.counts[0]++
    this.slots.set(item, 0)
    this.siftDown(0)
  }

  /** Distinct items tracked (a lower bound of the distinct items seen once `evicted`). */
  get size(): number {
    return this.items.length
  }

  /** The `limit` most frequent items, most frequent first (ties in item order). */
  top(limit: number): HeavyHitter[] {
    const hitters = this.items.map((item, slot) => ({ item, count: this.counts[slot], error: this.errors[slot] }))
    hitters.sort((a, b) => b.count - a.count || (a.item < b.item ? -1 : a.item > b.item ? 1 : 0))
    return hitters.slice(0, limit)
  }

  private swap(i: number, j: number): void {
    ;[this.items[i], this.items[j]] = [this.items[j], this.items[i]]
    ;[this.counts[i], this.counts[j]] = [this.counts[j], this.counts[i]]
    ;[this.errors[i], this.errors[j]] = [this.errors[j], this.errors[i]]
    this.slots.set(this.items[i], i)
    this.slots.set(this.items[j], j)
  }

  private siftUp(slot: number): void {
    let i = slot
    while (i > 0) {
      const parent = (i - 1) >> 1
      if (this.counts[parent] <= this.counts[i]) return
      this.swap(i, parent)
      i = parent
    }
  }

  private siftDown(slot: number): void {
    let i = slot
    const n = this.items.length
    for (;;) {
      const left = 2 * i + 1
      const right = left + 1
      let smallest = i
      if (left < n && this.counts[left] < this.counts[smallest]) smallest = left
      if (right < n && this.counts[right] < this.counts[smallest]) smallest = right
      if (smallest === i) return
      this.swap(i, smallest)
      i = smallest
    }
  }
}
