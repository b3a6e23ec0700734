import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { DatasetFormat } from '../types.js'
import { ReadContext } from './context.js'
import { readCsv } from './csv.js'
import { gunzipChunks, gunzipToFile, isGzip } from './gzip.js'
import { readJson } from './json.js'
import { readJsonl } from './jsonl.js'
import { lfsPointerMessage, parseLfsPointer } from './lfs.js'
import { readParquet } from './parquet.js'
import { isBlank, looksBinary, peek, SNIFF_BYTES, SourceReadError, type Peeked } from './sniff.js'
import type { ByteSource, ReadOptions, ReadSink, ReadSummary } from './types.js'

export { fileSource } from './file-source.js'
export type { ByteSource, ReadOptions, ReadSink, ReadSummary } from './types.js'

const FORMAT_BY_EXTENSION: Readonly<Record<string, DatasetFormat>> = {
  jsonl: 'jsonl',
  ndjson: 'jsonl',
  json: 'json',
  csv: 'csv',
  tsv: 'tsv',
  parquet: 'parquet'
}

/**
 * The format a file's name says it has, and whether the name ends in `.gz`; undefined for
 * files that are not datasets. (Reading trusts the bytes, not the name, for compression.)
 */
/** How a file's path settings say to read it: the format, the CSV delimiter and the JSON records field, when set. */
export function readOptionsFor(settings: ReadOptions): ReadOptions {
  return { format: settings.format, delimiter: settings.delimiter, recordsPath: settings.recordsPath }
}

export function detectFormat(path: string): { format: DatasetFormat; compressed: boolean } | undefined {
  const name = path.slice(path.lastIndexOf('/') + 1).toLowerCase()
  const compressed = name.endsWith('.gz')
  const base = compressed ? name.slice(0, -3) : name
  const dot = base.lastIndexOf('.')
  if (dot <= 0) return undefined
  const format = FORMAT_BY_EXTENSION[base.slice(dot + 1)]
  return format === undefined ? undefined : { format, compressed }
}

/** What reading found out about the file, besides its records. */
interface ReadState {
  format: DatasetFormat
  compressed: boolean
  lfsPointer: boolean
}

/**
 * Reads one dataset file, streaming: delivers its records and findings to `sink` in file order
 * and says what it came to. Bad input never throws: a malformed line is a finding and reading
 * goes on; a file that can't be read at all (binary, corrupt gzip or Parquet, I/O error) is one
 * finding and `unreadable: true`; an LFS pointer is one finding and `lfsPointer: true`.
 *
 * Throws only when the format is neither given nor detectable from the path (check with
 * `detectFormat` first), or when the sink itself throws.
 */
export async function readDataset(source: ByteSource, sink: ReadSink, options: ReadOptions = {}): Promise<ReadSummary> {
  const format = options.format ?? detectFormat(source.path)?.format
  if (format === undefined) throw new Error(`Can't tell the format of ${source.path} from its name; pass options.format.`)
  const context = new ReadContext(source.path, sink)
  const state: ReadState = { format, compressed: false, lfsPointer: false }
  let unreadable = false
  try {
    unreadable = !(await readInto(source, options, context, state))
  } catch (error) {
    if (!(error instanceof SourceReadError)) throw error
    unreadable = true
    context.report('error', unreadableMessage(error, context))
  }
  return {
    format: state.format,
    compressed: state.compressed,
    records: context.records,
    skipped: context.skipped,
    lfsPointer: state.lfsPointer,
    unreadable,
    ...(context.columns === undefined ? {} : { columns: context.columns })
  }
}

/** Reads the file into the context; false when it turned out unreadable (already reported). */
async function readInto(source: ByteSource, options: ReadOptions, context: ReadContext, state: ReadState): Promise<boolean> {
  const raw = await peek(source.open(), SNIFF_BYTES, 'io')
  const pointer = parseLfsPointer(raw.head, raw.ended)
  if (pointer !== undefined) {
    await raw.cancel()
    state.lfsPointer = true
    context.report('error', lfsPointerMessage(source.path, pointer))
    return true
  }
  if (raw.ended && raw.head.length === 0) {
    context.report('info', 'The file is empty: no records.')
    return true
  }
  state.compressed = isGzip(raw.head)
  if (state.format === 'parquet') {
    await readParquetSource(source, raw, context, state.compressed)
    return true
  }

  const text = await decompressed(raw)
  if (looksBinary(text.head)) {
    await text.cancel()
    context.report(
      'error',
      `The file holds binary data (NUL bytes in its first ${SNIFF_BYTES / 1024} KiB), not ${state.format.toUpperCase()} text (UTF-16 text looks like this too); it was not read.`
    )
    return false
  }
  if (text.ended && isBlank(text.head)) {
    context.report('info', 'The file is empty: no records.')
    return true
  }
  switch (state.format) {
    case 'jsonl':
      await readJsonl(text.chunks, context, { places: !state.compressed })
      break
    case 'json':
      if ((await readJson(text.chunks, context, options.recordsPath)) === 'jsonLines') {
        state.format = 'jsonl'
        context.report('info', 'The file holds JSON Lines (one JSON value per line), not one JSON document; it is read as JSON Lines.')
        await readJsonl((await decompressed(await peek(source.open(), SNIFF_BYTES, 'io'))).chunks, context, { places: !state.compressed })
      }
      break
    case 'csv':
    case 'tsv':
      await readCsv(text.chunks, context, options.delimiter ?? (state.format === 'tsv' ? '\t' : ','))
      break
  }
  return true
}

/** The text of a file whose first bytes were peeked at: gunzipped when they say gzip. */
async function decompressed(raw: Peeked): Promise<Peeked> {
  return isGzip(raw.head) ? peek(gunzipChunks(raw.chunks), SNIFF_BYTES, 'gzip') : raw
}

/** Parquet needs random access: read the file on disk, or a gunzipped copy of it. */
async function readParquetSource(source: ByteSource, raw: Peeked, context: ReadContext, compressed: boolean): Promise<void> {
  if (!compressed) {
    await raw.cancel()
    let path: string
    try {
      path = await source.localFile()
    } catch (error) {
      throw new SourceReadError('io', error)
    }
    await readParquet(path, context)
    return
  }
  const directory = await mkdtemp(join(tmpdir(), 'dataset-audit-parquet-'))
  try {
    const file = join(directory, 'data.parquet')
    await gunzipToFile(raw.chunks, file)
    await readParquet(file, context)
  } finally {
    await rm(directory, { recursive: true, force: true })
  }
}

function unreadableMessage(error: SourceReadError, context: ReadContext): string {
  const sofar = context.records > 0 ? ` The ${context.records} records before the damage were read.` : ''
  switch (error.failure) {
    case 'gzip':
      return `The gzip data is truncated or corrupt (${error.message}).${sofar}`
    case 'parquet':
      return `The file is not a readable Parquet file (${error.message}).${sofar}`
    default:
      return `The file could not be read (${error.message}).${sofar}`
  }
}
