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
export interface FileHashes extends CorpusColumns {
  emptyText: number
}

/** Builds a file's hashes record by record, in the stage's own growable arrays (file 0 of them). */
export class FileHashBuilder {
  private readonly hasher: RecordHasher
  private readonly exclude: ReadonlySet<string>
  private readonly width: number
  private readonly slots: CorpusArrays
  private readonly signer: BandSigner | undefined
  private emptyText = 0
  /**
   * The records not signed yet (slots `pendingFrom` on, in order), signed a batch at a time: one
   * call into WebAssembly and one copy of shingles a batch instead of a record.
   */
  private readonly pending = new ShingleBatch()
  private pendingFrom = 0

  /** `expectedRecords`: about how many the file has (see record-estimate.ts), to size the arrays once. */
  constructor(
    private readonly job: CorpusHashJob,
    expectedRecords?: number
  ) {
    this.hasher = new RecordHasher(job.hash)
    this.exclude = new Set(job.exclude)
    this.width = job.bands ? job.hash.bands : 0
    this.slots = new CorpusArrays(this.width)
    if (expectedRecords) this.slots.reserveTotal(expectedRecords)
    this.signer = job.bands ? createBandSigner(job.hash) : undefined
  }

  /** Hashes one record; a record with no text to compare gets no slot and is counted. */
  add(record: DatasetRecord): void {
    const { hasher, slots } = this
    if (hasher.load(comparisonParts(record.fields, this.job.fields, this.exclude)) === 0) {
      this.emptyText++
      return
    }
    const slot = slots.add(0, record.index, record.line, record.offset, record.bytes)
    slots.exactLow[slot] = hasher.exact[0]
    slots.exactHigh[slot] = hasher.exact[1]
    if (this.width > 0) {
      if (hasher.byCharacters) slots.byCharacters[slot] = 1
      this.queue(slot)
    }
  }

  /** The hashes of the records hashed (arrays of their own, safe to transfer); the last call. */
  result(): FileHashes {
    this.signPending()
    return { emptyText: this.emptyText, ...this.slots.finalColumns() }
  }

  /** Keeps the loaded record's MinHash shingles until a batch is full. */
  private queue(slot: number): void {
    if (this.pending.count === 0) this.pendingFrom = slot
    const { low, count } = this.hasher.minHashShingles()
    if (this.pending.push(low, count)) this.signPending()
  }

  /** Signs the pending records into their slots' band values (taken now: the column may have grown). */
  private signPending(): void {
    const { pending, signer, width, pendingFrom } = this
    if (pending.count === 0 || signer === undefined) return
    signer.batch(pending.shingles, pending.offsets, pending.count, this.slots.bandValues.subarray(pendingFrom * width, (pendingFrom + pending.count) * width))
    pending.clear()
  }
}
