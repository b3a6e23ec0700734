/**
 * The uniqueness dimension at corpus scale: exact duplicates, near duplicates (MinHash-LSH,
 * every pair verified by exact Jaccard) and train/eval leakage with n-gram contamination,
 * within a file and across the files of a split. A stage of its own rather than a `Check`:
 * its findings need every file of a side before any can be reported.
 */
import type { CheckConfig, FileSettings, Split } from '../config/types.js'
import { ContaminationIndex } from './dedup/contamination.js'
import { CorpusArrays, mapColumns, type CorpusColumns } from './dedup/corpus.js'
import { groupExact } from './dedup/exact.js'
import { optimalParams } from './dedup/lsh.js'
import { BandGrouper, bandBuckets, CandidateSets, claimBands, concatBuckets, lshCandidates, verifyCandidates, type Buckets, type NearResult } from './dedup/near.js'
import { comparisonParts } from './dedup/normalise.js'
import { RecordHasher, type HashSettings } from './dedup/record-hasher.js'
import { SignaturePool, SignatureQueue, type BandTarget } from './dedup/signature-pool.js'
import { SplitKind, type LeakPair, type SlotRelations } from './dedup/relations.js'
import type { CorpusHashJob, FileHashes } from './dedup/file-hashes.js'
import { minShared, NEED_EXCERPT, NEED_SET, placedExcerpt, readCandidatesShared, type CandidateHelper, type CandidateJob } from './dedup/candidate-reader.js'
import type { RecordPlace } from './dedup/reread.js'
import { readOptionsFor } from './readers/index.js'
import type { ByteSource, ReadOptions } from './readers/types.js'
import { threadStats, workerPlan } from './threads.js'
import { isShared, sharedInt32Array } from './typed-arrays.js'
import type { DatasetRecord, Finding, Severity } from './types.js'

/** One file of the corpus on one side. */
export interface CorpusFile {
  path: string
  side: 'base' | 'head'
  /** Unchanged by the PR: read only so added records can be compared with it; no findings are reported on it. */
  reference: boolean
  split?: Split
  /** The fields to compare (empty: the whole record but its key fields, canonically). */
  textFields: string[]
  settings: FileSettings
  /** Re-openable: read again in `finish()` for the few records the indexes name. */
  source: ByteSource
  /**
   * True when the PR brought the record at this 0-based position (added or modified); asked
   * in `finish()`. Of two equal records, the one that was already there is the original, so a
   * finding lands on the PR's copy; also sets `introduced` on the findings. Absent: file order
   * decides and `introduced` is left to the caller.
   */
  isNew?: (index: number) => boolean
  /**
   * The same file on base, for head: a record whose content equals a base record's (by the
   * record index's content hash) takes its hashes from the base index instead of being hashed
   * again, so a PR is hashed for what it changed. `positionOf` gives the base record's position.
   */
  previous?: { path: string; positionOf: (contentHash: number) => number | undefined }
  /** About how many records the file has (see record-estimate.ts): the side's index makes room for them at once. */
  expectedRecords?: number
}

/** Called with each record of a file, and its content hash when the caller knows it. */
export type CorpusRecordCallback = (record: DatasetRecord, contentHash?: number) => void

/**
 * One file's part of a side's index, kept in a cache and put back (`restoreFile`) instead of
 * hashing the file again, or hashed on another thread (`openDeferred`). Slot `i` of the file:
 * record `indexOf[i]` on line `lineOf[i]`; `emptyText` records have no slot; `bandValues` has
 * `bands` values a slot, none when the near-duplicate index is off.
 */
export type CachedCorpusFile = FileHashes

/**
 * A file whose hashes another thread computes (a check worker reading it anyway): `job` says
 * how to hash its records; they pass through `record` on this thread for leakage's n-grams
 * alone (undefined when the file needs none); `place` puts the file's slots in when the hashes
 * arrive, before the next file is opened. Should the other thread fail, `hashHere` hashes the
 * records on this thread instead (give it every record, in order; their n-grams are counted already).
 */
export interface DeferredCorpusFile {
  job: CorpusHashJob
  record: CorpusRecordCallback | undefined
  place(hashes: FileHashes): void
  hashHere(): CorpusRecordCallback
}

/** The base file a head file copies hashes from. */
interface PreviousFile {
  corpus: CorpusArrays
  /** Base record position -> its slot, -1 when it had no text. */
  slotOf: Int32Array
  positionOf: (contentHash: number) => number | undefined
}

/** A finding and the side it was found on. */
export interface SideFinding {
  side: 'base' | 'head'
  finding: Finding
  /**
   * Reads the finding's excerpt, for one whose record is read again only if the finding is
   * listed (the first read placed it in its file): whoever lists the finding sets its
   * `excerpt` from this. A million records make tens of thousands of duplicate findings, and
   * a report lists a few hundred.
   */
  excerpt?: () => string | undefined
  /**
   * Makes the finding's message, which it has none of until then (`message` is ''): whoever
   * lists the finding sets its `message` from this. Of the tens of thousands of findings a
   * million records make, only the few hundred listed need one: the rest are counted.
   */
  message?: () => string
}

/** The finding with its message and excerpt made, as a report lists it. */
export function completeFinding({ finding, excerpt, message }: SideFinding): Finding {
  return message || excerpt ? { ...finding, ...(message ? { message: message() } : {}), ...(excerpt ? { excerpt: excerpt() } : {}) } : finding
}

export const EXACT_DUPLICATES = 'exact-duplicates'
export const NEAR_DUPLICATES = 'near-duplicates'
export const LEAKAGE = 'leakage'
type UniquenessCheckId = typeof EXACT_DUPLICATES | typeof NEAR_DUPLICATES | typeof LEAKAGE

/** What `/audit explain` and the config docs say about each check of the stage. */
export interface UniquenessCheck {
  id: UniquenessCheckId
  description: string
  defaultSeverity: Severity
  defaults: CheckConfig
}

