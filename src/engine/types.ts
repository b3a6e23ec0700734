/**
 * The engine's plain-data types. Everything the engine produces is made of these, so the
 * report can be serialised as JSON, rendered as markdown, or published by any front end.
 */

/** The data-quality dimensions a finding is filed under. */
export const DIMENSIONS = [
  'accuracy',
  'completeness',
  'consistency',
  'diversity',
  'freshness',
  'uniqueness',
  'privacy',
  'provenance'
] as const
export type Dimension = (typeof DIMENSIONS)[number]

export const SEVERITIES = ['error', 'warning', 'info'] as const
export type Severity = (typeof SEVERITIES)[number]

/** The file formats the readers understand. */
export const FORMATS = ['jsonl', 'json', 'csv', 'tsv', 'parquet'] as const
export type DatasetFormat = (typeof FORMATS)[number]

/** A JSON-like value as read from any format. */
export type FieldValue = string | number | boolean | null | FieldValue[] | { [field: string]: FieldValue }

/** One record's fields, in source order. */
export type RecordFields = { [field: string]: FieldValue }

/** One record of a dataset file. */
export interface DatasetRecord {
  /**
   * Where the record starts: the 1-based source line for text formats (the first line of a
   * multi-line CSV row), the 1-based row number for Parquet.
   */
  line: number
  /** 0-based position of the record among the file's records. */
  index: number
  fields: RecordFields
  /**
   * Where the record's line starts in the file's bytes and how many bytes it has (its line feed
   * left out): set for JSON Lines that are not compressed, so the record can be read again
   * from there without scanning the file.
   */
  offset?: number
  bytes?: number
}

/** A place in another file that a finding points at (the other half of a duplicate pair). */
export interface Location {
  file: string
  line?: number
}

/** One problem found in the data, with the reason, as datatrove's filters give one. */
export interface Finding {
  /** The check's id: `parse`, `schema`, `pii`, ... */
  check: string
  dimension: Dimension
  severity: Severity
  /** Repository-relative path of the file. */
  file: string
  /** 1-based line (row number for Parquet); absent for file-level findings. */
  line?: number
  /** The record's key, when the file is keyed. */
  key?: string
  /** The field the finding is about, when there is one. */
  field?: string
  message: string
  /** A short, already masked or truncated excerpt of the offending text, for the report. */
  excerpt?: string
  /** True when the PR brought it: the record was added or modified by the change. */
  introduced?: boolean
  /** The other record of a duplicate or leakage pair. */
  duplicateOf?: Location
}

/** How a file changed between base and head. */
export type FileStatus = 'added' | 'removed' | 'modified' | 'renamed' | 'unchanged' | 'scanned'

/** A modified record: matched by key, with the fields that differ. */
export interface ModifiedRecord {
  key: string
  baseLine: number
  headLine: number
  /** Dotted paths of the fields that differ (`answer`, `175b_verification.is_correct`). */
  changedFields: string[]
}

/** A record present on only one side. */
export interface RecordRef {
  key: string
  line: number
}
