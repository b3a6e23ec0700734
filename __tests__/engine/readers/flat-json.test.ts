import fs from 'node:fs'
import { FlatJsonParser } from '../../../src/engine/readers/flat-json.js'
import { seededRandom } from '../../../src/engine/stats/sampling.js'
import { itReal, real } from './helpers.js'

const created = FlatJsonParser.create()
if (!created) throw new Error('This runtime has no WebAssembly SIMD: the flat JSON scan cannot be tested.')
const parser = created

/** What JSON.parse makes of a line, or `undefined` when it refuses it or it is not an object. */
function oracle(line: string): object | undefined {
  let value: unknown
  try {
    value = JSON.parse(line)
  } catch {
    return undefined
  }
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? value : undefined
}

function parseText(line: string): object | undefined {
  const bytes = Buffer.from(line, 'utf8')
  return parser.parse(bytes, 0, bytes.length)
}

/** Key order all the way down, which `toEqual` does not look at. */
function shape(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(shape)
  if (typeof value === 'object' && value !== null) return Object.entries(value).map(([key, item]) => [key, shape(item)])
  return Object.is(value, -0) ? '-0' : value
}

/** The scan's record is JSON.parse's, or it leaves the line to JSON.parse; it never makes a record JSON.parse would not. */
function expectAgrees(line: string): object | undefined {
  const got = parseText(line)
  // The reader hands over bytes, so JSON.parse sees them decoded (a lone surrogate in `line` is U+FFFD there).
  const expected = oracle(Buffer.from(line, 'utf8').toString('utf8'))
  if (got === undefined) return undefined
  expect(expected).toBeDefined()
  expect(shape(got)).toEqual(shape(expected))
  expect(Object.getPrototypeOf(got)).toBe(Object.prototype)
  return got
}

