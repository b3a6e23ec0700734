import { grownTo } from '../typed-arrays.js'

/**
 * A multimap from 64-bit n-gram hashes (two 32-bit halves) to record numbers, in typed arrays
 * with open addressing: the eval records' 13-grams, looked up once per n-gram of every train
 * record. A JavaScript Map of a few million number keys costs several times the memory. Each
 * distinct n-gram has one slot and a chain of the records holding it, so an n-gram shared by
 * many eval records (a prompt template) does not lengthen every other lookup.
 */
export class NgramTable {
  private lows: Int32Array
  private highs: Int32Array
  /** Per slot: the first entry of its chain + 1; 0 marks an empty slot. */
  private heads: Int32Array
  /** Per slot: the stamp of the last `firstUnvisited` that walked its chain, 0 when it grew since. */
  private stamps: Int32Array
  private mask: number
  private records = new Int32Array(1024)
  private nexts = new Int32Array(1024)
  /** Distinct n-grams stored. */
  keys = 0
  /** (n-gram, record) entries stored. */
  entries = 0

  constructor() {
    this.lows = new Int32Array(1024)
    this.highs = new Int32Array(1024)
    this.heads = new Int32Array(1024)
    this.stamps = new Int32Array(1024)
    this.mask = 1023
  }

  /** Bytes held by the table's arrays. */
  get bytes(): number {
    return this.heads.length * 16 + this.records.length * 8
  }

  /**
   * Adds one (n-gram, record) entry; the same n-gram may be added for many records. A record's
   * n-grams are added one after the other.
   */
  add(low: number, high: number, record: number): void {
    if ((this.keys + 1) * 2 > this.heads.length) this.grow()
    if (this.entries === this.records.length) {
      this.records = grownTo(this.records, 2 * this.records.length)
      this.nexts = grownTo(this.nexts, 2 * this.nexts.length)
    }
    let slot = low & this.mask
    while (this.heads[slot] !== 0 && (this.lows[slot] !== low || this.highs[slot] !== high)) slot = (slot + 1) & this.mask
    if (this.heads[slot] === 0) {
      this.lows[slot] = low
      this.highs[slot] = high
      this.keys++
    } else if (this.records[this.heads[slot] - 1] === record) return // a record's entries come together: an n-gram it repeats is kept once
    const entry = this.entries++
    this.records[entry] = record
    this.nexts[entry] = this.heads[slot] - 1
    this.heads[slot] = entry + 1
    this.stamps[slot] = 0
  }

  /**
   * The first entry of the n-gram's chain, or -1: walk it with `recordAt` and `nextAfter`.
   * (Not a callback per record: this runs once per n-gram of every train record.)
   */
  first(low: number, high: number): number {
    const heads = this.heads
    let slot = low & this.mask
    while (heads[slot] !== 0) {
      if (this.lows[slot] === low && this.highs[slot] === high) return heads[slot] - 1
      slot = (slot + 1) & this.mask
    }
    return -1
  }

  /**
   * Like `first`, but -1 as well when the chain was walked under the same `stamp` (non-zero)
   * and has not grown since: a train file walks the chain of a prompt template's n-gram once,
   * not once per record.
   */
  firstUnvisited(low: number, high: number, stamp: number): number {
    const heads = this.heads
    let slot = low & this.mask
    while (heads[slot] !== 0) {
      if (this.lows[slot] === low && this.highs[slot] === high) {
        if (this.stamps[slot] === stamp) return -1
        this.stamps[slot] = stamp
        return heads[slot] - 1
      }
      slot = (slot + 1) & this.mask
    }
    return -1
  }

  /** The record of an entry. */
  recordAt(entry: number): number {
    return this.records[entry]
  }

  /** The next entry of the same n-gram, or -1. */
  nextAfter(entry: number): number {
    return this.nexts[entry]
  }

  private grow(): void {
    const { lows, highs, heads, stamps } = this
    const slots = heads.length * 2
    this.lows = new Int32Array(slots)
    this.highs = new Int32Array(slots)
    this.heads = new Int32Array(slots)
    this.stamps = new Int32Array(slots)
    this.mask = slots - 1
    for (let i = 0; i < heads.length; i++) {
      if (heads[i] === 0) continue
      let slot = lows[i] & this.mask
      while (this.heads[slot] !== 0) slot = (slot + 1) & this.mask
      this.lows[slot] = lows[i]
      this.highs[slot] = highs[i]
      this.heads[slot] = heads[i]
      this.stamps[slot] = stamps[i]
    }
  }
}

