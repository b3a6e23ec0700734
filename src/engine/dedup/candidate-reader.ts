/**
 * The records the uniqueness indexes name, read again for what `finish()` needs of them: the
 * shingle set of an LSH candidate (for exact Jaccard) and the excerpt of a record a finding
 * goes on. (Reading half of a large file's candidates on a worker thread was tried: starting
 * it and scanning the whole file there cost what it saved.)
 */
import type { ByteSource, ReadOptions } from '../readers/types.js'
import { truncate } from '../text.js'
import { comparisonParts, rawText } from './normalise.js'
import { RecordHasher, type HashSettings } from './record-hasher.js'
import { placedLines, rereadRecords, type RecordPlace } from './reread.js'
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
