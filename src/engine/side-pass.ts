import type { CheckConfig, FileSettings } from '../config/types.js'
import type { Check, CheckRun, FindingDraft } from './checks/types.js'
import { inferKeyFields, inferTextFields } from './fields.js'
import { CheckWorker, WORKER_CHECK_IDS, type CheckJobHashes, type CheckJobResult } from './check-worker.js'
import { numberFromEnv } from './env.js'
import { FindingCollector } from './findings.js'
import { isPlainData } from './plain-data.js'
import { threadStats, workerPlan } from './threads.js'
import { readDataset, readOptionsFor } from './readers/index.js'
import type { ByteSource, ReadSummary } from './readers/types.js'
import { displayKey, RecordIndex } from './record-index.js'
import { estimatedRecords } from './record-estimate.js'
import { SideScorer } from './score.js'
import type { DatasetRecord, Finding, Severity } from './types.js'
import type { CorpusHashJob, FileHashes } from './dedup/file-hashes.js'
import { SharedHashWriter, sharedHashColumns } from './dedup/hash-chunks.js'
import type { CorpusRecordCallback, DeferredCorpusFile } from './uniqueness.js'
import type { CandidateHelper } from './dedup/candidate-reader.js'

/** Records between two counts of the key census in the pass (a power of two). */
const KEY_COUNT_STEP = 4096

/** Distinct reader problems remembered per side: enough to tell old from new. */
const MAX_READER_SIGNATURES = 10000

/** Records read before the key and text fields are guessed and the checks start. */
const SAMPLE_SIZE = 200

/** A check with its merged settings, ready to run on one file. */
export interface PreparedCheck {
  check: Check
  config: CheckConfig
}

/** How records are identified and read, decided on the first side read and kept for the other. */
export interface FieldPlan {
  keyFields: string[]
  /** The key was guessed, not configured: dropped if it turns out not to be unique. */
  keyInferred: boolean
  textFields: string[]
}

/** One side of one file, read and checked. */
export interface SideResult {
  summary: ReadSummary
  index: RecordIndex
  collector: FindingCollector
  scorer: SideScorer
  /** Each check's summary of this side, for the other side's comparison. */
  checkSummaries: Map<string, unknown>
  /** File-level findings, by `check/field`, to tell on head which ones the PR brought. */
  fileLevelKeys: Set<string>
  /** The reader's findings with line numbers taken out, to tell on head which ones are new. */
  readerSignatures: Set<string>
  /** Pseudo-positions (minus the line) of unreadable lines the PR brought, for the patch score. */
  introducedSkipped: Set<number>
  plan: FieldPlan
}

export interface SidePassOptions {
  source: ByteSource
  side: 'base' | 'head'
  settings: FileSettings
  checks: readonly PreparedCheck[]
  /** Decided on the other side already; decided here from the first records otherwise. */
  plan?: FieldPlan
  /** The base side, when reading head: to tell introduced findings and compare summaries. */
  base?: SideResult
  /** True when the whole file is new to the PR (added file, or a scan with no base). */
  allIntroduced: boolean
  onRecords?: (records: number) => void
  /**
   * Corpus-wide consumers (the uniqueness stage): told the field plan and the source when
   * reading starts, they return a callback that sees every record too.
   */
  corpus?: (plan: FieldPlan, source: ByteSource, expectedRecords?: number) => ((record: DatasetRecord, contentHash: number) => void) | undefined
  /**
   * The same consumer, offered the file's hashing for the check worker, when one reads this
   * file: undefined when it would rather hash here (then `corpus` is asked).
   */
  deferredCorpus?: (plan: FieldPlan, source: ByteSource) => DeferredCorpusFile | undefined
  /**
   * When given, the pass may return before the check worker's findings and summaries are in
   * (the uniqueness stage's hashes are): it hands over a promise that resolves once they are,
   * which must be awaited before the side's findings, score or summaries are read.
   */
  settleLater?: (pending: Promise<void>) => void
  /**
   * Given the check worker, when one reads this file, to keep once its job is done (the
   * uniqueness stage reads candidates with it): it is then the taker's to release.
   */
  lendWorker?: (helper: CandidateHelper) => void
}

