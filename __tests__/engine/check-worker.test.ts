import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { defaultConfig } from '../../src/config/load.js'
import { runAudit, type FileChange } from '../../src/engine/audit.js'
import { CheckWorker, runCheckJob, runCheckJobInWorker, WORKER_CHECK_IDS, type CheckJob } from '../../src/engine/check-worker.js'
import { ALL_CHECKS } from '../../src/engine/checks/registry.js'
import type { Check } from '../../src/engine/checks/types.js'
import { fileSource } from '../../src/engine/readers/index.js'
import { UniquenessStage } from '../../src/engine/uniqueness.js'
import { NEED_EXCERPT, NEED_SET, readCandidates, readCandidatesShared, type CandidateHelper, type CandidateJob } from '../../src/engine/dedup/candidate-reader.js'
import { comparisonParts } from '../../src/engine/dedup/normalise.js'
import { RecordHasher } from '../../src/engine/dedup/record-hasher.js'
import { setWorkerThreads, threadStats, useWorkerEntry } from '../../src/engine/threads.js'
import { BandGrouper, bandBuckets, claimBands, concatBuckets } from '../../src/engine/dedup/near.js'
import { sharedInt32Array } from '../../src/engine/typed-arrays.js'
import { SharedHashWriter, sharedHashColumns } from '../../src/engine/dedup/hash-chunks.js'
import type { CorpusHashJob } from '../../src/engine/dedup/file-hashes.js'
import { readDataset } from '../../src/engine/readers/index.js'
import type { DatasetRecord } from '../../src/engine/types.js'

const BASE = resolve('examples/pr/base/data/sft/train.jsonl')
const HEAD = resolve('examples/pr/head/data/sft/train.jsonl')
const changes = (): FileChange[] => [{ path: 'data/sft/train.jsonl', status: 'modified', base: fileSource(BASE, 'data/sft/train.jsonl'), head: fileSource(HEAD, 'data/sft/train.jsonl') }]

/**
 * The audit of `changes` on one thread, then with one worker thread started from `entry`, and
 * how far `counter` of threadStats moved in the second.
 */
async function aloneAndThreaded(changes: () => FileChange[], entry: string, counter: keyof typeof threadStats) {
  setWorkerThreads(0)
  const alone = await runAudit(changes(), { config: defaultConfig() })
  setWorkerThreads(1)
  useWorkerEntry(resolve(entry))
  const before = threadStats[counter]
  const threaded = await runAudit(changes(), { config: defaultConfig() })
  return { alone, threaded, moved: threadStats[counter] - before }
}

