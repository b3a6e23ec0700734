import fs from 'node:fs'
import { parse } from 'csv-parse/sync'
import { ReadContext } from '../../../src/engine/readers/context.js'
import { readCsv } from '../../../src/engine/readers/csv.js'
import type { DatasetRecord, Finding } from '../../../src/engine/types.js'
import { itReal, lineOf, makeTempDir, readContent, readPath, real } from './helpers.js'

const temp = makeTempDir()
afterAll(() => temp.cleanup())

/** Feeds `bytes` to readCsv in chunks of `size` bytes. */
async function readInChunks(text: string | Buffer, size: number, maxRowBytes?: number) {
  const bytes = typeof text === 'string' ? Buffer.from(text) : text
  const records: DatasetRecord[] = []
  const findings: Finding[] = []
  const context = new ReadContext('x.csv', { record: (r) => records.push(r), finding: (f) => findings.push(f) })
  async function* chunks(): AsyncGenerator<Buffer> {
    for (let at = 0; at < bytes.length; at += size) yield bytes.subarray(at, at + size)
  }
  await readCsv(chunks(), context, ',', maxRowBytes)
  return { records, findings, skipped: context.skipped, columns: context.columns }
}

describe('CSV reader on real TruthfulQA files (multi-line cells, CRLF rows, LF inside cells)', () => {
  /** Checks every record against the file: its line is where its id starts a line, its values are csv-parse's whole-file parse. */
  function expectMatchesFile(file: string, records: DatasetRecord[], columns: string[]): void {
    const text = fs.readFileSync(file, 'utf8')
    const fileLines = text.split('\n')
    const rows: string[][] = parse(text, { relax_quotes: true })
    expect(records).toHaveLength(rows.length - 1)
    for (const [i, record] of records.entries()) {
      expect(fileLines[record.line - 1].startsWith(`${String(record.fields.id)},`)).toBe(true)
      expect(Object.values(record.fields)).toEqual(rows[i + 1])
    }
    expect(Object.keys(records[0].fields)).toEqual(columns)
  }

  itReal('es.before.csv: 300 rows at their first lines, the 2 empty labels kept as ""', async () => {
    const file = real('truthfulqa-multi/es.before.csv')
    const { records, findings, summary } = await readPath(file)
    expect(summary).toMatchObject({ format: 'csv', records: 300, skipped: 0, unreadable: false })
    expect(summary.columns).toEqual(['id', 'question', 'correct_answers', 'incorrect_answers', 'model_answer', 'truthfulness', 'informativeness', 'changed', 'antes'])
    expect(findings).toEqual([])
    expectMatchesFile(file, records, summary.columns ?? [])
    expect(records.slice(0, 3).map((r) => r.line)).toEqual([2, 9, 14])
    expect(records.filter((r) => r.fields.truthfulness === '').map((r) => [r.line, r.fields.id])).toEqual([
      [1818, '545__Meta-Llama-3-70B-Instruct'],
      [1826, '545__Meta-Llama-3-8B-Instruct']
    ])
    // A cell that spans lines keeps its line feeds.
    expect(records[0].fields.incorrect_answers).toBe('Barack Obama tiene 47 años.\nBarack Obama tiene 44 años.\nBarack Obama tiene 58 años.\nBarack Obama tiene 48 años.')
  })

  itReal('en.before.csv: names the trailing empty header column and says so once', async () => {
    const file = real('truthfulqa-multi/en.before.csv')
    const { records, findings, summary } = await readPath(file)
    expect(summary.records).toBe(300)
    expect(summary.columns).toEqual(['id', 'question', 'correct_answers', 'incorrect_answers', 'model_answer', 'truthfulness', 'informativeness', '_column8'])
    expect(findings).toEqual([
      {
        check: 'parse',
        dimension: 'accuracy',
        severity: 'info',
        file: 'en.before.csv',
        line: 1,
        message: 'The header names some columns more than once or not at all: column 8 has no name and is read as "_column8".'
      }
    ])
    expectMatchesFile(file, records, summary.columns ?? [])
    expect(records.filter((r) => r.fields.truthfulness === '').map((r) => r.line)).toEqual([399, 969, 977, 1883, 2149])
    const text = fs.readFileSync(file, 'utf8')
    expect(records[299]).toMatchObject({ line: lineOf(text, '\n814__Meta-Llama-3-8B-Instruct,') + 1, fields: { id: '814__Meta-Llama-3-8B-Instruct', _column8: '' } })
  })

  itReal('en.after.csv: the header gains changed,antes; embedded "" quotes are unescaped', async () => {
    const file = real('truthfulqa-multi/en.after.csv')
    const { records, findings, summary } = await readPath(file)
    expect(summary.records).toBe(300)
    expect(summary.columns?.slice(-2)).toEqual(['changed', 'antes'])
    expect(findings).toEqual([])
    expectMatchesFile(file, records, summary.columns ?? [])
    expect(records.filter((r) => r.fields.changed === 'cambiado')).toHaveLength(103)
    expect(records.some((r) => String(r.fields.model_answer).includes('"'))).toBe(true)
  })
})