/**
 * Reads one side of one file once, streaming: indexes each record for the diff and runs every
 * check on it. The first records are held back until the key and the text fields are known.
 */
export async function runSidePass(options: SidePassOptions): Promise<SideResult> {
  const { source, side, settings, checks, base } = options
  const collector = new FindingCollector()
  const scorer = new SideScorer()
  // Reading the file is itself an accuracy check: every record parsed or reported.
  scorer.markLooked('accuracy')
  const checkSummaries = new Map<string, unknown>()
  const fileLevelKeys = new Set<string>()
  const readerSignatures = new Set<string>()
  const introducedSkipped = new Set<number>()
  // Whether base has a record with the same content: the PR did not bring it.
  const inBase = (contentHash: number): boolean => base !== undefined && base.index.positionOfContent(contentHash) !== undefined
  let plan = options.plan
  let index: RecordIndex | undefined
  let corpusRecord: ((record: DatasetRecord, contentHash: number) => void) | undefined
  let runs: Array<{ prepared: PreparedCheck; run: CheckRun; emit: (draft: FindingDraft) => void }> = []
  // A large file gives its costliest checks, and the uniqueness stage its hashing, to a worker thread that reads the file too.
  const fileBytes = await sizeOf(source)
  const offload = worthAWorker(fileBytes)
  const offloaded = offload ? checks.filter((prepared) => WORKER_CHECK_IDS.has(prepared.check.id) && isPlainData(prepared.config)) : []
  const ownChecks = checks.filter((prepared) => !offloaded.includes(prepared))
  let deferred: DeferredCorpusFile | undefined
  /** This thread's part of the deferred file's hashing, when the worker shares it. */
  let share: SharedHashWriter | undefined
  let job: StartedCheckJob | undefined
  const stopWorker = new AbortController()
  // Booted now, while the first records are read; stopped unaided if it gets no job.
  const worker = offload && (offloaded.length > 0 || options.deferredCorpus) ? new CheckWorker(workerPlan()!.entry) : undefined
  stopWorker.signal.addEventListener('abort', () => worker?.stop(), { once: true })
  const held: DatasetRecord[] = []
  let current: RecordAt | undefined
  let expectedRecords: number | undefined

  /** Places one finding: on the record `at` (the one being read), on the line it names, or on the file. */
  const emitWith = (prepared: PreparedCheck, draft: FindingDraft, at: RecordAt | undefined): void => {
    const { check, config } = prepared
    const severity = severityOf(draft.severity, config.severity, check.defaultSeverity)
    const onRecord = at !== undefined && (draft.line === undefined || draft.line === at.line)
    let position: number | undefined
    let introduced: boolean
    if (onRecord) {
      position = at.position
      introduced = at.introduced
    } else if (draft.line !== undefined && index) {
      position = positionOfLine(index.lines, draft.line)
      introduced = options.allIntroduced || (position !== undefined && base !== undefined && !inBase(index.contentHashAt(position)))
    } else {
      const fileKey = `${check.id}/${draft.field ?? ''}`
      fileLevelKeys.add(fileKey)
      introduced = options.allIntroduced || (side === 'head' && base !== undefined && !base.fileLevelKeys.has(fileKey))
    }
    scorer.note(check.dimension, severity, position)
    // Counted, and made into a Finding only when it is one of the few listed.
    if (!collector.count(check.id, check.dimension, severity, introduced)) return
    const finding: Finding = { ...draft, check: check.id, dimension: check.dimension, file: source.path, severity }
    if (onRecord) finding.line ??= at.line
    finding.introduced = introduced
    // The index already holds every record's key: the finding's record's is looked up there.
    const key = position !== undefined ? index?.keyAt(position) : undefined
    if (finding.key === undefined && key !== undefined) finding.key = displayKey(key)
    collector.list(finding)
  }
  const emitFor = (prepared: PreparedCheck) => (draft: FindingDraft): void => emitWith(prepared, draft, current)
  /** Where the record at `position` (read on another thread or pass) stands. */
  const recordAt = (position: number, line: number): RecordAt => ({
    line,
    position,
    introduced: options.allIntroduced || (base !== undefined && !inBase(index!.contentHashAt(position)))
  })

  const start = (): void => {
    if (!plan) {
      const configuredKey = settings.key.length > 0
      const keyFields = configuredKey ? settings.key : inferKeyFields(held)
      const exclude = new Set([...keyFields, ...(settings.labelField ? [settings.labelField] : [])])
      plan = { keyFields, keyInferred: !configuredKey, textFields: settings.textFields ?? inferTextFields(held, exclude) }
    }
    index = new RecordIndex(plan.keyFields)
    // The tables of the index, the worker's hashes and some checks are sized for the whole file at once, from the records held so far.
    expectedRecords = held.length > 0 ? estimatedRecords(fileBytes, held[held.length - 1]) : undefined
    deferred = offload ? options.deferredCorpus?.(plan, source) : undefined
    corpusRecord = deferred ? deferred.record : options.corpus?.(plan, source, expectedRecords)
    if (worker && (offloaded.length > 0 || deferred)) {
      // The worker and this thread share the file's hashing, each taking chunks of records as it reaches them first.
      const shared = deferred && expectedRecords !== undefined ? sharedHashColumns(deferred.job, expectedRecords, numberFromEnv('DATASET_AUDIT_HASH_CHUNK_RECORDS', true) || undefined) : undefined
      if (deferred && shared) share = new SharedHashWriter(deferred.job, shared, true)
      const corpusJob = deferred && shared ? { ...deferred.job, shared } : deferred?.job
      job = startCheckJob(worker, offloaded, plan, source, side, settings, base, corpusJob, expectedRecords, stopWorker.signal)
      options.lendWorker?.(worker.candidateHelper())
    } else worker?.stop()
    // One emitter per check for the whole file: it reads the current record from the pass.
    runs = ownChecks.map((prepared) => ({ prepared, emit: emitFor(prepared), run: startRun(prepared) }))
    for (const heldRecord of held) processRecord(heldRecord)
    held.length = 0
    index.reserve(expectedRecords)
  }

  const processRecord = (datasetRecord: DatasetRecord): void => {
    const position = index!.add(datasetRecord)
    // The key census (the diff's) is counted as the pass goes, a few thousand records at a time:
    // after the pass, it was a tenth of a second of the 1M-record finish on this thread alone.
    if ((position & (KEY_COUNT_STEP - 1)) === KEY_COUNT_STEP - 1 && index!.keyFields.length > 0) index!.countKeys()
    const introduced = options.allIntroduced || (base !== undefined && !inBase(index!.contentHashAt(position)))
    current = { line: datasetRecord.line, position, introduced }
    for (const { run, emit } of runs) run.record(datasetRecord, emit)
    current = undefined
    corpusRecord?.(datasetRecord, index!.contentHashAt(position))
    share?.add(position, datasetRecord)
  }

  const startRun = (prepared: PreparedCheck): CheckRun =>
    prepared.check.start({
      file: source.path,
      side,
      settings,
      config: prepared.config,
      textFields: prepared.config.fields ?? plan!.textFields,
      ...(expectedRecords !== undefined ? { expectedRecords } : {})
    })
  const summaries = new Map<string, unknown>()
  /** A check's summary of this side, compared with base's; its dimension scored when it had something to look at. */
  const finishRun = ({ prepared, run, emit }: { prepared: PreparedCheck; run: CheckRun; emit: (draft: FindingDraft) => void }): void => {
    summaries.set(prepared.check.id, run.finish(emit, base?.checkSummaries.get(prepared.check.id)))
    if (run.applicable?.() ?? true) scorer.markLooked(prepared.check.dimension)
  }
  /** A second pass over the file for what the worker could not do: the same records, in the same order. */
  const runChecksAgain = async (again: readonly PreparedCheck[], hashHere: CorpusRecordCallback | undefined): Promise<void> => {
    let at: RecordAt | undefined
    let position = 0
    const rerun = again.map((prepared) => ({ prepared, emit: (draft: FindingDraft): void => emitWith(prepared, draft, at), run: startRun(prepared) }))
    await readDataset(
      source,
      {
        record: (datasetRecord) => {
          at = recordAt(position++, datasetRecord.line)
          for (const { run, emit } of rerun) run.record(datasetRecord, emit)
          hashHere?.(datasetRecord)
        },
        finding: () => undefined
      },
      readOptions
    )
    at = undefined
    for (const started of rerun) finishRun(started)
  }
  const readOptions = readOptionsFor(settings)

  try {
    let count = 0
    const summary = await readDataset(
      source,
      {
        record: (datasetRecord) => {
          count++
          if (options.onRecords && count % 10000 === 0) options.onRecords(count)
          if (index) processRecord(datasetRecord)
          else {
            held.push(datasetRecord)
            if (held.length >= SAMPLE_SIZE) start()
          }
        },
        finding: (finding) => {
          // A line that could not be read has no content to compare: it is the PR's unless base had the same problem.
          const signature = readerSignature(finding)
          if (readerSignatures.size < MAX_READER_SIGNATURES) readerSignatures.add(signature)
          const introduced = options.allIntroduced || (side === 'head' && base !== undefined && !base.readerSignatures.has(signature))
          // A line that is not a record still counts against accuracy: it takes a position of its own, below zero.
          const position = finding.line !== undefined ? -finding.line : undefined
          if (position !== undefined && introduced) introducedSkipped.add(position)
          collector.add({ ...finding, introduced })
          scorer.note(finding.dimension, finding.severity, position)
        }
      },
      readOptions
    )
    // A file that could not be read has no accuracy to speak of.
    if (summary.unreadable || summary.lfsPointer) scorer.fail('accuracy')
    if (!index) start()
    for (const started of runs) finishRun(started)
    // Summaries in the checks' order, whichever thread ran them.
    const orderSummaries = (): void => {
      for (const { check } of checks) if (summaries.has(check.id)) checkSummaries.set(check.id, summaries.get(check.id))
    }
    if (job) {
      const started = job
      // The key census (which the diff asks for) is counted while the worker may still be busy, not after it.
      if (index!.keyFields.length > 0) index!.countKeys()
      // The hashes come first: a worker that failed, or read another number of records than this thread, leaves them to be made here.
      let hashHere: CorpusRecordCallback | undefined
      if (deferred) {
        const hashes = await started.hashes
        const whole = hashes !== undefined && hashes.records === count ? wholeFileHashes(hashes, share, count) : undefined
        if (whole) {
          deferred.place(whole)
          threadStats.hashedPasses++
        } else hashHere = deferred.hashHere()
      }
      const placeChecks = async (): Promise<void> => {
        const result = await started.result
        const usable = result !== undefined && result.records === count
        if (usable) {
          for (const { check, position, recordLine, draft } of result.findings) {
            emitWith(offloaded[check], draft, position >= 0 ? recordAt(position, recordLine) : undefined)
          }
          offloaded.forEach((prepared, i) => {
            if (result.failed.includes(i)) return
            summaries.set(prepared.check.id, result.summaries[i])
            if (result.applicable[i]) scorer.markLooked(prepared.check.dimension)
          })
          threadStats.offloadedPasses++
        }
        // What the worker could not do is done here, in one more pass over the file.
        const again = usable ? result.failed.map((i) => offloaded[i]) : offloaded
        if (again.length > 0 || hashHere) {
          threadStats.rerunPasses++
          await runChecksAgain(again, hashHere)
        }
        orderSummaries()
      }
      // The stage may go on with the hashes while the worker finishes its checks, unless they are still to be made here.
      if (options.settleLater && !hashHere) {
        const pending = placeChecks()
        // Awaited by the caller later: not an unhandled rejection in the meantime.
        pending.catch(() => undefined)
        options.settleLater(pending)
      } else await placeChecks()
    } else orderSummaries()
    options.onRecords?.(count)
    return { summary, index: index!, collector, scorer, checkSummaries, fileLevelKeys, readerSignatures, introducedSkipped, plan: plan! }
  } catch (error) {
    // Nothing will wait for the worker now: stop it rather than let it hold the process.
    stopWorker.abort()
    throw error
  }
}

