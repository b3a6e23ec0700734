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
import type { CachedCorpusFile } from './uniqueness.js'

/** Bumped whenever what is stored changes shape: older entries then simply miss. */
const FORMAT = 1

/** Where cached sides live: a folder for the CLI, the Actions cache service for the Action. */
export interface SideCache {
  get(key: string): Promise<Uint8Array | undefined>
  set(key: string, data: Uint8Array): Promise<void>
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
    async set(key, data) {
      await mkdir(dir, { recursive: true })
      const temporary = join(dir, `${key}.${process.pid}.tmp`)
      await writeFile(temporary, data)
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
export function packSide(side: SideResult): Uint8Array | undefined {
  // A summary the head's checks read must come back as it was: class instances would come back without their methods.
  if (![...side.checkSummaries.values()].every((summary) => isPlainData(summary))) return undefined
  try {
    return serialize({ format: FORMAT, side })
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
    Object.setPrototypeOf(side.index, RecordIndex.prototype)
    Object.setPrototypeOf(side.collector, FindingCollector.prototype)
    Object.setPrototypeOf(side.scorer, SideScorer.prototype)
    return side
  } catch {
    return undefined
  }
}

/** The file's part of the uniqueness index as bytes, stored once the audit is over (it is complete only then). */
export function packCorpus(corpus: CachedCorpusFile): Uint8Array {
  return serialize({ format: FORMAT, corpus })
}

export function unpackCorpus(data: Uint8Array): CachedCorpusFile | undefined {
  try {
    const entry = deserialize(data) as { format?: number; corpus?: CachedCorpusFile }
    return entry.format === FORMAT ? entry.corpus : undefined
  } catch {
    return undefined
  }
}

/** A side and its part of the index are two entries: neither waits in memory for the other. */
export const sideEntry = (key: string): string => `${key}-side`
export const corpusEntry = (key: string): string => `${key}-index`
