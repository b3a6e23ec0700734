import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { defaultConfig } from '../../src/config/load.js'
import { runAudit, type CacheStats, type FileChange } from '../../src/engine/audit.js'
import { BaseFindingsRecord } from '../../src/engine/base-findings.js'
import type { AuditReport } from '../../src/engine/report.js'
import type { ByteSource } from '../../src/engine/readers/types.js'
import { folderCache, packCorpus, unpackCorpus, type SideCache } from '../../src/engine/side-cache.js'
import type { CachedCorpusFile } from '../../src/engine/uniqueness.js'
import { bufferSource } from '../../src/sources/memory.js'

/** Records with a bit of everything the checks and the uniqueness stage look at: every 25th repeats the one before. */
function rows(count: number, edit: (i: number) => string | undefined = () => undefined): string {
  const lines: string[] = []
  for (let i = 0; i < count; i++) {
    const n = i % 25 === 24 ? i - 1 : i
    const text = edit(i) ?? `record ${n} repeats what the lighthouse keeper wrote about the storm that night over the bay`
    lines.push(JSON.stringify({ id: `r${i}`, instruction: `Summarise note ${n % 7}`, output: text, label: i % 3 === 0 ? 'pos' : i % 3 === 1 ? 'neg' : 'Pos', email: i === 5 ? 'jane.doe@example.com' : '' }))
  }
  return lines.join('\n') + '\n'
}

/** An in-memory source that names its content, as git blobs do. */
function named(path: string, text: string, id: string): ByteSource {
  return { ...bufferSource(path, text), contentId: async () => id }
}

const baseText = rows(120)
// Head: one record edited, five added that repeat base records.
const headText = rows(125, (i) => (i === 3 ? 'an edited record now says something else entirely, about the harbour' : i >= 120 ? `record ${i - 100} repeats what the lighthouse keeper wrote about the storm that night over the bay` : undefined))

function change(blob = 'blob-1'): FileChange[] {
  return [{ path: 'data/train.jsonl', status: 'modified', base: named('data/train.jsonl', baseText, blob), head: named('data/train.jsonl', headText, 'blob-2') }]
}

function memoryCache(): SideCache & { entries: Map<string, Uint8Array> } {
  const entries = new Map<string, Uint8Array>()
  return { entries, get: async (key) => entries.get(key), set: async (key, chunks) => void entries.set(key, Buffer.concat(chunks)) }
}

const stats = (): CacheStats => ({ hits: 0, misses: 0, stored: 0, failures: 0 })

