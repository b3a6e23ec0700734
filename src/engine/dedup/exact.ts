import type { CorpusArrays } from './corpus.js'
import { radixOrder } from './lsh.js'
import { SplitKind, type LeakPair, type SlotRelations } from './relations.js'

/** Records equal after normalisation, found by sorting their 64-bit hashes. */
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
  const duplicates: ExactGroups['duplicates'] = []
  const leaks = new Map<number, LeakPair>()
  let repeatedTexts = 0
  const order = radixOrder(n, [corpus.exactLow.subarray(0, n), corpus.exactHigh.subarray(0, n)])
  const { exactLow, exactHigh } = corpus
  let start = 0
  for (let i = 1; i <= n; i++) {
    if (i < n && exactLow[order[i]] === exactLow[order[start]] && exactHigh[order[i]] === exactHigh[order[start]]) continue
    if (i - start === 1) repOf[order[start]] = order[start]
    else {
      const members = Array.from(order.subarray(start, i)).sort((a, b) => relations.compare(a, b))
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
    start = i
  }
  return { repOf, duplicates, leaks, repeatedTexts }
}
