import fs from 'node:fs'
import { ReadContext } from '../../../src/engine/readers/context.js'
import { readJson } from '../../../src/engine/readers/json.js'
import type { DatasetRecord, Finding } from '../../../src/engine/types.js'
import { itReal, lineOf, makeTempDir, readContent, readPath, real } from './helpers.js'

const temp = makeTempDir()
afterAll(() => temp.cleanup())

/** The 1-based lines that are exactly `prefix` (where a pretty-printer puts each element's `{`). */
function linesEqualTo(text: string, prefix: string): number[] {
  return text
    .split('\n')
    .map((line, i) => (line === prefix ? i + 1 : 0))
    .filter((line) => line > 0)
}

/** Feeds `text` to readJson in chunks of `size` bytes. */
async function readInChunks(text: string | Buffer, size: number, recordsPath?: string) {
  const bytes = typeof text === 'string' ? Buffer.from(text) : text
  const records: DatasetRecord[] = []
  const findings: Finding[] = []
  const context = new ReadContext('x.json', { record: (r) => records.push(r), finding: (f) => findings.push(f) })
  async function* chunks(): AsyncGenerator<Buffer> {
    for (let at = 0; at < bytes.length; at += size) yield bytes.subarray(at, at + size)
  }
  const outcome = await readJson(chunks(), context, recordsPath)
  return { outcome, records, findings, skipped: context.skipped }
}

describe('JSON reader on real files', () => {
  itReal('reads the 427 MBPP records of a pretty-printed array, each at the line where its { is', async () => {
    const file = real('mbpp/sanitized-mbpp.json')
    const text = fs.readFileSync(file, 'utf8')
    const { records, findings, summary } = await readPath(file)
    expect(summary).toEqual({ format: 'json', compressed: false, records: 427, skipped: 0, lfsPointer: false, unreadable: false })
    expect(findings).toEqual([])
    const starts = linesEqualTo(text, '  {')
    expect(starts).toHaveLength(427)
    expect(records.map((r) => r.line)).toEqual(starts)
    expect(records.map((r) => r.fields)).toEqual(JSON.parse(text))
  })

  itReal('reads the 817 TruthfulQA validation records with nested objects and their lines', async () => {
    const file = real('truthfulqa-multi/truthfulqa_en_validation.json')
    const text = fs.readFileSync(file, 'utf8')
    const { records, summary } = await readPath(file)
    expect(summary.records).toBe(817)
    expect(records.map((r) => r.line)).toEqual(linesEqualTo(text, '    {'))
    expect(records.map((r) => r.fields)).toEqual(JSON.parse(text))
  })

  itReal('reads the 7673 toolformer records, the one with the extra field included', async () => {
    const { records, summary, findings } = await readPath(real('AlpacaDataCleaned/toolformer-dedupe-only-dataset.json'))
    expect(summary.records).toBe(7673)
    expect(findings).toEqual([])
    const withExtra = records.filter((r) => 'example_input' in r.fields).map((r) => r.index)
    expect(withExtra).toEqual([4069])
  })

  itReal('reads the array held by a top-level object (presidio test vectors: "_about" then "cases")', async () => {
    const file = real('presidio/pii_test_vectors.json')
    const text = fs.readFileSync(file, 'utf8')
    const { records, summary } = await readPath(file)
    expect(summary.records).toBe(329)
    expect(records[0].line).toBe(lineOf(text, '\n  {') + 1)
    expect(records.map((r) => r.fields)).toEqual(JSON.parse(text).cases)
  })
})

