import { HashIndex } from './hash-index.js'
import { displayKey, type RecordIndex } from './record-index.js'
import type { ModifiedRecord, RecordRef } from './types.js'

/** What happened to a head record, by its position in the head index. */
export const HeadStatus = { Unchanged: 0, Added: 1, Modified: 2 } as const

/** A key that more than one record of one side carries. */
export interface DuplicateKey {
  side: 'base' | 'head'
  key: string
  lines: number[]
}

/** The record-by-record difference between two versions of one file. */
export interface RecordDiff {
  /** `key`: matched by the key fields; `content`: by content, changed records paired by shared field values. */
  mode: 'key' | 'content'
  keyFields: string[]
  /** Head records no base record matched: the first `examples` of them (all by default). */
  added: RecordRef[]
  addedCount: number
  /** Base records no head record matched: the first `examples` of them (all by default). */
  removed: RecordRef[]
  removedCount: number
  modified: ModifiedRecord[]
  unchanged: number
  /** Per head record (by position): unchanged, added or modified. */
  headStatus: Uint8Array
  duplicateKeys: DuplicateKey[]
  /** Records kept their content but changed places: not a change, said for the reader. */
  reordered: boolean
}

/** A bucket of records sharing one field value is too common to say two records belong together. */
const MAX_PAIRING_BUCKET = 16

/**
 * Diffs two indexes of one file. Records are matched by key when the index has key fields,
 * else (and for records lacking a key) by content hash; content-matched leftovers that share at
 * least half of their field values are paired as modified, the way a reviewer would read an
 * edited record rather than a removal and an addition.
 */
export function diffRecords(base: RecordIndex, head: RecordIndex, options: { examples?: number } = {}): RecordDiff {
  // A scan of a million records adds a million: a report shows twenty, and a million objects would wait for it.
  const examples = options.examples ?? Infinity
  const keyFields = [...head.keyFields]
  const headStatus = new Uint8Array(head.size)
  const matchedBaseForHead = new Int32Array(head.size).fill(-1)
  const baseMatched = new Uint8Array(base.size)
  const modified: ModifiedRecord[] = []
  const duplicateKeys = [...findDuplicateKeys(base, 'base'), ...findDuplicateKeys(head, 'head')]

  // Views of the indexes' arrays, taken once: the loops below read them a record at a time.
  const baseLines = base.lines
  const headLines = head.lines
  const baseHashes = base.contentHashes
  const headHashes = head.contentHashes
  const markMatch = (b: number, h: number): void => {
    baseMatched[b] = 1
    matchedBaseForHead[h] = b
    if (baseHashes[b] === headHashes[h]) {
      headStatus[h] = HeadStatus.Unchanged
    } else {
      headStatus[h] = HeadStatus.Modified
      modified.push({
        key: displayKey(head.keyAt(h) ?? ''),
        baseLine: baseLines[b],
        headLine: headLines[h],
        changedFields: changedFields(base.fieldsOf(b), head.fieldsOf(h))
      })
    }
  }

  // 1. By key: the k-th base record with a key meets the k-th head record with the same key.
  if (keyFields.length > 0 && base.size > 0) {
    // A key is named by the first base position that carries it: queues by number, no map of strings.
    const keyIdOf = (b: number): number | undefined => {
      const id = base.keyIdAt(b)
      return id === -1 ? undefined : id
    }
    const baseByKey = new PositionQueues(base.size, keyIdOf, () => new DenseFront(base.size))
    for (let h = 0; h < head.size; h++) {
      const id = base.positionOfKeyAt(head, h)
      if (id === -1) continue
      const b = baseByKey.take(id)
      if (b !== -1) markMatch(b, h)
    }
  }

  // 2. By content, among the records no key matched and that have no key of their own.
  const unkeyed = (index: RecordIndex, i: number): boolean => keyFields.length === 0 || !index.hasKey(i)
  const baseByContent = new PositionQueues(base.size, (b) => (baseMatched[b] === 0 && unkeyed(base, b) ? baseHashes[b] : undefined), () => new HashIndex())
  const headLeft: number[] = []
  for (let h = 0; h < head.size; h++) {
    if (matchedBaseForHead[h] !== -1 || !unkeyed(head, h)) continue
    const b = base.size > 0 ? baseByContent.take(headHashes[h]) : -1
    if (b !== -1) markMatch(b, h)
    else headLeft.push(h)
  }

  // 3. Pair what is left by shared field values: an edit, not a removal plus an addition.
  const baseLeft: number[] = []
  for (let b = 0; b < base.size; b++) if (baseMatched[b] === 0 && unkeyed(base, b)) baseLeft.push(b)
  pairBySharedFields(base, head, baseLeft, headLeft, baseMatched, markMatch)

  const added: RecordRef[] = []
  let addedCount = 0
  for (let h = 0; h < head.size; h++) {
    if (matchedBaseForHead[h] === -1) {
      headStatus[h] = HeadStatus.Added
      if (addedCount++ < examples) added.push({ key: displayKey(head.keyAt(h) ?? ''), line: headLines[h] })
    }
  }
  const removed: RecordRef[] = []
  let removedCount = 0
  for (let b = 0; b < base.size; b++) {
    if (baseMatched[b] === 0 && removedCount++ < examples) removed.push({ key: displayKey(base.keyAt(b) ?? ''), line: baseLines[b] })
  }
  modified.sort((x, y) => x.headLine - y.headLine)

  return {
    mode: keyFields.length > 0 ? 'key' : 'content',
    keyFields,
    added,
    addedCount,
    removed,
    removedCount,
    modified,
    unchanged: head.size - addedCount - modified.length,
    headStatus,
    duplicateKeys,
    reordered: isReordered(matchedBaseForHead)
  }
}

