import { mkdtempSync, truncateSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import { rereadRecords, type RecordPlace } from '../../../src/engine/dedup/reread.js'
import { fileSource, readDataset } from '../../../src/engine/readers/index.js'
import type { ByteSource } from '../../../src/engine/readers/types.js'
import type { DatasetRecord, RecordFields } from '../../../src/engine/types.js'
import { bufferSource } from '../../../src/sources/memory.js'

const directory = mkdtempSync(join(tmpdir(), 'dedup-reread-'))

async function firstRead(source: ByteSource): Promise<DatasetRecord[]> {
  const records: DatasetRecord[] = []
  await readDataset(source, { record: (record) => records.push(record), finding: () => undefined })
  return records
}

async function fetch(source: ByteSource, wanted: RecordPlace[]): Promise<Array<[number, RecordFields]>> {
  const found: Array<[number, RecordFields]> = []
  await rereadRecords(source, {}, wanted, (position, fields) => found.push([position, fields]))
  return found
}

/** A JSONL text with a BOM, CRLF endings, blank lines, a bad line and long lines. */
function awkwardJsonl(): string {
  const lines = ['\ufeff{"n":0}']
  for (let n = 1; n < 400; n++) {
    if (n % 50 === 0) lines.push('')
    if (n % 77 === 0) lines.push('{not json')
    lines.push(JSON.stringify({ n, text: 'x'.repeat(n * 37) }))
  }
  return lines.join('\r\n') + '\r\n'
}

describe('rereadRecords', () => {
  it('fetches JSON Lines records by line, as the first read numbered them (BOM, CRLF, blank and bad lines)', async () => {
    const path = join(directory, 'awkward.jsonl')
    writeFileSync(path, awkwardJsonl())
    const source = fileSource(path, 'awkward.jsonl')
    const records = await firstRead(source)
    const wanted = [0, 1, 49, 50, 76, 77, 200, 399].map((i) => ({ index: records[i].index, line: records[i].line }))
    const found = await fetch(source, wanted)
    expect(found.map(([position, fields]) => [position, fields.n])).toEqual(wanted.map((_, position) => [position, [0, 1, 49, 50, 76, 77, 200, 399][position]]))
  })

  it('reads the lines where the first read placed them, and finds what counting lines finds', async () => {
    const path = join(directory, 'placed.jsonl')
    writeFileSync(path, awkwardJsonl())
    const source = fileSource(path, 'placed.jsonl')
    const records = await firstRead(source)
    expect(records.every((record) => record.offset !== undefined && record.bytes !== undefined)).toBe(true)
    // Lines side by side (read together), far apart (read alone), the first with its BOM, the last.
    const picks = [0, 1, 2, 49, 50, 51, 76, 77, 150, 151, 398, 399]
    const placed = picks.map((i) => ({ index: records[i].index, line: records[i].line, offset: records[i].offset, bytes: records[i].bytes }))
    const counted = placed.map(({ index, line }) => ({ index, line }))
    const byPlace = await fetch(source, placed)
    expect(byPlace).toEqual(await fetch(source, counted))
    expect(byPlace.map(([, fields]) => fields.n)).toEqual(picks)
    // Every record at once: spans of many lines, the longest read cut at its limit.
    const all = records.map(({ index, line, offset, bytes }) => ({ index, line, offset, bytes }))
    expect((await fetch(source, all)).map(([, fields]) => fields.n)).toEqual(records.map((record) => record.fields.n))
  })

  it('skips a placed line that is no longer in the file, and keeps the ones before it', async () => {
    const path = join(directory, 'shrunk.jsonl')
    writeFileSync(path, awkwardJsonl())
    const source = fileSource(path, 'shrunk.jsonl')
    const records = await firstRead(source)
    const last = records[records.length - 1]
    truncateSync(path, last.offset! + 5)
    const wanted = [records[10], last].map(({ index, line, offset, bytes }) => ({ index, line, offset, bytes }))
    expect((await fetch(source, wanted)).map(([position, fields]) => [position, fields.n])).toEqual([[0, 10]])
  })

  it('reads gzip-compressed JSON Lines too', async () => {
    const path = join(directory, 'awkward.jsonl.gz')
    writeFileSync(path, gzipSync(awkwardJsonl()))
    const source = fileSource(path, 'awkward.jsonl.gz')
    const records = await firstRead(source)
    const found = await fetch(source, [{ index: 300, line: records[300].line }])
    expect(found.map(([, fields]) => fields.n)).toEqual([300])
  })

  it('reads other formats again in full and picks the wanted indices', async () => {
    const source = bufferSource('data.json', JSON.stringify([{ a: 1 }, { a: 2 }, { a: 3 }]))
    const found = await fetch(source, [
      { index: 0, line: 1 },
      { index: 2, line: 1 }
    ])
    expect(found).toEqual([
      [0, { a: 1 }],
      [1, { a: 3 }]
    ])
  })

  it('visits every record when asked, besides the wanted ones', async () => {
    const source = bufferSource('data.csv', 'a,b\n1,x\n2,y\n')
    const all: number[] = []
    const wanted: Array<[number, RecordFields]> = []
    await rereadRecords(source, {}, [{ index: 1, line: 3 }], (position, fields) => wanted.push([position, fields]), (record) => all.push(record.index))
    expect(all).toEqual([0, 1])
    expect(wanted).toEqual([[0, { a: '2', b: 'y' }]])
  })
})
