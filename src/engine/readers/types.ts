import type { Readable } from 'node:stream'
import type { DatasetFormat, DatasetRecord, Finding } from '../types.js'

/**
 * The bytes of one dataset file, wherever they live: the working tree, a git object, an API
 * download. `open()` may be called more than once and must return a fresh stream each time.
 */
export interface ByteSource {
  /** Repository-relative path: used in findings and for format detection. */
  path: string
  /** A fresh stream of the file's raw bytes (still gzip-compressed for `.gz`). */
  open(): Readable
  /**
   * A path on local disk holding the same bytes, for formats that need random access
   * (Parquet reads its footer first). Sources not on disk spill to a temporary file.
   */
  localFile(): Promise<string>
  /**
   * What names these exact bytes (a git blob id), for caching what reading them gave; absent
   * or undefined when the source cannot say cheaply.
   */
  contentId?(): Promise<string | undefined>
  /** The size in bytes, when the source can tell without reading (large files read on two threads). */
  size?(): Promise<number>
}

/** Where a reader delivers what it reads; called synchronously, in file order. */
export interface ReadSink {
  record(record: DatasetRecord): void
  finding(finding: Finding): void
}

export interface ReadOptions {
  /** Overrides detection by extension. */
  format?: DatasetFormat
  /** CSV delimiter; defaults to `,` for csv and a tab for tsv. */
  delimiter?: string
  /**
   * For JSON files holding an object: the top-level field with the records. Without it the
   * first top-level field whose value is an array is used.
   */
  recordsPath?: string
}

/** What reading one file came to: nothing is dropped without being counted here. */
export interface ReadSummary {
  format: DatasetFormat
  /** True when the bytes were gzip-compressed. */
  compressed: boolean
  /** Records delivered to the sink. */
  records: number
  /** Lines (or rows) that could not become records; each has a `parse` finding. */
  skipped: number
  /** The file is a Git LFS pointer, not the data. */
  lfsPointer: boolean
  /** The file could not be read at all (binary, truncated, corrupt); one finding says why. */
  unreadable: boolean
  /** Column names, for tabular formats (CSV header, Parquet schema). */
  columns?: string[]
}
