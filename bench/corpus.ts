/**
 * A deterministic synthetic corpus for the benchmark: instruction/output records of about 800
 * bytes of Zipf-distributed pseudo-words, with planted exact duplicates (some differing only by
 * case and punctuation) and near duplicates (a few words changed, so their Jaccard similarity
 * falls on both sides of 0.8).
 */
import { createWriteStream } from 'node:fs'
import { once } from 'node:events'
import { seededRandom } from '../src/engine/dedup/minhash.js'

/** Words in the vocabulary: enough that unrelated records share almost no 5-gram. */
const VOCABULARY = 30000
const INSTRUCTION_WORDS = 20
const OUTPUT_WORDS = 104
/** Share of records that copy an earlier one exactly (half of them with changed case and punctuation). */
export const EXACT_SHARE = 0.03
/** Share of records that copy an earlier one with a few words changed. */
export const NEAR_SHARE = 0.07
/** Word changes of a near copy, one drawn per copy: 1 change of ~124 words is Jaccard ~0.92, 4 are ~0.73. */
const EDITS = [1, 1, 2, 2, 3, 4, 6]

export interface CorpusSummary {
  records: number
  bytes: number
  plantedExact: number
  plantedNear: number
}

/** A uniform number in [0, 1) from a seeded 32-bit generator. */
function uniform(random: () => number): () => number {
  return () => (random() >>> 0) / 4294967296
}

function buildVocabulary(random: () => number): string[] {
  const syllables = ['ka', 'lo', 'mi', 'ne', 'ru', 'sa', 'ti', 'vo', 'be', 'da', 'fu', 'go', 'hi', 'ja', 'pe', 'qu', 'ro', 'su', 'te', 'wa', 'xi', 'yo', 'ze', 'an', 'el', 'in', 'or', 'um']
  const words = new Set<string>()
  const next = uniform(random)
  while (words.size < VOCABULARY) {
    const length = 1 + Math.floor(next() * 4)
    let word = ''
    for (let i = 0; i < length; i++) word += syllables[Math.floor(next() * syllables.length)]
    words.add(word)
  }
  return [...words]
}

/** Zipf(1) sampling by inverse CDF over the vocabulary ranks. */
function zipfSampler(size: number, next: () => number): () => number {
  const cumulative = new Float64Array(size)
  let total = 0
  for (let rank = 0; rank < size; rank++) cumulative[rank] = total += 1 / (rank + 1)
  return () => {
    const target = next() * total
    let low = 0
    let high = size - 1
    while (low < high) {
      const mid = (low + high) >> 1
      if (cumulative[mid] < target) low = mid + 1
      else high = mid
    }
    return low
  }
}

interface Draft {
  instruction: string[]
  output: string[]
}

/** Writes `records` JSONL records to `path`; the same arguments always give the same bytes. */
export async function writeCorpus(path: string, records: number, seed = 42): Promise<CorpusSummary> {
  const random = seededRandom(seed)
  const next = uniform(random)
  const vocabulary = buildVocabulary(random)
  const word = zipfSampler(vocabulary.length, next)
  const words = (count: number): string[] => Array.from({ length: count }, () => vocabulary[word()])
  // Originals are kept in a bounded pool to copy from, as real duplicates cluster in time.
  const pool: Draft[] = []
  const POOL = 5000
  const out = createWriteStream(path)
  let bytes = 0
  let plantedExact = 0
  let plantedNear = 0
  for (let i = 0; i < records; i++) {
    const roll = next()
    let draft: Draft
    let styled = false
    if (pool.length > 0 && roll < EXACT_SHARE) {
      draft = pool[Math.floor(next() * pool.length)]
      styled = next() < 0.5
      plantedExact++
    } else if (pool.length > 0 && roll < EXACT_SHARE + NEAR_SHARE) {
      const original = pool[Math.floor(next() * pool.length)]
      draft = { instruction: [...original.instruction], output: [...original.output] }
      const edits = EDITS[Math.floor(next() * EDITS.length)]
      for (let e = 0; e < edits; e++) {
        const inOutput = next() < 0.85
        const target = inOutput ? draft.output : draft.instruction
        target[Math.floor(next() * target.length)] = vocabulary[word()]
      }
      plantedNear++
    } else {
      draft = { instruction: words(INSTRUCTION_WORDS), output: words(OUTPUT_WORDS) }
      if (pool.length < POOL) pool.push(draft)
      else pool[Math.floor(next() * POOL)] = draft
    }
    const instruction = sentence(draft.instruction, styled)
    const output = sentence(draft.output, styled)
    const line = JSON.stringify({ id: `r${i}`, instruction, output }) + '\n'
    bytes += Buffer.byteLength(line)
    if (!out.write(line)) await once(out, 'drain')
  }
  out.end()
  await once(out, 'finish')
  return { records, bytes, plantedExact, plantedNear }
}

/** Words as a sentence; `styled` capitalises and punctuates differently (equal once normalised). */
function sentence(words: readonly string[], styled: boolean): string {
  if (!styled) return words.join(' ') + '.'
  return words.map((w, i) => (i % 7 === 0 ? w.toUpperCase() : w)).join(', ') + '!'
}
