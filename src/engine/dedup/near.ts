import { HashIndex } from '../hash-index.js'
import type { CorpusArrays } from './corpus.js'
import { SplitKind, type LeakPair, type SlotRelations } from './relations.js'
import { jaccard, type ShingleSet } from './shingles.js'
import { UnionFind } from './union-find.js'

/** How two records of the index relate: not to be compared, same group, or a train/eval pair. */
const NONE = 0
const SAME_GROUP = 1
const TRAIN_EVAL = 2

/** Buckets larger than this have every member marked, rather than pair by pair. */
const PAIRWISE_MARKING_LIMIT = 64

/** Floating-point slack: 4/5 must pass a 0.8 threshold however it was computed. */
const EPSILON = 1e-12

/**
 * The records of the near-duplicate index (the first of each exact group: `reps`, by slot) and
 * what they need from the rest of the side.
 */
export interface NearIndex {
  corpus: CorpusArrays
  reps: Int32Array
  relations: SlotRelations
  /** Compare records of one group (near duplicates); false when only leakage is looked for. */
  withinGroups: boolean
}

/** What verifying the LSH candidates found. */
export interface NearResult {
  /** Clusters over positions in `reps`: records linked by verified pairs of one group. */
  clusters: UnionFind
  /**
   * The verified similar pairs of one group, `from[i]`-`to[i]` at `jaccard[i]`. Each joined two
   * clusters (pairs already in one cluster are not verified), so they are a spanning tree of
   * every cluster: following them from any member reaches all the others.
   */
  links: { from: number[]; to: number[]; jaccard: number[] }
  /** Near leakage, by the slot the finding goes on. */
  leaks: Map<number, LeakPair>
  pairsVerified: number
  pairsSimilar: number
}

function relation(index: NearIndex, a: number, b: number): number {
  const { corpus, relations } = index
  if (corpus.exactLow[a] === corpus.exactLow[b] && corpus.exactHigh[a] === corpus.exactHigh[b]) return NONE
  if (relations.groupOf(a) === relations.groupOf(b)) return index.withinGroups ? SAME_GROUP : NONE
  const kinds = relations.kindOf(a) | relations.kindOf(b)
  return relations.kindOf(a) !== relations.kindOf(b) && kinds === (SplitKind.Train | SplitKind.Eval) ? TRAIN_EVAL : NONE
}

/**
 * The LSH buckets of two or more reps (positions in `reps`), one band at a time: each bucket in
 * position order, the buckets of a band in ascending order of their value. Pure on its
 * arguments, so that two threads can each group some of the bands (`claimBands`) with
 * `values` in shared memory.
 */
export class BandGrouper {
  // One band's values of the reps side by side, in one array kept from band to band. Every band
  // at once (one pass over the index writing into bands x n ints) cost more than reading the
  // index once a band: 171-205 ms against 75-82 ms for 14 bands of 930,000 reps, as the writes
  // went to 14 places far apart in 52 MB more of memory.
  private readonly keys: Int32Array
  private readonly groups: KeyGroups

  constructor(
    private readonly values: Int32Array,
    private readonly bands: number,
    private readonly reps: Int32Array
  ) {
    this.keys = new Int32Array(reps.length)
    this.groups = new KeyGroups(reps.length)
  }

  band(band: number): Buckets {
    const { keys, values, bands, reps } = this
    for (let i = 0; i < reps.length; i++) keys[i] = values[reps[i] * bands + band]
    const { order, starts } = this.groups.of(keys)
    // Positions are under 2^31: the same array read as signed, not a copy.
    return { members: new Int32Array(order.buffer, order.byteOffset, order.length), starts: Int32Array.from(starts) }
  }
}

/** The buckets of every band, in band order. */
export function bandBuckets(values: Int32Array, bands: number, reps: Int32Array): Buckets {
  const grouper = new BandGrouper(values, bands, reps)
  return concatBuckets(Array.from({ length: bands }, (_, band) => grouper.band(band)))
}

/**
 * Groups the bands it takes from the shared counter `next[0]`, one at a time, until none are
 * left: two threads running it over one counter share the bands by how fast each is free, not
 * by a split fixed ahead. Returns the bands it took and their buckets.
 */
export function claimBands(grouper: BandGrouper, bands: number, next: Int32Array): ClaimedBands {
  const taken: number[] = []
  const buckets: Buckets[] = []
  for (let band = Atomics.add(next, 0, 1); band < bands; band = Atomics.add(next, 0, 1)) {
    taken.push(band)
    buckets.push(grouper.band(band))
  }
  return { bands: taken, buckets }
}

/** The bands one thread took (`claimBands`) and the buckets of each. */
export interface ClaimedBands {
  bands: number[]
  buckets: Buckets[]
}