/** The stage's checks with their defaults (merged under the user's settings). */
export const UNIQUENESS_CHECKS: readonly UniquenessCheck[] = [
  {
    id: EXACT_DUPLICATES,
    description:
      'Records whose text is the same once Unicode (NFKC), case, spacing and punctuation are normalised, within a file and across the files of one split. `fields` sets the compared fields for all three uniqueness checks; records with no text are counted, not compared.',
    defaultSeverity: 'warning',
    defaults: {}
  },
  {
    id: NEAR_DUPLICATES,
    description:
      'Records whose word 5-grams (character 5-grams under `minWords` words) have a Jaccard similarity of at least `threshold`, found with MinHash-LSH and verified exactly: no reported pair is below the threshold.',
    defaultSeverity: 'warning',
    defaults: {
      /** Jaccard similarity from which two records are near duplicates. */
      threshold: 0.8,
      /** MinHash permutations (signature length). */
      permutations: 128,
      /** Words per shingle. */
      ngram: 5,
      /** Characters per shingle for records with fewer than `minWords` words. */
      charNgram: 5,
      /** Records with fewer words are shingled by characters: a handful of words makes too few word n-grams. */
      minWords: 10,
      /**
       * Weights of extra candidates and of missed similar pairs when bands and rows are chosen
       * (datasketch's method). datasketch's even weights (9 bands x 13 rows at 0.8) find only
       * about 0.79 of the pairs at or above the threshold; every candidate is verified by exact
       * Jaccard, so extra candidates cost time, never precision: missing pairs weighs more here
       * (14 x 9: recall 0.97-0.99 on the benchmark, about 20% more stage time).
       */
      falsePositiveWeight: 0.1,
      falseNegativeWeight: 0.9,
      /** Seed of the permutations. */
      seed: 1
    }
  },
  {
    id: LEAKAGE,
    description:
      'Records of a validation or test split found in a train split of the same side, exact or near (at the near-duplicate threshold), and per eval file the share of records with a word n-gram (13) that occurs in the train split, as the GPT-3 paper and lm-evaluation-harness measure contamination.',
    defaultSeverity: 'error',
    defaults: {
      /** Words per n-gram for contamination. */
      ngram: 13,
      /** Contamination rate from which the per-file finding is a warning rather than info. */
      warnRate: 0.01
    }
  }
]

/** Numbers about one side: what was compared and what was found (every file, references included). */
export interface UniquenessSideStats {
  side: 'base' | 'head'
  files: number
  /** Records compared (with some text). */
  records: number
  /** Records with no text in the compared fields: counted here, never compared, never duplicates of each other. */
  emptyText: number
  /** Records shingled by characters (fewer than `minWords` words). */
  shortRecords: number
  /** Records that repeat an earlier record of their group exactly (after normalisation). */
  exactDuplicates: number
  /** Distinct texts that occur more than once in a group. */
  repeatedTexts: number
  /** Records in a near-duplicate cluster other than its first. */
  nearDuplicates: number
  clusters: number
  /** Cluster size -> how many clusters have it. */
  clusterSizes: Record<string, number>
  largestClusters: Array<{ size: number; file: string; line: number }>
  /** Records the LSH index named as candidates (read again). */
  candidates: number
  pairsVerified: number
  /** Verified pairs at or above the threshold. */
  pairsSimilar: number
  leakage: { exact: number; near: number }
  contamination: ContaminationStats[]
  /** Bytes of the per-record index. */
  indexBytes: number
}

/** N-gram contamination of one eval file by the train split of its side. */
export interface ContaminationStats {
  file: string
  split: Split
  /** Records with at least `ngram` words. */
  tested: number
  /** Records too short to hold one n-gram. */
  tooShort: number
  contaminated: number
  /** contaminated / tested (0 when nothing was tested). */
  rate: number
}

export interface UniquenessStats {
  settings: { threshold: number; permutations: number; bands: number; rows: number; ngram: number; charNgram: number; minWords: number; contaminationNgram: number }
  sides: UniquenessSideStats[]
  /** Time in the per-record callbacks, in `finish()`, and of `finish()` in reading files again. */
  timings: { recordMs: number; finishMs: number; rereadMs: number }
}

/** Most clusters listed by size in the stats. */
const LARGEST_CLUSTERS = 5

interface StageSettings {
  config: Record<UniquenessCheckId, CheckConfig>
  enabled: Record<UniquenessCheckId, boolean>
  /** Near duplicates or leakage is on: records get LSH band hashes. */
  bands: boolean
  threshold: number
  hash: HashSettings
  contaminationNgram: number
  warnRate: number
}

interface FileEntry {
  id: number
  file: CorpusFile
  group: number
  kind: SplitKind
  fields: string[]
  exclude: ReadonlySet<string>
  readOptions: ReadOptions
  /** Findings of each check are reported on this file. */
  reports: Record<UniquenessCheckId, boolean>
  severity: Record<UniquenessCheckId, Severity>
  records: number
  emptyText: number
  shortRecords: number
  tested: number
  tooShort: number
  /** The contamination index's version when this train file was opened. */
  versionAtOpen: number
}

interface SideState {
  side: 'base' | 'head'
  files: FileEntry[]
  groups: Map<string, number>
  corpus: CorpusArrays
  contamination: ContaminationIndex
}

/**
 * The uniqueness checks over a whole corpus: `openFile` for each file of each side, records
 * through the returned callback in file order, then `finish()`.
 *
 * Memory per record is a slot of the index (about 56 bytes at 9 bands: place, exact hash, band
 * hashes); texts are never kept. `finish()` reads again only the records the indexes name: LSH
 * candidates (for their shingle sets) and the records findings go on (for excerpts).
 */
export class UniquenessStage {
  private readonly settings: StageSettings
  private readonly hasher: RecordHasher
  /** Band hashes signed on worker threads, when the process has them. */
  private readonly queue: SignatureQueue | undefined
  private readonly sides = new Map<'base' | 'head', SideState>()
  private recordMs = 0
  private reusedRecords = 0
  private restoredRecords = 0
  /** A thread lent for the finish's re-reads (a check worker done with its job), until the finish ends. */
  private helper: CandidateHelper | undefined

  /** `checks`: the merged settings of `exact-duplicates`, `near-duplicates` and `leakage` (defaults filled in here). */
  constructor(checks: Record<string, CheckConfig>) {
    this.settings = resolveSettings(checks)
    this.hasher = new RecordHasher(this.settings.hash)
    const threads = workerPlan()
    const { hash } = this.settings
    if (threads && this.settings.bands) {
      const pool = new SignaturePool({ permutations: hash.permutations, seed: hash.seed, bands: hash.bands, rows: hash.rows }, threads.entry, threads.threads)
      this.queue = new SignatureQueue(pool, hash.bands)
    }
  }

  /**
   * Lends the stage a thread to read half of each large file's candidates in `finish()` (at
   * 1M records the re-read is the finish's longest step, and the worker is idle by then). One at
   * a time: an earlier one is ended.
   */
  lendHelper(helper: CandidateHelper): void {
    this.helper?.release()
    this.helper = helper
  }

  /** Ends the lent thread, if any: `finish()` does, and whoever gives up on the stage must. */
  releaseHelper(): void {
    this.helper?.release()
    this.helper = undefined
  }

  /** Everything in the stage's settings that shapes a file's part of the index, for cache keys. */
  get fingerprint(): string {
    const { config, enabled, threshold, hash, contaminationNgram, warnRate } = this.settings
    return JSON.stringify({ config, enabled, threshold, hash, contaminationNgram, warnRate })
  }

  /** The LSH parameters in use. */
  get lsh(): { bands: number; rows: number } {
    return { bands: this.settings.hash.bands, rows: this.settings.hash.rows }
  }

  /** Called once per file and side before its records; returns the per-record callback. */
  openFile(file: CorpusFile): CorpusRecordCallback {
    const side = this.sideState(file.side)
    if (file.expectedRecords) side.corpus.reserveTotal(side.corpus.count + file.expectedRecords)
    const targets = [{ side, entry: this.addFile(side, file) }]
    const previous = file.previous ? this.previousOf(file.previous) : undefined
    return (record, contentHash) => {
      const started = performance.now()
      if (!previous || contentHash === undefined || !this.reuseRecord(record, targets[0], previous, contentHash)) this.addRecord(record, targets)
      this.recordMs += performance.now() - started
    }
  }

