/**
 * One file's part of the uniqueness index, computed apart from the stage: a record's exact
 * hash, whether it is shingled by characters, and its LSH band hashes, record after record,
 * exactly as the stage hashes them itself. A check worker that reads a large file anyway
 * hashes it this way on its own core, and the stage puts the result in as it puts back a
 * cached file (`CachedCorpusFile`).
 */
import type { DatasetRecord } from '../types.js'
import { CorpusArrays, type CorpusColumns } from './corpus.js'
import { comparisonParts } from './normalise.js'
import { RecordHasher, type HashSettings } from './record-hasher.js'
import { createBandSigner, type BandSigner } from './band-signer.js'
import { ShingleBatch } from './signature-pool.js'
import type { SharedHashColumns } from './hash-chunks.js'

/** How the stage hashes one file's records: what a worker needs to hash them alike. */
export interface CorpusHashJob {
  /** The compared fields (empty: the whole record but `exclude`). */
  fields: string[]
  exclude: string[]
  hash: HashSettings
  /** LSH band hashes are wanted (near duplicates or leakage is on). */
  bands: boolean
  /**
   * Given when two threads share the file's hashing: the columns in shared memory both write
   * and the counter they claim chunks of records with (see hash-chunks.ts).
   */
  shared?: SharedHashColumns
}

/** Band hashes a record of the job gets: none when they are not wanted. */
export function bandsPerRecord(job: CorpusHashJob): number {
  return job.bands ? job.hash.bands : 0
}

/** A file's slots, as `CachedCorpusFile` holds them (see uniqueness.ts). */
export interface FileHashes extends CorpusColumns {
  emptyText: number
}

/**
 * Builds a file's hashes record by record: in the stage's own growable arrays (file 0 of
 * them), or with `columns`, into those, at the slots the caller names (record positions of
 * the file, when two threads share it; see hash-chunks.ts).
 */
export class FileHashBuilder {
  private readonly hasher: RecordHasher
  private readonly exclude: ReadonlySet<string>
  private readonly width: number
  /** The growable arrays of `add`, or undefined when the builder writes into given columns. */
  private readonly slots: CorpusArrays | undefined
  /** Where hashes go: `slots` itself, or the given columns (read at each write: `slots` may have grown). */
  private readonly target: CorpusColumns
  private readonly signer: BandSigner | undefined
  private emptyText = 0
  /**
   * The records not signed yet (slots `pendingFrom` on, consecutive), signed a batch at a time:
   * one call into WebAssembly and one copy of shingles a batch instead of a record.
   */
  private readonly pending = new ShingleBatch()
  private pendingFrom = 0

  /**
   * `expectedRecords`: about how many the file has (see record-estimate.ts), to size the arrays
   * once. `columns`: write there instead, through `addAt` alone.
   */
  constructor(
    private readonly job: CorpusHashJob,
    expectedRecords?: number,
    columns?: CorpusColumns
  ) {
    this.hasher = new RecordHasher(job.hash)
    this.exclude = new Set(job.exclude)
    this.width = bandsPerRecord(job)
    if (columns) this.target = columns
    else {
      this.slots = new CorpusArrays(this.width)
      if (expectedRecords) this.slots.reserveTotal(expectedRecords)
      this.target = this.slots
    }
    this.signer = job.bands ? createBandSigner(job.hash) : undefined
  }

  /** Hashes one record into the next slot; a record with no text to compare gets no slot and is counted. */
  add(record: DatasetRecord): void {
    if (!this.load(record)) return
    this.store(this.slots!.add(0, record.index, record.line, record.offset, record.bytes))
  }

  /** Hashes one record into slot `slot` of the given columns; false (nothing written, the record counted) when it has no text to compare. */
  addAt(slot: number, record: DatasetRecord): boolean {
    if (!this.load(record)) return false
    const { target } = this
    target.indexOf[slot] = record.index
    target.lineOf[slot] = record.line
    target.offsetOf[slot] = record.offset ?? -1
    target.bytesOf[slot] = record.bytes ?? -1
    this.store(slot)
    return true
  }

  /** Records without text to compare, so far. */
  get emptyTextCount(): number {
    return this.emptyText
  }

  /** Signs what waits for a full batch: after the last `addAt`. */
  flush(): void {
    this.signPending()
  }

  /** The hashes of the records hashed (arrays of their own, safe to transfer); the last call, after `add` alone. */
  result(): FileHashes {
    this.signPending()
    return { emptyText: this.emptyText, ...this.slots!.finalColumns() }
  }

  /** Tokenises and hashes the record's compared text; false, counted, when it has none. */
  private load(record: DatasetRecord): boolean {
    if (this.hasher.load(comparisonParts(record.fields, this.job.fields, this.exclude)) > 0) return true
    this.emptyText++
    return false
  }

  /** The loaded record's hashes into `slot`. */
  private store(slot: number): void {
    const { hasher, target } = this
    target.exactLow[slot] = hasher.exact[0]
    target.exactHigh[slot] = hasher.exact[1]
    if (this.width > 0) {
      target.byCharacters[slot] = hasher.byCharacters ? 1 : 0
      this.queue(slot)
    }
  }

  /** Keeps the loaded record's MinHash shingles until a batch is full, or the next slot does not follow on (a batch fills consecutive slots). */
  private queue(slot: number): void {
    if (this.pending.count > 0 && slot !== this.pendingFrom + this.pending.count) this.signPending()
    if (this.pending.count === 0) this.pendingFrom = slot
    const { low, count } = this.hasher.minHashShingles()
    if (this.pending.push(low, count)) this.signPending()
  }

  /** Signs the pending records into their slots' band values (taken now: the column may have grown). */
  private signPending(): void {
    const { pending, signer, width, pendingFrom } = this
    if (pending.count === 0 || signer === undefined) return
    signer.batch(pending.shingles, pending.offsets, pending.count, this.target.bandValues.subarray(pendingFrom * width, (pendingFrom + pending.count) * width))
    pending.clear()
  }
}
