import { canonicalJson, combineHashes, hash53, valueHash } from './hash.js'
import { HashIndex } from './hash-index.js'
import type { DatasetRecord, FieldValue, RecordFields } from './types.js'
import { KeyStore } from './key-store.js'
import { grownTo } from './typed-arrays.js'

/** The most keys a census's table is sized for ahead; beyond, it grows by doubling. */
const MAX_SIZED_KEYS = 1 << 21

/** Nested objects are compared field by field down to this depth; deeper values, and arrays, as wholes. */
const MAX_FIELD_DEPTH = 3

/** Who carries which key: counted as records come in (see `countKeys`), each record once. */
interface KeyCensus {
  /** Some record has no key. */
  missing: boolean
  repeated: Map<string, number[]>
  /** Per position counted, the first position with the same key; -1 for a record without one. */
  keyIds: Int32Array
  /** The first position with the key that `store` has at `position`, or -1. */
  firstOf: (store: KeyStore, position: number) => number
  /** Positions counted so far. */
  counted: number
  byHash: HashIndex
  /** Keys whose hash an earlier, different key took: the rare collision, by the key itself. */
  collided: Map<string, number>
  /** Room for `keyIds`, grown as records come in. */
  ids: Int32Array
}

/**
 * Each index's census, beside the object rather than on it: the side cache clones an index
 * field by field, and a closure there would make it refuse the whole side.
 */
const censuses = new WeakMap<RecordIndex, KeyCensus>()

/** The key's parts are joined with a character no sane id contains. */
const KEY_SEPARATOR = '\u241f'

/**
 * A compact summary of one side of a file: per record its line, content hash and a hash per
 * field path, in parallel typed arrays rather than one object per record (or an array of
 * numbers), so a million-record file costs tens of megabytes, not hundreds, and nothing the
 * garbage collector has to walk. Values themselves are not kept.
 */
export class RecordIndex {
  /** Records indexed; the typed arrays below are grown ahead and hold that many. */
  private count = 0
  private lineStore = new Int32Array(1024)
  private contentStore = new Float64Array(1024)
  private shapeIds = new Int32Array(1024)
  private fieldOffsets = new Int32Array(1024)
  /** Per record, its key when every key field is present. */
  private readonly keys = new KeyStore()
  private fieldHashes = new Float64Array(1024)
  private fieldCount = 0
  private readonly shapes: string[][] = []
  private readonly shapeIdByName = new Map<string, number>()

  constructor(private keyFieldList: readonly string[]) {}

  /**
   * An index back from a structured clone (the side cache), which keeps the fields but not the
   * classes: its methods, and those of the objects it holds, given back.
   */
  static revive(clone: RecordIndex): RecordIndex {
    Object.setPrototypeOf(clone, RecordIndex.prototype)
    Object.setPrototypeOf(clone.keys, KeyStore.prototype)
    if (clone.contentPositions) Object.setPrototypeOf(clone.contentPositions, HashIndex.prototype)
    return clone
  }

  get keyFields(): readonly string[] {
    return this.keyFieldList
  }

  /**
   * Drops the keys, for a key that was guessed (an `id`-like field) and turned out not to
   * identify records: the diff then matches by content.
   */
  forgetKeys(): void {
    this.keyFieldList = []
    this.keys.clear()
    censuses.delete(this)
  }

  /** True when every record has a key and no key repeats. */
  hasUniqueKeys(): boolean {
    const census = this.census()
    return !census.missing && census.repeated.size === 0
  }

  /**
   * The keys that more than one record carries, each with the positions that carry it, in
   * file order. Counted once per index, with the question above.
   */
  repeatedKeys(): ReadonlyMap<string, readonly number[]> {
    return this.census().repeated
  }

  /** The first position here whose record has the key of `other`'s record at `position`, or -1 (also when it has none): how the diff meets keys of the other side. */
  positionOfKeyAt(other: RecordIndex, position: number): number {
    return other.keys.has(position) ? this.census().firstOf(other.keys, position) : -1
  }

  /** The key of the record at `position`, or undefined when it has none. */
  keyAt(position: number): string | undefined {
    return this.keys.at(position)
  }

  /** Called once the last record is in, before the index is stored: the keys give back the room kept for more. */
  trimKeys(): void {
    this.keys.trim()
  }

  /** Counts the keys added since the last count now, rather than at the first question about them. */
  countKeys(): void {
    this.census()
  }

  /** True when the record at `position` has a key. */
  hasKey(position: number): boolean {
    return this.keys.has(position)
  }

  /** The first position whose record has the same key as the one at `position`, or -1 when it has no key. */
  keyIdAt(position: number): number {
    return this.census().keyIds[position]
  }