  /**
   * Puts a file's part of the index back from a cache instead of reading it. Leakage's
   * n-gram contamination is not cached (n-grams are many times the index): for a file of a
   * split, the returned callback takes the file's records for that alone (no MinHash).
   */
  restoreFile(file: CorpusFile, cached: CachedCorpusFile): CorpusRecordCallback | undefined {
    const side = this.sideState(file.side)
    const entry = this.addFile(side, file)
    this.placeHashes(side, entry, cached)
    this.restoredRecords += cached.indexOf.length
    if (!this.needsNgrams(entry)) return undefined
    return (record) => this.contaminateOnly(side, entry, record)
  }

  /**
   * Opens a file whose hashes another thread computes (see `DeferredCorpusFile`); undefined
   * for a head file with a base to copy from, which is hashed here for what the PR changed.
   */
  openDeferred(file: CorpusFile): DeferredCorpusFile | undefined {
    if (file.previous) return undefined
    const side = this.sideState(file.side)
    const entry = this.addFile(side, file)
    const targets = [{ side, entry }]
    const { hash, bands } = this.settings
    return {
      job: { fields: entry.fields, exclude: [...entry.exclude], hash, bands },
      record: this.needsNgrams(entry) ? (record) => this.contaminateOnly(side, entry, record) : undefined,
      place: (hashes) => {
        const started = performance.now()
        this.placeHashes(side, entry, hashes)
        this.recordMs += performance.now() - started
      },
      hashHere: () => (record) => {
        const started = performance.now()
        this.addRecord(record, targets, false)
        this.recordMs += performance.now() - started
      }
    }
  }

  /** A file's slots from hashes computed elsewhere (a cache, another thread), in their order. */
  private placeHashes(side: SideState, entry: FileEntry, hashes: FileHashes): void {
    const { corpus } = side
    const width = corpus.bands
    const count = hashes.indexOf.length
    entry.emptyText += hashes.emptyText
    // The side's first file, with band hashes for every record: its columns become the side's.
    if (corpus.count === 0 && count > 0 && hashes.bandValues.length === count * width) {
      corpus.adopt(entry.id, hashes)
      entry.records += count
      for (let i = 0; i < count; i++) entry.shortRecords += hashes.byCharacters[i]
      return
    }
    // Room for the whole file first: its slots are then consecutive, and its band hashes one copy.
    corpus.reserve(count)
    const first = corpus.count
    const place = { index: 0, line: 0 }
    for (let i = 0; i < count; i++) {
      place.index = hashes.indexOf[i]
      place.line = hashes.lineOf[i]
      this.placeRecord(side, entry, place, hashes.exactLow[i], hashes.exactHigh[i], hashes.byCharacters[i] === 1)
    }
    corpus.offsetOf.set(hashes.offsetOf, first)
    corpus.bytesOf.set(hashes.bytesOf, first)
    if (hashes.bandValues.length > 0) corpus.bandValues.set(hashes.bandValues.subarray(0, count * width), first * width)
  }

  /** A record seen for leakage's n-grams alone: tokenised, never signed. */
  private contaminateOnly(side: SideState, entry: FileEntry, record: DatasetRecord): void {
    const words = this.hasher.load(comparisonParts(record.fields, entry.fields, entry.exclude))
    if (words > 0) this.addContamination(entry, side.contamination, words, record.line)
  }

  /** The part of `side`'s index that is `path` (not a reference), to cache; call from `finish`'s `onBaseFinished`. */
  exportFile(sideName: 'base' | 'head', path: string): CachedCorpusFile | undefined {
    const side = this.sides.get(sideName)
    const entry = side && changedFile(side, path)
    if (!side || !entry) return undefined
    const { corpus } = side
    // A side's files are read one after another, so a file's slots are one run: its columns are
    // cut out of the side's in one copy each, or handed over as they are when they are the
    // whole arrays (a side of one file: a million records' columns are not copied before the
    // cache serialises them; the side is freed right after). The scattered case is kept for safety.
    const slots: number[] = []
    for (let slot = 0; slot < corpus.count; slot++) if (corpus.fileOf[slot] === entry.id) slots.push(slot)
    const first = slots.length > 0 ? slots[0] : 0
    const run = slots.length === 0 || slots[slots.length - 1] - first + 1 === slots.length
    const columns = run ? corpus.columns(first, slots.length) : scatteredColumns(corpus, slots)
    return { emptyText: entry.emptyText, ...columns }
  }

  /** Records whose hashes came from the base index or a cache rather than from hashing. */
  get reused(): { fromBase: number; fromCache: number } {
    return { fromBase: this.reusedRecords, fromCache: this.restoredRecords }
  }

  /** The base file's slots by record position, to copy hashes from; undefined when base has no such file. */
  private previousOf(previous: NonNullable<CorpusFile['previous']>): PreviousFile | undefined {
    const side = this.sides.get('base')
    const entry = side && changedFile(side, previous.path)
    if (!side || !entry) return undefined
    const { corpus } = side
    let last = -1
    for (let slot = 0; slot < corpus.count; slot++) if (corpus.fileOf[slot] === entry.id && corpus.indexOf[slot] > last) last = corpus.indexOf[slot]
    const slotOf = new Int32Array(last + 1).fill(-1)
    for (let slot = 0; slot < corpus.count; slot++) if (corpus.fileOf[slot] === entry.id) slotOf[corpus.indexOf[slot]] = slot
    return { corpus, slotOf, positionOf: previous.positionOf }
  }

  /**
   * A head record equal to a base record: its hashes are copied from the base index (which
   * must be settled: see `settle`). Returns false when the record must be hashed.
   */
  private reuseRecord(record: DatasetRecord, target: { side: SideState; entry: FileEntry }, previous: PreviousFile, contentHash: number): boolean {
    const position = previous.positionOf(contentHash)
    if (position === undefined) return false
    const { side, entry } = target
    const from = position < previous.slotOf.length ? previous.slotOf[position] : -1
    if (from === -1) {
      // The equal base record had no text to compare: neither has this one.
      entry.emptyText++
      return true
    }
    const source = previous.corpus
    const slot = this.placeRecord(side, entry, record, source.exactLow[from], source.exactHigh[from], source.byCharacters[from] === 1)
    if (this.settings.bands) {
      const width = side.corpus.bands
      side.corpus.bandValues.set(source.bandValues.subarray(from * width, (from + 1) * width), slot * width)
    }
    this.reusedRecords++
    // Contamination needs the record's n-grams: tokenised, but not signed.
    if (this.needsNgrams(entry)) this.contaminateOnly(side, entry, record)
    return true
  }

  /** Waits for the band hashes still being signed on worker threads: before a head file copies from base. */
  async settle(): Promise<void> {
    await this.queue?.settle()
  }

