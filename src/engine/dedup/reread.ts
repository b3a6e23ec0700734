import { openSync, closeSync, readSync } from 'node:fs'
import { isRecordFields, parseJson } from '../readers/context.js'
import { gunzipChunks, isGzip } from '../readers/gzip.js'
import { flatJsonParser } from '../readers/flat-json.js'
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
  /** Where its line starts in the file and its bytes, when the first read could say (uncompressed JSON Lines; -1 or absent otherwise). */
  offset?: number
  bytes?: number
}

/**
 * Wanted lines this close (in bytes) are read together, in one read of the span between them:
 * reading a whole 880 MB file in 1 MB reads took 85 ms here, 111,000 reads of one line each
 * 430 ms (and streaming it while scanning for line feeds 800 ms).
 */
const MERGE_GAP = 64 * 1024
/** The longest span read at once. */
const MAX_SPAN = 1 << 20

const LF = 0x0a
const CR = 0x0d

/**
 * Reads again the records of one file at `wanted` (sorted by index) and hands each one's fields
 * to `visit` with its position in `wanted`. With `everyRecord`, every record of the file is
 * read and passed to it as well.
 *
 * JSON Lines without `everyRecord` take a fast path: when the first read said where each wanted
 * line is (`offset`, `bytes`), just those bytes are read from the file on disk; otherwise lines
 * are counted on the bytes and only the wanted ones are decoded and parsed. Either way,
 * fetching the tens of thousands of records an LSH index names out of a million costs no
 * million `JSON.parse` calls, and with places no scan of the whole file for line feeds either.
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
      if (wanted.every(hasPlace)) placedLines(await source.localFile(), wanted, visit)
      else await wantedLines(source, wanted, visit)
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

/** True when the first read said where the record's line is. */
export function hasPlace(place: RecordPlace): boolean {
  return place.offset !== undefined && place.offset >= 0 && place.bytes !== undefined && place.bytes >= 0
}

/** The line's record, as the first read parsed it: a byte-order mark on line 1 and a carriage return at the end left out. */
function recordOfLine(bytes: Buffer, start: number, end: number, line: number): RecordFields | undefined {
  if (line === 1 && hasBom(bytes, start)) start += 3
  if (end > start && bytes[end - 1] === CR) end--
  if (start >= end) return undefined
  const flat = flatJsonParser()?.parse(bytes, start, end)
  if (flat !== undefined) return flat
  try {
    const value = parseJson(bytes.toString('utf8', start, end))
    return isRecordFields(value) ? value : undefined
  } catch {
    return undefined // not a record on the first read either
  }
}

/**
 * The wanted lines read where the first read found them (sorted by index, so by offset; every
 * one with its place), from the file at `path`: lines close together in one read of the span
 * between them, a few bytes of gap being cheaper than a call. A line that is not there any
 * more (a shorter file) is not visited; one that changed is the caller's to notice (its hash).
 * Synchronous; throws when the file cannot be opened or read.
 */
export function placedLines(path: string, wanted: readonly RecordPlace[], visit: (position: number, fields: RecordFields) => void): void {
  const fd = openSync(path, 'r')
  try {
    let buffer = Buffer.alloc(64 * 1024)
    for (let first = 0; first < wanted.length; ) {
      const start = wanted[first].offset!
      let last = first
      let end = start + wanted[first].bytes!
      while (last + 1 < wanted.length) {
        const next = wanted[last + 1]
        const nextEnd = next.offset! + next.bytes!
        if (next.offset! - end > MERGE_GAP || nextEnd - start > MAX_SPAN || next.offset! < end) break
        end = nextEnd
        last++
      }
      if (buffer.length < end - start) buffer = Buffer.alloc(2 * (end - start))
      const read = readSync(fd, buffer, 0, end - start, start)
      for (let i = first; i <= last; i++) {
        const from = wanted[i].offset! - start
        const to = from + wanted[i].bytes!
        if (to > read) break
        const fields = recordOfLine(buffer, from, to, wanted[i].line)
        if (fields) visit(i, fields)
      }
      first = last + 1
    }
  } finally {
    closeSync(fd)
  }
}

async function wantedLines(source: ByteSource, wanted: readonly RecordPlace[], visit: (position: number, fields: RecordFields) => void): Promise<void> {
  const raw = await peek(source.open(), SNIFF_BYTES, 'io')
  const chunks = isGzip(raw.head) ? gunzipChunks(raw.chunks) : raw.chunks
  let line = 1
  let next = 0
  let parts: Buffer[] = []
  const emit = (bytes: Buffer): void => {
    const fields = recordOfLine(bytes, 0, bytes.length, line)
    if (fields) visit(next, fields)
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
