/**
 * Checks on a second thread. A large file's side pass gives some of its checks to a worker
 * that reads the same file itself (reading is the cheap part: about a tenth of what the checks
 * cost) and sends back what they found, each finding with the position of the record it was
 * found on; the main thread places them exactly as if it had run the checks itself.
 */
import { Worker, type MessagePort } from 'node:worker_threads'
import type { CheckConfig, FileSettings } from '../config/types.js'
import { ALL_CHECKS } from './checks/registry.js'
import type { FindingDraft } from './checks/types.js'
import { isPlainData } from './plain-data.js'
import { errorMessage } from './readers/context.js'
import { fileSource } from './readers/file-source.js'
import { readDataset } from './readers/index.js'
import type { ReadOptions } from './readers/types.js'
import { FileHashBuilder, type CorpusHashJob, type FileHashes } from './dedup/file-hashes.js'
import { readCandidates, type CandidateHelper, type CandidateJob, type CandidateResult } from './dedup/candidate-reader.js'
import { sealSetChunks } from './dedup/shingles.js'
import { BandGrouper, claimBands, type ClaimedBands } from './dedup/near.js'
import { SharedHashWriter } from './dedup/hash-chunks.js'
import { isShared } from './typed-arrays.js'
import type { DatasetRecord } from './types.js'

/** `workerData.role` of a check worker. */
export const CHECK_WORKER = 'dataset-audit:checks'

/**
 * The checks a worker takes, with (most of) the uniqueness stage's hashing (tokens, shingles,
 * MinHash signatures: about a third of the work of a record; shared with the main thread chunk
 * by chunk, see hash-chunks.ts, so the split below need not be exact): repetition, the costliest check per
 * record, lexical-diversity, whose finish (distinct-n and zlib over its samples) would
 * otherwise hold the main thread after reading while the worker sits idle, and length. The
 * main thread keeps reading, the record index and the other checks. Measured on the
 * benchmark's million records once both threads read lines with the flat JSON scan, the main
 * thread's pass ran 0.75 s longer than the worker's; length moved over (0.5 s of the main
 * thread) made four of four 1M scans faster, by 0.2 s on average; pii or prefix-diversity as
 * well made them slower again.
 */
export const WORKER_CHECK_IDS: ReadonlySet<string> = new Set(['repetition', 'lexical-diversity', 'length'])

export interface CheckJob {
  /** A path on local disk with the file's bytes. */
  localFile: string
  /** The repository path findings name. */
  path: string
  readOptions: ReadOptions
  side: 'base' | 'head'
  settings: FileSettings
  /** The text fields of the file's field plan, for checks without `fields` of their own. */
  textFields: string[]
  checks: Array<{ id: string; config: CheckConfig }>
  /** Per check: its summary of the base side, for the head's comparison. */
  baseSummaries: unknown[]
  /** The uniqueness stage's hashes of the file, when the stage gave them to this thread too. */
  corpus?: CorpusHashJob
  /** About how many records the file has, when known (see record-estimate.ts). */
  expectedRecords?: number
}

/** A finding from the worker: the check's index in the job, and the record it was found on (-1: at the end). */
export interface WorkerFinding {
  check: number
  position: number
  recordLine: number
  draft: FindingDraft
}

export interface CheckJobResult {
  records: number
  findings: WorkerFinding[]
  /** Per check: its summary, or undefined when it could not travel back (see `failed`). */
  summaries: unknown[]
  applicable: boolean[]
  /** Checks whose results cannot travel back (a summary that is not plain data): the main thread runs them. */
  failed: number[]
  /** The file's hashes for the uniqueness stage, when the job asked for them (and did not share them: see `CheckJobHashes`). */
  corpus?: FileHashes
  /** As in `CheckJobHashes`: when the job shared its hashes, this thread's records without text. */
  sharedEmptyText?: number
}

/** The file's hashes for the uniqueness stage, sent ahead of the checks' results. */
export interface CheckJobHashes {
  records: number
  /** The hashes; none when the job's `corpus.shared` columns hold them (this thread wrote its chunks there). */
  corpus?: FileHashes
  /** Then: the records of this thread's chunks without text to compare. */
  sharedEmptyText?: number
}