  /**
   * Keys to first positions in a typed table by the key's 53-bit hash, where a Map of a million
   * strings cost ~60 MB of heap a side: a hit is confirmed against the key itself, and the
   * rare key whose hash an earlier, different key took goes into a small Map instead. Records
   * added since the last question are counted on top of what was counted: the side pass asks
   * every few thousand records, so that the counting is done in the pass, not after it.
   */
  private census(): KeyCensus {
    const keys = this.keys
    let census = censuses.get(this)
    if (!census) {
      // Sized for the records expected (the room reserved for them), so that it seldom grows;
      // at most for MAX_SIZED_KEYS, as its slots are touched all over: an estimate far too high
      // would hold memory for nothing.
      const expected = Math.max(keys.count, Math.min(this.lineStore.length, MAX_SIZED_KEYS))
      const byHash = new HashIndex(expected)
      const collided = new Map<string, number>()
      const firstOf = (store: KeyStore, position: number): number => {
        const first = byHash.get(store.hashAt(position))
        if (first === undefined) return -1
        return keys.sameKey(first, store, position) ? first : (collided.get(store.at(position)!) ?? -1)
      }
      const ids = new Int32Array(expected)
      census = { missing: false, repeated: new Map(), keyIds: ids.subarray(0, 0), firstOf, counted: 0, byHash, collided, ids }
      censuses.set(this, census)
    }
    if (census.counted < keys.count) this.countFrom(census)
    return census
  }

  /** Counts the positions from `census.counted` to the last one stored. */
  private countFrom(census: KeyCensus): void {
    const keys = this.keys
    const { byHash, collided, repeated } = census
    if (census.ids.length < keys.count) census.ids = grownTo(census.ids, Math.max(keys.count, 2 * census.ids.length))
    const ids = census.ids
    for (let position = census.counted; position < keys.count; position++) {
      if (!keys.has(position)) {
        census.missing = true
        ids[position] = -1
        continue
      }
      // One probe: a new hash is placed as it is looked up.
      let first = byHash.getOrAdd(keys.hashAt(position), position) ?? position
      if (first !== position && !keys.sameKey(first, keys, position)) {
        const key = keys.at(position)!
        first = collided.get(key) ?? position
        if (first === position) collided.set(key, position)
      }
      ids[position] = first
      if (first === position) continue
      const key = keys.at(position)!
      const positions = repeated.get(key)
      if (positions) positions.push(position)
      else repeated.set(key, [first, position])
    }
    census.counted = keys.count
    census.keyIds = ids.subarray(0, keys.count)
  }

  get size(): number {
    return this.count
  }

  /** Per record, its 1-based line (a view of `size` values: take it once outside a loop). */
  get lines(): Int32Array {
    return this.lineStore.subarray(0, this.count)
  }

  /** Per record, its content hash (a view of `size` values: take it once outside a loop). */
  get contentHashes(): Float64Array {
    return this.contentStore.subarray(0, this.count)
  }

  /** The content hash of the record at `position`, without making a view. */
  contentHashAt(position: number): number {
    return this.contentStore[position]
  }

  private contentPositions?: HashIndex

  /**
   * The position of the first record with this content hash, or undefined: whether the other
   * side has a record, and where. Built on first use, once per index (a million entries is
   * tens of megabytes: one table serves every question).
   */
  positionOfContent(contentHash: number): number | undefined {
    if (!this.contentPositions) {
      const positions = new HashIndex()
      for (let position = this.count - 1; position >= 0; position--) positions.set(this.contentStore[position], position)
      this.contentPositions = positions
    }
    return this.contentPositions.get(contentHash)
  }

  /** Per record, reused: its field paths and their value hashes in record order, `flatCount` of them. */
  private readonly flatPaths: string[] = []
  private readonly flatHashes: number[] = []
  private flatCount = 0
  /** The shape's hash, then the value hashes in sorted path order: what the content hash is made of. */
  private sortedHashes = new Float64Array(64)

  /** Adds a record; returns its position in the index. */
  add(record: DatasetRecord): number {
    this.flatCount = 0
    this.flatten(record.fields, '', 1)
    // Records of a file nearly always share one shape: reuse the last sort when the paths match.
    const shape = this.shapeFor()
    const order = shape.order
    const count = order.length
    this.ensureCapacity(this.fieldCount + count)
    if (this.count === this.lineStore.length) this.growRecords()
    const position = this.count++
    this.fieldOffsets[position] = this.fieldCount
    if (this.sortedHashes.length < count + 1) this.sortedHashes = new Float64Array(2 * (count + 1))
    const sortedHashes = this.sortedHashes
    const hashes = this.flatHashes
    sortedHashes[0] = shape.hash
    for (let i = 0; i < count; i++) {
      const h = hashes[order[i]]
      sortedHashes[i + 1] = h
      this.fieldHashes[this.fieldCount++] = h
    }

    this.lineStore[position] = record.line
    this.shapeIds[position] = shape.id
    this.contentStore[position] = combineHashes(sortedHashes, count + 1)
    this.keys.add(recordKey(record.fields, this.keyFields))
    return position
  }

