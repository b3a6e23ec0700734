import { canonicalJson, combineHashes, hash53, valueHash } from './hash.js'
import type { DatasetRecord, FieldValue, RecordFields } from './types.js'

/** Nested objects are compared field by field down to this depth; deeper values, and arrays, as wholes. */
const MAX_FIELD_DEPTH = 3

/** The key's parts are joined with a character no sane id contains. */
const KEY_SEPARATOR = '\u241f'

/**
 * A compact summary of one side of a file: per record its line, content hash and a hash per
 * field path, in parallel number arrays rather than one object per record, so a million-record
 * file costs tens of megabytes, not hundreds. Values themselves are not kept.
 */
export class RecordIndex {
  readonly lines: number[] = []
  readonly contentHashes: number[] = []
  /** The record's key when every key field is present, else undefined. */
  readonly keys: Array<string | undefined> = []
  private readonly shapeIds: number[] = []
  private readonly fieldOffsets: number[] = []
  private fieldHashes = new Float64Array(1024)
  private fieldCount = 0
  private readonly shapes: string[][] = []
  private readonly shapeIdByName = new Map<string, number>()

  constructor(private keyFieldList: readonly string[]) {}

  get keyFields(): readonly string[] {
    return this.keyFieldList
  }

  /**
   * Drops the keys, for a key that was guessed (an `id`-like field) and turned out not to
   * identify records: the diff then matches by content.
   */
  forgetKeys(): void {
    this.keyFieldList = []
    this.keys.fill(undefined)
  }

  /** True when every record has a key and no key repeats. */
  hasUniqueKeys(): boolean {
    const seen = new Set<string>()
    for (const key of this.keys) {
      if (key === undefined || seen.has(key)) return false
      seen.add(key)
    }
    return true
  }

  get size(): number {
    return this.lines.length
  }

  private contentPositions?: Map<number, number>

  /**
   * The position of the first record with this content hash, or undefined: whether the other
   * side has a record, and where. Built on first use, once per index (a million entries is
   * tens of megabytes: one map serves every question).
   */
  positionOfContent(contentHash: number): number | undefined {
    if (!this.contentPositions) {
      const positions = new Map<number, number>()
      for (let position = this.contentHashes.length - 1; position >= 0; position--) positions.set(this.contentHashes[position], position)
      this.contentPositions = positions
    }
    return this.contentPositions.get(contentHash)
  }

  /** Adds a record; returns its position in the index. */
  add(record: DatasetRecord): number {
    const paths: string[] = []
    const hashes: number[] = []
    flattenFields(record.fields, '', 1, paths, hashes)
    // Records of a file nearly always share one shape: reuse the last sort when the paths match.
    const shape = this.shapeFor(paths)
    const order = shape.order
    this.ensureCapacity(this.fieldCount + hashes.length)
    this.fieldOffsets.push(this.fieldCount)
    const sortedHashes = new Array<number>(order.length + 1)
    sortedHashes[0] = shape.hash
    for (let i = 0; i < order.length; i++) {
      const h = hashes[order[i]]
      sortedHashes[i + 1] = h
      this.fieldHashes[this.fieldCount++] = h
    }

    const position = this.lines.length
    this.lines.push(record.line)
    this.shapeIds.push(shape.id)
    this.contentHashes.push(combineHashes(sortedHashes))
    this.keys.push(recordKey(record.fields, this.keyFields))
    return position
  }

  private lastShape?: { paths: string[]; id: number; order: number[]; hash: number }

  /** The shape of a record with these field paths (in record order): its id, sort order and hash. */
  private shapeFor(paths: string[]): { id: number; order: number[]; hash: number } {
    const last = this.lastShape
    if (last && last.paths.length === paths.length && last.paths.every((p, i) => p === paths[i])) return last
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

  /** The field paths of the record at `position` with the hash of each value. */
  fieldsOf(position: number): Map<string, number> {
    const paths = this.shapes[this.shapeIds[position]]
    const offset = this.fieldOffsets[position]
    const fields = new Map<string, number>()
    for (let i = 0; i < paths.length; i++) fields.set(paths[i], this.fieldHashes[offset + i])
    return fields
  }

  private ensureCapacity(needed: number): void {
    if (needed <= this.fieldHashes.length) return
    let capacity = this.fieldHashes.length
    while (capacity < needed) capacity *= 2
    const grown = new Float64Array(capacity)
    grown.set(this.fieldHashes.subarray(0, this.fieldCount))
    this.fieldHashes = grown
  }
}

/** The record's key: the key fields' values joined, or undefined when one is missing or empty. */
export function recordKey(fields: RecordFields, keyFields: readonly string[]): string | undefined {
  if (keyFields.length === 0) return undefined
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
  return key.split(KEY_SEPARATOR).join(', ')
}

function flattenFields(value: RecordFields, prefix: string, depth: number, paths: string[], hashes: number[]): void {
  for (const name of Object.keys(value)) {
    const child: FieldValue = value[name]
    const path = prefix + name
    if (depth < MAX_FIELD_DEPTH && child !== null && typeof child === 'object' && !Array.isArray(child) && Object.keys(child).length > 0) {
      flattenFields(child, path + '.', depth + 1, paths, hashes)
    } else {
      paths.push(path)
      hashes.push(valueHash(child))
    }
  }
}
