import type { FieldValue, RecordFields, Severity } from '../types.js'
import type { ReadSink } from './types.js'

/** Longest excerpt of offending text a reader puts in a finding. */
const EXCERPT_CHARS = 100

/**
 * What every reader shares while reading one file: the sink, the file's path for findings,
 * and the counts that end up in the summary. Readers never call the sink directly, so a
 * record can't be delivered without being counted, nor a line skipped without a finding.
 */
export class ReadContext {
  /** Records delivered so far; also the next record's `index`. */
  records = 0
  /** Lines or rows that had a finding and were not delivered. */
  skipped = 0
  /** Column names, once a tabular reader knows them (CSV header, Parquet schema). */
  columns: string[] | undefined

  constructor(
    readonly file: string,
    private readonly sink: ReadSink
  ) {}

  /** Delivers one record. */
  record(line: number, fields: RecordFields): void {
    this.sink.record({ line, index: this.records, fields })
    this.records++
  }

  /** Delivers one record with the place of its line in the file's bytes. */
  recordAt(line: number, fields: RecordFields, offset: number, bytes: number): void {
    this.sink.record({ line, index: this.records, fields, offset, bytes })
    this.records++
  }

  /** A line, row or element that could not become a record: counted in `skipped`. */
  reject(line: number, message: string, excerptText?: string): void {
    this.skipped++
    this.report('error', message, line, excerptText)
  }

  /** Several rows lost to one problem (a Parquet row group that can't be decoded). */
  rejectRows(line: number, rows: number, message: string): void {
    this.skipped += rows
    this.report('error', message, line)
  }

  /** A problem that costs no record (the record is kept, or the problem is file-wide). */
  report(severity: Severity, message: string, line?: number, excerptText?: string): void {
    this.sink.finding({
      check: 'parse',
      dimension: 'accuracy',
      severity,
      file: this.file,
      ...(line === undefined ? {} : { line }),
      message,
      ...(excerptText === undefined ? {} : { excerpt: excerpt(excerptText) })
    })
  }
}

/** Sets a field, `__proto__` included (a plain assignment would change the prototype instead). */
export function setField(fields: RecordFields, name: string, value: FieldValue): void {
  if (name === '__proto__') Object.defineProperty(fields, name, { value, enumerable: true, writable: true, configurable: true })
  else fields[name] = value
}

/** The start of some offending text, cut short for a report. */
export function excerpt(text: string): string {
  return text.length <= EXCERPT_CHARS ? text : `${text.slice(0, EXCERPT_CHARS)}…`
}

/** True for what a record's fields must be: a JSON object, not an array or a scalar. */
export function isRecordFields(value: FieldValue): value is RecordFields {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** How a finding names a JSON value's type ("an array", "a string", "null"). */
export function jsonTypeName(value: FieldValue): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'an array'
  if (typeof value === 'object') return 'an object'
  return `a ${typeof value}`
}

/**
 * `JSON.parse` typed as what it returns for text: a FieldValue. (Its declared `any` would
 * otherwise leak into the readers.)
 */
export function parseJson(text: string): FieldValue {
  const value: FieldValue = JSON.parse(text)
  return value
}

/**
 * The message of an unknown thrown value. Duck-typed rather than `instanceof Error`: errors made
 * by Node's internals (zlib, fs) come from another realm when the code runs in a VM context.
 */
export function errorMessage(error: unknown): string {
  if (typeof error === 'object' && error !== null && 'message' in error && typeof error.message === 'string') return error.message
  return String(error)
}