  /**
   * After every file of both sides was read: verifies candidates, groups clusters, computes
   * leakage and contamination. Each side's index is freed once its findings are made, so the
   * next side's finish runs without it; `onBaseFinished` runs just before the base's is freed,
   * the moment to `exportFile` it for the cache. With `skipBase` the base side is not finished
   * (its findings were given already, from a record of an earlier run over the same base
   * files): it makes no findings and no stats.
   */
  async finish(
    options: { onBaseFinished?: () => Promise<void>; onFinding?: (finding: SideFinding) => void; skipBase?: boolean } = {}
  ): Promise<{ findings: SideFinding[]; stats: UniquenessStats }> {
    const started = performance.now()
    // Band hashes still being signed on worker threads land before anything reads them.
    await this.queue?.drain()
    // With `onFinding`, findings go out one by one and are not kept here: a million-record PR
    // makes some 200,000 of them (with excerpts), 170 MB of heap had they waited in one array.
    const findings: SideFinding[] = []
    // Kept here, every finding has its message and excerpt.
    const emit = options.onFinding ?? ((taken: SideFinding) => void findings.push({ side: taken.side, finding: completeFinding(taken) }))
    const sides: UniquenessSideStats[] = []
    const timing = { rereadMs: 0 }
    try {
      for (const name of ['base', 'head'] as const) {
        const side = this.sides.get(name)
        if (!side) continue
        if (name === 'head' || !options.skipBase) sides.push(await this.finishSide(side, emit, timing))
        if (name === 'base') await options.onBaseFinished?.()
        this.sides.delete(name)
      }
    } finally {
      this.releaseHelper()
    }
    const { hash } = this.settings
    return {
      findings,
      stats: {
        settings: {
          threshold: this.settings.threshold,
          permutations: hash.permutations,
          bands: hash.bands,
          rows: hash.rows,
          ngram: hash.ngram,
          charNgram: hash.charNgram,
          minWords: hash.minWords,
          contaminationNgram: this.settings.contaminationNgram
        },
        sides,
        timings: { recordMs: Math.round(this.recordMs), finishMs: Math.round(performance.now() - started), rereadMs: Math.round(timing.rereadMs) }
      }
    }
  }

  private sideState(name: 'base' | 'head'): SideState {
    let side = this.sides.get(name)
    if (!side) {
      side = { side: name, files: [], groups: new Map(), corpus: new CorpusArrays(this.settings.bands ? this.settings.hash.bands : 0), contamination: new ContaminationIndex() }
      this.sides.set(name, side)
    }
    return side
  }

  private addFile(side: SideState, file: CorpusFile): FileEntry {
    const id = side.files.length
    const groupName = file.split ? `split:${file.split}` : `file:${id}`
    let group = side.groups.get(groupName)
    if (group === undefined) side.groups.set(groupName, (group = side.groups.size))
    const config = (check: UniquenessCheckId): CheckConfig => ({ ...this.settings.config[check], ...file.settings.checks[check] })
    const checks = [EXACT_DUPLICATES, NEAR_DUPLICATES, LEAKAGE] as const
    const reports = {} as Record<UniquenessCheckId, boolean>
    const severity = {} as Record<UniquenessCheckId, Severity>
    for (const check of checks) {
      const merged = config(check)
      reports[check] = !file.reference && this.settings.enabled[check] && merged.enabled !== false
      severity[check] = merged.severity ?? UNIQUENESS_CHECKS.find((c) => c.id === check)!.defaultSeverity
    }
    const fields = config(EXACT_DUPLICATES).fields ?? file.textFields
    const entry: FileEntry = {
      id,
      file,
      group,
      kind: file.split === 'train' ? SplitKind.Train : file.split === undefined ? SplitKind.None : SplitKind.Eval,
      fields,
      exclude: new Set(file.settings.key),
      readOptions: readOptionsFor(file.settings),
      reports,
      severity,
      records: 0,
      emptyText: 0,
      shortRecords: 0,
      tested: 0,
      tooShort: 0,
      versionAtOpen: side.contamination.version
    }
    side.files.push(entry)
    return entry
  }

  /**
   * Called once per file before its records, for a reference file (unchanged by the PR, so the
   * same on both sides): each record is hashed once and indexed on both sides.
   */
  openReference(file: Omit<CorpusFile, 'side' | 'reference'>): (record: DatasetRecord) => void {
    const base = this.sideState('base')
    const head = this.sideState('head')
    const targets = [
      { side: base, entry: this.addFile(base, { ...file, side: 'base', reference: true }) },
      { side: head, entry: this.addFile(head, { ...file, side: 'head', reference: true }) }
    ]
    return (record) => {
      const started = performance.now()
      this.addRecord(record, targets)
      this.recordMs += performance.now() - started
    }
  }

  /**
   * A slot of the side's index for a record of `entry`, with its exact hash; shingled by
   * characters is kept (and counted) only where band hashes are. The band hashes are the caller's.
   */
  private placeRecord(side: SideState, entry: FileEntry, place: RecordPlace, exactLow: number, exactHigh: number, byCharacters: boolean): number {
    const { corpus } = side
    const slot = corpus.add(entry.id, place.index, place.line, place.offset, place.bytes)
    entry.records++
    corpus.exactLow[slot] = exactLow
    corpus.exactHigh[slot] = exactHigh
    if (this.settings.bands && byCharacters) {
      corpus.byCharacters[slot] = 1
      entry.shortRecords++
    }
    return slot
  }

  /** Leakage is on and the file has a split: its records' n-grams go into (or are scanned against) the contamination index. */
  private needsNgrams(entry: FileEntry): boolean {
    return this.settings.enabled[LEAKAGE] && entry.kind !== SplitKind.None
  }

  /**
   * The hot path: hashes one record once and indexes it in each target (one side, or both for
   * a reference file). Band hashes are signed here, or queued for the worker threads.
   */
  private addRecord(record: DatasetRecord, targets: ReadonlyArray<{ side: SideState; entry: FileEntry }>, ngrams = true): void {
    const { hasher, settings } = this
    const { fields, exclude } = targets[0].entry
    const words = hasher.load(comparisonParts(record.fields, fields, exclude))
    if (words === 0) {
      for (const { entry } of targets) entry.emptyText++
      return
    }
    const near = settings.bands
    const bandTargets: BandTarget[] = []
    for (const { side, entry } of targets) {
      const slot = this.placeRecord(side, entry, record, hasher.exact[0], hasher.exact[1], hasher.byCharacters)
      if (near) bandTargets.push({ corpus: side.corpus, slot })
    }
    if (near) {
      if (this.queue) {
        const { low, count } = hasher.minHashShingles()
        this.queue.push(low, count, bandTargets)
      } else {
        const [first, ...others] = bandTargets
        const width = first.corpus.bands
        hasher.bands(first.corpus.bandValues, first.slot * width)
        const values = first.corpus.bandValues.subarray(first.slot * width, (first.slot + 1) * width)
        for (const { corpus, slot } of others) corpus.bandValues.set(values, slot * width)
      }
    }
    // After the shingles were taken: the n-grams reuse the hasher's buffers.
    if (ngrams) for (const { side, entry } of targets) this.addContamination(entry, side.contamination, words, record.line)
  }