describe('JSON reader structures', () => {
  it('uses recordsPath, else the first top-level field holding an array', async () => {
    const text = '{"meta": {"v": [1]}, "tags": ["x"], "data": [{"a": 1}, {"a": 2}]}'
    const first = await readContent(temp.dir, 'first.json', text)
    expect(first.records).toEqual([])
    expect(first.findings.map((f) => f.message)).toEqual(['The element at line 1 is valid JSON but a string, not an object.'])
    const chosen = await readContent(temp.dir, 'chosen.json', text, { recordsPath: 'data' })
    expect(chosen.records.map((r) => r.fields)).toEqual([{ a: 1 }, { a: 2 }])
    expect(chosen.findings).toEqual([])
    const missing = await readContent(temp.dir, 'missing.json', text, { recordsPath: 'rows' })
    expect(missing.records).toEqual([])
    expect(missing.findings).toMatchObject([
      { severity: 'error', line: 1, message: 'The top-level object has no field "rows" holding an array of records (recordsPath); no records were read.' }
    ])
  })

  it('reads a top-level object with no array in it as one record', async () => {
    const { records, summary } = await readContent(temp.dir, 'one.json', '\n{\n  "id": 7,\n  "meta": {"k": "v"}\n}\n')
    expect(records).toEqual([{ line: 2, index: 0, fields: { id: 7, meta: { k: 'v' } } }])
    expect(summary.format).toBe('json')
  })

  it('reads a .json file that holds JSON Lines as JSON Lines, chat records included', async () => {
    const chat = (text: string) => JSON.stringify({ messages: [{ role: 'user', content: text }, { role: 'assistant', content: 'ok' }] })
    const { records, findings, summary } = await readContent(temp.dir, 'chat.json', `${chat('a')}\n${chat('b')}\n\n${chat('c')}\n`)
    expect(summary.format).toBe('jsonl')
    expect(records.map((r) => [r.line, r.fields])).toEqual([
      [1, JSON.parse(chat('a'))],
      [2, JSON.parse(chat('b'))],
      [4, JSON.parse(chat('c'))]
    ])
    expect(findings).toMatchObject([{ severity: 'info', message: 'The file holds JSON Lines (one JSON value per line), not one JSON document; it is read as JSON Lines.' }])
  })

  it('reads a one-line JSON Lines .json whose first line is broken as JSON Lines', async () => {
    const { records, findings, summary } = await readContent(temp.dir, 'broken-first.json', '{"a": }\n{"a": 2}\n')
    expect(summary.format).toBe('jsonl')
    expect(records.map((r) => r.fields)).toEqual([{ a: 2 }])
    expect(findings.map((f) => [f.severity, f.line])).toEqual([
      ['info', undefined],
      ['error', 1]
    ])
  })

  it('reads a minified one-line array as one document', async () => {
    const { records, summary } = await readContent(temp.dir, 'minified.json', '[{"a":1},{"a":2},{"a":3}]\n')
    expect(summary.format).toBe('json')
    expect(records.map((r) => [r.line, r.fields.a])).toEqual([
      [1, 1],
      [1, 2],
      [1, 3]
    ])
  })

  it('reports a top-level value that is not an array or object', async () => {
    const { records, findings, summary } = await readContent(temp.dir, 'scalar.json', '  "just a string"\n')
    expect(records).toEqual([])
    expect(summary.skipped).toBe(1)
    expect(findings).toMatchObject([{ line: 1, message: 'The file holds a string, not an array or object of records.' }])
  })

  it('reads an empty array as no records, without findings', async () => {
    const { records, findings } = await readContent(temp.dir, 'empty-array.json', '[\n]\n')
    expect(records).toEqual([])
    expect(findings).toEqual([])
  })
})