describe('checks on a worker thread', () => {
  const previous = process.env.DATASET_AUDIT_OFFLOAD_BYTES
  beforeAll(() => (process.env.DATASET_AUDIT_OFFLOAD_BYTES = '0'))
  afterAll(() => {
    if (previous === undefined) delete process.env.DATASET_AUDIT_OFFLOAD_BYTES
    else process.env.DATASET_AUDIT_OFFLOAD_BYTES = previous
    useWorkerEntry(undefined)
    setWorkerThreads(undefined)
  })

  it('runs a job the way the side pass would: each finding with the position and line of its record, and the uniqueness hashes', async () => {
    // Any check can run there; the side pass gives it WORKER_CHECK_IDS.
    expect(WORKER_CHECK_IDS.size).toBeGreaterThan(0)
    const checks = ALL_CHECKS.filter((check) => WORKER_CHECK_IDS.has(check.id) || check.id === 'secrets').map((check) => ({ id: check.id, config: { ...check.defaults } }))
    const stage = new UniquenessStage({})
    const deferred = stage.openDeferred({ path: 'data/sft/train.jsonl', side: 'head', reference: false, textFields: ['instruction', 'output'], settings: { path: 'data/sft/train.jsonl', key: ['id'], checks: {} }, source: fileSource(HEAD, 'data/sft/train.jsonl') })!
    const result = await runCheckJob({
      localFile: HEAD,
      path: 'data/sft/train.jsonl',
      readOptions: {},
      side: 'head',
      settings: { path: 'data/sft/train.jsonl', key: ['id'], checks: {} },
      textFields: ['instruction', 'output'],
      checks,
      baseSummaries: checks.map(() => undefined),
      corpus: deferred.job
    })
    expect(result.records).toBe(31)
    // One slot a record with text, in file order, with its band hashes.
    expect(result.corpus!.indexOf.length + result.corpus!.emptyText).toBe(31)
    expect(Array.from(result.corpus!.indexOf)).toEqual([...result.corpus!.indexOf].sort((a, b) => a - b))
    expect(result.corpus!.bandValues.length).toBe(result.corpus!.indexOf.length * stage.lsh.bands)
    expect(result.failed).toEqual([])
    const secrets = result.findings.filter((finding) => checks[finding.check].id === 'secrets')
    expect(secrets).toHaveLength(1)
    // Line 28 does not parse: from there on a record's position is one less than its line.
    expect(secrets[0].recordLine).toBeGreaterThan(0)
    expect(secrets[0].position).toBe(secrets[0].recordLine < 28 ? secrets[0].recordLine - 1 : secrets[0].recordLine - 2)
  })

  it('runs a job given to a worker started before it, as on this thread: the hashes first, then the findings', async () => {
    const checks = ALL_CHECKS.filter((check) => WORKER_CHECK_IDS.has(check.id) || check.id === 'secrets').map((check) => ({ id: check.id, config: { ...check.defaults } }))
    const jobFor = (): CheckJob => {
      const stage = new UniquenessStage({})
      const deferred = stage.openDeferred({ path: 'data/sft/train.jsonl', side: 'head', reference: false, textFields: ['instruction', 'output'], settings: { path: 'data/sft/train.jsonl', key: ['id'], checks: {} }, source: fileSource(HEAD, 'data/sft/train.jsonl') })!
      return { localFile: HEAD, path: 'data/sft/train.jsonl', readOptions: {}, side: 'head', settings: { path: 'data/sft/train.jsonl', key: ['id'], checks: {} }, textFields: ['instruction', 'output'], checks, baseSummaries: checks.map(() => undefined), corpus: deferred.job }
    }
    const here = await runCheckJob(jobFor())
    const worker = new CheckWorker(resolve('dist/cli/index.js'))
    // The job comes once the thread has had time to boot, as the side pass's first records take.
    await new Promise((done) => setTimeout(done, 50))
    const run = worker.run(jobFor())
    const order: string[] = []
    const [hashes, result] = await Promise.all([run.hashes.then((value) => (order.push('hashes'), value)), run.result.then((value) => (order.push('result'), value))])
    expect(order).toEqual(['hashes', 'result'])
    expect(hashes!.records).toBe(31)
    expect(hashes!.corpus).toEqual(here.corpus)
    // Sent ahead, the hashes are not sent again with the result.
    expect(result.corpus).toBeUndefined()
    const { corpus: _corpus, ...rest } = here
    expect(result).toEqual(rest)
    expect(result.findings.length).toBeGreaterThan(0)
  })

  it('shares the hashing with this thread chunk by chunk, through columns in shared memory, as the side pass does', async () => {
    const stage = new UniquenessStage({})
    const deferred = stage.openDeferred({ path: 'data/sft/train.jsonl', side: 'head', reference: false, textFields: ['instruction', 'output'], settings: { path: 'data/sft/train.jsonl', key: ['id'], checks: {} }, source: fileSource(HEAD, 'data/sft/train.jsonl') })!
    const job = (corpus: CorpusHashJob): CheckJob => ({ localFile: HEAD, path: 'data/sft/train.jsonl', readOptions: {}, side: 'head', settings: { path: 'data/sft/train.jsonl', key: ['id'], checks: {} }, textFields: ['instruction', 'output'], checks: [], baseSummaries: [], corpus })
    const alone = (await runCheckJob(job(deferred.job))).corpus!
    const records: DatasetRecord[] = []
    await readDataset(fileSource(HEAD, 'data/sft/train.jsonl'), { record: (record) => void records.push(record), finding: () => undefined })
    // Chunks of 4 of the 31 records: this thread takes the first two before the worker starts, the worker the rest.
    const shared = sharedHashColumns(deferred.job, records.length, 4)!
    const here = new SharedHashWriter(deferred.job, shared, true)
    for (let position = 0; position < 8; position++) here.add(position, records[position])
    const worker = new CheckWorker(resolve('dist/cli/index.js'))
    const hashes = await worker.run(job({ ...deferred.job, shared })).hashes
    for (let position = 8; position < records.length; position++) here.add(position, records[position])
    here.done()
    expect(here.chunksClaimed).toBe(2)
    expect(hashes!.corpus).toBeUndefined()
    const whole = here.result(records.length, hashes!.sharedEmptyText!)
    expect(whole).toEqual({ ...alone, bandValues: whole!.bandValues })
    expect(Array.from(whole!.bandValues)).toEqual(Array.from(alone.bandValues))
  })

  it('ends a worker that gets no job, and fails a job given to a stopped or broken one', async () => {
    const job: CheckJob = { localFile: HEAD, path: 'data/sft/train.jsonl', readOptions: {}, side: 'head', settings: { path: 'data/sft/train.jsonl', key: [], checks: {} }, textFields: ['output'], checks: [{ id: 'repetition', config: {} }], baseSummaries: [undefined] }
    const idle = new CheckWorker(resolve('dist/cli/index.js'))
    idle.stop()
    await expect(idle.run(job).result).rejects.toThrow(/stopped/)
    const broken = new CheckWorker(resolve('no-such-bundle.js'))
    // It fails while booting, before any job: the failure waits for the job.
    await new Promise((done) => setTimeout(done, 200))
    const run = broken.run(job)
    await expect(run.hashes).rejects.toThrow()
    await expect(run.result).rejects.toThrow()
  })

  it('runs the checks on the main thread instead when the worker cannot start, with the same report', async () => {
    // Both sides give their checks to a worker that never starts: both run them here.
    const { alone, threaded: fallback, moved } = await aloneAndThreaded(changes, 'no-such-bundle.js', 'rerunPasses')
    expect(moved).toBe(2)
    expect(fallback).toEqual(alone)
    expect(alone.files[0].counts.find((count) => count.check === 'secrets')?.introduced).toBe(1)
  })
})