describe('FlatJsonParser against JSON.parse', () => {
  // Lines the scan must read itself (the fast path), each checked against JSON.parse.
  const read = [
    '{}',
    ' \t{ }\r ',
    '{"a":1}',
    '{"a":-0,"b":0,"c":-12.5e-3,"d":1E+2,"e":123456789012345678901234567890,"f":0.1}',
    '{"a":true,"b":false,"c":null}',
    '{ "a" : "x" , "b" :\t"y" }',
    '{"a":"x\\"y","b":"x\\\\","c":"\\u00e9\\n\\t\\/","d":"\\ud83d\\ude00","e":"\\ud800"}',
    '{"a":"é","é":"ü 😀 中文","b":"ascii after"}',
    '{"a":[1,{"b":"]}"},[]],"c":{"d":{"e":[null,true]}},"f":"g"}',
    '{"a":1,"a":2,"b":3,"a":4}',
    '{"2":1,"1":2,"b":3,"0":4}',
    '{"":""}',
    '{"k\\"ey":"v","k\\u0065y":1}',
    `{"long":"${'x'.repeat(100)}\\"${'y'.repeat(33)}","n":7}`
  ]
  test.each(read)('reads %s as JSON.parse does', (line) => {
    expect(expectAgrees(line)).toBeDefined()
  })

  // Lines JSON.parse refuses (or that are not objects): the scan must leave each to it.
  const refused = [
    '',
    '   ',
    '[1,2]',
    '"text"',
    '12',
    'null',
    '{',
    '{"a"}',
    '{"a":}',
    '{"a":1,}',
    '{,"a":1}',
    '{"a":1 "b":2}',
    '{"a":1}x',
    '{"a":1}}',
    '{"a":01}',
    '{"a":1.}',
    '{"a":.5}',
    '{"a":+1}',
    '{"a":1e}',
    '{"a":-}',
    '{"a":--1}',
    '{"a":0x10}',
    '{"a":tru}',
    '{"a":nul}',
    '{"a":falsey}',
    '{"a":True}',
    '{"a":"\\x"}',
    '{"a":"\\u12"}',
    '{"a":"tab\there"}',
    '{"a":"new\nline"}',
    '{"a":"unterminated}',
    '{"a":"ends in a backslash\\"}',
    '{"a":[}',
    '{"a":[1,2}',
    '{"a":{"b":1]}',
    '{"a":[1,]}',
    "{'a':1}",
    '{a:1}',
    '{"a":NaN}',
    '{"a":undefined}'
  ]
  test.each(refused)('leaves %j to JSON.parse', (line) => {
    expect(oracle(line)).toBeUndefined()
    expect(parseText(line)).toBeUndefined()
  })

  test('"__proto__" is left to JSON.parse, which makes it an own key', () => {
    expect(parseText('{"__proto__":{"polluted":1}}')).toBeUndefined()
    expect(parseText('{"a":1,"__proto__":1}')).toBeUndefined()
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
  })

  test('keys remembered from the line before are the keys of this line, also after a line that failed', () => {
    const lines = [
      '{"a":1,"b":2}',
      '{"a":1,"b":2}',
      '{"a":1,"c":"\\x"}', // the kernel reads it and remembers "c"; decoding the escape fails
      '{"a":1,"c":3}',
      '{"a":1,"d":}', // the kernel remembers "d", then refuses the line
      '{"a":1,"d":2}',
      '{"a":1,"__proto__":2}',
      '{"a":1,"__proto__":3,"x":1}',
      '{"b":1,"a":2}',
      '{"b\\u0061":1,"a":2}',
      '{"ba":1,"a":2}',
      `{"${'k'.repeat(40)}":1}`,
      `{"${'k'.repeat(40)}":2}`,
      `{"${'k'.repeat(39)}":2}`,
      '{"é":1}',
      '{"é":2}'
    ]
    for (const line of lines) {
      const got = parseText(line)
      const expected = oracle(line)
      if (got !== undefined) expect(shape(got)).toEqual(shape(expected))
      else expect(line).toMatch(/\\x|"d":}|__proto__/)
    }
  })

  test('more than 256 members is left to JSON.parse', () => {
    const line = JSON.stringify(Object.fromEntries(Array.from({ length: 300 }, (_, i) => [`k${i}`, i])))
    expect(parseText(line)).toBeUndefined()
    expect(expectAgrees(JSON.stringify(Object.fromEntries(Array.from({ length: 256 }, (_, i) => [`k${i}`, i]))))).toBeDefined()
  })

  test('a quote, an escape or a first non-ASCII byte at every offset of the 16-byte blocks', () => {
    for (let at = 0; at < 40; at++) {
      const before = 'a'.repeat(at)
      for (const inner of ['\\"', '\\\\', 'é', '\\n', '😀']) {
        expect(expectAgrees(`{"k":"${before}${inner}tail","m":"${before}"}`)).toBeDefined()
      }
      // A control character anywhere in a string is refused, as JSON.parse refuses it.
      expect(parseText(`{"k":"${before}\u0001"}`)).toBeUndefined()
    }
  })

  test('reads the line where it is, between other bytes, and the bytes past its end are never read as part of it', () => {
    const line = '{"a":"b","c":[1,2]}'
    const bytes = Buffer.from(`xx${line}"\\ tail "`, 'utf8')
    expect(shape(parser.parse(bytes, 2, 2 + line.length))).toEqual(shape(JSON.parse(line)))
    // Cut inside a string: past the cut is a closing quote, which must not count.
    expect(parser.parse(Buffer.from('{"a":"bcdefghijklmnopqrstuvwxyz"}'), 0, 10)).toBeUndefined()
    // A long line after a short one: stale bytes of an earlier line in the kernel's memory are not read.
    expect(expectAgrees(`{"a":"${'z'.repeat(64)}"}`)).toBeDefined()
    expect(parser.parse(Buffer.from('{"a":"zz'), 0, 8)).toBeUndefined()
  })

  test('bytes that are not UTF-8 are decoded as toString decodes them, without eating the quote after them', () => {
    for (const bad of [[0x80], [0xc3], [0xe2, 0x82], [0xf0, 0x9f, 0x98], [0xff, 0xfe], [0xed, 0xa0, 0x80]]) {
      const bytes = Buffer.concat([Buffer.from('{"a":"x'), Buffer.from(bad), Buffer.from('","b":["'), Buffer.from(bad), Buffer.from('"]}')])
      const got = parser.parse(bytes, 0, bytes.length)
      expect(got).toBeDefined()
      expect(shape(got)).toEqual(shape(JSON.parse(bytes.toString('utf8'))))
    }
  })

  test('a line far larger than the kernel memory it started with', () => {
    const line = JSON.stringify({ text: 'word '.repeat(100_000), other: ['x'.repeat(70_000)], n: 1 })
    expect(expectAgrees(line)).toBeDefined()
    expect(expectAgrees('{"small":true}')).toBeDefined()
  })

  test('random objects and random corruptions of them agree with JSON.parse', () => {
    const random = seededRandom(20261203)
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]
    const pieces = ['a', 'Z', ' ', '"', '\\', '/', '\n', '\t', '\u0000', 'é', 'ß', '中', '😀', '\u2028', '\ud800', '{', '}', '[', ']', ',', ':', '0', '-', 'e']
    const text = (): string => Array.from({ length: Math.floor(random() * 30) }, () => pick(pieces)).join('')
    const value = (depth: number): unknown => {
      const kind = Math.floor(random() * (depth > 1 ? 6 : 8))
      if (kind === 0) return text()
      if (kind === 1) return (random() - 0.5) * 10 ** Math.floor(random() * 40 - 20)
      if (kind === 2) return Math.floor(random() * 1000) - 500
      if (kind === 3) return pick([true, false, null])
      if (kind === 4 || kind === 5) return text().repeat(Math.floor(random() * 5))
      if (kind === 6) return Array.from({ length: Math.floor(random() * 4) }, () => value(depth + 1))
      return Object.fromEntries(Array.from({ length: Math.floor(random() * 4) }, () => [text(), value(depth + 1)]))
    }
    const spaced = (json: string): string => json.replace(/([,:{}[\]])/g, (match) => (random() < 0.2 ? pick([' ', '\t', '\r', '\n']) : '') + match + (random() < 0.2 ? ' ' : ''))
    let readByScan = 0
    let lines = 0
    for (let i = 0; i < 3000; i++) {
      const record = Object.fromEntries(Array.from({ length: Math.floor(random() * 6) }, () => [text(), value(0)]))
      let line = JSON.stringify(record)
      if (random() < 0.3) line = spaced(line)
      if (oracle(line) !== undefined) lines++
      if (expectAgrees(line) !== undefined) readByScan++
      // Corruptions: a byte dropped, doubled or replaced by a structural one.
      for (let k = 0; k < 3; k++) {
        const at = Math.floor(random() * line.length)
        const broken = pick([
          line.slice(0, at) + line.slice(at + 1),
          line.slice(0, at) + line[at] + line.slice(at),
          line.slice(0, at) + pick(['"', '\\', '{', '}', '[', ']', ',', ':', ' ', '1', 'e', '\u0001']) + line.slice(at + 1)
        ])
        expectAgrees(broken)
      }
    }
    // Every valid line is read by the scan itself (the spacing puts raw tabs and newlines into
    // some strings, which makes those lines invalid for both).
    expect(lines).toBeGreaterThan(2000)
    expect(readByScan).toBe(lines)
  })

  const realFiles = ['grade-school-math/train.jsonl', 'self-instruct/user_oriented_instructions.jsonl', 'human-eval/HumanEval.jsonl', 'stanford_alpaca/seed_tasks.jsonl']
  itReal('reads every line of real JSON Lines files as JSON.parse does, nearly all on the fast path', () => {
    for (const file of realFiles) {
      const lines = fs.readFileSync(real(file), 'utf8').split('\n').filter((line) => line.trim() !== '')
      let readByScan = 0
      for (const line of lines) if (expectAgrees(line) !== undefined) readByScan++
      expect(readByScan).toBe(lines.length)
    }
  })

  itReal('reads the records of a real JSON file, one line each, as JSON.parse does', () => {
    const records = JSON.parse(fs.readFileSync(real('AlpacaDataCleaned/roleplay-simple-deduped-roleplay-dataset.json'), 'utf8')) as unknown[]
    let readByScan = 0
    for (const record of records.slice(0, 20_000)) if (expectAgrees(JSON.stringify(record)) !== undefined) readByScan++
    expect(readByScan).toBe(Math.min(records.length, 20_000))
  })
})
