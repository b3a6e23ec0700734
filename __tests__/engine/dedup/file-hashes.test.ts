import { FileHashBuilder, type CorpusHashJob } from '../../../src/engine/dedup/file-hashes.js'
import { comparisonParts } from '../../../src/engine/dedup/normalise.js'
import { RecordHasher } from '../../../src/engine/dedup/record-hasher.js'
import { seededRandom } from '../../../src/engine/dedup/minhash.js'
import type { RecordFields } from '../../../src/engine/types.js'

const HASH = { permutations: 128, bands: 14, rows: 9, seed: 1, ngram: 5, charNgram: 5, minWords: 10 }

/** Word records of every size (a few beyond the builder's first shingle buffer), short ones, empty ones. */
function rows(count: number): RecordFields[] {
  const random = seededRandom(7)
  const word = (): string => 'w' + (random() >>> 22).toString(36)
  return Array.from({ length: count }, (_, i) => {
    if (i % 97 === 0) return { text: '' }
    if (i % 13 === 0) return { text: 'short one ' + i }
    const words = i % 211 === 0 ? 70_000 : 10 + ((random() >>> 0) % 300)
    return { text: Array.from({ length: words }, word).join(' ') }
  })
}

describe('FileHashBuilder', () => {
  it('gives each record the band hashes it would get signed alone, across batches, large records and records with no text', () => {
    const job: CorpusHashJob = { fields: ['text'], exclude: [], hash: HASH, bands: true }
    const records = rows(1000)
    const builder = new FileHashBuilder(job)
    records.forEach((fields, index) => builder.add({ fields, index, line: index + 1 }))
    const result = builder.result()

    const hasher = new RecordHasher(HASH)
    const expected: number[] = []
    const indexes: number[] = []
    records.forEach((fields, index) => {
      if (hasher.load(comparisonParts(fields, ['text'], new Set())) === 0) return
      const bands = new Int32Array(HASH.bands)
      hasher.bands(bands, 0)
      expected.push(...bands)
      indexes.push(index)
    })
    expect(result.emptyText).toBe(Math.ceil(1000 / 97))
    expect(Array.from(result.indexOf)).toEqual(indexes)
    expect(result.bandValues.length).toBe(indexes.length * HASH.bands)
    const differing = expected.flatMap((value, i) => (result.bandValues[i] === value ? [] : [i]))
    expect(differing).toEqual([])
  })

  it('keeps no band hashes when bands are not wanted', () => {
    const builder = new FileHashBuilder({ fields: ['text'], exclude: [], hash: HASH, bands: false })
    rows(300).forEach((fields, index) => builder.add({ fields, index, line: index + 1 }))
    const result = builder.result()
    expect(result.bandValues.length).toBe(0)
    expect(result.exactLow.length).toBe(300 - Math.ceil(300 / 97))
  })
})
