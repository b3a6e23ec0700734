import fs from 'node:fs'
import path from 'node:path'
import { Readable } from 'node:stream'
import { gzipSync } from 'node:zlib'
import { parquetWriteBuffer } from 'hyparquet-writer'
import { detectFormat, fileSource, readDataset } from '../../../src/engine/readers/index.js'
import { itReal, makeTempDir, readContent, readPath, real } from './helpers.js'

const temp = makeTempDir()
afterAll(() => temp.cleanup())

const LFS_POINTER =
  'version https://git-lfs.github.com/spec/v1\noid sha256:4d7a214614ab2935c943f9e0ff69d22eadbb8f32b1258daaa5e2ca24d17e2393\nsize 12345\n'

/** `count` JSON Lines records with some bulk, so that a cut gzip stream still holds many of them. */
function manyRecords(count: number): { objects: { id: number; text: string }[]; text: string } {
  const objects = Array.from({ length: count }, (_, id) => ({ id, text: `record ${id} ${'lorem ipsum '.repeat(id % 7)}` }))
  return { objects, text: objects.map((o) => JSON.stringify(o)).join('\n') + '\n' }
}

describe('detectFormat', () => {
  it.each([
    ['data/train.jsonl', { format: 'jsonl', compressed: false }],
    ['x.NDJSON', { format: 'jsonl', compressed: false }],
    ['a/b.json.gz', { format: 'json', compressed: true }],
    ['t.csv', { format: 'csv', compressed: false }],
    ['t.tsv.gz', { format: 'tsv', compressed: true }],
    ['p/part-0.parquet', { format: 'parquet', compressed: false }],
    ['p/part-0.parquet.gz', { format: 'parquet', compressed: true }]
  ])('detects %s', (file, expected) => {
    expect(detectFormat(file)).toEqual(expected)
  })

  it.each(['README.md', 'data.gz', 'jsonl', 'dir.jsonl/file.txt', '.json', 'a.jsonl.zip'])('ignores %s', (file) => {
    expect(detectFormat(file)).toBeUndefined()
  })
})