/**
 * Runs a job's checks over its file; the worker's whole work, callable on any thread. With
 * `onHashes`, the uniqueness stage's hashes are handed there as soon as the file is read,
 * before the checks finish (lexical-diversity's finish compresses its samples for a few tenths
 * of a second, which the stage's finish need not wait for), and left out of the result.
 */
export async function runCheckJob(job: CheckJob, onHashes?: (hashes: CheckJobHashes) => void): Promise<CheckJobResult> {
  const findings: WorkerFinding[] = []
  let position = -1
  let recordLine = 0
  const runs = job.checks.map(({ id, config }, check) => {
    const definition = ALL_CHECKS.find((candidate) => candidate.id === id)
    if (!definition) throw new Error(`no check ${id} in this build`)
    const emit = (draft: FindingDraft): void => void findings.push({ check, position, recordLine, draft })
    const run = definition.start({
      file: job.path,
      side: job.side,
      settings: job.settings,
      config,
      textFields: (config.fields as string[] | undefined) ?? job.textFields,
      ...(job.expectedRecords !== undefined ? { expectedRecords: job.expectedRecords } : {})
    })
    return { run, emit, check }
  })
  let records = 0
  const hashes = job.corpus ? corpusHasher(job.corpus, job.expectedRecords) : undefined
  await readDataset(
    fileSource(job.localFile, job.path),
    {
      record: (record) => {
        position = records++
        recordLine = record.line
        for (const { run, emit } of runs) run.record(record, emit)
        hashes?.add(position, record)
      },
      // Reading problems are the main thread's: it reads the same bytes.
      finding: () => undefined
    },
    job.readOptions
  )
  position = -1
  recordLine = 0
  const made = hashes?.result()
  if (made && onHashes) onHashes({ records, ...made })
  const summaries: unknown[] = []
  const applicable: boolean[] = []
  const failed: number[] = []
  for (const { run, emit, check } of runs) {
    const summary = run.finish(emit, job.baseSummaries[check])
    if (isPlainData(summary)) summaries.push(summary)
    else {
      summaries.push(undefined)
      failed.push(check)
    }
    applicable.push(run.applicable?.() ?? true)
  }
  return {
    records,
    findings: failed.length > 0 ? findings.filter((finding) => !failed.includes(finding.check)) : findings,
    summaries,
    applicable,
    failed,
    ...(made && !onHashes ? made : {})
  }
}

/** What a job's hashing leaves: the file's hashes, or (sharing them) the count of this thread's records without text. */
type MadeHashes = Pick<CheckJobHashes, 'corpus' | 'sharedEmptyText'>

/** Hashes a job's file for the uniqueness stage: every record, or the chunks this thread claims when it shares the file with the main thread. */
function corpusHasher(job: CorpusHashJob, expectedRecords: number | undefined): { add(position: number, record: DatasetRecord): void; result(): MadeHashes } {
  const { shared } = job
  if (shared) {
    const writer = new SharedHashWriter(job, shared, false)
    return {
      add: (position, record) => writer.add(position, record),
      result: () => {
        writer.done()
        return { sharedEmptyText: writer.emptyText }
      }
    }
  }
  const builder = new FileHashBuilder(job, expectedRecords)
  return { add: (_position, record) => builder.add(record), result: () => ({ corpus: builder.result() }) }
}

