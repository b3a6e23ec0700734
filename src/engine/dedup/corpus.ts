import { grownTo, sharedInt32Array, sliceOf } from '../typed-arrays.js'
import type { RecordPlace } from './reread.js'

/** The per-record columns of a run of slots: where each record is, its exact hash, band hashes and flag. */
export interface CorpusColumns {
  indexOf: Int32Array
  lineOf: Int32Array
  /** Where the record's line starts in the file, and its bytes; -1 when the reader could not say (see `DatasetRecord.offset`). */
  offsetOf: Float64Array
  bytesOf: Int32Array
  exactLow: Int32Array
  exactHigh: Int32Array
  bandValues: Int32Array
  byCharacters: Uint8Array
}

/**
 * Each column of `CorpusColumns` with its element type, in a fixed order (the side cache
 * stores them so): checked against the interface, so a column added there cannot be left out.
 */
export const CORPUS_COLUMN_TYPES = {
  indexOf: Int32Array,
  lineOf: Int32Array,
  offsetOf: Float64Array,
  bytesOf: Int32Array,
  exactLow: Int32Array,
  exactHigh: Int32Array,
  bandValues: Int32Array,
  byCharacters: Uint8Array
} as const satisfies { [Name in keyof CorpusColumns]: { new (length: number): CorpusColumns[Name] } }

/** One column's array. */
type Column = CorpusColumns[keyof CorpusColumns]

/** The columns' names, in `CORPUS_COLUMN_TYPES`' order. */
export const COLUMN_NAMES = Object.keys(CORPUS_COLUMN_TYPES) as Array<keyof CorpusColumns>

/** Values a record has in column `name`: `bands` band hashes, one of anything else. */
export function valuesPerRecord(name: keyof CorpusColumns, bands: number): number {
  return name === 'bandValues' ? bands : 1
}

/**
 * Columns made from `from`'s by `make`, given each column's array and its values a record
 * (`bands` for the band hashes, 1 for the others): every column `CORPUS_COLUMN_TYPES` names,
 * so that a column added there is cut, copied, grown and handed over with the rest.
 */
export function mapColumns(from: CorpusColumns, bands: number, make: <T extends Column>(array: T, per: number) => T): CorpusColumns {
  const made: Partial<Record<keyof CorpusColumns, Column>> = {}
  for (const name of COLUMN_NAMES) made[name] = make(from[name], valuesPerRecord(name, bands))
  return made as CorpusColumns
}

/**
 * What the uniqueness checks keep per record of one side, in growable typed arrays: where the
 * record is, its exact hash and its LSH band hashes. About 32 + 4 x bands bytes a record (68
 * at 9 bands): no text, no signature. Texts are read again only for the few records that turn
 * out to matter.
 */
export class CorpusArrays {
  /** Records stored. */
  count = 0
  fileOf: Int32Array = new Int32Array(1024)
  indexOf: Int32Array = new Int32Array(1024)
  lineOf: Int32Array = new Int32Array(1024)
  offsetOf: Float64Array = new Float64Array(1024)
  bytesOf: Int32Array = new Int32Array(1024)
  exactLow: Int32Array = new Int32Array(1024)
  exactHigh: Int32Array = new Int32Array(1024)
  /**
   * `bands` values per record, record after record; in shared memory, so that a helper thread
   * can group some of the bands in the finish (see `bandBuckets`) without a copy.
   */
  bandValues: Int32Array
  /** 1 when the record was shingled by characters. */
  byCharacters: Uint8Array = new Uint8Array(1024)

  constructor(readonly bands: number) {
    this.bandValues = sharedInt32Array(1024 * bands)
  }

  /** Stores one record's place and returns its slot; the caller fills in its hashes. */
  add(file: number, index: number, line: number, offset = -1, bytes = -1): number {
    if (this.count === this.fileOf.length) this.grow()
    const slot = this.count++
    this.fileOf[slot] = file
    this.indexOf[slot] = index
    this.lineOf[slot] = line
    this.offsetOf[slot] = offset
    this.bytesOf[slot] = bytes
    return slot
  }

  /**
   * Takes a whole file's columns as they are, as the first and only records so far: no copy of
   * a million records' columns, and none of their fresh memory touched again. The columns are
   * never written (a later record grows the arrays into new ones first).
   */
  adopt(file: number, columns: CorpusColumns): void {
    const count = columns.indexOf.length
    if (this.count !== 0 || count === 0 || columns.bandValues.length !== count * this.bands) throw new Error('CorpusArrays.adopt: only whole columns, into empty arrays')
    this.fileOf = new Int32Array(count).fill(file)
    // The columns alone: `columns` may carry more (a file's hashes carry `emptyText`).
    Object.assign(this, mapColumns(columns, this.bands, (array) => array))
    this.count = count
  }

  /**
   * The columns of slots `first .. first + count - 1`: one copy each, or the arrays themselves
   * when they are exactly that run (then the caller must be done adding to these arrays).
   */
  columns(first: number, count: number): CorpusColumns {
    return mapColumns(this, this.bands, (array, per) =>
      first === 0 && count * per === array.length ? array : sliceOf(array, first * per, (first + count) * per)
    )
  }

  /**
   * All the slots' columns, to hand to another thread once no more are added: views of the
   * arrays when little of them is spare room (cutting a million records' 56 MB of columns out
   * took the worker ~0.3 s that the main thread spent waiting for it), copies otherwise, so
   * that spare room is not held.
   */
  finalColumns(): CorpusColumns {
    if (this.count < this.fileOf.length - (this.fileOf.length >> 3)) return this.columns(0, this.count)
    return mapColumns(this, this.bands, (array, per) => array.subarray(0, this.count * per) as typeof array)
  }

  /** True when the reader said where the record of `slot` is in its file (`DatasetRecord.offset`). */
  isPlaced(slot: number): boolean {
    return this.offsetOf[slot] >= 0 && this.bytesOf[slot] >= 0
  }

  /** Where the record of `slot` is in its file, to read it again. */
  placeOf(slot: number): RecordPlace {
    return { index: this.indexOf[slot], line: this.lineOf[slot], offset: this.offsetOf[slot], bytes: this.bytesOf[slot] }
  }

  /** Makes room for `extra` more records at once, at the capacity adding them one by one would reach. */
  reserve(extra: number): void {
    let size = this.fileOf.length
    while (size < this.count + extra) size *= 2
    if (size > this.fileOf.length) this.grow(size)
  }

  /** Makes room for `total` records in all (an estimate of a whole file's) in one step, without rounding up. */
  reserveTotal(total: number): void {
    if (total > this.fileOf.length) this.grow(total)
  }

  /** Bytes held, for the stats. */
  get bytes(): number {
    return this.fileOf.length * (6 * 4 + 8 + 1 + 4 * this.bands)
  }

  private grow(size = this.fileOf.length * 2): void {
    this.fileOf = grownTo(this.fileOf, size)
    Object.assign(this, mapColumns(this, this.bands, (array, per) => grownTo(array, size * per)))
  }
}