  /** Eval records' n-grams into the contamination index; train records scanned against it. */
  private addContamination(entry: FileEntry, contamination: ContaminationIndex, words: number, line: number): void {
    const { hasher, settings } = this
    if (!this.needsNgrams(entry)) return
    const n = settings.contaminationNgram
    if (entry.kind === SplitKind.Eval) {
      if (words < n) {
        entry.tooShort++
        return
      }
      entry.tested++
      const grams = hasher.ngrams(n)
      contamination.addEval(entry.id, line, grams.low, grams.high, grams.count)
    } else if (contamination.evalRecords > 0 && words >= n) {
      const grams = hasher.ngrams(n)
      contamination.scanTrain(entry.id, grams.low, grams.high, grams.count)
    }
  }

  private relations(side: SideState): SlotRelations {
    const { files, corpus } = side
    // With leakage off, train and eval are just other groups.
    const leakage = this.settings.enabled[LEAKAGE]
    const isNew = (slot: number): boolean => files[corpus.fileOf[slot]].file.isNew?.(corpus.indexOf[slot]) ?? false
    const score = (slot: number): number => (files[corpus.fileOf[slot]].file.reference ? 0 : isNew(slot) ? 2 : 1)
    return {
      groupOf: (slot) => files[corpus.fileOf[slot]].group,
      kindOf: (slot) => (leakage ? files[corpus.fileOf[slot]].kind : SplitKind.None),
      compare: (a, b) => {
        const fileA = files[corpus.fileOf[a]]
        const fileB = files[corpus.fileOf[b]]
        // What was there before the PR is the original: references, then records the PR did not bring.
        if (fileA.file.reference !== fileB.file.reference) return fileA.file.reference ? -1 : 1
        const newA = isNew(a)
        if (newA !== isNew(b)) return newA ? 1 : -1
        if (fileA.id !== fileB.id) return fileA.id - fileB.id
        return corpus.indexOf[a] - corpus.indexOf[b]
      },
      // The train copy is the one to remove (decontaminate the training data), unless the eval
      // copy is what the PR brought and the train copy was already there.
      blame: (train, evalRecord) => (score(evalRecord) > score(train) ? evalRecord : train)
    }
  }

  /**
   * The LSH buckets of the reps, every band. With a lent thread and the band hashes in shared
   * memory (as a worker's or this thread's hashing leaves them), both threads take bands from
   * one shared counter until none are left (the thread may still be finishing its own checks
   * when asked; then this one takes more of them, and waits for it only if it took any).
   */
  private async lshBuckets(corpus: CorpusArrays, reps: Int32Array): Promise<Buckets> {
    const { bandValues: values, bands } = corpus
    const helper = this.helper
    if (!helper || bands < 2 || reps.length < minShared() || !isShared(values)) return bandBuckets(values, bands, reps)
    const next = sharedInt32Array(1)
    const theirs = helper.groupBands(values, bands, reps, next).catch(() => undefined)
    const grouper = new BandGrouper(values, bands, reps)
    const byBand: Array<Buckets | undefined> = new Array<Buckets | undefined>(bands).fill(undefined)
    const ours = claimBands(grouper, bands, next)
    ours.bands.forEach((band, i) => (byBand[band] = ours.buckets[i]))
    if (ours.bands.length < bands) {
      const helped = await theirs
      if (helped) {
        threadStats.sharedGroupings++
        helped.bands.forEach((band, i) => (byBand[band] = helped.buckets[i]))
      }
    }
    // Bands the thread took and could not answer for (it failed) are grouped here.
    return concatBuckets(byBand.map((buckets, band) => buckets ?? grouper.band(band)))
  }