/** The buckets of each of `parts` one after the other. */
export function concatBuckets(parts: readonly Buckets[]): Buckets {
  let members = 0
  let starts = 1
  for (const part of parts) {
    members += part.members.length
    starts += part.starts.length - 1
  }
  const joined: Buckets = { members: new Int32Array(members), starts: new Int32Array(starts) }
  let memberAt = 0
  let startAt = 1
  for (const part of parts) {
    joined.members.set(part.members, memberAt)
    for (let i = 1; i < part.starts.length; i++) joined.starts[startAt++] = memberAt + part.starts[i]
    memberAt += part.members.length
  }
  return joined
}

/** Keys per partition of `KeyGroups`: a partition's table (2 x 4,096 slots of 16 bytes) stays in the L2 cache. */
const KEYS_PER_PARTITION = 4096

/**
 * The groups of equal values among one band's keys, by hashing rather than sorting all of
 * them: the positions of each value seen twice or more, in position order, the groups in
 * ascending (unsigned) order of their value, as a stable sort of every key would give them
 * (then only the few repeated values are sorted).
 *
 * One table for a million keys is 32 MB, and every probe misses the cache. So the keys are
 * first scattered, stably, into partitions by their top bits (one sequential pass), and each
 * partition is grouped in a small table that stays in cache: three times faster at a million
 * keys, the same groups in the same order (partitions by top bits come in ascending order of
 * value). The arrays are kept from one band to the next.
 */
export class KeyGroups {
  private readonly shift: number
  private readonly partitions: number
  /** Per partition: where its keys start in `partKeys`; one past the end last. */
  private readonly partStarts: Int32Array
  private readonly partFill: Int32Array
  private readonly partKeys: Int32Array
  private readonly partPositions: Int32Array
  private readonly members: Uint32Array
  private slotKeys = new Int32Array(0)
  /** Per slot: 1 + the first index (in the partition) with its key, 0 for an empty slot. */
  private firsts = new Int32Array(0)
  private lasts = new Int32Array(0)
  private counts = new Int32Array(0)
  private next = new Int32Array(0)

  constructor(private readonly n: number) {
    let bits = 0
    while (n >>> bits > KEYS_PER_PARTITION) bits++
    this.partitions = 1 << bits
    // A shift by 32 is a shift by 0 in JavaScript: with one partition, every key goes to it by hand.
    this.shift = 32 - bits
    this.partStarts = new Int32Array(this.partitions + 1)
    this.partFill = new Int32Array(this.partitions)
    this.partKeys = new Int32Array(n)
    this.partPositions = new Int32Array(n)
    this.members = new Uint32Array(n)
    this.tablesFor(Math.min(n, 4 * KEYS_PER_PARTITION))
  }

  of(keys: Int32Array): { order: Uint32Array; starts: number[] } {
    const { n, shift, partitions, partStarts, partFill, partKeys, partPositions, members } = this
    partStarts.fill(0)
    if (partitions === 1) {
      partStarts[1] = n
      partKeys.set(keys.subarray(0, n))
      for (let i = 0; i < n; i++) partPositions[i] = i
    } else {
      for (let i = 0; i < n; i++) partStarts[(keys[i] >>> shift) + 1]++
      for (let p = 0; p < partitions; p++) partStarts[p + 1] += partStarts[p]
      partFill.set(partStarts.subarray(0, partitions))
      for (let i = 0; i < n; i++) {
        const key = keys[i]
        const at = partFill[key >>> shift]++
        partKeys[at] = key
        partPositions[at] = i
      }
    }
    const starts: number[] = [0]
    const repeated: number[] = []
    let at = 0
    for (let p = 0; p < partitions; p++) {
      const from = partStarts[p]
      const size = partStarts[p + 1] - from
      if (size < 2) continue
      const mask = this.tablesFor(size)
      const { slotKeys, firsts, lasts, counts, next } = this
      firsts.fill(0, 0, mask + 1)
      repeated.length = 0
      for (let i = 0; i < size; i++) {
        const key = partKeys[from + i]
        // Band hashes are finalised hashes: their low bits pick the slot (the top bits picked the partition).
        let slot = key & mask
        while (firsts[slot] !== 0 && slotKeys[slot] !== key) slot = (slot + 1) & mask
        next[i] = -1
        if (firsts[slot] === 0) {
          slotKeys[slot] = key
          firsts[slot] = i + 1
          lasts[slot] = i
          counts[slot] = 1
          continue
        }
        next[lasts[slot]] = i
        lasts[slot] = i
        if (++counts[slot] === 2) repeated.push(slot)
      }
      repeated.sort((a, b) => (slotKeys[a] >>> 0) - (slotKeys[b] >>> 0))
      for (const slot of repeated) {
        for (let i = firsts[slot] - 1; i !== -1; i = next[i]) members[at++] = partPositions[from + i]
        starts.push(at)
      }
    }
    return { order: members.slice(0, at), starts }
  }

  /**
   * Tables for a partition of `size` keys, at most half full, grown when a partition is larger
   * than any before; returns the mask of the part of them this partition uses.
   */
  private tablesFor(size: number): number {
    let capacity = 16
    while (capacity < 2 * size) capacity *= 2
    if (capacity <= this.slotKeys.length) return capacity - 1
    this.slotKeys = new Int32Array(capacity)
    this.firsts = new Int32Array(capacity)
    this.lasts = new Int32Array(capacity)
    this.counts = new Int32Array(capacity)
    this.next = new Int32Array(capacity >> 1)
    return capacity - 1
  }
}

