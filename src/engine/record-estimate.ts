import { hasPlace } from './dedup/reread.js'
import type { DatasetRecord } from './types.js'

/**
 * The largest estimate given: short first lines in a large file would otherwise ask for tables
 * of tens of millions of records at once; past this, tables grow by doubling as without one.
 */
const MAX_ESTIMATE = 1 << 21

/**
 * How many records a file of `fileBytes` holds if the rest are like those up to `record` (the
 * last read so far: the side pass asks once it has the first 200), from where its line ends;
 * undefined when the reader did not say where it is (a compressed file, another format). A
 * little over the mark: tables sized for it at the start are written once, where growing them
 * by doubling copied each level again (0.3-0.5 s of a million-record pass) and a last doubling
 * at the end copies everything.
 */
export function estimatedRecords(fileBytes: number | undefined, record: DatasetRecord): number | undefined {
  if (!fileBytes || !hasPlace(record)) return undefined
  const bytesSoFar = record.offset! + record.bytes! + 1
  return Math.min(MAX_ESTIMATE, Math.ceil((fileBytes / bytesSoFar) * (record.index + 1) * 1.05))
}