/** A check worker's side: runs the job it is sent and posts the hashes (if asked for), then the result; then reads candidates when asked. */
export function serveChecks(port: MessagePort): void {
  // The hashes' arrays are moved, not copied: a million records' are tens of megabytes (the band hashes are in shared memory, given as they are).
  const sendHashes = (hashes: CheckJobHashes): void =>
    port.postMessage({ hashes }, Object.values(hashes.corpus ?? {}).flatMap((value) => (ArrayBuffer.isView(value) && !isShared(value) ? [value.buffer as ArrayBuffer] : [])))
  port.on('message', ({ job, candidates, groups }: { job?: CheckJob; candidates?: CandidateRequest; groups?: GroupRequest }) => {
    if (job) {
      void runCheckJob(job, sendHashes).then(
        (result) => port.postMessage({ result }),
        (error: unknown) => port.postMessage({ error: errorMessage(error) })
      )
    } else if (candidates) {
      const { id, localFile, path, readOptions, job: wanted } = candidates
      void readCandidates(fileSource(localFile, path), readOptions, wanted).then(
        (result) => {
          // The sets are views of a few large chunks: the chunks are moved, and the views come across as views (copying 40,000 sets into one array cost 0.2 s at 1M records).
          sealSetChunks()
          const chunks = new Set<ArrayBuffer>()
          for (const set of result.sets) if (set) chunks.add(set.buffer as ArrayBuffer)
          port.postMessage({ candidates: { id, result } }, [...chunks])
        },
        (error: unknown) => port.postMessage({ candidates: { id, error: errorMessage(error) } })
      )
    } else if (groups) {
      const { id, values, bands, reps, next } = groups
      try {
        const claimed = claimBands(new BandGrouper(values, bands, reps), bands, next)
        port.postMessage({ groups: { id, claimed } }, claimed.buckets.flatMap((buckets) => [buckets.members.buffer as ArrayBuffer, buckets.starts.buffer as ArrayBuffer]))
      } catch (error) {
        port.postMessage({ groups: { id, error: errorMessage(error) } })
      }
    }
  })
}

/** Bands a check worker is asked to group (see `CandidateHelper.groupBands`); `values` and the counter `next` are in shared memory. */
interface GroupRequest {
  id: number
  values: Int32Array
  bands: number
  reps: Int32Array
  next: Int32Array
}

/** A check worker's answer to a `GroupRequest`. */
interface GroupAnswer {
  id: number
  claimed?: ClaimedBands
  error?: string
}

/** Candidates a check worker is asked to read once its job is done (see `CheckWorker.candidateHelper`). */
interface CandidateRequest {
  id: number
  localFile: string
  path: string
  readOptions: ReadOptions
  job: CandidateJob
}

/** A check worker's answer to a `CandidateRequest`. */
interface CandidateAnswer {
  id: number
  result?: CandidateResult
  error?: string
}

/** A job running on a worker: its hashes (undefined for a job without any) and its result, each as it comes. */
export interface CheckJobRun {
  hashes: Promise<CheckJobHashes | undefined>
  result: Promise<CheckJobResult>
}

/**
 * A check worker thread, started before its job is known: booting one takes about a fifth of a
 * second, which it spends while the main thread reads the first records (the job's field plan
 * is made from them) instead of after.
 */
export class CheckWorker {
  private readonly worker: Worker
  /** Where the thread's answers go once a job runs; until then a failure waits here. */
  private listener: ((message: WorkerMessage) => void) | undefined
  private failure: Error | undefined
  private stopped = false
  /** Kept after the job to read candidates (see `candidateHelper`), rather than ended. */
  private kept = false
  private jobRunning = false
  private jobDone = false
  /** Requests sent to the kept thread (candidates to read, bands to group), by id, until answered. */
  private readonly reads = new Map<number, { resolve: (result: never) => void; reject: (error: Error) => void }>()
  private nextRead = 0

  constructor(entry: string | URL) {
    this.worker = new Worker(entry, { workerData: { role: CHECK_WORKER } })
    const fail = (error: Error): void => {
      this.failure ??= error
      this.listener?.({ error: this.failure.message })
      this.stop()
    }
    this.worker.on('message', (message: WorkerMessage) => {
      const answer = message.candidates ?? message.groups
      if (answer) this.answered(answer.id, answer.result ?? answer.claimed, answer.error)
      else this.listener?.(message)
    })
    this.worker.on('error', fail)
    this.worker.on('exit', (code) => fail(new Error(`the check worker exited (${code}) before it answered`)))
  }