/**
 * The LSH buckets of two or more records, band by band, each in position order: bucket `b` is
 * `members[starts[b], starts[b + 1])`. Kept from finding the candidates to verifying them, so
 * each band is sorted once.
 */
export interface Buckets {
  members: Int32Array
  starts: Int32Array
}

/**
 * The LSH candidates: 1 per position of a record that shares a bucket (`buckets`, of every
 * band: `bandBuckets`) with a record it may be compared with (same group, or train against
 * eval). Only these are read again.
 */
export function lshCandidates(index: NearIndex, buckets: Buckets = bandBuckets(index.corpus.bandValues, index.corpus.bands, index.reps)): Uint8Array {
  const marks = new Uint8Array(index.reps.length)
  const { members, starts } = buckets
  for (let bucket = 0; bucket + 1 < starts.length; bucket++) {
    const start = starts[bucket]
    const end = starts[bucket + 1]
    if (end - start > PAIRWISE_MARKING_LIMIT) {
      for (let i = start; i < end; i++) marks[members[i]] = 1
      continue
    }
    for (let i = start; i < end; i++) {
      for (let j = i + 1; j < end; j++) {
        if (relation(index, index.reps[members[i]], index.reps[members[j]]) !== NONE) {
          marks[members[i]] = 1
          marks[members[j]] = 1
        }
      }
    }
  }
  return marks
}

/** The candidates' shingle sets by position: an index a position into one list, not a Map. */
export class CandidateSets {
  /** 1 + the set's place in `list`; 0 for a position without one. */
  private readonly at: Int32Array
  private readonly list: ShingleSet[] = []

  constructor(positions: number) {
    this.at = new Int32Array(positions)
  }

  set(position: number, set: ShingleSet): void {
    if (this.at[position] === 0) this.at[position] = this.list.push(set)
    else this.list[this.at[position] - 1] = set
  }

  has(position: number): boolean {
    return this.at[position] !== 0
  }

  get(position: number): ShingleSet | undefined {
    const at = this.at[position]
    return at === 0 ? undefined : this.list[at - 1]
  }

  get size(): number {
    return this.list.length
  }
}

/**
 * Verifies every candidate pair by exact Jaccard on the shingle sets (`sets`, by position), so
 * no reported pair is below `threshold`. Pairs already in one cluster, and train records
 * already reported as leaked, are not verified again: that keeps a bucket of a thousand
 * near-identical records from costing half a million comparisons.
 */
export function verifyCandidates(
  index: NearIndex,
  buckets: Buckets,
  sets: Pick<ReadonlyMap<number, ShingleSet>, 'has' | 'get'>,
  threshold: number,
  exactLeaks: ReadonlyMap<number, LeakPair>
): NearResult {
  const { reps, relations } = index
  const size = reps.length
  const clusters = new UnionFind(size)
  const links: NearResult['links'] = { from: [], to: [], jaccard: [] }
  const leaks = new Map<number, LeakPair>()
  // Pairs tried, by a * size + b (a 53-bit number): a typed table rather than a Set of heap numbers.
  const tried = new HashIndex()
  let pairsVerified = 0
  let pairsSimilar = 0

  const members: number[] = []
  for (let bucket = 0; bucket + 1 < buckets.starts.length; bucket++) {
    members.length = 0
    for (let i = buckets.starts[bucket]; i < buckets.starts[bucket + 1]; i++) if (sets.has(buckets.members[i])) members.push(buckets.members[i])
    for (let i = 0; i < members.length; i++) {
      for (let j = i + 1; j < members.length; j++) {
        const a = members[i]
        const b = members[j]
        const slotA = reps[a]
        const slotB = reps[b]
        const kind = relation(index, slotA, slotB)
        if (kind === NONE) continue
        let blamed = -1
        if (kind === SAME_GROUP) {
          if (clusters.find(a) === clusters.find(b)) continue
        } else {
          const train = relations.kindOf(slotA) === SplitKind.Train ? slotA : slotB
          blamed = relations.blame(train, train === slotA ? slotB : slotA)
          if (exactLeaks.has(blamed) || leaks.has(blamed)) continue
        }
        const key = a < b ? a * size + b : b * size + a
        if (tried.get(key) !== undefined) continue
        tried.set(key, 1)
        pairsVerified++
        const similarity = jaccard(sets.get(a)!, sets.get(b)!)
        if (similarity < threshold - EPSILON) continue
        pairsSimilar++
        if (kind === SAME_GROUP) {
          clusters.union(a, b)
          links.from.push(a)
          links.to.push(b)
          links.jaccard.push(similarity)
        } else leaks.set(blamed, { other: blamed === slotA ? slotB : slotA, jaccard: similarity, exact: false })
      }
    }
  }
  return { clusters, links, leaks, pairsVerified, pairsSimilar }
}
