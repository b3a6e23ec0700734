import { createHash } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { gzipSync } from 'node:zlib'
import { parquetMetadata } from 'hyparquet'
import { parquetWriteBuffer } from 'hyparquet-writer'
import { toFieldValue } from '../../../src/engine/readers/parquet.js'
import { makeTempDir, readContent, readPath } from './helpers.js'

const temp = makeTempDir()
afterAll(() => temp.cleanup())

const ROWS = 10
const longBytes = new Uint8Array(2000).fill(7)

/** A 10-row Parquet file in row groups of 4, 4 and 2 rows, with one column of each common type. */
function writeSample(rowGroupSize = 4): Buffer {
  const arrayBuffer = parquetWriteBuffer({
    columnData: [
      { name: 'id', data: Array.from({ length: ROWS }, (_, i) => i + 1), type: 'INT32' },
      { name: 'text', data: Array.from({ length: ROWS }, (_, i) => (i === 3 ? null : `row ${i + 1} ü`)), type: 'STRING' },
      { name: 'big', data: Array.from({ length: ROWS }, (_, i) => (i === 0 ? 9007199254740993n : BigInt(-i))), type: 'INT64' },
      { name: 'score', data: Array.from({ length: ROWS }, (_, i) => (i === 1 ? Number.NaN : i / 2)), type: 'DOUBLE' },
      { name: 'ok', data: Array.from({ length: ROWS }, (_, i) => i % 2 === 0), type: 'BOOLEAN' },
      { name: 'at', data: Array.from({ length: ROWS }, (_, i) => new Date(Date.UTC(2024, 0, i + 1))), type: 'TIMESTAMP' },
      { name: 'blob', data: Array.from({ length: ROWS }, (_, i) => (i === 0 ? new Uint8Array([1, 2, 3]) : i === 1 ? longBytes : null)), type: 'BYTE_ARRAY' },
      { name: 'meta', data: Array.from({ length: ROWS }, (_, i) => ({ tags: ['a', String(i)], n: i })), type: 'JSON' }
    ],
    rowGroupSize
  })
  return Buffer.from(arrayBuffer)
}

describe('Parquet reader', () => {
  it('reads every row of several row groups, with row numbers as lines and the schema as columns', async () => {
    const bytes = writeSample()
    expect(parquetMetadata(bytes).row_groups.map((g) => Number(g.num_rows))).toEqual([4, 4, 2])
    const { records, findings, summary } = await readContent(temp.dir, 'sample.parquet', bytes)
    expect(findings).toEqual([])
    expect(summary).toEqual({
      format: 'parquet',
      compressed: false,
      records: 10,
      skipped: 0,
      lfsPointer: false,
      unreadable: false,
      columns: ['id', 'text', 'big', 'score', 'ok', 'at', 'blob', 'meta']
    })
    expect(records.map((r) => [r.line, r.index, r.fields.id])).toEqual(Array.from({ length: ROWS }, (_, i) => [i + 1, i, i + 1]))
    expect(records[0].fields).toEqual({
      id: 1,
      text: 'row 1 ü',
      big: '9007199254740993',
      score: 0,
      ok: true,
      at: '2024-01-01T00:00:00.000Z',
      blob: 'AQID',
      meta: { tags: ['a', '0'], n: 0 }
    })
    expect(records[1].fields).toMatchObject({ big: -1, score: 'NaN', ok: false, blob: `<2000 bytes, sha256 ${createHash('sha256').update(longBytes).digest('hex')}>` })
    expect(records[3].fields).toMatchObject({ text: null, blob: null })
    // Everything is plain JSON data.
    expect(JSON.parse(JSON.stringify(records))).toEqual(records)
  })

  it('reads a gzipped Parquet file the same as the plain one', async () => {
    const plain = await readContent(temp.dir, 'plain.parquet', writeSample())
    const gz = await readContent(temp.dir, 'zipped.parquet.gz', gzipSync(writeSample()))
    expect(gz.summary).toEqual({ ...plain.summary, compressed: true })
    expect(gz.records).toEqual(plain.records)
  })

  it('reports a truncated Parquet file as unreadable, without throwing', async () => {
    const bytes = writeSample()
    const { records, findings, summary } = await readContent(temp.dir, 'truncated.parquet', bytes.subarray(0, bytes.length - 20))
    expect(records).toEqual([])
    expect(summary).toMatchObject({ records: 0, unreadable: true })
    expect(findings).toHaveLength(1)
    expect(findings[0]).toMatchObject({ check: 'parse', severity: 'error', file: 'truncated.parquet' })
    expect(findings[0].message).toMatch(/^The file is not a readable Parquet file \(.+\)\.$/)
    expect(findings[0].line).toBeUndefined()
  })

  it('reports binary junk named .parquet as unreadable', async () => {
    const { findings, summary } = await readContent(temp.dir, 'junk.parquet', Buffer.from('this is not parquet at all, just text'))
    expect(summary.unreadable).toBe(true)
    expect(findings).toHaveLength(1)
  })

  it('skips a row group that cannot be decoded with one finding and reads the others', async () => {
    const bytes = writeSample()
    const metadata = parquetMetadata(bytes)
    const chunk = metadata.row_groups[1].columns[0].meta_data
    if (chunk === undefined) throw new Error('no column metadata')
    const start = Number(chunk.data_page_offset)
    bytes.fill(0xff, start, start + Number(chunk.total_compressed_size))
    const { records, findings, summary } = await readContent(temp.dir, 'corrupt-group.parquet', bytes)
    expect(records.map((r) => r.line)).toEqual([1, 2, 3, 4, 9, 10])
    expect(summary).toMatchObject({ records: 6, skipped: 4, unreadable: false })
    expect(findings).toHaveLength(1)
    expect(findings[0].line).toBe(5)
    expect(findings[0].message).toMatch(/^Row group 2 \(rows 5–8\) could not be decoded and is skipped: /)
  })

  it('reports an empty .parquet file as empty, not as a crash', async () => {
    const { records, findings, summary } = await readContent(temp.dir, 'empty.parquet', Buffer.alloc(0))
    expect(records).toEqual([])
    expect(summary.unreadable).toBe(false)
    expect(findings).toMatchObject([{ severity: 'info', message: 'The file is empty: no records.' }])
  })

  it('reads a Parquet file given by a repository path, with findings naming that path', async () => {
    const file = path.join(temp.dir, 'on-disk.parquet')
    fs.writeFileSync(file, gzipSync(Buffer.from('not parquet')))
    const { findings } = await readPath(file, undefined, 'data/train.parquet')
    expect(findings.map((f) => f.file)).toEqual(['data/train.parquet'])
  })
})

describe('toFieldValue', () => {
  it('turns decoded Parquet values into JSON data', () => {
    expect(toFieldValue(12n)).toBe(12)
    expect(toFieldValue(-(2n ** 60n))).toBe('-1152921504606846976')
    expect(toFieldValue(Number.POSITIVE_INFINITY)).toBe('Infinity')
    expect(toFieldValue(undefined)).toBeNull()
    expect(toFieldValue(new Date(Number.NaN))).toBeNull()
    expect(toFieldValue(new Float32Array([1.5, 2]))).toEqual([1.5, 2])
    expect(toFieldValue(new BigInt64Array([3n]))).toEqual([3])
    expect(toFieldValue(new Map<unknown, unknown>([[1, { x: 2n }]]))).toEqual({ '1': { x: 2 } })
    expect(toFieldValue([new Date(0), null])).toEqual(['1970-01-01T00:00:00.000Z', null])
  })
})
