/**
 * One file's part of the uniqueness index, computed apart from the stage: a record's exact
 * hash, whether it is shingled by characters, and its LSH band hashes, record after record,
 * exactly as the stage hashes them itself. A check worker that reads a large file anyway
 * hashes it this way on its own core, and the stage puts the result in as it puts back a
 * cached file (`CachedCorpusFile`).
 */
import type { DatasetRecord } from '../types.js'
import { comparisonParts } from './normalise.js'
import { RecordHasher, type HashSettings } from './record-hasher.js'

/** How the stage hashes one file's records: what a worker needs to hash them alike. */
export interface CorpusHashJob {
  /** The compared fields (empty: the whole record but `exclude`). */
  fields: string[]
  exclude: string[]
  hash: HashSettings
  /** LSH band hashes are wanted (near duplicates or leakage is on). */
  bands: boolean
}

/** A file's slots, as `CachedCorpusFile` holds them (see uniqueness.ts). */
export interface FileHashes {
  emptyText: number
  indexOf: Int32Array
  lineOf: Int32Array
  exactLow: Int32Array
  exactHigh: Int32Array
  bandValues: Int32Array
  byCharacters: Uint8Array
}

/** Builds a file's hashes record by record, in growable typed arrays. */
export class FileHashBuilder {
  private readonly hasher: RecordHasher
  private readonly exclude: ReadonlySet<string>
  private readonly width: number
  private count = 0
  private emptyText = 0
  private indexOf = new Int32Array(1024)
  private lineOf = new Int32Array(1024)
  private exactLow = new Int32Array(1024)
  private exactHigh = new Int32Array(1024)
  private bandValues: Int32Array
  private byCharacters = new Uint8Array(1024)

  constructor(private readonly job: CorpusHashJob) {
    this.hasher = new RecordHasher(job.hash)
    this.exclude = new Set(job.exclude)
    this.width = job.bands ? job.hash.bands : 0
    this.bandValues = new Int32Array(1024 * this.width)
  }

  /** Hashes one record; a record with no text to compare gets no slot and is counted. */
  add(record: DatasetRecord): void {
    const hasher = this.hasher
    if (hasher.load(comparisonParts(record.fields, this.job.fields, this.exclude)) === 0) {
      this.emptyText++
      return
    }
    if (this.count === this.indexOf.length) this.grow()
    const slot = this.count++
    this.indexOf[slot] = record.index
    this.lineOf[slot] = record.line
    this.exactLow[slot] = hasher.exact[0]
    this.exactHigh[slot] = hasher.exact[1]
    if (this.width > 0) {
      if (hasher.byCharacters) this.byCharacters[slot] = 1
      hasher.bands(this.bandValues, slot * this.width)
    }
  }

  /** The hashes so far, trimmed to the records hashed (new arrays, safe to transfer). */
  result(): FileHashes {
    const n = this.count
    return {
      emptyText: this.emptyText,
      indexOf: this.indexOf.slice(0, n),
      lineOf: this.lineOf.slice(0, n),
      exactLow: this.exactLow.slice(0, n),
      exactHigh: this.exactHigh.slice(0, n),
      bandValues: this.bandValues.slice(0, n * this.width),
      byCharacters: this.byCharacters.slice(0, n)
    }
  }

  private grow(): void {
    const size = 2 * this.indexOf.length
    const grown = <T extends Int32Array | Uint8Array>(array: T, length: number): T => {
      const bigger = new (array.constructor as new (length: number) => T)(length)
      bigger.set(array)
      return bigger
    }
    this.indexOf = grown(this.indexOf, size)
    this.lineOf = grown(this.lineOf, size)
    this.exactLow = grown(this.exactLow, size)
    this.exactHigh = grown(this.exactHigh, size)
    this.bandValues = grown(this.bandValues, size * this.width)
    this.byCharacters = grown(this.byCharacters, size)
  }
}