/**
 * The whole file's hashes: the worker's, or the shared columns both threads wrote into;
 * undefined when they cannot be had (then this thread hashes the file).
 */
function wholeFileHashes(hashes: CheckJobHashes, share: SharedHashWriter | undefined, records: number): FileHashes | undefined {
  if (!share) return hashes.corpus
  share.done()
  if (hashes.sharedEmptyText === undefined) return undefined
  threadStats.hashChunks += share.chunks(records)
  threadStats.hashChunksHere += share.chunksClaimed
  return share.result(records, hashes.sharedEmptyText)
}

/** The record a finding is on: its line, position in the index, and whether the PR brought it. */
interface RecordAt {
  line: number
  position: number
  introduced: boolean
}

/**
 * Files from this size on give checks to a worker: below it, starting one costs more than it
 * saves. `DATASET_AUDIT_OFFLOAD_BYTES` changes it (tests use small files).
 */
function offloadMinBytes(): number {
  return numberFromEnv('DATASET_AUDIT_OFFLOAD_BYTES') ?? 16 * 1024 * 1024
}

/** The source's size in bytes, or undefined when it cannot say. */
async function sizeOf(source: ByteSource): Promise<number | undefined> {
  try {
    return await source.size?.()
  } catch {
    return undefined
  }
}

