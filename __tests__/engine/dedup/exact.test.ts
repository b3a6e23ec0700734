import { CorpusArrays } from '../../../src/engine/dedup/corpus.js'
import { groupExact } from '../../../src/engine/dedup/exact.js'
import { seededRandom } from '../../../src/engine/dedup/minhash.js'
import { SplitKind, type SlotRelations } from '../../../src/engine/dedup/relations.js'

/** A side of `n` records with hashes from `hashOf`: slot i is record i of file `i % files`. */
function corpusOf(n: number, hashOf: (slot: number) => [number, number]): CorpusArrays {
  const corpus = new CorpusArrays(0)
  for (let slot = 0; slot < n; slot++) {
    corpus.add(0, slot, slot + 1)
    ;[corpus.exactLow[slot], corpus.exactHigh[slot]] = hashOf(slot)
  }
  return corpus
}

/**
 * Groups as a stable sort of every slot by its hash (high half, then low, unsigned) gives them:
 * the definition `groupExact` must keep, however it finds the groups.
 */
function groupsBySorting(corpus: CorpusArrays): number[][] {
  const { exactLow, exactHigh } = corpus
  const order = Array.from({ length: corpus.count }, (_, slot) => slot).sort(
    (a, b) => (exactHigh[a] >>> 0) - (exactHigh[b] >>> 0) || (exactLow[a] >>> 0) - (exactLow[b] >>> 0) || a - b
  )
  const groups: number[][] = []
  let start = 0
  for (let i = 1; i <= order.length; i++) {
    if (i < order.length && exactLow[order[i]] === exactLow[order[start]] && exactHigh[order[i]] === exactHigh[order[start]]) continue
    if (i - start > 1) groups.push(order.slice(start, i))
    start = i
  }
  return groups
}

/** Two splits: even slots train, odd slots eval; the original is the later slot within a tie of "age" (slot % 3), so ties are broken by input order. */
const relations: SlotRelations = {
  groupOf: (slot) => slot % 2,
  kindOf: (slot) => (slot % 2 === 0 ? SplitKind.Train : SplitKind.Eval),
  compare: (a, b) => (a % 3) - (b % 3),
  blame: (train) => train
}

describe('groupExact', () => {
  it('finds the groups a sort of every hash finds, in the same order, with the same originals', () => {
    const random = seededRandom(11)
    const n = 20000
    // A few hundred distinct texts repeated, and some low halves shared by texts whose high halves differ.
    const texts = Array.from({ length: 3000 }, () => [random(), random()] as [number, number])
    for (let i = 0; i < 40; i++) texts[3000 - 1 - i] = [texts[i][0], texts[i][1] ^ 0x5bd1e995]
    const pick = (below: number): number => (random() >>> 0) % below
    const corpus = corpusOf(n, (slot) => (pick(10) < 3 ? texts[pick(texts.length)] : [random(), slot]))

    const { repOf, duplicates, leaks, repeatedTexts } = groupExact(corpus, relations)

    const expectedDuplicates: Array<{ slot: number; first: number }> = []
    const expectedRep = Int32Array.from({ length: n }, (_, slot) => slot)
    let expectedRepeated = 0
    for (const group of groupsBySorting(corpus)) {
      const members = group.sort((a, b) => relations.compare(a, b))
      const firsts = new Map<number, number>()
      const repeated = new Set<number>()
      for (const slot of members) {
        const first = firsts.get(relations.groupOf(slot))
        if (first === undefined) firsts.set(relations.groupOf(slot), slot)
        else {
          expectedRep[slot] = first
          expectedDuplicates.push({ slot, first })
          repeated.add(relations.groupOf(slot))
        }
      }
      expectedRepeated += repeated.size
    }
    expect(duplicates.length).toBeGreaterThan(1500)
    // Some texts share a low half with another text: their groups had to be split by the high half.
    const lows = groupsBySorting(corpus).map((group) => corpus.exactLow[group[0]])
    expect(new Set(lows).size).toBeLessThan(lows.length - 10)
    expect(duplicates).toEqual(expectedDuplicates)
    expect(Array.from(repOf)).toEqual(Array.from(expectedRep))
    expect(repeatedTexts).toBe(expectedRepeated)
    // Texts in both splits leak: every train copy of a text an eval record has is blamed.
    expect(leaks.size).toBeGreaterThan(0)
    for (const [blamed, pair] of leaks) {
      expect(relations.kindOf(blamed)).toBe(SplitKind.Train)
      expect([corpus.exactLow[pair.other], corpus.exactHigh[pair.other]]).toEqual([corpus.exactLow[blamed], corpus.exactHigh[blamed]])
    }
  })

  it('keeps texts whose hashes share the low half apart', () => {
    const corpus = corpusOf(6, (slot) => [7, slot % 3 === 0 ? 1 : 2])
    const { duplicates, repOf } = groupExact(corpus, { ...relations, groupOf: () => 0 })
    // Slots 0 and 3 have the high half 1, the rest 2: (1, 7) sorts first. Within a text the
    // originals go by compare (slot % 3), ties in slot order.
    expect(duplicates).toEqual([
      { slot: 3, first: 0 },
      { slot: 4, first: 1 },
      { slot: 2, first: 1 },
      { slot: 5, first: 1 }
    ])
    expect(Array.from(repOf)).toEqual([0, 1, 1, 0, 1, 1])
  })
})
