import { FileHashBuilder, type CorpusHashJob, type FileHashes } from '../../../src/engine/dedup/file-hashes.js'
import { claimChunk, HASH_CHUNK_RECORDS, SharedHashWriter, sharedHashColumns } from '../../../src/engine/dedup/hash-chunks.js'
import { CORPUS_COLUMN_TYPES } from '../../../src/engine/dedup/corpus.js'
import { seededRandom } from '../../../src/engine/stats/sampling.js'
import { isShared } from '../../../src/engine/typed-arrays.js'
import type { DatasetRecord } from '../../../src/engine/types.js'

const HASH = { permutations: 128, bands: 9, rows: 13, seed: 1, ngram: 5, charNgram: 5, minWords: 10 }
const JOB: CorpusHashJob = { fields: ['text'], exclude: [], hash: HASH, bands: true }

/** Records of word texts, short ones (shingled by characters) and, every `emptyEvery`, one with no text. */
function records(count: number, emptyEvery = 97): DatasetRecord[] {
  const random = seededRandom(3)
  const word = (): string => 'w' + Math.floor(random() * 5000).toString(36)
  let offset = 0
  return Array.from({ length: count }, (_, index) => {
    const text = index % emptyEvery === 0 ? '' : index % 13 === 0 ? `short ${index}` : Array.from({ length: 12 + Math.floor(random() * 60) }, word).join(' ')
    const bytes = text.length + 12
    const record = { fields: { text }, index, line: index + 1, offset, bytes }
    offset += bytes + 1
    return record
  })
}

/** The hashes of one thread hashing every record. */
function alone(job: CorpusHashJob, all: readonly DatasetRecord[]): FileHashes {
  const builder = new FileHashBuilder(job)
  for (const record of all) builder.add(record)
  return builder.result()
}

/**
 * Two writers over the same records, as two threads would run them: each goes through every
 * record in order, the turns decided by `random` (runs of 1 to `stride` records).
 */
function shared(job: CorpusHashJob, all: readonly DatasetRecord[], expectedRecords: number, random: () => number, stride: number) {
  const columns = sharedHashColumns(job, expectedRecords)!
  const main = new SharedHashWriter(job, columns, true)
  const worker = new SharedHashWriter(job, columns, false)
  const at = [0, 0]
  const writers = [main, worker]
  while (at[0] < all.length || at[1] < all.length) {
    const turn = at[0] >= all.length ? 1 : at[1] >= all.length ? 0 : random() < 0.5 ? 0 : 1
    const run = 1 + Math.floor(random() * stride)
    for (let k = 0; k < run && at[turn] < all.length; k++, at[turn]++) writers[turn].add(at[turn], all[at[turn]])
  }
  worker.done()
  main.done()
  return { result: main.result(all.length, worker.emptyText), main, worker }
}

/** Each column of `actual` against `expected`, value for value. */
function expectSameHashes(actual: FileHashes | undefined, expected: FileHashes): void {
  expect(actual).toBeDefined()
  expect(actual!.emptyText).toBe(expected.emptyText)
  for (const name of Object.keys(CORPUS_COLUMN_TYPES) as Array<keyof typeof CORPUS_COLUMN_TYPES>) {
    expect({ name, values: Array.from(actual![name]) }).toEqual({ name, values: Array.from(expected[name]) })
  }
}

describe('claimChunk', () => {
  it('gives each chunk to exactly one of two claimants, in order', () => {
    const counter = new Int32Array(new SharedArrayBuffer(8))
    const random = seededRandom(11)
    const owners: number[] = []
    const at = [0, 0]
    while (at[0] < 50 || at[1] < 50) {
      const turn = at[0] >= 50 ? 1 : at[1] >= 50 ? 0 : random() < 0.5 ? 0 : 1
      if (claimChunk(counter, at[turn])) owners[at[turn]] = turn
      at[turn]++
    }
    expect(owners.filter((owner) => owner !== undefined)).toHaveLength(50)
    expect(Atomics.load(counter, 0)).toBe(50)
    // A chunk already taken is refused, and so is one beyond the next.
    expect(claimChunk(counter, 10)).toBe(false)
    expect(claimChunk(counter, 52)).toBe(false)
  })
})

describe('SharedHashWriter', () => {
  const all = records(6 * HASH_CHUNK_RECORDS + 321)

  it.each([
    ['record by record turns', 1, 5],
    ['long runs (one thread far ahead)', 5000, 6],
    ['mid-length runs', 700, 7]
  ])('two writers sharing the chunks give what one thread hashing every record gives: %s', (_name, stride, seed) => {
    const { result, main, worker } = shared(JOB, all, all.length, seededRandom(seed), stride)
    expectSameHashes(result, alone(JOB, all))
    expect(main.chunksClaimed + worker.chunksClaimed).toBe(Math.ceil(all.length / HASH_CHUNK_RECORDS))
    // The band hashes stay in shared memory, for the helper thread that groups bands in the finish.
    expect(isShared(result!.bandValues)).toBe(true)
  })

  it('shares the chunks between the two when they keep level', () => {
    const { main, worker } = shared(JOB, all, all.length, seededRandom(9), 1)
    expect(main.chunksClaimed).toBeGreaterThan(0)
    expect(worker.chunksClaimed).toBeGreaterThan(0)
  })

  it('closes up the slots of records without text, however many', () => {
    const sparse = records(3 * HASH_CHUNK_RECORDS, 3)
    expectSameHashes(shared(JOB, sparse, sparse.length, seededRandom(4), 300).result, alone(JOB, sparse))
  })

  it('hashes the records beyond an estimate far too low on the main thread and appends them', () => {
    const { result, worker } = shared(JOB, all, 1000, seededRandom(8), 400)
    expectSameHashes(result, alone(JOB, all))
    // Capacity for 1,500 records: one shared chunk, the rest the main thread's.
    expect(worker.chunksClaimed).toBeLessThanOrEqual(1)
  })

  it('keeps no band hashes when bands are not wanted', () => {
    const job = { ...JOB, bands: false }
    const { result } = shared(job, all, all.length, seededRandom(2), 900)
    expectSameHashes(result, alone(job, all))
    expect(result!.bandValues.length).toBe(0)
  })

  it('gives no hashes when a thread stopped early or never said it was done', () => {
    const columns = sharedHashColumns(JOB, all.length)!
    const main = new SharedHashWriter(JOB, columns, true)
    const worker = new SharedHashWriter(JOB, columns, false)
    // The worker took the first chunk, then died.
    for (let i = 0; i < HASH_CHUNK_RECORDS; i++) worker.add(i, all[i])
    for (let i = 0; i < all.length; i++) main.add(i, all[i])
    main.done()
    expect(main.result(all.length, worker.emptyText)).toBeUndefined()
    worker.done()
    expect(main.result(all.length, worker.emptyText)).toBeDefined()
    // A count of records other than the threads read leaves chunks unaccounted for.
    expect(main.result(all.length + HASH_CHUNK_RECORDS, worker.emptyText)).toBeUndefined()
  })
})