/** True when a worker thread should read a file of this size too: the process has workers and the file is large. */
function worthAWorker(size: number | undefined): boolean {
  return workerPlan() !== undefined && size !== undefined && size >= offloadMinBytes()
}

/** A check job on a worker: each promise resolves to undefined when the worker fails (the caller then does that work). */
interface StartedCheckJob {
  /** The uniqueness stage's hashes, when the job asked for them. */
  hashes: Promise<CheckJobHashes | undefined>
  result: Promise<CheckJobResult | undefined>
}

/** Starts the worker on the offloaded checks and, with `corpus`, the uniqueness stage's hashing. */
function startCheckJob(
  worker: CheckWorker,
  offloaded: readonly PreparedCheck[],
  plan: FieldPlan,
  source: ByteSource,
  side: 'base' | 'head',
  settings: FileSettings,
  base: SideResult | undefined,
  corpus: CorpusHashJob | undefined,
  expectedRecords: number | undefined,
  signal: AbortSignal
): StartedCheckJob {
  const run = (async () => {
    let localFile: string
    try {
      localFile = await source.localFile()
    } catch (error) {
      // No job will come: the thread started for it is ended here.
      worker.stop()
      throw error
    }
    return worker.run({
      localFile,
      path: source.path,
      readOptions: readOptionsFor(settings),
      side,
      settings,
      textFields: plan.textFields,
      checks: offloaded.map(({ check, config }) => ({ id: check.id, config })),
      baseSummaries: offloaded.map(({ check }) => base?.checkSummaries.get(check.id)),
      ...(corpus ? { corpus } : {}),
      ...(expectedRecords !== undefined ? { expectedRecords } : {})
    }, signal)
  })()
  return {
    hashes: run.then((started) => started.hashes).catch(() => undefined),
    result: run.then((started) => started.result).catch(() => undefined)
  }
}

/**
 * A configured severity replaces the check's own, except for what the check itself calls
 * information (a size in the sweet spot's margin, a rare label): raising those would be noise.
 */
function severityOf(emitted: Severity | undefined, configured: unknown, fallback: Severity): Severity {
  if (emitted === 'info') return 'info'
  if (configured === 'error' || configured === 'warning' || configured === 'info') return configured
  return emitted ?? fallback
}

function readerSignature(finding: Finding): string {
  return finding.check + ':' + finding.message.replace(/\d+/g, '#')
}

/** Binary search: the position of the record starting at `line`, or of the record containing it. */
export function positionOfLine(lines: ArrayLike<number>, line: number): number | undefined {
  let low = 0
  let high = lines.length - 1
  let found: number | undefined
  while (low <= high) {
    const mid = (low + high) >> 1
    if (lines[mid] <= line) {
      found = mid
      low = mid + 1
    } else high = mid - 1
  }
  return found
}
