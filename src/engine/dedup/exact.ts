import type { CorpusArrays } from './corpus.js'
import { KeyGroups } from './near.js'
import { SplitKind, type LeakPair, type SlotRelations } from './relations.js'

/** Records equal after normalisation, found by grouping their 64-bit hashes. */
export interface ExactGroups {
  /**
   * Per slot: the slot of the first record with the same text in its group (itself when it is
   * the first). The near-duplicate index holds only these firsts.
   */
  repOf: Int32Array
  /** Each later record of a group, with the first one. */
  duplicates: Array<{ slot: number; first: number }>
  /** Records of a train split equal to one of an eval split: by the slot the finding goes on. */
  leaks: Map<number, LeakPair>
  /** Distinct texts that occur more than once in a group. */
  repeatedTexts: number
}

/**
 * Groups the side's records by exact hash. Within a group, every record after the original
 * (by `relations.compare`) is a duplicate of it; across a train and an eval group, each train
 * record is paired with the eval original and each eval record with the train original, and
 * the finding goes where `relations.blame` says.
 */
export function groupExact(corpus: CorpusArrays, relations: SlotRelations): ExactGroups {
  const n = corpus.count
  const repOf = new Int32Array(n)
  for (let slot = 0; slot < n; slot++) repOf[slot] = slot
  const duplicates: ExactGroups['duplicates'] = []
  const leaks = new Map<number, LeakPair>()
  let repeatedTexts = 0
  for (const sameText of sameHashGroups(corpus)) {
    const members = sameText.sort((a, b) => relations.compare(a, b))
    const firsts = new Map<number, number>()
    const repeated = new Set<number>()
    for (const slot of members) {
      const group = relations.groupOf(slot)
      const first = firsts.get(group)
      if (first === undefined) {
        firsts.set(group, slot)
        repOf[slot] = slot
      } else {
        repOf[slot] = first
        duplicates.push({ slot, first })
        repeated.add(group)
      }
    }
    repeatedTexts += repeated.size
    const trains = members.filter((slot) => relations.kindOf(slot) === SplitKind.Train)
    const evals = members.filter((slot) => relations.kindOf(slot) === SplitKind.Eval)
    if (trains.length > 0 && evals.length > 0) {
      const addLeak = (train: number, evalRecord: number): void => {
        const blamed = relations.blame(train, evalRecord)
        if (!leaks.has(blamed)) leaks.set(blamed, { other: blamed === train ? evalRecord : train, jaccard: 1, exact: true })
      }
      for (const train of trains) addLeak(train, evals[0])
      for (const evalRecord of evals) addLeak(trains[0], evalRecord)
    }
  }
  return { repOf, duplicates, leaks, repeatedTexts }
}

/**
 * The slots of each exact hash that two or more records have, each group in slot order, the
 * groups in ascending order of the hash (high half, then low, unsigned): what a stable sort of
 * every record by its hash gives, found by grouping the low halves in a cache-sized hash table
 * (`KeyGroups`, 3x faster at a million than the radix sort) and splitting the rare group whose
 * high halves differ.
 */
function sameHashGroups(corpus: CorpusArrays): number[][] {
  const n = corpus.count
  const { exactLow, exactHigh } = corpus
  const { order, starts } = new KeyGroups(n).of(exactLow.subarray(0, n))
  const groups: number[][] = []
  for (let g = 0; g + 1 < starts.length; g++) {
    const members = Array.from(order.subarray(starts[g], starts[g + 1]))
    const high = exactHigh[members[0]]
    if (members.every((slot) => exactHigh[slot] === high)) {
      groups.push(members)
      continue
    }
    const byHigh = new Map<number, number[]>()
    for (const slot of members) {
      const list = byHigh.get(exactHigh[slot])
      if (list) list.push(slot)
      else byHigh.set(exactHigh[slot], [slot])
    }
    for (const list of byHigh.values()) if (list.length > 1) groups.push(list)
  }
  return groups.sort((a, b) => (exactHigh[a[0]] >>> 0) - (exactHigh[b[0]] >>> 0) || (exactLow[a[0]] >>> 0) - (exactLow[b[0]] >>> 0))
}
