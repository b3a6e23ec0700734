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

/**
 * Records signed in one call: one crossing into WebAssembly and one copy of shingles per batch
 * instead of per record (the stage's own signing batches alike, in signature-pool.ts).
 */
const BATCH_RECORDS = 256

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
  /** The shingles of the records not signed yet, end to end (slots `pendingFrom` on, in order). */
  private pending = new Int32Array(1 << 16)
  private readonly pendingOffsets = new Int32Array(BATCH_RECORDS + 1)
  private pendingCount = 0
  private pendingFrom = 0

  constructor(private readonly job: CorpusHashJob) {
    this.hasher = new RecordHasher(job.hash)
    this.exclude = new Set(job.exclude)
    this.width = job.bands ? job.hash.bands : 0
    this.slots = new CorpusArrays(this.width)
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
    if (this.pendingCount === 0) this.pendingFrom = slot
    const { low, count } = this.hasher.minHashShingles()
    const at = this.pendingOffsets[this.pendingCount]
    if (at + count > this.pending.length) {
      const grown = new Int32Array(Math.max(2 * this.pending.length, at + count))
      grown.set(this.pending.subarray(0, at))
      this.pending = grown
    }
    this.pending.set(low.subarray(0, count), at)
    this.pendingOffsets[++this.pendingCount] = at + count
    if (this.pendingCount === BATCH_RECORDS) this.signPending()
  }

  /** Signs the pending records into their slots' band values (taken now: the column may have grown). */
  private signPending(): void {
    if (this.pendingCount === 0 || this.signer === undefined) return
    const { width, pendingFrom, pendingCount } = this
    this.signer.batch(this.pending, this.pendingOffsets, pendingCount, this.slots.bandValues.subarray(pendingFrom * width, (pendingFrom + pendingCount) * width))
    this.pendingCount = 0
  }
}
