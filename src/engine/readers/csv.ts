import { Readable, pipeline } from 'node:stream'
import { parse, type CsvError } from 'csv-parse'
import type { RecordFields } from '../types.js'
import { setField, type ReadContext } from './context.js'
import { countLineFeeds, Utf8LineChecker } from './utf8.js'

/**
 * The longest row the reader buffers. An unclosed quote turns the rest of a file into one
 * field, and csv-parse would hold all of it; past this the reader stops instead.
 * (csv-parse's own `max_record_size` can't be used: with `skip_records_with_error` it silently
 * drops the rest of the chunk after the long row.)
 */
export const MAX_ROW_BYTES = 64 * 1024 * 1024

const LF = 0x0a
const CR = 0x0d

/** What csv-parse yields with `info: true`. */
interface ParsedRow {
  record: string[]
  info: { bytes: number }
}

function isParsedRow(item: unknown): item is ParsedRow {
  if (typeof item !== 'object' || item === null || !('record' in item) || !Array.isArray(item.record)) return false
  return 'info' in item && typeof item.info === 'object' && item.info !== null && 'bytes' in item.info && typeof item.info.bytes === 'number'
}

/**
 * Reads CSV or TSV with csv-parse: the header row names the fields, every value stays a
 * string, quoted fields may span lines. Each record's line is the first line of its row.
 * The column names (empty and duplicate header names renamed) go to `context.columns`.
 *
 * `maxRowBytes` bounds the memory one row may take (see MAX_ROW_BYTES).
 */
export async function readCsv(
  chunks: AsyncIterable<Buffer>,
  context: ReadContext,
  delimiter: string,
  maxRowBytes = MAX_ROW_BYTES
): Promise<void> {
  const cursor = new LineCursor()
  const invalidLines: number[] = []
  const utf8 = new Utf8LineChecker((line) => invalidLines.push(line))
  const skips: CsvError[] = []
  const parser = parse({
    bom: true,
    delimiter,
    relax_quotes: true,
    relax_column_count: true,
    skip_records_with_error: true,
    skip_empty_lines: true,
    info: true,
    on_skip: (error) => {
      if (error !== undefined) skips.push(error)
      return undefined
    }
  })
  /**
   * Where the input was cut off, in bytes: rows ending past it are not delivered. Set when a row
   * grows past `maxRowBytes`, or when the stream fails (then `failure` is its error).
   */
  let cutAt: number | undefined
  let failure: unknown
  async function* observed(): AsyncGenerator<Buffer> {
    let fed = 0
    /** Just past the last line feed fed: rows that end there or before are complete. */
    let completeUpTo = 0
    try {
      for await (const chunk of chunks) {
        // Every chunk is seen here before csv-parse gets it, so rows can be mapped to lines.
        cursor.push(chunk)
        utf8.push(chunk)
        const lastLineFeed = chunk.lastIndexOf(LF)
        if (lastLineFeed !== -1) completeUpTo = fed + lastLineFeed + 1
        fed += chunk.length
        yield chunk
        if (fed - parser.info.bytes_records > maxRowBytes) {
          cutAt = parser.info.bytes_records
          return
        }
      }
    } catch (error) {
      // Ending the input (rather than failing csv-parse with the error, which would drop the
      // rows it holds) delivers every complete row read before the damage.
      failure = error
      cutAt = completeUpTo
      return
    }
    utf8.end()
  }
  // The callback only keeps the error from going unhandled: it reaches the loop through `parser`.
  pipeline(Readable.from(observed()), parser, () => undefined)

  let columns: string[] | undefined
  /** Rows (with the header) consumed so far: csv-parse numbers its skips by it. */
  let rowsSeen = 0
  /** Where the previous row ended, in bytes. */
  let previousEnd = 0

  const reportInvalidUtf8 = (throughLine: number, rowLine: number): void => {
    while (invalidLines.length > 0 && invalidLines[0] <= throughLine) {
      const line = invalidLines.shift() ?? rowLine
      context.report('error', `Line ${line} is not valid UTF-8 (the bad bytes read as U+FFFD); the row at line ${rowLine} is kept.`, line)
    }
  }
  const reportSkip = (error: CsvError): void => {
    const line = cursor.rowStart(previousEnd)
    if (error.code === 'CSV_QUOTE_NOT_CLOSED') {
      context.reject(line, `The row at line ${line} opens a quote that is never closed, so the rest of the file from line ${line} can't be split into rows; it is skipped.`)
    } else {
      context.reject(line, `The row at line ${line} could not be parsed: ${error.message}`)
    }
  }

  for await (const item of parser) {
    if (!isParsedRow(item)) continue
    while (skips.length > 0 && skipsBefore(skips[0]) <= rowsSeen) {
      const skip = skips.shift()
      if (skip !== undefined) reportSkip(skip)
    }
    rowsSeen++
    const end = item.info.bytes
    if (cutAt !== undefined && end > cutAt) break
    const line = cursor.rowStart(previousEnd)
    const lastLine = cursor.lastLine(end)
    previousEnd = end
    reportInvalidUtf8(lastLine, line)
    const values = item.record
    if (columns === undefined) {
      columns = nameColumns(values, context)
      context.columns = columns
      continue
    }
    if (values.length !== columns.length) {
      context.reject(line, `The row at line ${line} has ${values.length} fields but the header has ${columns.length}; the row is skipped.`, values.join(delimiter))
      continue
    }
    const fields: RecordFields = {}
    for (let i = 0; i < columns.length; i++) setField(fields, columns[i], values[i])
    context.record(line, fields)
  }
  if (failure !== undefined) {
    reportInvalidUtf8(cursor.line, cursor.line)
    throw failure
  }
  if (cutAt !== undefined) {
    const line = cursor.rowStart(previousEnd)
    context.reject(line, `The row at line ${line} is longer than ${formatBytes(maxRowBytes)} (a quote that is never closed?); reading stopped there.`)
  } else {
    for (const skip of skips) reportSkip(skip)
    reportInvalidUtf8(Number.POSITIVE_INFINITY, cursor.line)
  }
  context.columns ??= []
}