describe('CSV reader on edge cases', () => {
  it('handles a BOM, CRLF, quoted multi-line cells, "" and blank lines, with each row at its first line', async () => {
    const text = '\ufeffid,text,n\r\n1,"two\r\nlines",x\r\n\r\n2,"say ""hi""",\r\n3,"a\nb\nc",z'
    const { records, findings, summary } = await readContent(temp.dir, 'mixed.csv', text)
    expect(findings).toEqual([])
    expect(summary.columns).toEqual(['id', 'text', 'n'])
    expect(records).toEqual([
      { line: 2, index: 0, fields: { id: '1', text: 'two\r\nlines', n: 'x' } },
      { line: 5, index: 1, fields: { id: '2', text: 'say "hi"', n: '' } },
      { line: 6, index: 2, fields: { id: '3', text: 'a\nb\nc', n: 'z' } }
    ])
  })

  it('skips a ragged row with a finding and counts it', async () => {
    const { records, findings, summary } = await readContent(temp.dir, 'ragged.csv', 'a,b,c\n1,2,3\n4,5\n"6\n",7,8,9\n10,11,12\n')
    expect(records.map((r) => [r.line, r.fields.a])).toEqual([
      [2, '1'],
      [6, '10']
    ])
    expect(summary).toMatchObject({ records: 2, skipped: 2 })
    expect(findings.map((f) => [f.line, f.message, f.excerpt])).toEqual([
      [3, 'The row at line 3 has 2 fields but the header has 3; the row is skipped.', '4,5'],
      [4, 'The row at line 4 has 4 fields but the header has 3; the row is skipped.', '6\n,7,8,9']
    ])
  })

  it('names duplicate and empty header names without losing a column', async () => {
    const { records, findings, summary } = await readContent(temp.dir, 'dupes.csv', 'x,,x,_column2,x\n1,2,3,4,5\n')
    expect(summary.columns).toEqual(['x', '_column2_2', 'x_2', '_column2', 'x_3'])
    expect(records[0].fields).toEqual({ x: '1', _column2_2: '2', x_2: '3', _column2: '4', x_3: '5' })
    expect(findings).toHaveLength(1)
    expect(findings[0].message).toBe(
      'The header names some columns more than once or not at all: column 2 has no name and is read as "_column2_2"; ' +
        'column 3 repeats the name "x" and is read as "x_2"; column 5 repeats the name "x" and is read as "x_3".'
    )
  })

  it('keeps a __proto__ column as an ordinary field', async () => {
    const { records } = await readContent(temp.dir, 'proto.csv', '__proto__,b\n1,2\n')
    expect(Object.keys(records[0].fields)).toEqual(['__proto__', 'b'])
    expect(Object.getPrototypeOf(records[0].fields)).toBe(Object.prototype)
  })

  it('reads TSV with a tab delimiter, and CSV with a delimiter from the options', async () => {
    const tsv = await readContent(temp.dir, 'data.tsv', 'a\tb\nx, y\t"q\tr"\n')
    expect(tsv.summary.format).toBe('tsv')
    expect(tsv.records.map((r) => r.fields)).toEqual([{ a: 'x, y', b: 'q\tr' }])
    const semicolon = await readContent(temp.dir, 'semi.csv', 'a;b\n1,5;2\n', { delimiter: ';' })
    expect(semicolon.records.map((r) => r.fields)).toEqual([{ a: '1,5', b: '2' }])
  })

  it('reports invalid UTF-8 on its line and keeps the row', async () => {
    const bytes = Buffer.concat([Buffer.from('a,b\n1,"x\n'), Buffer.from([0xc3, 0x28]), Buffer.from('"\n2,y\n')])
    const { records, findings, summary } = await readContent(temp.dir, 'utf8.csv', bytes)
    expect(records.map((r) => [r.line, r.fields.a, r.fields.b])).toEqual([
      [2, '1', 'x\n\ufffd('],
      [4, '2', 'y']
    ])
    expect(summary.skipped).toBe(0)
    expect(findings).toMatchObject([{ severity: 'error', line: 3, message: 'Line 3 is not valid UTF-8 (the bad bytes read as U+FFFD); the row at line 2 is kept.' }])
  })

  it('reports a quote that is never closed at the row where it opens, keeping the rows before', async () => {
    const { records, findings, summary } = await readContent(temp.dir, 'unclosed.csv', 'a,b\n1,2\n\n3,"never closed\n4,5\n')
    expect(records.map((r) => r.line)).toEqual([2])
    expect(summary.skipped).toBe(1)
    expect(findings).toMatchObject([
      { line: 4, message: "The row at line 4 opens a quote that is never closed, so the rest of the file from line 4 can't be split into rows; it is skipped." }
    ])
  })

  it('stops at a row longer than the limit instead of buffering the rest of the file', async () => {
    const text = `a,b\n1,2\n3,4\n5,"${'x'.repeat(5000)}\n6,7\n`
    const { records, findings, skipped } = await readInChunks(text, 100, 1024)
    expect(records.map((r) => r.line)).toEqual([2, 3])
    expect(skipped).toBe(1)
    expect(findings.map((f) => [f.line, f.message])).toEqual([[4, 'The row at line 4 is longer than 1 KiB (a quote that is never closed?); reading stopped there.']])
  })

  it('reads a header-only file as no records with its columns', async () => {
    const { records, findings, summary } = await readContent(temp.dir, 'header.csv', 'a,b\r\n')
    expect(records).toEqual([])
    expect(findings).toEqual([])
    expect(summary.columns).toEqual(['a', 'b'])
  })

  it('gives the same lines and values whatever the chunk boundaries', async () => {
    const text = '\ufeffid,text\r\n1,"ü\r\n€"\r\n\r\n2,"x ""y"""\r\n3,z\r\n'
    const whole = await readInChunks(text, 1 << 20)
    expect(whole.records.map((r) => [r.line, r.fields.text])).toEqual([
      [2, 'ü\r\n€'],
      [5, 'x "y"'],
      [6, 'z']
    ])
    for (const size of [1, 2, 3, 7]) {
      expect(await readInChunks(text, size)).toEqual(whole)
    }
  })
})
