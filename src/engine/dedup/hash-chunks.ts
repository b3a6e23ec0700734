/**
 * A file's uniqueness hashing shared by the two threads that read it (the main thread and its
 * check worker), a chunk of records at a time: whichever thread reaches a chunk first hashes
 * it, and the other skips it. A fixed split leaves one thread idle while the other finishes
 * (on the benchmark's million records the worker, with the hashing and three checks, ended its
 * pass 0.6-0.8 s after the main thread); with the chunks taken by arrival, the thread that is
 * ahead takes more of them until the two are level, whatever the checks cost on this data.
 *
 * Both threads read every record in order, so a thread at chunk `c` has passed every chunk
 * before it, each taken by one of the two: a counter in shared memory, the number of chunks
 * taken, is all either needs (`claimChunk`). Both write into one set of columns in shared
 * memory, slot = record position, so that nothing is copied to put the parts together (a
 * first merge that copied the two parts into new arrays cost 0.5 s of the million records'
 * 0.5 s gain: fresh memory is slow to touch here, ~2.7 ms a MB). Records without text leave
 * their slot empty; the columns are closed up over them at the end. The columns are sized
 * for half as many records again as the estimate; the records beyond (an estimate that far
 * off) are the main thread's alone, hashed into arrays of its own and appended.
 */
import type { DatasetRecord } from '../types.js'
import { newLike, sharedArray } from '../typed-arrays.js'
import { COLUMN_NAMES, CORPUS_COLUMN_TYPES, mapColumns, valuesPerRecord, type CorpusColumns } from './corpus.js'
import { bandsPerRecord, FileHashBuilder, type CorpusHashJob, type FileHashes } from './file-hashes.js'

/**
 * Records a chunk: small enough that the two threads end within a few milliseconds of each
 * other, large enough that claiming one costs nothing next to hashing it.
 */
export const HASH_CHUNK_RECORDS = 2048

/** What two threads sharing a file's hashing share: give it to both in their `CorpusHashJob`. */
export interface SharedHashColumns {
  /** Every column of `CorpusColumns`, `capacity` records long, in shared memory. */
  columns: CorpusColumns
  /** 1 at each slot a record with text was hashed into. */
  filled: Uint8Array
  /** [0]: chunks claimed so far; [1]: threads done writing (the atomic that makes their writes visible). */
  counter: Int32Array
  /** Records the columns hold: chunks beyond `capacity / chunkRecords` are the main thread's. */
  capacity: number
  /** Records a chunk (`HASH_CHUNK_RECORDS`, or fewer in tests), the same for both threads. */
  chunkRecords: number
  /** Band hashes a record (`bandsPerRecord` of the job). */
  bands: number
}

/** Shared columns for `job`'s hashes of a file of about `expectedRecords` records, or undefined where the runtime has no shared memory. */
export function sharedHashColumns(job: CorpusHashJob, expectedRecords: number, chunkRecords = HASH_CHUNK_RECORDS): SharedHashColumns | undefined {
  if (typeof SharedArrayBuffer !== 'function') return undefined
  const bands = bandsPerRecord(job)
  const capacity = Math.ceil((expectedRecords * 1.5) / chunkRecords) * chunkRecords
  const columns = {} as Record<keyof CorpusColumns, Int32Array | Float64Array | Uint8Array>
  for (const name of COLUMN_NAMES) columns[name] = sharedArray<Int32Array | Float64Array | Uint8Array>(CORPUS_COLUMN_TYPES[name], capacity * valuesPerRecord(name, bands))
  return { columns: columns as CorpusColumns, filled: sharedArray(Uint8Array, capacity), counter: sharedArray(Int32Array, 2), capacity, chunkRecords, bands }
}

/**
 * True when this thread takes `chunk`: the counter (chunks taken so far, all of them before
 * `chunk` by the order both threads read in) is at it, and this thread moves it on first.
 */
export function claimChunk(counter: Int32Array, chunk: number): boolean {
  return Atomics.load(counter, 0) === chunk && Atomics.compareExchange(counter, 0, chunk, chunk + 1) === chunk
}

