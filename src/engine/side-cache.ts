/**
 * The base side of a changed file, kept between runs. A PR's base is usually the same blob run
 * after run (every push to the PR, every PR against the same main), so what reading, checking
 * and hashing it gave is stored under a key made of its git blob id and everything else that
 * decides the result: the settings, the checks with theirs, and the code. A hit skips the base
 * pass; only the head is read.
 */
import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { mkdir, readdir, readFile, rename, rm, stat, utimes, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { deserialize, serialize } from 'node:v8'
import { TOOL_VERSION } from '../version.js'
import { FindingCollector } from './findings.js'
import { isPlainData } from './plain-data.js'
import { RecordIndex } from './record-index.js'
import { SideScorer } from './score.js'
import type { SideResult } from './side-pass.js'
import { entryFile } from './threads.js'
import { CORPUS_COLUMN_TYPES, type CorpusColumns } from './dedup/corpus.js'
import { LITTLE_ENDIAN } from './text-scratch.js'
import type { CachedCorpusFile } from './uniqueness.js'

/** Bumped whenever what is stored changes shape: older entries then simply miss. */
const FORMAT = 3

/** Where cached sides live: a folder for the CLI, the Actions cache service for the Action. */
export interface SideCache {
  get(key: string): Promise<Uint8Array | undefined>
  /** Stores the entry made of `chunks`, one after the other (written as they are, not joined first). */
  set(key: string, chunks: readonly Uint8Array[]): Promise<void>
}

/** The folder cache's default budget: the least recently used entries go beyond it. */
export const DEFAULT_CACHE_MAX_BYTES = 2 * 1024 ** 3

/**
 * Entries as `<key>.bin` files in `dir`, written whole or not at all (rename). Any read problem
 * is a miss. A hit marks its entry used; a write drops the least recently used entries beyond
 * `maxBytes` (a 1M-record base is about 140 MB), so the folder never grows without bound.
 */
export function folderCache(dir: string, maxBytes = DEFAULT_CACHE_MAX_BYTES): SideCache {
  return {
    async get(key) {
      const file = join(dir, `${key}.bin`)
      try {
        const data = await readFile(file)
        const now = new Date()
        await utimes(file, now, now).catch(() => undefined)
        return data
      } catch {
        return undefined
      }
    },
    async set(key, chunks) {
      await mkdir(dir, { recursive: true })
      const temporary = join(dir, `${key}.${process.pid}.tmp`)
      await writeFile(temporary, chunks)
      await rename(temporary, join(dir, `${key}.bin`))
      await pruneFolder(dir, maxBytes, `${key}.bin`)
    }
  }
}

/** Deletes the least recently used entries beyond `maxBytes` (never `keep`), and temporary files a crashed run left. */
async function pruneFolder(dir: string, maxBytes: number, keep: string): Promise<void> {
  const entries: Array<{ name: string; size: number; used: number }> = []
  for (const name of await readdir(dir)) {
    try {
      const info = await stat(join(dir, name))
      if (name.endsWith('.tmp') && Date.now() - info.mtimeMs > 3600_000) await rm(join(dir, name), { force: true })
      else if (name.endsWith('.bin')) entries.push({ name, size: info.size, used: info.mtimeMs })
    } catch {
      // Deleted meanwhile by another run: nothing to do.
    }
  }
  entries.sort((a, b) => (a.name === keep ? -1 : b.name === keep ? 1 : b.used - a.used))
  let total = 0
  for (const entry of entries) {
    total += entry.size
    if (total > maxBytes && entry.name !== keep) await rm(join(dir, entry.name), { force: true })
  }
}

/**
 * The key of one base side: its content (`blob`, a git blob id) and every input that shapes
 * the result. `code` names the code itself (the bundle's hash): a changed check must never be
 * answered from an older one's results.
 */
export function sideCacheKey(parts: { blob: string; path: string; code: string; inputs: unknown }): string {
  const text = JSON.stringify({ format: FORMAT, version: TOOL_VERSION, ...parts })
  return createHash('sha256').update(text).digest('hex').slice(0, 40)
}

let codeId: string | undefined

/**
 * The running code's id: the hash of the bundle the process runs (dist/index.js, dist/cli/index.js),
 * or undefined when it runs from sources (tests), where a cache could answer for older code.
 */
export function runningCodeId(): string | undefined {
  const file = entryFile()
  if (!file) return undefined
  if (codeId === undefined) {
    try {
      codeId = createHash('sha256').update(readFileSync(file)).digest('hex').slice(0, 16)
    } catch {
      return undefined
    }
  }
  return codeId
}

/**
 * The side pass's result as bytes, stored as soon as the pass ends (the uniqueness findings
 * added later belong to this run's corpus, not to the file). Undefined when something in it
 * cannot be stored (a check kept a function in its summary): then the side is not cached.
 */
export function packSide(side: SideResult): Uint8Array[] | undefined {
  // A summary the head's checks read must come back as it was: class instances would come back without their methods.
  if (![...side.checkSummaries.values()].every((summary) => isPlainData(summary))) return undefined
  // The keys' spare room would be stored too: given back now, when the side is stored, rather than by every pass (copying a million keys cost 80 ms of a scan that stores nothing).
  side.index.trimKeys()
  try {
    return [serialize({ format: FORMAT, side })]
  } catch {
    return undefined
  }
}

/** A packed side back as objects, or undefined when it is not one this code wrote. */
export function unpackSide(data: Uint8Array): SideResult | undefined {
  try {
    const entry = deserialize(data) as { format?: number; side?: SideResult }
    if (entry.format !== FORMAT || !entry.side) return undefined
    const side = entry.side
    // Structured clone keeps the fields, not the classes: give the objects their methods back.
    RecordIndex.revive(side.index)
    Object.setPrototypeOf(side.collector, FindingCollector.prototype)
    Object.setPrototypeOf(side.scorer, SideScorer.prototype)
    return side
  } catch {
    return undefined
  }
}

/**
 * A file's part of the uniqueness index is its columns (`CORPUS_COLUMN_TYPES`, in that order).
 * A million records' columns are some 85 MB: an entry is a small JSON header and then the
 * columns' own bytes, so that storing one writes the arrays as they are (`v8.serialize` made a
 * copy of all of it, at the moment the audit's memory peaks, with both sides' indexes in
 * memory) and reading one makes views on the bytes read, not a second copy.
 */
const CORPUS_COLUMNS = Object.entries(CORPUS_COLUMN_TYPES) as Array<[keyof CorpusColumns, Int32ArrayConstructor | Uint8ArrayConstructor | Float64ArrayConstructor]>

/** What an index entry's header says: enough to refuse an entry this code did not write. */
interface CorpusHeader {
  magic: string
  format: number
  littleEndian: boolean
  emptyText: number
  lengths: Record<string, number>
}

const CORPUS_MAGIC = 'dataset-audit uniqueness index'

/** Columns start at multiples of 8 bytes: a view of a 4-byte type needs its start aligned. */
const align8 = (n: number): number => Math.ceil(n / 8) * 8

/**
 * The file's part of the uniqueness index as chunks to write one after the other (views of the
 * columns, no copy), stored once the audit is over (it is complete only then). The entry is
 * the header's length (4 bytes, little-endian), the header as JSON, then each column, each
 * padded to a multiple of 8 bytes.
 */
export function packCorpus(corpus: CachedCorpusFile): Uint8Array[] {
  const lengths = Object.fromEntries(CORPUS_COLUMNS.map(([name]) => [name, corpus[name].length]))
  const header: CorpusHeader = { magic: CORPUS_MAGIC, format: FORMAT, littleEndian: LITTLE_ENDIAN, emptyText: corpus.emptyText, lengths }
  const headerBytes = Buffer.from(JSON.stringify(header), 'utf8')
  const headerLength = Buffer.alloc(4)
  headerLength.writeUInt32LE(headerBytes.length)
  const chunks: Uint8Array[] = [headerLength, headerBytes]
  let size = 4 + headerBytes.length
  const pad = (): void => {
    if (align8(size) === size) return
    chunks.push(new Uint8Array(align8(size) - size))
    size = align8(size)
  }
  pad()
  for (const [name] of CORPUS_COLUMNS) {
    const column = corpus[name]
    chunks.push(new Uint8Array(column.buffer, column.byteOffset, column.byteLength))
    size += column.byteLength
    pad()
  }
  return chunks
}

/**
 * An index entry back as columns, views on `data` where it is aligned for them (else copies);
 * undefined for anything but an entry this code wrote on a machine of the same byte order
 * (the columns are stored in the machine's own), whole.
 */
export function unpackCorpus(data: Uint8Array): CachedCorpusFile | undefined {
  try {
    if (data.length < 4) return undefined
    const bytes = Buffer.from(data.buffer, data.byteOffset, data.byteLength)
    const headerEnd = 4 + bytes.readUInt32LE(0)
    if (headerEnd > bytes.length) return undefined
    const header = JSON.parse(bytes.toString('utf8', 4, headerEnd)) as Partial<CorpusHeader> | null
    if (header?.magic !== CORPUS_MAGIC || header.format !== FORMAT || header.littleEndian !== LITTLE_ENDIAN) return undefined
    const { emptyText, lengths } = header
    if (!isCount(emptyText) || typeof lengths !== 'object' || lengths === null) return undefined
    let offset = align8(headerEnd)
    const columns: Record<string, Int32Array | Uint8Array | Float64Array> = {}
    for (const [name, Type] of CORPUS_COLUMNS) {
      const length = lengths[name]
      if (!isCount(length)) return undefined
      const byteLength = length * Type.BYTES_PER_ELEMENT
      if (offset + byteLength > bytes.length) return undefined
      // A view where the bytes are aligned for the type, else a copy of them.
      const start = bytes.byteOffset + offset
      const buffer = start % Type.BYTES_PER_ELEMENT === 0 ? (bytes.buffer as ArrayBuffer) : (bytes.buffer.slice(start, start + byteLength) as ArrayBuffer)
      const at = buffer === bytes.buffer ? start : 0
      columns[name] = new Type(buffer, at, length)
      offset = align8(offset + byteLength)
    }
    if (offset !== bytes.length) return undefined
    // Each column was made with its type by the loop above.
    const whole = columns as unknown as CorpusColumns
    const count = whole.indexOf.length
    const sameCount = CORPUS_COLUMNS.every(([name]) => name === 'bandValues' || whole[name].length === count)
    if (!sameCount || (count === 0 ? whole.bandValues.length !== 0 : whole.bandValues.length % count !== 0)) return undefined
    return { emptyText, ...whole }
  } catch {
    return undefined
  }
}

const isCount = (value: unknown): value is number => Number.isSafeInteger(value) && (value as number) >= 0

/** A side and its part of the index are two entries: neither waits in memory for the other. */
export const sideEntry = (key: string): string => `${key}-side`
export const corpusEntry = (key: string): string => `${key}-index`
/** The base side's uniqueness findings, keyed by all of the side's files (see BaseFindingsRecord). */
export const baseFindingsEntry = (key: string): string => `${key}-base-findings`
