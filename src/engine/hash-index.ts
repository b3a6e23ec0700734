/** Bound once: a global lookup in a hot loop is slow under jest's VM. */
const imul = Math.imul

/**
 * A map from 53-bit hash values (as JavaScript numbers: content hashes, hash53 keys) to
 * int32s, in typed arrays with open addressing. A million entries take 26 MB here where a Map
 * of heap numbers takes three times that: the record index, the diff and conflicting-labels
 * each keep one per file side. A key's slot comes from its low 32 bits by Fibonacci hashing,
 * so keys that are not hashes (pair numbers a * n + b) spread too.
 */
export class HashIndex {
  private keys: Float64Array
  private values: Int32Array
  private used: Uint8Array
  /** 32 minus the log2 of the capacity: the top bits of the product pick the slot. */
  private shift: number
  size = 0

  /** `expected`: the entries it will hold, when known, so that it never grows (each growth re-places every entry). */
  constructor(expected = 0) {
    let capacity = 1024
    let shift = 22
    while (capacity < 2 * expected) {
      capacity *= 2
      shift--
    }
    this.keys = new Float64Array(capacity)
    this.values = new Int32Array(capacity)
    this.used = new Uint8Array(capacity)
    this.shift = shift
  }

  /** The value stored for `key`, or undefined. */
  get(key: number): number | undefined {
    const slot = this.slotOf(key)
    return this.used[slot] === 1 ? this.values[slot] : undefined
  }

  /** The value stored for `key`; when there is none, stores `value` and returns undefined. One probe where `get` then `set` take two. */
  getOrAdd(key: number, value: number): number | undefined {
    if (2 * (this.size + 1) > this.used.length) this.grow()
    const slot = this.slotOf(key)
    if (this.used[slot] === 1) return this.values[slot]
    this.fill(slot, key, value)
    this.size++
    return undefined
  }

  /** Stores `value` for `key`, replacing what was there. */
  set(key: number, value: number): void {
    if (2 * (this.size + 1) > this.used.length) this.grow()
    const slot = this.slotOf(key)
    if (this.used[slot] === 0) this.size++
    this.fill(slot, key, value)
  }

  /** The slot holding `key`, or the empty slot where it would go: the one probe of every operation. */
  private slotOf(key: number): number {
    const mask = this.used.length - 1
    let slot = imul(key >>> 0, 0x9e3779b1) >>> this.shift
    while (this.used[slot] === 1 && this.keys[slot] !== key) slot = (slot + 1) & mask
    return slot
  }

  private fill(slot: number, key: number, value: number): void {
    this.used[slot] = 1
    this.keys[slot] = key
    this.values[slot] = value
  }

  private grow(): void {
    const { keys, values, used } = this
    this.keys = new Float64Array(2 * keys.length)
    this.values = new Int32Array(2 * values.length)
    this.used = new Uint8Array(2 * used.length)
    this.shift--
    for (let slot = 0; slot < used.length; slot++) if (used[slot] === 1) this.fill(this.slotOf(keys[slot]), keys[slot], values[slot])
  }
}