describe('a side pass that fails while its worker runs', () => {
  afterAll(() => {
    useWorkerEntry(undefined)
    setWorkerThreads(undefined)
    delete process.env.DATASET_AUDIT_OFFLOAD_BYTES
  })

  it('stops the worker and fails with the check\'s error', async () => {
    process.env.DATASET_AUDIT_OFFLOAD_BYTES = '0'
    setWorkerThreads(1)
    useWorkerEntry(resolve('dist/cli/index.js'))
    const repetition = ALL_CHECKS.find((check) => check.id === 'repetition')!
    const broken: Check = {
      id: 'broken',
      dimension: 'accuracy',
      description: 'throws on the tenth record',
      defaultSeverity: 'error',
      defaults: {},
      start: () => ({
        record: (record) => {
          if (record.line === 10) throw new Error('broken check')
        },
        finish: () => undefined
      })
    }
    await expect(runAudit(changes(), { config: defaultConfig(), checks: [repetition, broken] })).rejects.toThrow('broken check')
  })

  it('stops a worker when asked, instead of waiting for its answer', async () => {
    const stop = new AbortController()
    const job = runCheckJobInWorker(resolve('dist/cli/index.js'), {
      localFile: HEAD,
      path: 'data/sft/train.jsonl',
      readOptions: {},
      side: 'head',
      settings: { path: 'data/sft/train.jsonl', key: [], checks: {} },
      textFields: ['output'],
      checks: [{ id: 'repetition', config: {} }],
      baseSummaries: [undefined]
    }, stop.signal)
    stop.abort()
    await expect(job.result).rejects.toThrow(/stopped/)
    await expect(job.hashes).rejects.toThrow(/stopped/)
  })
})