  private async finishSide(side: SideState, emit: (finding: SideFinding) => void, timing: { rereadMs: number }): Promise<UniquenessSideStats> {
    const { corpus, files, contamination } = side
    const { settings, hasher } = this
    const relations = this.relations(side)
    const n = corpus.count
    const exact = groupExact(corpus, relations)

    const indexNear = settings.bands
    let reps = new Int32Array(0)
    const positionOf = new Int32Array(n).fill(-1)
    let candidates: Uint8Array = new Uint8Array(0)
    let buckets: Buckets = { members: new Int32Array(0), starts: new Int32Array(1) }
    if (indexNear) {
      let count = 0
      for (let slot = 0; slot < n; slot++) if (exact.repOf[slot] === slot) count++
      reps = new Int32Array(count)
      count = 0
      for (let slot = 0; slot < n; slot++) {
        if (exact.repOf[slot] !== slot) continue
        positionOf[slot] = count
        reps[count++] = slot
      }
      buckets = await this.lshBuckets(corpus, reps)
      candidates = lshCandidates({ corpus, reps, relations, withinGroups: settings.enabled[NEAR_DUPLICATES] }, buckets)
    }

    // What to read again, per file: shingle sets of the candidates, excerpts of the records findings
    // go on. Flags by slot and each file's slots in arrays, not a Map a file: at 1M, the 112,000
    // candidates' Map.set and .get calls were ~0.1 s of the finish, on this thread alone.
    const needFlags = new Uint8Array(n)
    const wantedByFile: number[][] = files.map(() => [])
    const need = (slot: number, flags: number): void => {
      if (needFlags[slot] === 0) wantedByFile[corpus.fileOf[slot]].push(slot)
      needFlags[slot] |= flags
    }
    const reported = (slot: number, check: UniquenessCheckId): boolean => files[corpus.fileOf[slot]].reports[check]
    const excerpted: number[] = []
    for (const { slot } of exact.duplicates) if (reported(slot, EXACT_DUPLICATES)) excerpted.push(slot)
    for (const slot of exact.leaks.keys()) if (reported(slot, LEAKAGE)) excerpted.push(slot)
    for (let position = 0; position < candidates.length; position++) if (candidates[position] === 1) excerpted.push(reps[position])
    // A record the first read placed in its file is read for its excerpt only if its finding is listed.
    const placed = await placedFiles(side, excerpted)
    const readLater = (slot: number): boolean => placed.has(corpus.fileOf[slot]) && corpus.isPlaced(slot)
    for (const slot of excerpted) if (!readLater(slot)) need(slot, NEED_EXCERPT)
    for (let position = 0; position < candidates.length; position++) if (candidates[position] === 1) need(reps[position], NEED_SET)
    const rescans = new Set(
      files.filter((entry) => settings.enabled[LEAKAGE] && entry.kind === SplitKind.Train && contamination.evalRecords > 0 && entry.versionAtOpen < contamination.version).map((entry) => entry.id)
    )

    const sets = new CandidateSets(reps.length)
    const excerpts = new Map<number, string>()
    const rereadStarted = performance.now()
    for (const entry of files) {
      const wanted = inFileOrder(corpus, wantedByFile[entry.id])
      if (wanted.length === 0 && !rescans.has(entry.id)) continue
      const job: CandidateJob = {
        fields: entry.fields,
        exclude: [...entry.exclude],
        hash: settings.hash,
        places: Array.from(wanted, (slot) => corpus.placeOf(slot)),
        needs: new Uint8Array(wanted.length),
        exact: new Int32Array(2 * wanted.length)
      }
      for (let i = 0; i < wanted.length; i++) {
        job.needs[i] = needFlags[wanted[i]]
        job.exact[2 * i] = corpus.exactLow[wanted[i]]
        job.exact[2 * i + 1] = corpus.exactHigh[wanted[i]]
      }
      // A train file the contamination index grew after is scanned again, every record of it.
      const rescan = rescans.has(entry.id)
        ? (record: DatasetRecord): void => {
            if (hasher.load(comparisonParts(record.fields, entry.fields, entry.exclude)) < settings.contaminationNgram) return
            const grams = hasher.ngrams(settings.contaminationNgram)
            contamination.scanTrain(entry.id, grams.low, grams.high, grams.count)
          }
        : undefined
      const found = await readCandidatesShared(entry.file.source, entry.readOptions, job, rescan, this.helper)
      found.sets.forEach((set, i) => set && sets.set(positionOf[wanted[i]], set))
      found.excerpts.forEach((excerpt, i) => excerpt !== undefined && excerpts.set(wanted[i], excerpt))
    }
    timing.rereadMs += performance.now() - rereadStarted

    const near = indexNear
      ? verifyCandidates({ corpus, reps, relations, withinGroups: settings.enabled[NEAR_DUPLICATES] }, buckets, sets, settings.threshold, exact.leaks)
      : undefined
    // Where the record is is looked up only for a finding that is listed.
    const lazyExcerpt = (slot: number): (() => string | undefined) | undefined => {
      if (!readLater(slot)) return undefined
      return () => {
        const entry = files[corpus.fileOf[slot]]
        return placedExcerpt(placed.get(entry.id)!, corpus.placeOf(slot), [corpus.exactLow[slot], corpus.exactHigh[slot]], hasher, entry.fields, entry.exclude)
      }
    }
    const report = new FindingWriter(side, excerpts, lazyExcerpt, settings, (finding, excerpt, message) =>
      emit({ side: side.side, finding, ...(excerpt ? { excerpt } : {}), ...(message ? { message } : {}) })
    )
    for (const { slot, first } of exact.duplicates) report.exactDuplicate(slot, first)
    const clusterStats = near ? this.reportClusters(side, reps, near, report) : undefined
    const leaks = new Map<number, LeakPair>([...exact.leaks, ...(near?.leaks ?? [])])
    if (near) {
      // The exact copies of a near-leaked record leak as well.
      for (let slot = 0; slot < n; slot++) {
        const rep = exact.repOf[slot]
        if (rep === slot || leaks.has(slot)) continue
        const pair = near.leaks.get(rep)
        if (pair) leaks.set(slot, pair)
      }
    }
    let nearLeaks = 0
    for (const [slot, pair] of leaks) {
      if (!pair.exact) nearLeaks++
      report.leak(slot, pair)
    }
    const contaminationStats = settings.enabled[LEAKAGE] ? this.reportContamination(side, report) : []

    return {
      side: side.side,
      files: files.length,
      records: n,
      emptyText: sum(files, (entry) => entry.emptyText),
      shortRecords: sum(files, (entry) => entry.shortRecords),
      exactDuplicates: exact.duplicates.length,
      repeatedTexts: exact.repeatedTexts,
      nearDuplicates: clusterStats?.nearDuplicates ?? 0,
      clusters: clusterStats?.clusters ?? 0,
      clusterSizes: clusterStats?.sizes ?? {},
      largestClusters: clusterStats?.largest ?? [],
      candidates: sets.size,
      pairsVerified: near?.pairsVerified ?? 0,
      pairsSimilar: near?.pairsSimilar ?? 0,
      leakage: { exact: leaks.size - nearLeaks, near: nearLeaks },
      contamination: contaminationStats,
      indexBytes: corpus.bytes + contamination.table.bytes
    }
  }

  /**
   * One finding per record of a cluster but its first (the original), naming the verified
   * partner that links it towards the original: followed from finding to finding, the partners
   * of a cluster's records lead to its original, so every record of it is reachable.
   */
  private reportClusters(side: SideState, reps: Int32Array, near: NearResult, report: FindingWriter) {
    const { corpus, files } = side
    const relations = this.relations(side)
    const { from, to, jaccard } = near.links
    const size = reps.length
    // The links of each position as indexes into `near.links`, in typed arrays (compressed rows)
    // rather than a Map of small arrays and a Set per cluster: at 1M (34,000 clusters) this and
    // the findings it makes took 0.29-0.35 s against 0.35-0.44 s, three scans each.
    const linkStarts = new Int32Array(size + 1)
    for (let i = 0; i < from.length; i++) {
      linkStarts[from[i] + 1]++
      linkStarts[to[i] + 1]++
    }
    for (let position = 0; position < size; position++) linkStarts[position + 1] += linkStarts[position]
    const linkFill = linkStarts.slice(0, size)
    const linkIndexes = new Int32Array(2 * from.length)
    for (let i = 0; i < from.length; i++) {
      linkIndexes[linkFill[from[i]]++] = i
      linkIndexes[linkFill[to[i]]++] = i
    }
    // Clusters numbered in the order of their first linked position; members in ascending position.
    const clusterOf = new Int32Array(size).fill(-1)
    const memberCounts: number[] = []
    for (let position = 0; position < size; position++) {
      if (linkStarts[position + 1] === linkStarts[position]) continue
      const root = near.clusters.find(position)
      let cluster = clusterOf[root]
      if (cluster === -1) {
        cluster = clusterOf[root] = memberCounts.length
        memberCounts.push(0)
      }
      memberCounts[cluster]++
    }
    const clusters = memberCounts.length
    const memberStarts = new Int32Array(clusters + 1)
    for (let cluster = 0; cluster < clusters; cluster++) memberStarts[cluster + 1] = memberStarts[cluster] + memberCounts[cluster]
    const memberFill = memberStarts.slice(0, clusters)
    const members = new Int32Array(memberStarts[clusters])
    for (let position = 0; position < size; position++) {
      if (linkStarts[position + 1] !== linkStarts[position]) members[memberFill[clusterOf[near.clusters.find(position)]]++] = position
    }

    const sizes: Record<string, number> = {}
    const largest: Array<{ size: number; file: string; line: number }> = []
    const larger = (a: { size: number; file: string; line: number }, b: { size: number; file: string; line: number }): number =>
      b.size - a.size || a.file.localeCompare(b.file) || a.line - b.line
    let nearDuplicates = 0
    // Per position, the link it was reached by in its cluster's walk, and the cluster whose walk
    // reached it. Both in arrays of a position each that are done with by now: at 1M, new ones
    // (and a Jaccard per position) were 15 MB of fresh memory, whose first writes cost 40-50 ms.
    const reachedBy = linkFill
    const reachedIn = clusterOf.fill(-1)
    const queue = new Int32Array(members.length)
    for (let cluster = 0; cluster < clusters; cluster++) {
      const list = Array.from(members.subarray(memberStarts[cluster], memberStarts[cluster + 1]))
      list.sort((a, b) => relations.compare(reps[a], reps[b]))
      const count = list.length
      sizes[String(count)] = (sizes[String(count)] ?? 0) + 1
      // Only the few largest are kept, rather than every cluster sorted by file name.
      const entry = { size: count, file: files[corpus.fileOf[reps[list[0]]]].file.path, line: corpus.lineOf[reps[list[0]]] }
      if (largest.length < LARGEST_CLUSTERS || larger(entry, largest[largest.length - 1]) < 0) {
        largest.push(entry)
        largest.sort(larger)
        if (largest.length > LARGEST_CLUSTERS) largest.pop()
      }
      // Walk the cluster's tree of links from its original: each record's partner is the one it was reached from.
      let tail = 0
      queue[tail++] = list[0]
      reachedIn[list[0]] = cluster
      for (let head = 0; head < tail; head++) {
        const at = queue[head]
        for (let k = linkStarts[at]; k < linkStarts[at + 1]; k++) {
          const index = linkIndexes[k]
          const other = from[index] === at ? to[index] : from[index]
          if (reachedIn[other] === cluster) continue
          reachedIn[other] = cluster
          reachedBy[other] = index
          queue[tail++] = other
        }
      }
      for (let i = 1; i < count; i++) {
        nearDuplicates++
        const position = list[i]
        const link = reachedBy[position]
        const partner = from[link] === position ? to[link] : from[link]
        report.nearDuplicate(reps[position], reps[partner], jaccard[link], count)
      }
    }
    return { clusters, nearDuplicates, sizes, largest }
  }