/** Hashes the records of the chunks this thread claims; give it every record of the file, in order, then call `done`. */
export class SharedHashWriter {
  private readonly builder: FileHashBuilder
  /** The main thread's records beyond the columns' capacity, hashed into arrays of its own. */
  private overflow: FileHashBuilder | undefined
  private readonly sharedChunks: number
  private chunk = -1
  private claimed = false
  private claimedChunks = 0

  /** `mainThread`: this thread takes the chunks beyond the capacity (exactly one of the two must). */
  constructor(
    private readonly job: CorpusHashJob,
    private readonly shared: SharedHashColumns,
    private readonly mainThread: boolean
  ) {
    this.builder = new FileHashBuilder(job, undefined, shared.columns)
    this.sharedChunks = shared.capacity / shared.chunkRecords
  }

  /** The record at `position` (0 for the file's first): hashed when its chunk is this thread's. */
  add(position: number, record: DatasetRecord): void {
    const chunk = Math.floor(position / this.shared.chunkRecords)
    if (chunk !== this.chunk) {
      this.chunk = chunk
      this.claimed = (chunk < this.sharedChunks || this.mainThread) && claimChunk(this.shared.counter, chunk)
      if (this.claimed) this.claimedChunks++
    }
    if (!this.claimed) return
    if (chunk < this.sharedChunks) {
      if (this.builder.addAt(position, record)) this.shared.filled[position] = 1
    } else (this.overflow ??= new FileHashBuilder(this.job)).add(record)
  }

  /** The chunks of a file of `records` records. */
  chunks(records: number): number {
    return Math.ceil(records / this.shared.chunkRecords)
  }

  /** Chunks this thread took. */
  get chunksClaimed(): number {
    return this.claimedChunks
  }

  /** Records of this thread's chunks without text to compare (the shared columns' empty slots). */
  get emptyText(): number {
    return this.builder.emptyTextCount
  }

  /** Writes what waits and marks this thread done: its writes are then visible to a thread that sees the mark. */
  done(): void {
    this.builder.flush()
    Atomics.add(this.shared.counter, 1, 1)
  }

  /**
   * The whole file's hashes, on the main thread once both are `done` (`otherEmptyText`: the
   * other thread's `emptyText`), for a file of `records` records; undefined when the two did
   * not take every chunk between them (a thread that stopped early).
   */
  result(records: number, otherEmptyText: number): FileHashes | undefined {
    const { shared } = this
    if (Atomics.load(shared.counter, 1) !== 2 || Atomics.load(shared.counter, 0) !== this.chunks(records)) return undefined
    const { bands } = shared
    const inShared = Math.min(records, shared.capacity)
    const closed = closeUp(shared, inShared, bands)
    const beyond = this.overflow?.result()
    const emptyText = this.builder.emptyTextCount + otherEmptyText + (beyond?.emptyText ?? 0)
    return { emptyText, ...(beyond && beyond.indexOf.length > 0 ? joined(closed, beyond) : closed) }
  }
}

/**
 * The shared columns' first `records` slots with the empty ones closed up: views of the
 * columns when none is empty (the usual case), runs of filled slots moved down in place otherwise.
 */
function closeUp({ columns, filled }: SharedHashColumns, records: number, bands: number): CorpusColumns {
  let kept = 0
  let slot = 0
  while (slot < records) {
    if (filled[slot] === 0) {
      slot++
      continue
    }
    let end = slot + 1
    while (end < records && filled[end] === 1) end++
    if (kept !== slot) {
      for (const name of COLUMN_NAMES) {
        const per = valuesPerRecord(name, bands)
        columns[name].copyWithin(kept * per, slot * per, end * per)
      }
    }
    kept += end - slot
    slot = end
  }
  return mapColumns(columns, bands, (array, per) => array.subarray(0, kept * per) as typeof array)
}

/** `first`'s records then `second`'s, in new arrays (in shared memory where `first`'s are, as the stage wants the band hashes). */
function joined(first: CorpusColumns, second: CorpusColumns): CorpusColumns {
  const both = {} as Record<keyof CorpusColumns, Int32Array | Float64Array | Uint8Array>
  for (const name of COLUMN_NAMES) {
    const column = newLike(first[name], first[name].length + second[name].length)
    column.set(first[name])
    column.set(second[name], first[name].length)
    both[name] = column
  }
  return both as CorpusColumns
}