describe('a check worker lent to the uniqueness finish', () => {
  const previous = { offload: process.env.DATASET_AUDIT_OFFLOAD_BYTES, shared: process.env.DATASET_AUDIT_SHARED_READ_MIN }
  beforeAll(() => {
    process.env.DATASET_AUDIT_OFFLOAD_BYTES = '0'
    process.env.DATASET_AUDIT_SHARED_READ_MIN = '0'
  })
  afterAll(() => {
    for (const [name, value] of [['DATASET_AUDIT_OFFLOAD_BYTES', previous.offload], ['DATASET_AUDIT_SHARED_READ_MIN', previous.shared]] as const) {
      if (value === undefined) delete process.env[name]
      else process.env[name] = value
    }
    useWorkerEntry(undefined)
    setWorkerThreads(undefined)
  })

  /** 400 records of deterministic words, and a job that wants every one's set and every seventh's excerpt. */
  const candidateFile = (): { source: ReturnType<typeof fileSource>; job: CandidateJob } => {
    const dir = mkdtempSync(join(tmpdir(), 'dataset-audit-candidates-'))
    const file = join(dir, 'train.jsonl')
    let state = 5
    const word = (): string => `w${((state = (Math.imul(state, 1103515245) + 12345) >>> 0) % 300).toString(36)}`
    const records = Array.from({ length: 400 }, (_, i) => ({ id: i, text: Array.from({ length: 20 + (i % 30) }, word).join(' ') }))
    const lines = records.map((record) => JSON.stringify(record))
    writeFileSync(file, lines.join('\n') + '\n')
    // Where each line is, as the JSON Lines reader tells the index (ASCII: a character a byte).
    const offsets = lines.map((_, i) => lines.slice(0, i).reduce((at, line) => at + line.length + 1, 0))
    // The stage's own hash settings, as it gives them to a worker.
    const { hash } = new UniquenessStage({}).openDeferred({ path: 'data/train.jsonl', side: 'head', reference: false, textFields: ['text'], settings: { path: 'data/train.jsonl', key: [], checks: {} }, source: fileSource(file, 'data/train.jsonl') })!.job
    const hasher = new RecordHasher(hash)
    const exact = new Int32Array(2 * records.length)
    records.forEach((record, i) => {
      hasher.load(comparisonParts(record, ['text'], new Set()))
      exact[2 * i] = hasher.exact[0]
      exact[2 * i + 1] = hasher.exact[1]
    })
    const job: CandidateJob = {
      fields: ['text'],
      exclude: [],
      hash,
      places: records.map((_, i) => ({ index: i, line: i + 1, offset: offsets[i], bytes: lines[i].length })),
      needs: Uint8Array.from(records, (_, i) => NEED_SET | (i % 7 === 0 ? NEED_EXCERPT : 0)),
      exact
    }
    return { source: fileSource(file, 'data/train.jsonl'), job }
  }

  it('reads half of a large candidate job on the worker once its job is done, with the sets and excerpts one thread reads', async () => {
    const { source, job } = candidateFile()
    const alone = await readCandidates(source, {}, job)
    expect(alone.sets.filter(Boolean)).toHaveLength(400)
    expect(alone.excerpts.filter(Boolean)).toHaveLength(58)

    const worker = new CheckWorker(resolve('dist/cli/index.js'))
    const helper = worker.candidateHelper()
    const asked: number[] = []
    const counted: CandidateHelper = { read: (...args) => (asked.push(args[3].places.length), helper.read(...args)), groupBands: helper.groupBands, release: () => helper.release() }
    const run = worker.run({ localFile: HEAD, path: 'data/sft/train.jsonl', readOptions: {}, side: 'head', settings: { path: 'data/sft/train.jsonl', key: [], checks: {} }, textFields: ['output'], checks: [{ id: 'repetition', config: {} }], baseSummaries: [undefined] })
    // Asked while the job still runs, the read waits behind it.
    const shared = readCandidatesShared(source, {}, job, undefined, counted)
    const before = threadStats.sharedReads
    expect((await run.result).records).toBe(31)
    expect(await shared).toEqual(alone)
    // The worker read the first half, in file order; this thread the rest.
    expect(asked).toEqual([200])
    expect(threadStats.sharedReads).toBe(before + 1)
    // Kept after its job, the worker reads again when asked.
    expect(await readCandidatesShared(source, {}, job, undefined, counted)).toEqual(alone)
    expect(asked).toEqual([200, 200])
    // Lines without places (a gzip file, say) would be streamed in full on both threads: all are read here.
    const unplaced = { ...job, places: job.places.map(({ index, line }) => ({ index, line })) }
    expect(await readCandidatesShared(source, {}, unplaced, undefined, counted)).toEqual(alone)
    expect(asked).toEqual([200, 200])

    // Released, it is not there to ask: this thread reads everything, with the same result.
    helper.release()
    await expect(helper.read(await source.localFile(), source.path, {}, job)).rejects.toThrow(/stopped/)
    expect(await readCandidatesShared(source, {}, job, undefined, helper)).toEqual(alone)
    const failing: CandidateHelper = { read: () => Promise.reject(new Error('no thread')), groupBands: () => Promise.reject(new Error('no thread')), release: () => undefined }
    expect(await readCandidatesShared(source, {}, job, undefined, failing)).toEqual(alone)
  })

  it('groups LSH bands on the kept worker as this thread groups them, taking them from a shared counter, from band hashes in shared memory only', async () => {
    let state = 7
    const next = (): number => (state = (Math.imul(state, 1103515245) + 12345) | 0)
    const bands = 6
    const n = 5000
    // Few distinct values a band, so that most of them make buckets.
    const values = sharedInt32Array(n * bands)
    for (let i = 0; i < values.length; i++) values[i] = next() % 300
    const reps = Int32Array.from({ length: 3000 }, (_, i) => i + (i >> 1))
    const grouper = new BandGrouper(values, bands, reps)
    const each = Array.from({ length: bands }, (_, band) => grouper.band(band))
    expect(each.reduce((sum, buckets) => sum + buckets.starts.length - 1, 0)).toBeGreaterThan(100)
    expect(concatBuckets(each)).toEqual(bandBuckets(values, bands, reps))
    const worker = new CheckWorker(resolve('dist/cli/index.js'))
    const helper = worker.candidateHelper()
    try {
      // A counter at 0: the thread takes every band.
      expect(await helper.groupBands(values, bands, reps, sharedInt32Array(1))).toEqual({ bands: [0, 1, 2, 3, 4, 5], buckets: each })
      // Bands taken already (by this thread) are left: the thread takes what the counter still has.
      const next = sharedInt32Array(1)
      next[0] = 4
      expect(await helper.groupBands(values, bands, reps, next)).toEqual({ bands: [4, 5], buckets: each.slice(4) })
      expect(next[0]).toBeGreaterThanOrEqual(bands)
      expect(await helper.groupBands(values, bands, reps, next)).toEqual({ bands: [], buckets: [] })
      // Not shared, the values or the counter would be copied to the thread: refused, and the caller groups the bands itself.
      await expect(helper.groupBands(Int32Array.from(values), bands, reps, sharedInt32Array(1))).rejects.toThrow(/shared/)
      await expect(helper.groupBands(values, bands, reps, new Int32Array(1))).rejects.toThrow(/shared/)
      // Two threads over one counter: every band grouped once, by one of them.
      const shared = sharedInt32Array(1)
      const theirs = helper.groupBands(values, bands, reps, shared)
      const ours = claimBands(grouper, bands, shared)
      const helped = await theirs
      expect([...ours.bands, ...helped.bands].sort()).toEqual([0, 1, 2, 3, 4, 5])
      ours.bands.forEach((band, i) => expect(ours.buckets[i]).toEqual(each[band]))
      helped.bands.forEach((band, i) => expect(helped.buckets[i]).toEqual(each[band]))
    } finally {
      helper.release()
    }
  })

  it('lets a worker released while its job runs finish the job, then ends it', async () => {
    const { source, job } = candidateFile()
    const worker = new CheckWorker(resolve('dist/cli/index.js'))
    const helper = worker.candidateHelper()
    const run = worker.run({ localFile: HEAD, path: 'data/sft/train.jsonl', readOptions: {}, side: 'head', settings: { path: 'data/sft/train.jsonl', key: [], checks: {} }, textFields: ['output'], checks: [{ id: 'repetition', config: {} }], baseSummaries: [undefined] })
    // The stage's finish can be over before a head side's worker has finished its checks.
    helper.release()
    expect((await run.result).records).toBe(31)
    await expect(helper.read(await source.localFile(), source.path, {}, job)).rejects.toThrow(/stopped/)
  })

  it('gives the same report when the last pass lends its worker to the finish as on one thread', async () => {
    // A PR that adds near copies (one word changed) to a file that has some already.
    const dir = mkdtempSync(join(tmpdir(), 'dataset-audit-lent-'))
    let state = 11
    const next = (): number => (state = (Math.imul(state, 1103515245) + 12345) >>> 0)
    const texts: string[][] = []
    for (let i = 0; i < 360; i++) {
      if (i % 12 === 11) {
        const copy = [...texts[next() % i]]
        copy[next() % copy.length] = 'changed'
        texts.push(copy)
      } else texts.push(Array.from({ length: 80 + (next() % 20) }, () => `w${(next() % 500).toString(36)}`))
    }
    const lines = texts.map((text, i) => JSON.stringify({ id: `r${i}`, text: text.join(' ') }))
    writeFileSync(join(dir, 'base.jsonl'), lines.slice(0, 300).join('\n') + '\n')
    writeFileSync(join(dir, 'head.jsonl'), lines.join('\n') + '\n')
    const planted = (): FileChange[] => [{ path: 'data/train.jsonl', status: 'modified', base: fileSource(join(dir, 'base.jsonl'), 'data/train.jsonl'), head: fileSource(join(dir, 'head.jsonl'), 'data/train.jsonl') }]
    const { alone, threaded: lent, moved } = await aloneAndThreaded(planted, 'dist/cli/index.js', 'sharedReads')
    // The base's and the head's candidates, each read half on the head pass's worker. (Its share
    // of the LSH bands depends on how soon it is free: on so few records this thread may take
    // them all; the test above holds the sharing.)
    expect(moved).toBe(2)
    expect(lent).toEqual(alone)
    const near = lent.files[0].counts.find((count) => count.check === 'near-duplicates')!
    expect(near.total).toBe(30)
    expect(near.introduced).toBe(5)
  })
})
