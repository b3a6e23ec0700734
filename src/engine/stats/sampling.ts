/**
 * A small seeded PRNG (mulberry32). Samples are seeded so that the same file gives the same
 * sample, and so the same summary, on every run: an audit must be reproducible.
 */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** The seed every reservoir uses unless told otherwise. */
export const DEFAULT_SEED = 0x5eed

/**
 * A uniform sample of at most `capacity` items from a stream of unknown length (Vitter's
 * algorithm R). Memory is bounded by the capacity whatever the stream's length.
 */
export class Reservoir<T> {
  readonly items: T[] = []
  /** How many items were offered. */
  seen = 0
  private readonly random: () => number

  constructor(
    readonly capacity: number,
    seed: number = DEFAULT_SEED
  ) {
    this.random = seededRandom(seed)
  }

  /** Offers one item; it is kept with probability capacity / seen. */
  offer(item: T): void {
    const slot = this.slotForNext()
    if (slot !== -1) this.items[slot] = item
  }

  /** Offers one item made by `make`, which is only called when the item is kept. */
  offerWith(make: () => T): void {
    const slot = this.slotForNext()
    if (slot !== -1) this.items[slot] = make()
  }

  /**
   * Counts one offered item and says where it goes: the slot of `items` to write it to
   * (`items.length` appends), or -1 when it is not kept. An offer without a closure, for callers
   * that offer an item per record.
   */
  slotForNext(): number {
    this.seen++
    if (this.items.length < this.capacity) return this.items.length
    const slot = Math.floor(this.random() * this.seen)
    return slot < this.capacity ? slot : -1
  }
}
