import { SpaceSaving } from '../../../src/engine/stats/heavy-hitters.js'
import { hash53 } from '../../../src/engine/hash.js'

describe('SpaceSaving', () => {
  it('counts exactly while the distinct items fit', () => {
    const sketch = new SpaceSaving(10)
    for (const item of ['a', 'b', 'a', 'c', 'a', 'b']) sketch.offer(item)
    expect(sketch.top(2)).toEqual([
      { item: 'a', count: 3, error: 0 },
      { item: 'b', count: 2, error: 0 }
    ])
    expect(sketch.evicted).toBe(false)
    expect(sketch.size).toBe(3)
    expect(sketch.total).toBe(6)
  })

  it('keeps a heavy hitter among many rare items, overestimating by at most total / capacity', () => {
    const sketch = new SpaceSaving(50)
    let total = 0
    for (let i = 0; i < 5000; i++) {
      sketch.offer(`rare ${i}`)
      total++
      if (i % 10 === 0) {
        sketch.offer('frequent')
        total++
      }
    }
    const [top] = sketch.top(1)
    expect(top.item).toBe('frequent')
    expect(top.count).toBeGreaterThanOrEqual(500)
    expect(top.count - 500).toBeLessThanOrEqual(total / 50)
    expect(sketch.evicted).toBe(true)
    expect(sketch.size).toBe(50)
  })
})

/**
 * Space-Saving as it was first written: a heap of parallel arrays swapped at each level, items
 * found through a Map. The sketch must evict the same items and report the same counts.
 */
class SwappingSpaceSaving {
  private readonly items: string[] = []
  private readonly counts: number[] = []
  private readonly errors: number[] = []
  private readonly slots = new Map<string, number>()
  total = 0
  evicted = false

  constructor(readonly capacity: number) {}

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
    this.evicted = true
    this.slots.delete(this.items[0])
    this.items[0] = item
    this.errors[0] = this.counts[0]
    this.counts[0]++
    this.slots.set(item, 0)
    this.siftDown(0)
  }

  top(limit: number): Array<{ item: string; count: number; error: number }> {
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

/** A seeded stream of `length` items over `distinct` values, skewed so that some repeat often. */
function skewedStream(length: number, distinct: number, seed: number): string[] {
  let state = seed
  const next = (): number => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0
    return state / 4294967296
  }
  return Array.from({ length }, () => `item ${Math.floor(distinct * next() ** 3)}`)
}

describe('SpaceSaving against the swapping heap it replaced', () => {
  it.each([
    [1, 500, 50],
    [2, 2000, 30],
    [7, 3000, 400],
    [100, 20000, 5000],
    // Past the first allocation of entries, so the arrays and the table grow while counting.
    [3000, 30000, 8000],
    // Everything fits: exact counts.
    [5000, 20000, 1000]
  ])('evicts the same items and reports the same counts (capacity %i, %i items over %i values)', (capacity, length, distinct) => {
    const sketch = new SpaceSaving(capacity)
    const reference = new SwappingSpaceSaving(capacity)
    const stream = skewedStream(length, distinct, capacity)
    stream.forEach((item, i) => {
      sketch.offer(item)
      reference.offer(item)
      if (i % 997 === 0) expect(sketch.top(5)).toEqual(reference.top(5))
    })
    expect(sketch.top(Infinity)).toEqual(reference.top(Infinity))
    expect([sketch.size, sketch.total, sketch.evicted]).toEqual([reference.top(Infinity).length, reference.total, reference.evicted])
  })

  it('takes a fractional capacity as the old heap did: room for the next whole number of items', () => {
    const sketch = new SpaceSaving(2.5)
    const reference = new SwappingSpaceSaving(2.5)
    for (const item of skewedStream(200, 10, 5)) {
      sketch.offer(item)
      reference.offer(item)
    }
    expect(sketch.size).toBe(3)
    expect(sketch.top(Infinity)).toEqual(reference.top(Infinity))
  })

  it('ties many equal counts the same way: a stream of distinct items', () => {
    const sketch = new SpaceSaving(64)
    const reference = new SwappingSpaceSaving(64)
    for (let i = 0; i < 5000; i++) {
      const item = i % 3 === 0 ? `again ${i % 90}` : `once ${i}`
      sketch.offer(item)
      reference.offer(item)
    }
    expect(sketch.top(Infinity)).toEqual(reference.top(Infinity))
  })

  it('takes the hash a caller computed, and tells apart items whose hashes collide', () => {
    const hashed = new SpaceSaving(10)
    const plain = new SpaceSaving(10)
    for (const item of ['b', 'a', 'b', 'c', '', 'b', 'é', '']) {
      hashed.offer(item, hash53(item))
      plain.offer(item)
    }
    expect(hashed.top(Infinity)).toEqual(plain.top(Infinity))

    // One hash for all: every lookup walks the same probe run and must compare the items.
    const colliding = new SpaceSaving(3)
    const reference = new SwappingSpaceSaving(3)
    for (const item of ['x', 'y', 'x', 'z', 'w', 'x', 'y', 'v', 'x']) {
      colliding.offer(item, 42)
      reference.offer(item)
    }
    expect(colliding.top(Infinity)).toEqual(reference.top(Infinity))
    expect(colliding.top(1)).toEqual([{ item: 'x', count: 4, error: 0 }])
  })
})