function formatBytes(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${Math.round(bytes / (1024 * 1024))} MiB` : `${Math.round(bytes / 1024)} KiB`
}

/** How many rows csv-parse had emitted when it skipped this one. */
function skipsBefore(error: CsvError): number {
  return typeof error.records === 'number' ? error.records : Number.POSITIVE_INFINITY
}

/**
 * The header's names, with empty and repeated ones given a name so no column is lost
 * (`_column8` for an empty 8th name, `x_2` for a second `x`); one info finding lists them.
 */
function nameColumns(header: string[], context: ReadContext): string[] {
  const taken = new Set(header.filter((name) => name !== ''))
  const used = new Set<string>()
  const renamed: string[] = []
  const names = header.map((name, i) => {
    if (name !== '' && !used.has(name)) {
      used.add(name)
      return name
    }
    const base = name === '' ? `_column${i + 1}` : name
    let fresh = base
    for (let n = 2; taken.has(fresh) || used.has(fresh); n++) fresh = `${base}_${n}`
    used.add(fresh)
    renamed.push(name === '' ? `column ${i + 1} has no name and is read as "${fresh}"` : `column ${i + 1} repeats the name "${name}" and is read as "${fresh}"`)
    return fresh
  })
  if (renamed.length > 0) context.report('info', `The header names some columns more than once or not at all: ${renamed.join('; ')}.`, 1)
  return names
}

/**
 * Maps byte offsets to line numbers. csv-parse says where each row ends in bytes (its own line
 * count is off after CRLF inside quoted fields), so the reader keeps the chunks csv-parse has
 * not finished with and counts line feeds up to each row.
 */
class LineCursor {
  /** The line of the byte at `offset`. */
  line = 1
  private readonly chunks: Buffer[] = []
  /** The offset of `chunks[0]`. */
  private chunkStart = 0
  private offset = 0

  push(chunk: Buffer): void {
    this.chunks.push(chunk)
  }

  /** The first line of the row that starts at byte `start`, after the blank lines csv-parse skips. */
  rowStart(start: number): number {
    this.advanceTo(start)
    while (this.chunks.length > 0) {
      const chunk = this.chunks[0]
      let at = this.offset - this.chunkStart
      while (at < chunk.length && (chunk[at] === LF || chunk[at] === CR)) {
        if (chunk[at] === LF) this.line++
        at++
      }
      this.offset = this.chunkStart + at
      if (at < chunk.length) break
      this.dropFirstChunk()
    }
    return this.line
  }

  /** The last line of a row that ends just before byte `end` (its line break included). */
  lastLine(end: number): number {
    this.advanceTo(end - 1)
    const line = this.line
    this.advanceTo(end)
    return line
  }

  private advanceTo(target: number): void {
    while (this.offset < target && this.chunks.length > 0) {
      const chunk = this.chunks[0]
      const from = this.offset - this.chunkStart
      const to = Math.min(chunk.length, target - this.chunkStart)
      this.line += countLineFeeds(chunk, from, to)
      this.offset = this.chunkStart + to
      if (to === chunk.length) this.dropFirstChunk()
    }
  }

  private dropFirstChunk(): void {
    const chunk = this.chunks.shift()
    if (chunk !== undefined) this.chunkStart += chunk.length
  }
}
