/**
 * The records the uniqueness indexes name, read again for what `finish()` needs of them: the
 * shingle set of an LSH candidate (for exact Jaccard) and the excerpt of a record a finding
 * goes on. A large file's candidates are read half here and half on a helper thread (the check
 * worker, done with its job and still warm): a thread started for it cost what it saved.
 */
import type { ByteSource, ReadOptions } from '../readers/types.js'
import { numberFromEnv } from '../env.js'
import { threadStats } from '../threads.js'
import { truncate } from '../text.js'
import { comparisonParts, rawText } from './normalise.js'
import { RecordHasher, type HashSettings } from './record-hasher.js'
import { hasPlace, placedLines, rereadRecords, type RecordPlace } from './reread.js'
import type { ClaimedBands } from './near.js'
import type { ShingleSet } from './shingles.js'
import type { DatasetRecord } from '../types.js'

/** What is read again of a record: flags. */
export const NEED_SET = 1
export const NEED_EXCERPT = 2

/** Longest excerpt of a record in a finding. */
export const EXCERPT_CHARS = 120

/** What to read again in one file, by the records' places in it (sorted by index). */
export interface CandidateJob {
  fields: string[]
  exclude: string[]
  hash: HashSettings
  places: RecordPlace[]
  /** Per place: NEED_SET and/or NEED_EXCERPT. */
  needs: Uint8Array
  /** Per place: the exact hash the record was indexed with, low and high halves interleaved. */
  exact: Int32Array
}

/** Per place of the job: its shingle set and excerpt, when wanted and the record was found unchanged. */
export interface CandidateResult {
  sets: Array<ShingleSet | undefined>
  excerpts: Array<string | undefined>
}

/** Another thread that reads candidates (see `readCandidatesShared`). */
export interface CandidateHelper {
  /** Reads `job` from the file at `localFile`; rejects when the thread cannot (the caller then reads them itself). */
  read(localFile: string, path: string, readOptions: ReadOptions, job: CandidateJob): Promise<CandidateResult>
  /**
   * `claimBands` on that thread over the shared counter `next` (`values` in shared memory too):
   * the bands it took and their buckets; rejects when the thread cannot (the caller then groups
   * the bands it took itself).
   */
  groupBands(values: Int32Array, bands: number, reps: Int32Array, next: Int32Array): Promise<ClaimedBands>
  /** Ends the thread: it is not asked again. */
  release(): void
}

/**
 * Below this many records a helper is not asked: a message each way costs more than reading
 * them. `DATASET_AUDIT_SHARED_READ_MIN` changes it (tests share small jobs).
 */
export function minShared(): number {
  return numberFromEnv('DATASET_AUDIT_SHARED_READ_MIN', true) ?? 2048
}

/**
 * Reads the job's records from `source` (on any thread); with `everyRecord`, every record of
 * the file passes through it as well (a train file scanned for contamination again).
 */
export async function readCandidates(source: ByteSource, readOptions: ReadOptions, job: CandidateJob, everyRecord?: (record: DatasetRecord) => void): Promise<CandidateResult> {
  const hasher = new RecordHasher(job.hash)
  const exclude = new Set(job.exclude)
  const sets: Array<ShingleSet | undefined> = new Array(job.places.length).fill(undefined)
  const excerpts: Array<string | undefined> = new Array(job.places.length).fill(undefined)
  await rereadRecords(source, readOptions, job.places, (position, fields) => {
    const parts = comparisonParts(fields, job.fields, exclude)
    hasher.load(parts)
    // The file changed under us (it should not): a record that is not the one indexed is left out.
    if (hasher.exact[0] !== job.exact[2 * position] || hasher.exact[1] !== job.exact[2 * position + 1]) return
    if (job.needs[position] & NEED_SET) sets[position] = hasher.shingleSet()
    if (job.needs[position] & NEED_EXCERPT) excerpts[position] = truncate(rawText(parts, EXCERPT_CHARS), EXCERPT_CHARS)
  }, everyRecord)
  return { sets, excerpts }
}

/**
 * `readCandidates` with half of the job (the first records, in file order) read by `helper` at
 * the same time, when it is a large job of lines whose places the first read gave (uncompressed
 * JSON Lines) and no whole-file pass is asked for; what the helper cannot do is read here after
 * all, so the result is the same either way.
 */
export async function readCandidatesShared(
  source: ByteSource,
  readOptions: ReadOptions,
  job: CandidateJob,
  everyRecord: ((record: DatasetRecord) => void) | undefined,
  helper: CandidateHelper | undefined
): Promise<CandidateResult> {
  const count = job.places.length
  // Only lines read where they are: a file read again in full (gzip, CSV, Parquet) would be read in full on both threads.
  if (!helper || everyRecord || count < Math.max(2, minShared()) || !job.places.every(hasPlace)) return readCandidates(source, readOptions, job, everyRecord)
  let localFile: string
  try {
    localFile = await source.localFile()
  } catch {
    return readCandidates(source, readOptions, job)
  }
  const half = count >> 1
  const first = sliceJob(job, 0, half)
  // Asked first, so the helper reads while this thread does.
  const theirs = helper.read(localFile, source.path, readOptions, first).catch(() => undefined)
  const ours = await readCandidates(source, readOptions, sliceJob(job, half, count))
  let helped = await theirs
  if (helped) threadStats.sharedReads++
  else helped = await readCandidates(source, readOptions, first)
  return { sets: [...helped.sets, ...ours.sets], excerpts: [...helped.excerpts, ...ours.excerpts] }
}

/** The job's places [from, to). */
function sliceJob(job: CandidateJob, from: number, to: number): CandidateJob {
  return { ...job, places: job.places.slice(from, to), needs: job.needs.slice(from, to), exact: job.exact.slice(2 * from, 2 * to) }
}

/**
 * The excerpt of one record read where the first read placed it (`place` with its offset and
 * bytes, in the file at `path`), hashed with `hasher` to check it is the record indexed with
 * `exact`; undefined when it is not there unchanged or the file cannot be read. For the few
 * findings that are listed: tens of thousands of others need no excerpt, and their records
 * are not read again for one.
 */
export function placedExcerpt(
  path: string,
  place: RecordPlace,
  exact: readonly [number, number],
  hasher: RecordHasher,
  fields: readonly string[],
  exclude: ReadonlySet<string>
): string | undefined {
  let excerpt: string | undefined
  try {
    placedLines(path, [place], (_, record) => {
      const parts = comparisonParts(record, fields, exclude)
      hasher.load(parts)
      if (hasher.exact[0] === exact[0] && hasher.exact[1] === exact[1]) excerpt = truncate(rawText(parts, EXCERPT_CHARS), EXCERPT_CHARS)
    })
  } catch {
    return undefined
  }
  return excerpt
}
