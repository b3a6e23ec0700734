import { mkdtempSync, writeFileSync } from 'node:fs'
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