describe('readDataset: gzip', () => {
  it('reads the gzip of every text format like the plain file', async () => {
    const samples: [string, string][] = [
      ['g.jsonl', '{"a":1}\n{"a":2}\n'],
      ['g.json', '[\n {"a":1},\n {"a":2}\n]\n'],
      ['g.csv', 'a\n1\n2\n'],
      ['g.tsv', 'a\tb\n1\tx\n2\ty\n']
    ]
    for (const [name, text] of samples) {
      const plain = await readContent(temp.dir, name, text)
      const gz = await readContent(temp.dir, `${name}.gz`, text)
      expect(plain.summary.records).toBe(2)
      expect(gz.summary).toEqual({ ...plain.summary, compressed: true })
      // A gunzipped record has no place in the file's bytes to be read again from.
      expect(gz.records).toEqual(plain.records.map(({ offset: _offset, bytes: _bytes, ...record }) => record))
      expect(gz.findings).toEqual(plain.findings.map((f) => ({ ...f, file: `${name}.gz` })))
    }
  })

  it('trusts the bytes, not the name: gzip without .gz is decompressed, .gz without gzip is read as is', async () => {
    const zipped = await readContent(temp.dir, 'zipped.jsonl', gzipSync('{"a":1}\n'))
    expect(zipped.summary).toMatchObject({ records: 1, compressed: true })
    const notZipped = await readContent(temp.dir, 'plain.jsonl.gz', Buffer.from('{"a":1}\n'))
    expect(notZipped.summary).toMatchObject({ records: 1, compressed: false })
  })

  it('keeps the records before the damage in a truncated gzip file, with one file-level finding', async () => {
    const { objects, text } = manyRecords(20000)
    const compressed = gzipSync(text)
    const { records, findings, summary } = await readContent(temp.dir, 'cut.jsonl', compressed.subarray(0, Math.floor(compressed.length / 2)))
    expect(records.length).toBeGreaterThan(1000)
    expect(records.length).toBeLessThan(20000)
    expect(records.map((r) => r.fields)).toEqual(objects.slice(0, records.length))
    expect(summary).toMatchObject({ compressed: true, unreadable: true, records: records.length, skipped: 0 })
    expect(findings).toEqual([
      {
        check: 'parse',
        dimension: 'accuracy',
        severity: 'error',
        file: 'cut.jsonl',
        message: `The gzip data is truncated or corrupt (unexpected end of file). The ${records.length} records before the damage were read.`
      }
    ])
  })

  it('keeps the complete rows before the damage in a truncated gzip CSV, and no partial row', async () => {
    const { objects } = manyRecords(20000)
    const text = 'id,text\n' + objects.map((o) => `${o.id},"${o.text}"`).join('\n') + '\n'
    const compressed = gzipSync(text)
    const { records, findings, summary } = await readContent(temp.dir, 'cut.csv.gz', compressed.subarray(0, Math.floor(compressed.length / 2)))
    expect(records.length).toBeGreaterThan(1000)
    expect(records.map((r) => r.fields)).toEqual(objects.slice(0, records.length).map((o) => ({ id: String(o.id), text: o.text })))
    expect(records.map((r) => r.line)).toEqual(records.map((_, i) => i + 2))
    expect(summary).toMatchObject({ unreadable: true, skipped: 0 })
    expect(findings).toHaveLength(1)
    expect(findings[0].message).toMatch(/^The gzip data is truncated or corrupt/)
  })

  it('keeps the records before the damage in a truncated gzip JSON array', async () => {
    const { objects } = manyRecords(20000)
    const compressed = gzipSync(JSON.stringify(objects, null, 1))
    const { records, findings, summary } = await readContent(temp.dir, 'cut.json.gz', compressed.subarray(0, Math.floor(compressed.length / 2)))
    expect(records.length).toBeGreaterThan(1000)
    expect(records.map((r) => r.fields)).toEqual(objects.slice(0, records.length))
    expect(summary.unreadable).toBe(true)
    expect(findings).toHaveLength(1)
  })

  it('reports a corrupt gzip stream as unreadable', async () => {
    const bytes = Buffer.concat([Buffer.from([0x1f, 0x8b]), Buffer.from('this is not deflate data at all')])
    const { records, findings, summary } = await readContent(temp.dir, 'corrupt.jsonl.gz', bytes)
    expect(records).toEqual([])
    expect(summary).toMatchObject({ unreadable: true, compressed: true })
    expect(findings).toHaveLength(1)
    expect(findings[0].message).toMatch(/^The gzip data is truncated or corrupt \(.+\)\.$/)
  })
})

describe('readDataset: files that are not data', () => {
  it.each(['data.jsonl', 'data.csv', 'data.parquet', 'data.jsonl.gz', 'data.json'])('recognises an LFS pointer named %s before parsing', async (name) => {
    const { records, findings, summary } = await readContent(temp.dir, `lfs-${name}`, Buffer.from(LFS_POINTER))
    expect(records).toEqual([])
    expect(summary).toMatchObject({ records: 0, skipped: 0, lfsPointer: true, unreadable: false })
    expect(findings).toEqual([
      {
        check: 'parse',
        dimension: 'accuracy',
        severity: 'error',
        file: `lfs-${name}`,
        message:
          `lfs-${name} is a Git LFS pointer, not the data (oid sha256:4d7a214614ab2935c943f9e0ff69d22eadbb8f32b1258daaa5e2ca24d17e2393, size 12345 bytes). ` +
          'Check the file out with LFS: `lfs: true` on actions/checkout, or `git lfs pull`.'
      }
    ])
  })

  it.each(['junk.jsonl', 'junk.json', 'junk.csv', 'junk.tsv'])('reports binary content in %s as unreadable, with one finding', async (name) => {
    const junk = Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256))
    const { records, findings, summary } = await readContent(temp.dir, name, junk)
    expect(records).toEqual([])
    expect(summary).toMatchObject({ unreadable: true, records: 0, skipped: 0 })
    expect(findings).toHaveLength(1)
    expect(findings[0].message).toMatch(/^The file holds binary data \(NUL bytes in its first 8 KiB\), not [A-Z]+ text/)
  })

  it.each(['e.jsonl', 'e.json', 'e.csv', 'e.tsv', 'e.parquet', 'e.jsonl.gz'])('reads an empty %s as no records, with an info finding', async (name) => {
    const { records, findings, summary } = await readContent(temp.dir, name, '')
    expect(records).toEqual([])
    expect(summary).toMatchObject({ records: 0, skipped: 0, unreadable: false, lfsPointer: false })
    expect(findings).toMatchObject([{ severity: 'info', message: 'The file is empty: no records.' }])
  })

  it('reads a whitespace-only file as empty', async () => {
    const { findings, summary } = await readContent(temp.dir, 'blank.json', '\ufeff \r\n\n ')
    expect(summary.records).toBe(0)
    expect(findings).toMatchObject([{ severity: 'info', message: 'The file is empty: no records.' }])
  })

  it('reports a file that cannot be opened as unreadable', async () => {
    const { findings, summary } = await readPath(path.join(temp.dir, 'does-not-exist.jsonl'))
    expect(summary.unreadable).toBe(true)
    expect(findings).toHaveLength(1)
    expect(findings[0].message).toMatch(/^The file could not be read \(ENOENT/)
  })
})

