import { findPrefix, generalPrefixOf, instructionOf, isBlank, prefixDiversityCheck, prefixOf, type Prefix } from '../../../src/engine/checks/prefix-diversity.js'
import { hash53 } from '../../../src/engine/hash.js'
import type { RecordFields } from '../../../src/engine/types.js'
import { recordsOf, runCheck } from '../../helpers/runCheck.js'
import { itReal, readJson, readJsonl } from '../../helpers/realdata.js'

/** `count` instructions starting with `opening`, each then made unique. */
const opening = (prefix: string, count: number, from = 0): RecordFields[] => Array.from({ length: count }, (_, i) => ({ instruction: `${prefix} ${from + i}` }))
/** `count` instructions with distinct openings. */
const varied = (count: number): RecordFields[] => Array.from({ length: count }, (_, i) => ({ instruction: `task${i} number${i} please do it` }))

describe('prefix-diversity check', () => {
  it('takes the first three words, lower-cased, without punctuation', () => {
    expect(prefixOf("What's the  capital, of France?")).toBe('whats the capital')
    expect(prefixOf('  Write—a poem')).toBe('write a poem')
    expect(prefixOf('Hi!')).toBe('hi')
    expect(prefixOf('...')).toBe('')
    expect(prefixOf('one two three four', 2)).toBe('one two')
  })

  it('reads ASCII text as the definition does: the fast reading agrees with NFKC, lower case and the patterns', () => {
    const tricky = [
      '',
      ' ',
      'one',
      'One Two Three Four',
      'one two three',
      'one  two three',
      'one\ttwo\r\nthree four',
      "What's the capital",
      "'quoted' `ticks` don't",
      "rock'n'roll is here",
      "''' ``` '''",
      'a-b c.d e/f g',
      'x\u0001y z\u007f w',
      '\u001cfile\u001dsep\u001erec\u001funit',
      '   Leading spaces, then words',
      "trailing word '",
      'A',
      'A.',
      '!A',
      "ab'",
      'one two three' + 'x'.repeat(600),
      'ONE TWO THREE ' + 'x'.repeat(600),
      "one two thr'ee " + 'x'.repeat(600),
      'one, two three ' + 'x'.repeat(600),
      'word '.repeat(200),
      'x'.repeat(399) + ' y',
      'x'.repeat(400) + ' y',
      'x'.repeat(401),
      'a '.repeat(199) + 'bcd',
      'ab cd ' + 'e'.repeat(394) + 'é',
      'ab cd ef é',
      'ab cd é',
      'ab\u0301 cd ef',
      'abc def ghi\u0301',
      'abc def ghi \u0301',
      'abc def ghi=\u0338',
      'abc def =\u0338ghi',
      'Ｗｒｉｔｅ a poem',
      'ﬁnd the ﬁle',
      'it＇s ok now',
      'what’s up doc',
      'two\u00a0words here',
      'three\u2003em\u3000spaces',
      'İstanbul is big',
      'ΟΔΟΣ ΟΔΟΣ ΟΔΟΣ',
      'straße strasse',
      '😀 emoji 😀 words',
      '\ud83d lone surrogate',
      'x'.repeat(399) + '😀',
      'ok\u200bzero width'
    ]
    const prefix: Prefix = { text: '', hash: 0 }
    for (const text of tricky) {
      for (const words of [0, 1, 2, 2.5, 3, 5]) {
        findPrefix(text, words, prefix)
        expect([text, words, prefix.text]).toEqual([text, words, generalPrefixOf(text, words)])
        expect(prefix.hash).toBe(hash53(prefix.text))
      }
    }
  })

  it('agrees with the definition on random text', () => {
    const alphabet = ['a', 'b', 'Z', '0', ' ', '  ', '\t', '\n', "'", '`', '.', '-', '!', '$', '\u0001', '\u001f', 'é', 'e\u0301', '\u00a0', '’', 'ß', '😀', 'ﬁ', 'Ａ']
    let state = 1
    const next = (n: number): number => {
      state = (Math.imul(state, 1103515245) + 12345) >>> 0
      return Math.floor((state / 4294967296) * n)
    }
    const prefix: Prefix = { text: '', hash: 0 }
    for (let round = 0; round < 3000; round++) {
      // Mostly ASCII, as most text is, so that the fast reading is what gets tested.
      const ascii = round % 3 !== 0
      const length = next(round % 10 === 0 ? 700 : 40)
      let text = ''
      while (text.length < length) text += alphabet[next(ascii ? 16 : alphabet.length)]
      findPrefix(text, 3, prefix)
      expect([text, prefix.text]).toEqual([text, generalPrefixOf(text, 3)])
      expect(prefix.hash).toBe(hash53(prefix.text))
    }
  })

  it('tells blank text as trim does', () => {
    for (const text of ['', ' ', '\t\r\n', '\u00a0', '\u3000\ufeff', '\u2028', 'a', ' a', '\u00a0a', '!', '\u0001', '\u007f', '\u0085', '~']) {
      expect([text, isBlank(text)]).toEqual([text, text.trim() === ''])
    }
  })

  it('reads the instruction from config.field, the usual fields, or the first user turn', () => {
    expect(instructionOf({ prompt: 'P', input: 'I' })).toEqual({ field: 'prompt', text: 'P' })
    expect(instructionOf({ instruction: ' ', question: 'Q' })).toEqual({ field: 'question', text: 'Q' })
    expect(instructionOf({ messages: [{ role: 'system', content: 'S' }, { role: 'user', content: 'U' }] })).toEqual({ field: 'messages', text: 'U' })
    expect(instructionOf({ conversations: [{ from: 'human', value: 'H' }] })).toEqual({ field: 'conversations', text: 'H' })
    expect(instructionOf({ task: 'T', instruction: 'I' }, 'task')).toEqual({ field: 'task', text: 'T' })
    expect(instructionOf({ output: 'O' })).toBeUndefined()
  })

  it('warns when the top prefix share is above maxShare with at least minRecords instructions', () => {
    // 6 of 50 = 12%: above 10%.
    const above = runCheck(prefixDiversityCheck, recordsOf([...opening('Write a story about', 6), ...varied(44)]))
    expect(above.findings).toEqual([{ field: 'instruction', message: '12.0% of instructions (6 of 50) begin with "write a story", the most common opening; maxShare 10.0%' }])
    expect(above.summary.top[0]).toEqual({ prefix: 'write a story', count: 6, share: 0.12 })
    expect(above.summary.exact).toBe(true)
    // 5 of 50 = 10%: not above.
    expect(runCheck(prefixDiversityCheck, recordsOf([...opening('Write a story about', 5), ...varied(45)])).findings).toEqual([])
    // 6 of 49: too few instructions to judge.
    expect(runCheck(prefixDiversityCheck, recordsOf([...opening('Write a story about', 6), ...varied(43)])).findings).toEqual([])
  })

  it('against base, says when the top share more than doubled', () => {
    const base = runCheck(prefixDiversityCheck, recordsOf([...opening('Write a story about', 6), ...varied(44)])).summary
    // 13 of 50 = 26% > 2 × 12%.
    const grown = runCheck(prefixDiversityCheck, recordsOf([...opening('Write a story about', 13), ...varied(37)]), { base })
    expect(grown.findings).toEqual([
      { field: 'instruction', message: '26.0% of instructions (13 of 50) begin with "write a story", the most common opening, up from a top share of 12.0% in base; maxShare 10.0%' }
    ])
    // 12 of 50 = 24%: exactly 2×, a plain warning without the growth.
    const doubled = runCheck(prefixDiversityCheck, recordsOf([...opening('Write a story about', 12), ...varied(38)]), { base })
    expect(doubled.findings.map((f) => f.message)).toEqual(['24.0% of instructions (12 of 50) begin with "write a story", the most common opening; maxShare 10.0%'])
    const otherLeader = runCheck(prefixDiversityCheck, recordsOf([...opening('Summarize the text', 13), ...varied(37)]), { base })
    expect(otherLeader.findings[0].message).toBe(
      '26.0% of instructions (13 of 50) begin with "summarize the text", the most common opening, up from a top share of 12.0% in base (then led by "write a story"); maxShare 10.0%'
    )
  })

  it('says the counts are estimates once the sketch overflows', () => {
    const { summary, findings } = runCheck(prefixDiversityCheck, recordsOf([...opening('Write a story about', 20), ...varied(80)]), { config: { sketchSize: 10 } })
    expect(summary.exact).toBe(false)
    expect(summary.top[0].prefix).toBe('write a story')
    expect(findings[0].message).toMatch(/^about \d+\.\d% of instructions \(about \d+ of 100\) begin with "write a story"/)
  })

  itReal('measures the real instruction sets: self-instruct and Alpaca seeds are varied, roleplay and toolformer are not', () => {
    const userOriented = runCheck(prefixDiversityCheck, recordsOf(readJsonl('self-instruct/user_oriented_instructions.jsonl')))
    expect(userOriented.findings).toEqual([])
    expect(userOriented.summary).toMatchObject({ records: 252, distinct: 213, exact: true, field: 'instruction' })
    expect(userOriented.summary.top.slice(0, 2)).toEqual([
      { prefix: 'you are given', count: 12, share: 12 / 252 },
      { prefix: 'make a list', count: 9, share: 9 / 252 }
    ])
    const seeds = runCheck(prefixDiversityCheck, recordsOf(readJsonl('stanford_alpaca/seed_tasks.jsonl')))
    expect(seeds.findings).toEqual([])
    expect(seeds.summary).toMatchObject({ records: 175, distinct: 155 })
    expect(seeds.summary.top[0]).toEqual({ prefix: 'given a sentence', count: 4, share: 4 / 175 })

    const roleplay = runCheck(prefixDiversityCheck, recordsOf(readJson<RecordFields[]>('AlpacaDataCleaned/roleplay-simple-deduped-roleplay-dataset.json')))
    expect(roleplay.findings.map((f) => f.message)).toEqual(['30.5% of instructions (959 of 3146) begin with "imagine you are", the most common opening; maxShare 10.0%'])
    expect(roleplay.summary.top[1]).toEqual({ prefix: 'you are a', count: 733, share: 733 / 3146 })
    // Every toolformer instruction starts with the same tool preamble.
    const toolformer = runCheck(prefixDiversityCheck, recordsOf(readJson<RecordFields[]>('AlpacaDataCleaned/toolformer-dedupe-only-dataset.json')))
    expect(toolformer.summary.top).toEqual([{ prefix: 'toolformer enabled toolformer', count: 7673, share: 1 }])

    // A PR appending roleplay instructions to the 175 seed tasks (top share 2.3% in base).
    const seedRows = readJsonl('stanford_alpaca/seed_tasks.jsonl')
    const roleplayRows = readJson<RecordFields[]>('AlpacaDataCleaned/roleplay-simple-deduped-roleplay-dataset.json')
    const withRoleplay = (n: number) => runCheck(prefixDiversityCheck, recordsOf([...seedRows, ...roleplayRows.slice(0, n)]), { base: seeds.summary })
    // 100 more: "imagine you are" leads with 27 of 275 (9.8%): four times base, but under maxShare.
    expect(withRoleplay(100).findings).toEqual([])
    expect(withRoleplay(100).summary.top[0]).toEqual({ prefix: 'imagine you are', count: 27, share: 27 / 275 })
    // 150 more: 39 of 325 (12.0%).
    expect(withRoleplay(150).findings).toEqual([
      {
        field: 'instruction',
        message: '12.0% of instructions (39 of 325) begin with "imagine you are", the most common opening, up from a top share of 2.3% in base (then led by "given a sentence"); maxShare 10.0%'
      }
    ])
  })
})