  /** Field paths and value hashes into the scratch arrays, objects opened down to MAX_FIELD_DEPTH. */
  private flatten(value: RecordFields, prefix: string, depth: number): void {
    for (const name in value) {
      if (!Object.hasOwn(value, name)) continue
      const child: FieldValue = value[name]
      const path = prefix === '' ? name : prefix + name
      if (depth < MAX_FIELD_DEPTH && child !== null && typeof child === 'object' && !Array.isArray(child) && hasKeys(child)) {
        this.flatten(child, path + '.', depth + 1)
      } else {
        this.flatPaths[this.flatCount] = path
        this.flatHashes[this.flatCount] = valueHash(child)
        this.flatCount++
      }
    }
  }

  private lastShape?: { paths: string[]; id: number; order: number[]; hash: number }

  /** The shape of the record in the scratch arrays (paths in record order): its id, sort order and hash. */
  private shapeFor(): { id: number; order: number[]; hash: number } {
    const last = this.lastShape
    const count = this.flatCount
    const current = this.flatPaths
    if (last && last.paths.length === count) {
      let same = true
      for (let i = 0; i < count && same; i++) same = last.paths[i] === current[i]
      if (same) return last
    }
    const paths = current.slice(0, count)
    const order = paths.map((_, i) => i).sort((a, b) => (paths[a] < paths[b] ? -1 : paths[a] > paths[b] ? 1 : 0))
    const sortedPaths = order.map((i) => paths[i])
    const name = sortedPaths.join('\n')
    let id = this.shapeIdByName.get(name)
    if (id === undefined) {
      id = this.shapes.length
      this.shapes.push(sortedPaths)
      this.shapeIdByName.set(name, id)
    }
    this.lastShape = { paths, id, order, hash: hash53(name) }
    return this.lastShape
  }

  /**
   * Frees the per-field hashes, the index's largest part, once the diff (their one reader) is
   * done: the uniqueness stage's finish runs after every file's diff, and a million records'
   * field hashes are 40-60 MB a side it need not carry.
   */
  releaseFieldHashes(): void {
    this.fieldHashes = new Float64Array(0)
    this.fieldsReleased = true
  }

  private fieldsReleased = false

  /** The field paths of the record at `position` with the hash of each value. */
  fieldsOf(position: number): Map<string, number> {
    if (this.fieldsReleased) throw new Error('RecordIndex.fieldsOf after releaseFieldHashes(): the field hashes were freed after the diff')
    const paths = this.shapes[this.shapeIds[position]]
    const offset = this.fieldOffsets[position]
    const fields = new Map<string, number>()
    for (let i = 0; i < paths.length; i++) fields.set(paths[i], this.fieldHashes[offset + i])
    return fields
  }

  /**
   * Makes room for `total` records in all (an estimate of the whole file's, see
   * record-estimate.ts), their fields and keys at the rate of those added so far: each table
   * grows once instead of by doubling.
   */
  reserve(total: number | undefined): void {
    if (total === undefined || total <= this.lineStore.length || this.count === 0) return
    this.growRecords(total)
    const fields = Math.ceil((this.fieldCount / this.count) * total)
    if (fields > this.fieldHashes.length && !this.fieldsReleased) this.fieldHashes = grownTo(this.fieldHashes, fields)
    this.keys.reserve(total)
  }

  private growRecords(size = 2 * this.lineStore.length): void {
    this.lineStore = grownTo(this.lineStore, size)
    this.contentStore = grownTo(this.contentStore, size)
    this.shapeIds = grownTo(this.shapeIds, size)
    this.fieldOffsets = grownTo(this.fieldOffsets, size)
  }

  private ensureCapacity(needed: number): void {
    if (needed <= this.fieldHashes.length) return
    if (this.fieldsReleased) throw new Error('RecordIndex.add after releaseFieldHashes()')
    let capacity = this.fieldHashes.length
    while (capacity < needed) capacity *= 2
    this.fieldHashes = grownTo(this.fieldHashes, capacity)
  }
}

/** The record's key: the key fields' values joined, or undefined when one is missing or empty. */
export function recordKey(fields: RecordFields, keyFields: readonly string[]): string | undefined {
  if (keyFields.length === 0) return undefined
  if (keyFields.length === 1) {
    const value = fields[keyFields[0]]
    if (value === undefined || value === null || value === '') return undefined
    return typeof value === 'string' ? value : canonicalJson(value)
  }
  const parts: string[] = []
  for (const field of keyFields) {
    const value = fields[field]
    if (value === undefined || value === null || value === '') return undefined
    parts.push(typeof value === 'string' ? value : canonicalJson(value))
  }
  return parts.join(KEY_SEPARATOR)
}

/** Shows a key for people: the parts joined by `, `. */
export function displayKey(key: string): string {
  return key.includes(KEY_SEPARATOR) ? key.split(KEY_SEPARATOR).join(', ') : key
}

/** True when the object has an own enumerable key (without building the list of keys). */
function hasKeys(value: object): boolean {
  for (const name in value) if (Object.hasOwn(value, name)) return true
  return false
}
