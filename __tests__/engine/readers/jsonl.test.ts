import fs from 'node:fs'
import { ReadContext } from '../../../src/engine/readers/context.js'
import { readJsonl } from '../../../src/engine/readers/jsonl.js'
import type { DatasetRecord, Finding } from '../../../src/engine/types.js'
import { itReal, makeTempDir, readContent, readPath, real } from './helpers.js'

const temp = makeTempDir()
afterAll(() => temp.cleanup())

/** The records of a JSON Lines text as an independent oracle: split on \n, JSON.parse each line. */
function oracle(text: string): { line: number; fields: unknown }[] {
  return text
    .split('\n')
    .map((line, i) => ({ line: i + 1, text: line }))
    .filter((entry) => entry.text.trim() !== '')
    .map((entry) => ({ line: entry.line, fields: JSON.parse(entry.text) }))
}

/** Feeds `bytes` to readJsonl in chunks of `size` bytes. */
async function readInChunks(bytes: Buffer, size: number, places = false): Promise<{ records: DatasetRecord[]; findings: Finding[]; skipped: number }> {
  const records: DatasetRecord[] = []
  const findings: Finding[] = []
  const context = new ReadContext('x.jsonl', { record: (r) => records.push(r), finding: (f) => findings.push(f) })
  async function* chunks(): AsyncGenerator<Buffer> {
    for (let at = 0; at < bytes.length; at += size) yield bytes.subarray(at, at + size)
  }
  await readJsonl(chunks(), context, { places })
  return { records, findings, skipped: context.skipped }
}