  /** Per eval file: the share of its records with an n-gram in the side's train split. */
  private reportContamination(side: SideState, report: FindingWriter): ContaminationStats[] {
    const { files, contamination } = side
    const trains = files.filter((entry) => entry.kind === SplitKind.Train)
    if (trains.length === 0) return []
    const byFile = contamination.contaminatedByFile()
    const stats: ContaminationStats[] = []
    for (const entry of files) {
      if (entry.kind !== SplitKind.Eval) continue
      const found = byFile.get(entry.id)
      const contaminated = found?.count ?? 0
      stats.push({
        file: entry.file.path,
        split: entry.file.split!,
        tested: entry.tested,
        tooShort: entry.tooShort,
        contaminated,
        rate: entry.tested === 0 ? 0 : contaminated / entry.tested
      })
      if (!found) continue
      if (!entry.file.reference) report.contamination(entry, contaminated, found.firstLine, trains)
      else {
        for (const train of trains) {
          const hits = contamination.hitsOf(train.id, entry.id)
          if (hits > 0 && !train.file.reference) report.contaminationFromTrain(train, entry, hits)
        }
      }
    }
    return stats
  }
}

/**
 * Slots of one file in the order of its records. A file's slots are its records in order (it
 * is indexed, hashed elsewhere or restored whole), so a sort by number nearly always gives it:
 * checked, else sorted by index.
 */
function inFileOrder(corpus: CorpusArrays, slots: readonly number[]): Int32Array {
  const sorted = Int32Array.from(slots).sort()
  for (let i = 1; i < sorted.length; i++) {
    if (corpus.indexOf[sorted[i]] < corpus.indexOf[sorted[i - 1]]) return sorted.sort((a, b) => corpus.indexOf[a] - corpus.indexOf[b])
  }
  return sorted
}

/**
 * The files of `slots` whose records the first read placed (a byte offset for each), by id,
 * with a path on disk to read them from; a file whose source cannot give one is left out.
 */
async function placedFiles(side: SideState, slots: readonly number[]): Promise<Map<number, string>> {
  const { corpus, files } = side
  const ids = new Set<number>()
  for (const slot of slots) if (corpus.isPlaced(slot)) ids.add(corpus.fileOf[slot])
  const paths = new Map<number, string>()
  for (const id of ids) {
    try {
      paths.set(id, await files[id].file.source.localFile())
    } catch {
      // Read with the candidates instead.
    }
  }
  return paths
}

/** The columns of slots that are not one run, copied slot by slot. */
function scatteredColumns(corpus: CorpusArrays, slots: readonly number[]): CorpusColumns {
  return mapColumns(corpus, corpus.bands, (array, per) => {
    const picked = new (array.constructor as new (length: number) => typeof array)(slots.length * per)
    slots.forEach((slot, i) => picked.set(array.subarray(slot * per, (slot + 1) * per), i * per))
    return picked
  })
}

/** Builds the findings of one side, with their messages, handing each to `emit` as it is made. */
class FindingWriter {
  constructor(
    private readonly side: SideState,
    /** Excerpts read with the candidates, by slot. */
    private readonly excerpts: ReadonlyMap<number, string>,
    /** For the other slots: how to read the excerpt when the finding is listed. */
    private readonly lazyExcerpt: (slot: number) => (() => string | undefined) | undefined,
    private readonly settings: StageSettings,
    private readonly emit: (finding: Finding, excerpt?: () => string | undefined, message?: () => string) => void
  ) {}

  exactDuplicate(slot: number, first: number): void {
    const entry = this.entryOf(slot)
    this.add(EXACT_DUPLICATES, slot, first, () => `duplicate of ${this.where(first, entry)}: the same ${describeFields(entry.fields)} once case, spacing and punctuation are normalised`)
  }

  nearDuplicate(slot: number, partner: number, similarity: number, clusterSize: number): void {
    const entry = this.entryOf(slot)
    const { hash } = this.settings
    const grams = this.side.corpus.byCharacters[slot] === 1 ? `character ${hash.charNgram}-grams` : `word ${hash.ngram}-grams`
    const cluster = clusterSize > 2 ? `; one of ${clusterSize} records in this cluster` : ''
    this.add(
      NEAR_DUPLICATES,
      slot,
      partner,
      () => `near-duplicate of ${this.where(partner, entry)}: Jaccard ${similarity.toFixed(2)} on ${grams} (threshold ${this.settings.threshold})${cluster}`
    )
  }

  leak(slot: number, pair: LeakPair): void {
    const entry = this.entryOf(slot)
    const other = this.entryOf(pair.other)
    const how = pair.exact ? 'the same text as' : `a near-duplicate (Jaccard ${pair.jaccard.toFixed(2)}) of`
    const split = (e: FileEntry): string => (e.file.split === 'train' ? 'train' : (e.file.split ?? 'eval'))
    this.add(LEAKAGE, slot, pair.other, () => `${split(entry)} record found in the ${split(other)} split: ${how} ${this.where(pair.other, entry)}`)
  }