describe('readDataset: options and sources', () => {
  it('reads by options.format when the name says nothing, and throws when nothing tells the format', async () => {
    const file = path.join(temp.dir, 'records.txt')
    fs.writeFileSync(file, '{"a":1}\n')
    const sink = { record: () => undefined, finding: () => undefined }
    await expect(readDataset(fileSource(file), sink)).rejects.toThrow(`Can't tell the format of ${file} from its name; pass options.format.`)
    const { summary } = await readPath(file, { format: 'jsonl' })
    expect(summary).toMatchObject({ format: 'jsonl', records: 1 })
  })

  it('reads from any ByteSource, not only files', async () => {
    const bytes = gzipSync('a,b\n1,2\n')
    const source = {
      path: 'remote/data.csv.gz',
      open: () => Readable.from([bytes.subarray(0, 5), bytes.subarray(5)]),
      localFile: () => Promise.reject(new Error('not needed for CSV'))
    }
    const records: unknown[] = []
    const summary = await readDataset(source, { record: (r) => records.push(r.fields), finding: () => undefined })
    expect(summary).toMatchObject({ format: 'csv', compressed: true, records: 1, columns: ['a', 'b'] })
    expect(records).toEqual([{ a: '1', b: '2' }])
  })

  it('spills nothing for Parquet from a source whose localFile fails: one unreadable finding', async () => {
    const bytes = Buffer.from(parquetWriteBuffer({ columnData: [{ name: 'a', data: [1], type: 'INT32' }] }))
    const source = { path: 'x.parquet', open: () => Readable.from([bytes]), localFile: () => Promise.reject(new Error('spill failed')) }
    const findings: string[] = []
    const summary = await readDataset(source, { record: () => undefined, finding: (f) => findings.push(f.message) })
    expect(summary.unreadable).toBe(true)
    expect(findings).toEqual(['The file could not be read (spill failed).'])
  })

  it('lets an error thrown by the sink through instead of calling the file unreadable', async () => {
    const file = path.join(temp.dir, 'sink.jsonl')
    fs.writeFileSync(file, '{"a":1}\n')
    const sink = {
      record: () => {
        throw new Error('sink bug')
      },
      finding: () => undefined
    }
    await expect(readDataset(fileSource(file), sink)).rejects.toThrow('sink bug')
  })

  itReal('reads GSM8K test.jsonl streamed in small odd-sized chunks exactly as from disk', async () => {
    const bytes = fs.readFileSync(real('grade-school-math/test.jsonl'))
    const chunks: Buffer[] = []
    for (let at = 0; at < bytes.length; at += 997) chunks.push(bytes.subarray(at, at + 997))
    const source = { path: 'test.jsonl', open: () => Readable.from(chunks), localFile: () => Promise.reject(new Error('unused')) }
    const streamed: unknown[] = []
    const summary = await readDataset(source, { record: (r) => streamed.push(r), finding: () => undefined })
    const fromDisk = await readPath(real('grade-school-math/test.jsonl'))
    expect(summary).toEqual(fromDisk.summary)
    expect(streamed).toEqual(fromDisk.records)
  })
})