describe('JSON reader on malformed documents', () => {
  it('reports a malformed element with its line and reads the elements after it', async () => {
    const text = '[\n  {"a": 1},\n  {\n    "a": 2,\n    "b": 3,\n  },\n  {"a": [1, 2}, \n  {"a": 4}\n]\n'
    const { records, findings, summary } = await readContent(temp.dir, 'bad-element.json', text)
    expect(records.map((r) => [r.line, r.index, r.fields])).toEqual([
      [2, 0, { a: 1 }],
      [8, 1, { a: 4 }]
    ])
    expect(summary.skipped).toBe(2)
    expect(findings.map((f) => f.line)).toEqual([3, 7])
    expect(findings[0].message).toMatch(/^The element at line 3 is not valid JSON: .+ \(line 6\)$/)
    expect(findings[1].message).toMatch(/^The element at line 7 is not valid JSON: /)
    expect(findings[1].excerpt).toBe('{"a": [1, 2}')
  })

  it('reports elements that are not objects', async () => {
    const { records, findings, summary } = await readContent(temp.dir, 'mixed.json', '[{"a":1}, 2, "s", [3], null, {"a":2}]')
    expect(records.map((r) => r.fields)).toEqual([{ a: 1 }, { a: 2 }])
    expect(summary.skipped).toBe(4)
    expect(findings.map((f) => f.message)).toEqual([
      'The element at line 1 is valid JSON but a number, not an object.',
      'The element at line 1 is valid JSON but a string, not an object.',
      'The element at line 1 is valid JSON but an array, not an object.',
      'The element at line 1 is valid JSON but null, not an object.'
    ])
  })

  it('reports a missing comma and a trailing comma but keeps the elements', async () => {
    const { records, findings, summary } = await readContent(temp.dir, 'commas.json', '[\n{"a":1}\n{"a":2},\n{"a":3},\n]\n')
    expect(records.map((r) => r.fields.a)).toEqual([1, 2, 3])
    expect(summary.skipped).toBe(0)
    expect(findings.map((f) => [f.line, f.message])).toEqual([
      [3, "Missing ',' before the element that starts at line 3."],
      [5, "Trailing comma before the ']' at line 5."]
    ])
  })

  it('keeps what it read from an unterminated file and says where it ends', async () => {
    const { records, findings, summary } = await readContent(temp.dir, 'cut.json', '[\n  {"a": 1},\n  {"a": 2},\n  {"a": "thr')
    expect(records.map((r) => r.fields.a)).toEqual([1, 2])
    expect(summary).toMatchObject({ records: 2, skipped: 1, unreadable: false })
    expect(findings).toMatchObject([
      { line: 4, message: 'The JSON is unterminated: the file ends inside the element that starts at line 4. The 2 records before it were read.' }
    ])
  })

  it('reports content after the end of the document', async () => {
    const { records, findings } = await readContent(temp.dir, 'extra.json', '[\n{"a":1}\n]\n]\n')
    expect(records).toHaveLength(1)
    expect(findings.map((f) => [f.line, f.message])).toEqual([
      [4, 'Unexpected content at line 4, after the end of the JSON value that starts at line 1; the rest of the file is not read.']
    ])
  })

  it('skips an element with invalid UTF-8, with a finding', async () => {
    const bytes = Buffer.concat([Buffer.from('[\n{"t": "a"},\n{"t": "'), Buffer.from([0xe2, 0x28, 0xa1]), Buffer.from('"},\n{"t": "c"}\n]')])
    const { records, findings, summary } = await readContent(temp.dir, 'utf8.json', bytes)
    expect(records.map((r) => [r.line, r.fields.t])).toEqual([
      [2, 'a'],
      [4, 'c']
    ])
    expect(summary.skipped).toBe(1)
    expect(findings).toMatchObject([{ line: 3, message: 'The element at line 3 is not valid UTF-8; it is skipped.' }])
  })

  it('is not fooled by brackets, quotes and backslashes inside strings', async () => {
    const tricky = { s: 'a ] } [ { , " \\ \\" end', t: '\\', u: '"' }
    const text = `[${JSON.stringify(tricky)},\n${JSON.stringify(tricky)}]`
    const { records, findings } = await readContent(temp.dir, 'tricky.json', text)
    expect(findings).toEqual([])
    expect(records.map((r) => [r.line, r.fields])).toEqual([
      [1, tricky],
      [2, tricky]
    ])
  })

  it('gives the same result whatever the chunk boundaries', async () => {
    const text =
      '\ufeff{\r\n "about": "x [ ] { }",\r\n "rows": [\r\n  {"a": "ü€"},\r\n  {"a": [1, {"b": "\\"]"}]},\r\n  {"a": },\r\n  7,\r\n  {"a": 3}\r\n ],\r\n "more": [1]\r\n}\r\n'
    const whole = await readInChunks(text, 1 << 20)
    expect(whole.outcome).toBe('document')
    expect(whole.records.map((r) => [r.line, r.fields])).toEqual([
      [4, { a: 'ü€' }],
      [5, { a: [1, { b: '"]' }] }],
      [8, { a: 3 }]
    ])
    expect(whole.findings.map((f) => f.line)).toEqual([6, 7])
    for (const size of [1, 2, 3, 5, 11]) {
      expect(await readInChunks(text, size)).toEqual(whole)
    }
  })
})