describe('the base-side cache', () => {
  it('gives the same report from a cached base as from reading it, and reads base only once', async () => {
    const config = defaultConfig()
    const uncached = await runAudit(change(), { config })
    const store = memoryCache()
    const first = stats()
    const filled = await runAudit(change(), { config, cache: { store, code: 'test', stats: first } })
    expect(first).toEqual({ hits: 0, misses: 1, stored: 1, failures: 0 })
    const second = stats()
    const fromCache = await runAudit(change(), { config, cache: { store, code: 'test', stats: second } })
    expect(second).toEqual({ hits: 1, misses: 0, stored: 0, failures: 0 })
    expect(filled).toEqual(uncached)
    expect(fromCache).toEqual(uncached)
    // The report has something to lose: base findings and counts, duplicates, the PR's own findings.
    const file = uncached.files[0]
    expect(file.counts.find((c) => c.check === 'exact-duplicates')?.base).toBeGreaterThan(0)
    expect(file.modified + file.added).toBe(6)
    expect(uncached.totals.introduced).toBeGreaterThan(0)
  })

  it('gives the base side\'s uniqueness findings from the record an earlier run kept, counted ones and listed ones alike', async () => {
    // 300 base records, every odd one with one of seven texts: 143 exact duplicates, past the 100 a file lists.
    const same = (i: number) => (i % 2 === 1 ? 'the same words on every odd record, as a careless merge leaves them' : undefined)
    const base = rows(300, same)
    const head = rows(301, same)
    const changes = (): FileChange[] => [
      { path: 'data/train.jsonl', status: 'modified', base: named('data/train.jsonl', base, 'blob-b'), head: named('data/train.jsonl', head, 'blob-h') }
    ]
    const config = defaultConfig()
    const uncached = await runAudit(changes(), { config })
    const store = memoryCache()
    await runAudit(changes(), { config, cache: { store, code: 'test' } })
    const entry = [...store.entries.keys()].find((key) => key.endsWith('-base-findings'))!
    const record = BaseFindingsRecord.unpack(store.entries.get(entry)!)!
    expect(record.size).toBeGreaterThan(100)
    expect(await runAudit(changes(), { config, cache: { store, code: 'test' } })).toEqual(uncached)
    const baseCount = (report: AuditReport) => report.files[0].counts.find((c) => c.check === 'exact-duplicates')?.base
    expect(baseCount(uncached)).toBe(143)
    // The cached run takes the base side's findings from the record alone: an empty one gives none.
    store.entries.set(entry, Buffer.concat(new BaseFindingsRecord().pack()))
    const fromEmpty = await runAudit(changes(), { config, cache: { store, code: 'test' } })
    expect(baseCount(fromEmpty) ?? 0).toBe(0)
    // A damaged record is a miss: the base side is finished again and the record stored anew.
    store.entries.set(entry, Buffer.from('not a record'))
    expect(await runAudit(changes(), { config, cache: { store, code: 'test' } })).toEqual(uncached)
    expect(BaseFindingsRecord.unpack(store.entries.get(entry)!)?.size).toBe(record.size)
  })

  it('misses when the blob, the settings or the code differ, and when the source cannot name its content', async () => {
    const store = memoryCache()
    const config = defaultConfig()
    await runAudit(change(), { config, cache: { store, code: 'test' } })
    const missWith = async (changes: FileChange[], code = 'test', configured = config) => {
      const counts = stats()
      await runAudit(changes, { config: configured, cache: { store, code, stats: counts } })
      return counts.hits
    }
    expect(await missWith(change('blob-other'))).toBe(0)
    expect(await missWith(change(), 'newer-code')).toBe(0)
    const stricter = defaultConfig()
    stricter.checks['near-duplicates'] = { threshold: 0.9 }
    expect(await missWith(change(), 'test', stricter)).toBe(0)
    const unnamed: FileChange[] = [{ ...change()[0], base: bufferSource('data/train.jsonl', baseText) }]
    expect(await missWith(unnamed)).toBe(0)
    expect(await missWith(change())).toBe(1)
  })

  it('reads the file when an entry is damaged or the store fails, and says so in the stats', async () => {
    const config = defaultConfig()
    const uncached = await runAudit(change(), { config })
    const dir = mkdtempSync(join(tmpdir(), 'dataset-audit-cache-test-'))
    await runAudit(change(), { config, cache: { store: folderCache(dir), code: 'test' } })
    const entry = readdirSync(dir).find((name) => name.endsWith('-side.bin'))!
    writeFileSync(join(dir, entry), 'not a cache entry')
    const damaged = stats()
    expect(await runAudit(change(), { config, cache: { store: folderCache(dir), code: 'test', stats: damaged } })).toEqual(uncached)
    expect(damaged).toMatchObject({ hits: 0, misses: 1, stored: 1 })

    const failing: SideCache = {
      get: async () => {
        throw new Error('cache service unreachable')
      },
      set: async () => {
        throw new Error('disk full')
      }
    }
    const failed = stats()
    expect(await runAudit(change(), { config, cache: { store: failing, code: 'test', stats: failed } })).toEqual(uncached)
    // The side entry's read and write, and the base side's findings' read and write.
    expect(failed).toEqual({ hits: 0, misses: 1, stored: 0, failures: 4 })
  })
})

