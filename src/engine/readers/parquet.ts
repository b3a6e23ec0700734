import { createHash } from 'node:crypto'
import { asyncBufferFromFile, parquetMetadataAsync, parquetReadObjects, parquetSchema, type FileMetaData } from 'hyparquet'
import { compressors } from 'hyparquet-compressors'
import type { FieldValue, RecordFields } from '../types.js'
import { errorMessage, setField, type ReadContext } from './context.js'
import { SourceReadError } from './sniff.js'

/**
 * Byte values up to this size become base64 text; longer ones (images, audio) a short
 * description with their sha256, so text checks don't scan megabytes of base64 and a diff
 * still sees when the bytes change.
 */
const MAX_BASE64_BYTES = 1024

const MIN_SAFE = BigInt(Number.MIN_SAFE_INTEGER)
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER)

/**
 * Reads a Parquet file on disk one row group at a time (the only reader that holds more than a
 * record: a row group is Parquet's unit of decoding). Each record's line is its 1-based row
 * number; the schema's top-level columns go to `context.columns`. A file whose footer can't be
 * read throws SourceReadError; a row group that can't be decoded is one finding, and reading
 * goes on with the next.
 */
export async function readParquet(localPath: string, context: ReadContext): Promise<void> {
  let file
  let metadata: FileMetaData
  try {
    file = await asyncBufferFromFile(localPath)
    metadata = await parquetMetadataAsync(file)
    context.columns = parquetSchema(metadata).children.map((child) => child.element.name)
  } catch (error) {
    throw new SourceReadError('parquet', error)
  }
  let rowStart = 0
  for (const [group, rowGroup] of metadata.row_groups.entries()) {
    const rowEnd = rowStart + Number(rowGroup.num_rows)
    let rows
    try {
      // utf8: false keeps BYTE_ARRAY columns without a string annotation (image and audio
      // bytes) as bytes instead of decoding them to mojibake text; string columns are
      // annotated by every mainstream writer (pyarrow, Spark, DuckDB) and stay strings.
      rows = await parquetReadObjects({ file, metadata, rowStart, rowEnd, compressors, utf8: false })
    } catch (error) {
      context.rejectRows(
        rowStart + 1,
        rowEnd - rowStart,
        `Row group ${group + 1} (rows ${rowStart + 1}–${rowEnd}) could not be decoded and is skipped: ${errorMessage(error)}`
      )
      rowStart = rowEnd
      continue
    }
    for (const [i, row] of rows.entries()) context.record(rowStart + i + 1, toRecordFields(row))
    rowStart = rowEnd
  }
}

function toRecordFields(row: object): RecordFields {
  const fields: RecordFields = {}
  for (const [name, value] of Object.entries(row)) setField(fields, name, toFieldValue(value))
  return fields
}

function isArrayLike(value: object): value is ArrayLike<unknown> {
  return 'length' in value && typeof value.length === 'number'
}

/** A decoded Parquet value as JSON-serialisable data. */
export function toFieldValue(value: unknown): FieldValue {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value
    case 'number':
      // NaN and ±Infinity have no JSON form.
      return Number.isFinite(value) ? value : String(value)
    case 'bigint':
      return value >= MIN_SAFE && value <= MAX_SAFE ? Number(value) : value.toString()
    case 'undefined':
      return null
    case 'object':
      break
    default:
      return String(value)
  }
  if (value === null) return null
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString()
  if (value instanceof Uint8Array) return bytesToText(value)
  if (Array.isArray(value)) return value.map(toFieldValue)
  if (ArrayBuffer.isView(value) && isArrayLike(value)) return Array.from(value, toFieldValue)
  if (value instanceof Map) {
    const fields: RecordFields = {}
    for (const [key, entry] of value) setField(fields, String(key), toFieldValue(entry))
    return fields
  }
  return toRecordFields(value)
}

function bytesToText(bytes: Uint8Array): string {
  if (bytes.byteLength <= MAX_BASE64_BYTES) return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64')
  const digest = createHash('sha256').update(bytes).digest('hex')
  return `<${bytes.byteLength} bytes, sha256 ${digest}>`
}