describe('JSON Lines reader on real files', () => {
  itReal('reads all 1319 GSM8K test records with their lines and fields', async () => {
    const text = fs.readFileSync(real('grade-school-math/test.jsonl'), 'utf8')
    const { records, findings, summary } = await readPath(real('grade-school-math/test.jsonl'))
    expect(summary).toEqual({ format: 'jsonl', compressed: false, records: 1319, skipped: 0, lfsPointer: false, unreadable: false })
    expect(findings).toEqual([])
    expect(records.map((r) => ({ line: r.line, fields: r.fields }))).toEqual(oracle(text))
    expect(records.map((r) => r.index)).toEqual([...Array(1319).keys()])
  })

  itReal('reads all 7473 GSM8K train records', async () => {
    const { records, summary } = await readPath(real('grade-school-math/train.jsonl'))
    expect(summary.records).toBe(7473)
    expect(records[7472].line).toBe(7473)
    expect(Object.keys(records[0].fields)).toEqual(['question', 'answer'])
    expect(String(records[7472].fields.answer)).toMatch(/#### \d+$/)
  })

  itReal.each(['user_oriented_instructions.jsonl', 'davinci_predictions.jsonl', 'text-davinci-003_predictions.jsonl'])(
    'reads the 252 records of self-instruct/%s exactly',
    async (name) => {
      const file = real(`self-instruct/${name}`)
      const { records, findings, summary } = await readPath(file)
      expect(summary.records).toBe(252)
      expect(findings).toEqual([])
      expect(records.map((r) => ({ line: r.line, fields: r.fields }))).toEqual(oracle(fs.readFileSync(file, 'utf8')))
    }
  )

  itReal('reads HumanEval.jsonl.gz as the same 164 records as the gunzipped HumanEval.jsonl', async () => {
    const gz = await readPath(real('human-eval/HumanEval.jsonl.gz'))
    const plain = await readPath(real('human-eval/HumanEval.jsonl'))
    expect(gz.summary).toEqual({ format: 'jsonl', compressed: true, records: 164, skipped: 0, lfsPointer: false, unreadable: false })
    expect(plain.summary.compressed).toBe(false)
    expect(gz.records).toEqual(plain.records.map(({ offset: _offset, bytes: _bytes, ...record }) => record))
    expect(gz.records[163].fields.task_id).toBe('HumanEval/163')
  })
})

describe('JSON Lines reader on edge cases', () => {
  it('reports a malformed line with its line number and keeps reading the records after it', async () => {
    const { records, findings, summary } = await readContent(temp.dir, 'bad.jsonl', '{"a":1}\n{"a":2}\n{"a": 3,,}\n{"a":4}\n{"a":5}\n')
    expect(records.map((r) => [r.line, r.index, r.fields.a])).toEqual([
      [1, 0, 1],
      [2, 1, 2],
      [4, 2, 4],
      [5, 3, 5]
    ])
    expect(summary.records).toBe(4)
    expect(summary.skipped).toBe(1)
    expect(findings).toHaveLength(1)
    expect(findings[0]).toMatchObject({ check: 'parse', dimension: 'accuracy', severity: 'error', file: 'bad.jsonl', line: 3, excerpt: '{"a": 3,,}' })
    // The message carries JSON.parse's own explanation.
    let parseMessage = ''
    try {
      JSON.parse('{"a": 3,,}')
    } catch (error) {
      parseMessage = error instanceof Error ? error.message : ''
    }
    expect(findings[0].message).toBe(`Line 3 is not valid JSON: ${parseMessage}`)
  })

  it('reports lines that are valid JSON but not objects, naming the type', async () => {
    const { records, findings, summary } = await readContent(temp.dir, 'types.jsonl', '[1,2]\n"x"\n{"ok":true}\nnull\n42\n')
    expect(records.map((r) => r.line)).toEqual([3])
    expect(summary.skipped).toBe(4)
    expect(findings.map((f) => [f.line, f.message])).toEqual([
      [1, 'Line 1 is valid JSON but an array, not an object.'],
      [2, 'Line 2 is valid JSON but a string, not an object.'],
      [4, 'Line 4 is valid JSON but null, not an object.'],
      [5, 'Line 5 is valid JSON but a number, not an object.']
    ])
  })

  it('skips a line with invalid UTF-8 with a finding, and reads the valid lines around it', async () => {
    const bytes = Buffer.concat([Buffer.from('{"t":"é"}\n{"t":"'), Buffer.from([0xff, 0xfe]), Buffer.from('"}\n{"t":"ok"}\n')])
    const { records, findings, summary } = await readContent(temp.dir, 'utf8.jsonl', bytes)
    expect(records.map((r) => [r.line, r.fields.t])).toEqual([
      [1, 'é'],
      [3, 'ok']
    ])
    expect(summary.skipped).toBe(1)
    expect(findings).toHaveLength(1)
    expect(findings[0]).toMatchObject({ line: 2, severity: 'error', message: 'Line 2 is not valid UTF-8; the line is skipped.' })
  })

  it('strips a BOM and CRLF line ends, and skips blank and whitespace-only lines without findings', async () => {
    const { records, findings, summary } = await readContent(temp.dir, 'bom.jsonl', '\ufeff{"a":1}\r\n\r\n   \r\n{"a":2}\r\n\n{"a":3}')
    expect(records.map((r) => [r.line, r.fields.a])).toEqual([
      [1, 1],
      [4, 2],
      [6, 3]
    ])
    expect(findings).toEqual([])
    expect(summary.skipped).toBe(0)
  })

  it('reads chat-format records as ordinary records', async () => {
    const chat = { messages: [{ role: 'user', content: 'Hi' }, { role: 'assistant', content: 'Hello!' }] }
    const line = JSON.stringify(chat)
    const { records } = await readContent(temp.dir, 'chat.jsonl', `${line}\n${line}\n`)
    expect(records).toEqual([
      { line: 1, index: 0, fields: chat, offset: 0, bytes: line.length },
      { line: 2, index: 1, fields: chat, offset: line.length + 1, bytes: line.length }
    ])
  })

  it('reads files past the trial lines alike, whether most of their bytes are nested (JSON.parse alone from then) or not (the flat scan)', async () => {
    const lines = (make: (i: number) => unknown): string =>
      Array.from({ length: 600 }, (_, i) => (i === 400 ? '{"broken": [1,}' : JSON.stringify(make(i)))).join('\n') + '\n'
    const nested = lines((i) => ({ messages: [{ role: 'user', content: `question ${i} ${'x'.repeat(i % 50)}` }, { role: 'assistant', content: `an answer é ${i}` }] }))
    const flat = lines((i) => ({ id: i, text: `text ${i} "quoted" ü`, score: i / 7, tags: ['a'] }))
    for (const [name, text] of [['nested.jsonl', nested], ['flat.jsonl', flat]]) {
      const { records, findings } = await readContent(temp.dir, name, text)
      const expected = text.split('\n').map((line, i) => ({ line: i + 1, text: line })).filter((entry) => entry.text !== '' && entry.line !== 401)
      expect(records.map((r) => ({ line: r.line, fields: r.fields }))).toEqual(expected.map((entry) => ({ line: entry.line, fields: JSON.parse(entry.text) })))
      expect(findings.map((f) => [f.line, f.message.slice(0, 27)])).toEqual([[401, 'Line 401 is not valid JSON:']])
    }
  })

  it('gives the same result whatever the chunk boundaries (lines and multi-byte characters split across chunks)', async () => {
    const bytes = Buffer.concat([
      Buffer.from('\ufeff{"a":"ünï"}\r\n{"b":[1,2]}\n\nnot json\n'),
      Buffer.from([0xc3, 0x0a]), // a lone lead byte: invalid UTF-8 on line 5
      Buffer.from('{"c":"€"}') // no line feed at the end
    ])
    const whole = await readInChunks(bytes, bytes.length)
    expect(whole.records.map((r) => [r.line, r.fields])).toEqual([
      [1, { a: 'ünï' }],
      [2, { b: [1, 2] }],
      [6, { c: '€' }]
    ])
    expect(whole.findings.map((f) => [f.line, f.message.split(':')[0]])).toEqual([
      [4, 'Line 4 is not valid JSON'],
      [5, 'Line 5 is not valid UTF-8; the line is skipped.']
    ])
    for (const size of [1, 2, 3, 5, 7, 64]) {
      expect(await readInChunks(bytes, size)).toEqual(whole)
    }
  })

  it('gives each record the place of its line in the bytes, whatever the chunk boundaries', async () => {
    const bytes = Buffer.from('\ufeff{"a":"ünï"}\r\n{"b":[1,2]}\n\nnot json\n{"c":"€"}')
    const whole = await readInChunks(bytes, bytes.length, true)
    // The line's own bytes, from its start to its line feed: a byte-order mark and a carriage return included.
    const lineAt = (record: DatasetRecord): string => bytes.toString('utf8', record.offset!, record.offset! + record.bytes!)
    expect(whole.records.map(lineAt)).toEqual(['\ufeff{"a":"ünï"}\r', '{"b":[1,2]}', '{"c":"€"}'])
    for (const size of [1, 2, 3, 5, 7, 64]) {
      expect(await readInChunks(bytes, size, true)).toEqual(whole)
    }
    // Without places (a gunzipped stream), records have none.
    expect((await readInChunks(bytes, 5)).records.every((record) => record.offset === undefined && record.bytes === undefined)).toBe(true)
  })

  itReal('places every record of a real file on its line', async () => {
    const path = real('grade-school-math/test.jsonl')
    const bytes = fs.readFileSync(path)
    const { records } = await readPath(path)
    const lines = bytes.toString('utf8').split('\n')
    expect(records.map((record) => bytes.toString('utf8', record.offset!, record.offset! + record.bytes!))).toEqual(lines.filter((line) => line !== ''))
  })
})