/** The field paths whose values differ, or that only one side has, sorted. */
export function changedFields(base: Map<string, number>, head: Map<string, number>): string[] {
  const changed = new Set<string>()
  for (const [path, hash] of head) if (base.get(path) !== hash) changed.add(path)
  for (const path of base.keys()) if (!head.has(path)) changed.add(path)
  return [...changed].sort()
}

/** What PositionQueues keeps its queues' fronts in: an array for key ids (positions), a HashIndex for content hashes. */
interface FrontIndex<K> {
  get(key: K): number | undefined
  set(key: K, value: number): void
}

/** Fronts for keys that are positions below `size`: one int32 each, -1 for none. */
class DenseFront implements FrontIndex<number> {
  private readonly fronts: Int32Array
  constructor(size: number) {
    this.fronts = new Int32Array(size).fill(-1)
  }
  get(key: number): number {
    return this.fronts[key]
  }
  set(key: number, value: number): void {
    this.fronts[key] = value
  }
}

/**
 * The positions of `0..size-1` grouped by key, each group a queue in position order that
 * `take` empties from the front. One entry a key and one number a position (a chain of next
 * positions), where an array a key cost a million arrays for a million-record file; content
 * hashes go into typed tables rather than a Map of heap numbers.
 */
class PositionQueues<K> {
  private readonly front: FrontIndex<K>
  private readonly next: Int32Array

  constructor(size: number, keyOf: (position: number) => K | undefined, index: () => FrontIndex<K>) {
    this.front = index()
    this.next = new Int32Array(size).fill(-1)
    // From the last position back, each position goes in front of the queue of its key: one index, no second one for the backs.
    for (let i = size - 1; i >= 0; i--) {
      const key = keyOf(i)
      if (key === undefined) continue
      this.next[i] = this.front.get(key) ?? -1
      this.front.set(key, i)
    }
  }

  /** The first position left with this key, taken off its queue; -1 when none is left. */
  take(key: K): number {
    const position = this.front.get(key)
    if (position === undefined || position === -1) return -1
    this.front.set(key, this.next[position])
    return position
  }
}

function findDuplicateKeys(index: RecordIndex, side: 'base' | 'head'): DuplicateKey[] {
  if (index.keyFields.length === 0) return []
  const duplicates: DuplicateKey[] = []
  // In the order of each key's first record.
  const repeated = [...index.repeatedKeys()].sort((a, b) => a[1][0] - b[1][0])
  const lines = index.lines
  for (const [key, positions] of repeated) duplicates.push({ side, key: displayKey(key), lines: positions.map((p) => lines[p]) })
  return duplicates
}

function pairBySharedFields(
  base: RecordIndex,
  head: RecordIndex,
  baseLeft: number[],
  headLeft: number[],
  baseMatched: Uint8Array,
  markMatch: (b: number, h: number) => void
): void {
  if (baseLeft.length === 0 || headLeft.length === 0) return
  const baseByFieldValue = new Map<string, number[]>()
  for (const b of baseLeft) {
    for (const [path, hash] of base.fieldsOf(b)) {
      const bucketKey = path + '\u0000' + hash
      const bucket = baseByFieldValue.get(bucketKey)
      if (bucket) bucket.push(b)
      else baseByFieldValue.set(bucketKey, [b])
    }
  }
  for (const h of headLeft) {
    const headFields = head.fieldsOf(h)
    const shared = new Map<number, number>()
    for (const [path, hash] of headFields) {
      const bucket = baseByFieldValue.get(path + '\u0000' + hash)
      if (!bucket || bucket.length > MAX_PAIRING_BUCKET) continue
      for (const b of bucket) if (baseMatched[b] === 0) shared.set(b, (shared.get(b) ?? 0) + 1)
    }
    let best = -1
    let bestShared = 0
    for (const [b, count] of shared) {
      if (count > bestShared || (count === bestShared && b < best)) {
        best = b
        bestShared = count
      }
    }
    if (best === -1) continue
    const fieldCount = Math.max(headFields.size, base.fieldsOf(best).size)
    if (bestShared * 2 >= fieldCount) markMatch(best, h)
  }
}

/** True when the matched records appear in head in another order than in base. */
function isReordered(matchedBaseForHead: Int32Array): boolean {
  let previous = -1
  for (const b of matchedBaseForHead) {
    if (b === -1) continue
    if (b < previous) return true
    previous = b
  }
  return false
}