  contamination(entry: FileEntry, contaminated: number, firstLine: number, trains: readonly FileEntry[]): void {
    if (!entry.reports[LEAKAGE]) return
    const n = this.settings.contaminationNgram
    const rate = contaminated / entry.tested
    const names = trains.map((train) => train.file.path)
    const short = entry.tooShort > 0 ? `; ${entry.tooShort} shorter than ${n} words were not tested` : ''
    this.emit({
      check: LEAKAGE,
      dimension: 'uniqueness',
      severity: rate >= this.settings.warnRate ? 'warning' : 'info',
      file: entry.file.path,
      message: `${contaminated} of ${entry.tested} ${entry.file.split} records (${percent(rate)}) share a ${n}-word sequence with the train split (${listNames(names)}), the first on line ${firstLine}${short}`
    })
  }

  contaminationFromTrain(train: FileEntry, evalEntry: FileEntry, hits: number): void {
    if (!train.reports[LEAKAGE]) return
    const n = this.settings.contaminationNgram
    const rate = hits / evalEntry.tested
    this.emit({
      check: LEAKAGE,
      dimension: 'uniqueness',
      severity: rate >= this.settings.warnRate ? 'warning' : 'info',
      file: train.file.path,
      message: `${hits} of ${evalEntry.tested} records of ${evalEntry.file.path} (${evalEntry.file.split} split, ${percent(rate)}) share a ${n}-word sequence with this file`,
      duplicateOf: { file: evalEntry.file.path }
    })
  }

  /** One finding on `slot` naming `other`; its message is made only if it is listed. */
  private add(check: UniquenessCheckId, slot: number, other: number, message: () => string): void {
    const entry = this.entryOf(slot)
    if (!entry.reports[check]) return
    const { corpus } = this.side
    const otherEntry = this.entryOf(other)
    const excerpt = this.excerpts.get(slot)
    const lazy = excerpt === undefined ? this.lazyExcerpt(slot) : undefined
    const isNew = entry.file.isNew
    this.emit({
      check,
      dimension: 'uniqueness',
      severity: entry.severity[check],
      file: entry.file.path,
      line: corpus.lineOf[slot],
      ...(entry.fields.length === 1 ? { field: entry.fields[0] } : {}),
      // In its place already, so the finding's keys keep their order once the message is made.
      message: '',
      // A lazy excerpt's key is in its place already, so the finding's keys keep their order once it is read.
      ...(excerpt !== undefined ? { excerpt } : lazy ? { excerpt: undefined } : {}),
      ...(isNew ? { introduced: isNew(corpus.indexOf[slot]) } : {}),
      duplicateOf: { file: otherEntry.file.path, line: corpus.lineOf[other] }
    }, lazy, message)
  }

  private entryOf(slot: number): FileEntry {
    return this.side.files[this.side.corpus.fileOf[slot]]
  }

  /** `line 12`, or `line 12 of data/other.jsonl` when the other record is in another file. */
  private where(other: number, from: FileEntry): string {
    const entry = this.entryOf(other)
    const line = `line ${this.side.corpus.lineOf[other]}`
    return entry.id === from.id ? line : `${line} of ${entry.file.path}`
  }
}

/** The entry of a file the PR changed (not a reference) on one side, by path. */
function changedFile(side: SideState, path: string): FileEntry | undefined {
  return side.files.find((candidate) => candidate.file.path === path && !candidate.file.reference)
}

function describeFields(fields: readonly string[]): string {
  if (fields.length === 0) return 'record'
  const names = fields.map((field) => `\`${field}\``)
  return names.length === 1 ? names[0] : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`
}

function listNames(names: readonly string[]): string {
  return names.length <= 3 ? names.join(', ') : `${names.slice(0, 3).join(', ')} and ${names.length - 3} more`
}

function percent(rate: number): string {
  return `${(rate * 100).toFixed(rate < 0.1 ? 1 : 0)}%`
}

function sum<T>(items: readonly T[], pick: (item: T) => number): number {
  return items.reduce((total, item) => total + pick(item), 0)
}

/** The stage's settings from the merged check configs; throws on a value that cannot work. */
function resolveSettings(checks: Record<string, CheckConfig>): StageSettings {
  const config = {} as Record<UniquenessCheckId, CheckConfig>
  const enabled = {} as Record<UniquenessCheckId, boolean>
  for (const check of UNIQUENESS_CHECKS) {
    config[check.id] = { ...check.defaults, ...checks[check.id] }
    enabled[check.id] = config[check.id].enabled !== false
  }
  const near = config[NEAR_DUPLICATES]
  const number = (check: UniquenessCheckId, name: string, valid: (value: number) => boolean, rule: string): number => {
    const value = config[check][name]
    if (typeof value !== 'number' || !Number.isFinite(value) || !valid(value)) {
      throw new Error(`${check}.${name} must be ${rule} (got ${JSON.stringify(value)}).`)
    }
    return value
  }
  const integer = (min: number, max: number) => (value: number) => Number.isInteger(value) && value >= min && value <= max
  const threshold = number(NEAR_DUPLICATES, 'threshold', (v) => v > 0 && v <= 1, 'a number in (0, 1]')
  const permutations = number(NEAR_DUPLICATES, 'permutations', integer(16, 1024), 'an integer from 16 to 1024')
  const weights = {
    fp: number(NEAR_DUPLICATES, 'falsePositiveWeight', (v) => v >= 0, 'a number >= 0'),
    fn: number(NEAR_DUPLICATES, 'falseNegativeWeight', (v) => v >= 0, 'a number >= 0')
  }
  const { bands, rows } = typeof near.bands === 'number' && typeof near.rows === 'number' ? { bands: near.bands, rows: near.rows } : optimalLsh(threshold, permutations, weights.fp, weights.fn)
  if (!Number.isInteger(bands) || !Number.isInteger(rows) || bands < 1 || rows < 1 || bands * rows > permutations) {
    throw new Error(`near-duplicates.bands x rows must be positive integers with bands x rows <= permutations (got ${bands} x ${rows}).`)
  }
  return {
    config,
    enabled,
    bands: enabled[NEAR_DUPLICATES] || enabled[LEAKAGE],
    threshold,
    hash: {
      permutations,
      bands,
      rows,
      ngram: number(NEAR_DUPLICATES, 'ngram', integer(1, 64), 'an integer from 1 to 64'),
      charNgram: number(NEAR_DUPLICATES, 'charNgram', integer(1, 64), 'an integer from 1 to 64'),
      minWords: number(NEAR_DUPLICATES, 'minWords', integer(0, 1000), 'an integer from 0 to 1000'),
      seed: number(NEAR_DUPLICATES, 'seed', Number.isInteger, 'an integer')
    },
    contaminationNgram: number(LEAKAGE, 'ngram', integer(1, 64), 'an integer from 1 to 64'),
    warnRate: number(LEAKAGE, 'warnRate', (v) => v >= 0 && v <= 1, 'a number in [0, 1]')
  }
}

/** `optimalParams` takes a fraction of a second: computed once per setting, not once per audit. */
const lshCache = new Map<string, { bands: number; rows: number }>()

function optimalLsh(threshold: number, permutations: number, fp: number, fn: number): { bands: number; rows: number } {
  const key = `${threshold}/${permutations}/${fp}/${fn}`
  let params = lshCache.get(key)
  if (!params) lshCache.set(key, (params = optimalParams(threshold, permutations, fp, fn)))
  return params
}