  /**
   * Runs `job`; both promises reject when the worker fails, so the caller can do the work
   * itself. `signal` stops the worker (the caller failed: nothing waits for the answer, and the
   * process should not wait for the worker either). One job per worker.
   */
  run(job: CheckJob, signal?: AbortSignal): CheckJobRun {
    let resolveHashes!: (hashes: CheckJobHashes | undefined) => void
    let rejectHashes!: (error: Error) => void
    let resolveResult!: (result: CheckJobResult) => void
    let rejectResult!: (error: Error) => void
    const hashes = new Promise<CheckJobHashes | undefined>((resolve, reject) => ((resolveHashes = resolve), (rejectHashes = reject)))
    const result = new Promise<CheckJobResult>((resolve, reject) => ((resolveResult = resolve), (rejectResult = reject)))
    // Whichever the caller does not wait for must not become an unhandled rejection.
    hashes.catch(() => undefined)
    result.catch(() => undefined)
    let settled = false
    const fail = (error: Error): void => {
      if (settled) return
      settled = true
      this.jobRunning = false
      rejectHashes(error)
      rejectResult(error)
      this.stop()
    }
    this.listener = (message) => {
      if (settled) return
      if (message.hashes) return resolveHashes(message.hashes)
      if (!message.result) return fail(new Error(message.error ?? 'the check worker failed'))
      settled = true
      // A job without hashes has sent none; with them, they came first and this changes nothing.
      resolveHashes(undefined)
      resolveResult(message.result)
      this.jobRunning = false
      this.jobDone = true
      if (this.kept) this.idle()
      else this.stop()
    }
    const refused = this.failure ?? (this.stopped || signal?.aborted ? new Error('the check worker was stopped') : undefined)
    if (refused) fail(refused)
    else {
      signal?.addEventListener('abort', () => fail(new Error('the check worker was stopped')), { once: true })
      this.jobRunning = true
      this.worker.postMessage({ job })
    }
    return { hashes, result }
  }

  /**
   * The thread as a candidate reader for the uniqueness stage's finish, once its job is done
   * (asked earlier, a read waits behind the job): ask before the job ends, or the thread is
   * ended with it. `release` ends it, or has it end with its job if that still runs (the
   * stage's finish may be over before a head side's checks are); until then it does not keep
   * the process alive while idle.
   */
  candidateHelper(): CandidateHelper {
    this.kept = true
    return {
      read: (localFile, path, readOptions, job) => this.ask<CandidateResult>({ candidates: { id: this.nextRead++, localFile, path, readOptions, job } }),
      groupBands: (values, bands, reps, next) =>
        isShared(values) && isShared(next)
          ? this.ask<ClaimedBands>({ groups: { id: this.nextRead++, values, bands, reps, next } })
          : Promise.reject(new Error('the band hashes or the counter are not in shared memory')),
      release: () => {
        this.kept = false
        if (!this.jobRunning) this.stop()
      }
    }
  }

  private ask<Answer>(request: { candidates: CandidateRequest } | { groups: GroupRequest }): Promise<Answer> {
    if (this.stopped || this.failure) return Promise.reject(this.failure ?? new Error('the check worker was stopped'))
    const id = 'candidates' in request ? request.candidates.id : request.groups.id
    return new Promise<Answer>((resolve, reject) => {
      this.reads.set(id, { resolve: resolve as (result: never) => void, reject })
      this.worker.ref()
      this.worker.postMessage(request)
    })
  }

  private answered(id: number, result: CandidateResult | ClaimedBands | undefined, error: string | undefined): void {
    const read = this.reads.get(id)
    if (!read) return
    this.reads.delete(id)
    if (result) read.resolve(result as never)
    else read.reject(new Error(error ?? 'the check worker could not answer'))
    if (this.jobDone) this.idle()
  }

  /** A kept thread with nothing to do lets the process end without it. */
  private idle(): void {
    if (this.reads.size === 0 && !this.stopped) this.worker.unref()
  }

  /** Ends the thread, whether or not it ran a job; reads still waiting for it fail. */
  stop(): void {
    if (this.stopped) return
    this.stopped = true
    void this.worker.terminate()
    const error = this.failure ?? new Error('the check worker was stopped')
    for (const { reject } of this.reads.values()) reject(error)
    this.reads.clear()
  }
}

interface WorkerMessage {
  hashes?: CheckJobHashes
  result?: CheckJobResult
  candidates?: CandidateAnswer & { claimed?: undefined }
  groups?: GroupAnswer & { result?: undefined }
  error?: string
}

/** Runs a job on a worker thread started from `entry` for it (see `CheckWorker.run`). */
export function runCheckJobInWorker(entry: string | URL, job: CheckJob, signal?: AbortSignal): CheckJobRun {
  return new CheckWorker(entry).run(job, signal)
}