describe('folderCache', () => {
  it('keeps the folder under its budget, dropping the least recently used entries first', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dataset-audit-cache-budget-'))
    const cache = folderCache(dir, 2500)
    const kilobyte = (fill: number) => new Uint8Array(1000).fill(fill)
    await cache.set('a', [kilobyte(1)])
    await new Promise((resolve) => setTimeout(resolve, 20))
    await cache.set('b', [kilobyte(2)])
    await new Promise((resolve) => setTimeout(resolve, 20))
    // Reading `a` makes it the most recently used: `b` is the one to go when `c` arrives.
    expect((await cache.get('a'))?.[0]).toBe(1)
    await new Promise((resolve) => setTimeout(resolve, 20))
    await cache.set('c', [kilobyte(3)])
    expect(readdirSync(dir).sort()).toEqual(['a.bin', 'c.bin'])
    expect(await cache.get('b')).toBeUndefined()
    // An entry larger than the whole budget is still kept until the next write.
    await cache.set('big', [new Uint8Array(5000)])
    expect(readdirSync(dir)).toEqual(['big.bin'])
  })
})

describe('packCorpus and unpackCorpus', () => {
  // Three records of 2 bands; an odd count makes every column but the bands end off the 8-byte grid.
  const corpus = (): CachedCorpusFile => ({
    emptyText: 4,
    indexOf: Int32Array.from([0, 2, 5]),
    lineOf: Int32Array.from([1, 3, 9]),
    // A place past 4 GiB, and one the reader could not give.
    offsetOf: Float64Array.from([0, 2 ** 33 + 17, -1]),
    bytesOf: Int32Array.from([120, 88, -1]),
    exactLow: Int32Array.from([-1, 7, 2 ** 31 - 1]),
    exactHigh: Int32Array.from([11, -12, 13]),
    bandValues: Int32Array.from([1, 2, 3, 4, 5, -6]),
    byCharacters: Uint8Array.from([0, 1, 0])
  })
  const joined = (chunks: Uint8Array[]): Buffer => Buffer.concat(chunks)

  it('gives back the same columns, as views on the bytes read where they are aligned', () => {
    const entry = joined(packCorpus(corpus()))
    const back = unpackCorpus(entry)
    expect(back).toEqual(corpus())
    expect(back?.bandValues.buffer).toBe(entry.buffer)
  })

  it('copies columns whose bytes are not aligned for their type', () => {
    const entry = joined(packCorpus(corpus()))
    const shifted = new Uint8Array(entry.length + 1)
    shifted.set(entry, 1)
    const back = unpackCorpus(shifted.subarray(1))
    expect(back).toEqual(corpus())
    expect(back?.bandValues.buffer).not.toBe(shifted.buffer)
  })

  it('refuses a damaged or foreign entry rather than giving wrong columns', () => {
    const entry = joined(packCorpus(corpus()))
    const headerEnd = 4 + entry.readUInt32LE(0)
    const align8 = (n: number): number => Math.ceil(n / 8) * 8
    // The same columns behind an edited header (columns start at the next multiple of 8 bytes).
    const withHeader = (edit: (header: Record<string, unknown>) => void): Buffer => {
      const header = JSON.parse(entry.toString('utf8', 4, headerEnd)) as Record<string, unknown>
      edit(header)
      const text = Buffer.from(JSON.stringify(header))
      const length = Buffer.alloc(4)
      length.writeUInt32LE(text.length)
      const padding = Buffer.alloc(align8(4 + text.length) - 4 - text.length)
      return Buffer.concat([length, text, padding, entry.subarray(align8(headerEnd))])
    }
    expect(unpackCorpus(withHeader(() => undefined))).toEqual(corpus())
    expect(unpackCorpus(entry.subarray(0, entry.length - 8))).toBeUndefined()
    expect(unpackCorpus(Buffer.concat([entry, Buffer.alloc(8)]))).toBeUndefined()
    expect(unpackCorpus(Buffer.from('not a cache entry'))).toBeUndefined()
    expect(unpackCorpus(new Uint8Array(2))).toBeUndefined()
    expect(unpackCorpus(withHeader((h) => void (h.littleEndian = !h.littleEndian)))).toBeUndefined()
    expect(unpackCorpus(withHeader((h) => void (h.format = 0)))).toBeUndefined()
    expect(unpackCorpus(withHeader((h) => void (h.magic = 'something else')))).toBeUndefined()
    expect(unpackCorpus(withHeader((h) => void ((h.lengths as Record<string, number>).lineOf = 2)))).toBeUndefined()
    expect(unpackCorpus(withHeader((h) => void (h.emptyText = -1)))).toBeUndefined()
  })
})
