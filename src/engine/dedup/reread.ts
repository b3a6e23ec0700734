import { isRecordFields, parseJson } from '../readers/context.js'
import { gunzipChunks, isGzip } from '../readers/gzip.js'
import { detectFormat, readDataset } from '../readers/index.js'
import { hasBom, peek, SNIFF_BYTES } from '../readers/sniff.js'
import type { ByteSource, ReadOptions } from '../readers/types.js'
import type { DatasetRecord, RecordFields } from '../types.js'

/** Where a record sits in its file, as the first read saw it. */
export interface RecordPlace {
  /** 0-based position among the file's records. */
  index: number
  /** 1-based line. */
  line: number
}

const LF = 0x0a
const CR = 0x0d

/**
 * Reads again the records of one file at `wanted` (sorted by index) and hands each one's fields
 * to `visit` with its position in `wanted`. With `everyRecord`, every record of the file is
 * read and passed to it as well.
 *
 * JSON Lines without `everyRecord` take a fast path: lines are counted on the bytes and only
 * the wanted ones are decoded and parsed, so fetching the few thousand records an LSH index
 * names out of a million costs a scan for line feeds rather than a million `JSON.parse` calls.
 * Other formats are read again in full by the same reader. Bad input never throws: a record
 * that cannot be found again is not visited.
 */
export async function rereadRecords(
  source: ByteSource,
  options: ReadOptions,
  wanted: readonly RecordPlace[],
  visit: (position: number, fields: RecordFields) => void,
  everyRecord?: (record: DatasetRecord) => void
): Promise<void> {
  if (wanted.length === 0 && !everyRecord) return
  const format = options.format ?? detectFormat(source.path)?.format
  if (format === 'jsonl' && !everyRecord) {
    try {
      await wantedLines(source, wanted, visit)
    } catch {
      // An I/O or gzip error was reported by the first read already; what was found is kept.
    }
    return
  }
  let next = 0
  await readDataset(
    source,
    {
      record: (record) => {
        everyRecord?.(record)
        while (next < wanted.length && wanted[next].index < record.index) next++
        if (next < wanted.length && wanted[next].index === record.index) visit(next++, record.fields)
      },
      finding: () => undefined
    },
    options
  )
}

async function wantedLines(source: ByteSource, wanted: readonly RecordPlace[], visit: (position: number, fields: RecordFields) => void): Promise<void> {
  const raw = await peek(source.open(), SNIFF_BYTES, 'io')
  const chunks = isGzip(raw.head) ? gunzipChunks(raw.chunks) : raw.chunks
  let line = 1
  let next = 0
  let parts: Buffer[] = []
  const emit = (bytes: Buffer): void => {
    let start = line === 1 && hasBom(bytes) ? 3 : 0
    let end = bytes.length
    if (end > start && bytes[end - 1] === CR) end--
    if (start >= end) return
    try {
      const value = parseJson(bytes.toString('utf8', start, end))
      if (isRecordFields(value)) visit(next, value)
    } catch {
      start = end // not a record on the first read either
    }
  }
  for await (const chunk of chunks) {
    let pos = 0
    while (pos < chunk.length && next < wanted.length) {
      const lineFeed = chunk.indexOf(LF, pos)
      if (line === wanted[next].line) {
        if (lineFeed === -1) {
          parts.push(chunk.subarray(pos))
          break
        }
        parts.push(chunk.subarray(pos, lineFeed))
        emit(parts.length === 1 ? parts[0] : Buffer.concat(parts))
        parts = []
        next++
      }
      if (lineFeed === -1) break
      line++
      pos = lineFeed + 1
    }
    // Leaving the loop closes the stream: the rest of the file is not read.
    if (next >= wanted.length) return
  }
  if (parts.length > 0 && next < wanted.length && line === wanted[next].line) emit(Buffer.concat(parts))
}
