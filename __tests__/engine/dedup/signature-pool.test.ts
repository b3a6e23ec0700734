import { existsSync } from 'node:fs'
import { resolve } from 'node:path'
import { CorpusArrays } from '../../../src/engine/dedup/corpus.js'
import { bandHashes, MinHasher, seededRandom } from '../../../src/engine/dedup/minhash.js'
import { BatchSigner, SignaturePool, SignatureQueue } from '../../../src/engine/dedup/signature-pool.js'

const SETTINGS = { permutations: 128, seed: 1, bands: 14, rows: 9 }
/** The CLI bundle serves signing workers, as the Action's does: the real entry a worker starts from. */
const BUNDLE = resolve('dist/cli/index.js')

/** Records of 1 to 300 random shingles, and each one's band hashes computed one record at a time. */
function records(count: number, seed: number): Array<{ shingles: Int32Array; bands: Int32Array }> {
  const random = seededRandom(seed)
  const hasher = new MinHasher(SETTINGS.permutations, SETTINGS.seed)
  const signature = new Int32Array(SETTINGS.permutations)
  return Array.from({ length: count }, () => {
    const shingles = Int32Array.from({ length: 1 + ((random() >>> 0) % 300) }, () => random())
    hasher.signature(shingles, shingles.length, signature)
    const bands = new Int32Array(SETTINGS.bands)
    bandHashes(signature, SETTINGS.bands, SETTINGS.rows, bands, 0)
    return { shingles, bands }
  })
}

/** Queues every record into a fresh index through `pool` and returns the index once drained. */
async function indexThrough(pool: SignaturePool, list: ReturnType<typeof records>): Promise<CorpusArrays> {
  const corpus = new CorpusArrays(SETTINGS.bands)
  const queue = new SignatureQueue(pool, SETTINGS.bands)
  for (const [i, { shingles }] of list.entries()) {
    const slot = corpus.add(0, i, i + 1)
    queue.push(shingles, shingles.length, [{ corpus, slot }])
  }
  await queue.drain()
  return corpus
}

function expectBands(corpus: CorpusArrays, list: ReturnType<typeof records>): void {
  expect(corpus.count).toBe(list.length)
  for (const [slot, { bands }] of list.entries()) {
    expect(Array.from(corpus.bandValues.subarray(slot * SETTINGS.bands, (slot + 1) * SETTINGS.bands))).toEqual(Array.from(bands))
  }
}

describe('BatchSigner', () => {
  it('signs records laid end to end exactly as one record at a time', () => {
    const list = records(50, 3)
    const offsets = new Int32Array(list.length + 1)
    list.forEach(({ shingles }, i) => (offsets[i + 1] = offsets[i] + shingles.length))
    const shingles = new Int32Array(offsets[list.length])
    list.forEach((record, i) => shingles.set(record.shingles, offsets[i]))
    const out = new BatchSigner(SETTINGS).sign({ shingles, offsets, count: list.length })
    list.forEach(({ bands }, i) => expect(Array.from(out.subarray(i * 14, (i + 1) * 14))).toEqual(Array.from(bands)))
  })
})

describe('SignaturePool', () => {
  const withBundle = existsSync(BUNDLE) ? it : it.skip

  withBundle('signs on worker threads started from the bundle, with the same band hashes, into both targets of a record', async () => {
    const list = records(3000, 5)
    const pool = new SignaturePool(SETTINGS, BUNDLE, 2)
    const corpus = await indexThrough(pool, list)
    expectBands(corpus, list)
    expect(pool.signed.workers).toBeGreaterThan(0)
    expect(pool.signed.workers + pool.signed.inline).toBe(Math.ceil(3000 / 256))

    // A reference record goes to both sides' indexes from one signing.
    const base = new CorpusArrays(SETTINGS.bands)
    const head = new CorpusArrays(SETTINGS.bands)
    const queue = new SignatureQueue(new SignaturePool(SETTINGS, BUNDLE, 1), SETTINGS.bands)
    for (const [i, { shingles }] of list.slice(0, 600).entries()) {
      queue.push(shingles, shingles.length, [{ corpus: base, slot: base.add(0, i, i) }, { corpus: head, slot: head.add(1, i, i) }])
    }
    await queue.drain()
    expectBands(base, list.slice(0, 600))
    expectBands(head, list.slice(0, 600))
  })

  it('signs here what a worker that dies took, losing nothing', async () => {
    const list = records(2000, 9)
    // A worker that exits as soon as it starts, before answering anything.
    const pool = new SignaturePool(SETTINGS, new URL('data:text/javascript,process.exit(3)'), 2)
    const corpus = await indexThrough(pool, list)
    expectBands(corpus, list)
    expect(pool.signed.workers).toBe(0)
    expect(pool.signed.inline).toBe(Math.ceil(2000 / 256))
  })

  it('signs everything here when the worker file cannot be loaded', async () => {
    const list = records(700, 13)
    const pool = new SignaturePool(SETTINGS, resolve('does-not-exist.js'), 1)
    expectBands(await indexThrough(pool, list), list)
    expect(pool.signed.workers).toBe(0)
  })
})
