import { GOPHER_LIMITS, gopherRepetition, gopherWords, repetitionCheck } from '../../../src/engine/checks/repetition.js'
import type { RecordFields } from '../../../src/engine/types.js'
import { recordsOf, runCheck } from '../../helpers/runCheck.js'
import { itReal, readJsonl } from '../../helpers/realdata.js'

/** SOURCES.md's definition of a degenerate response: more than 5 lines, under 50% of them unique. */
const degenerate = (text: string): boolean => {
  const lines = text.split('\n')
  return lines.length > 5 && new Set(lines).size / lines.length < 0.5
}

describe('repetition check', () => {
  it('splits words as NLTK roughly does for prose', () => {
    expect(gopherWords('Hello, world! "Quoted" e.g. don\'t ... x')).toEqual(['Hello', ',', 'world', '!', '"', 'Quoted', '"', 'e.g', '.', "don't", '...', 'x'])
  })

  it('computes the line and paragraph fractions as datatrove does', () => {
    // 4 paragraphs, 2 repeats: 0.5 of paragraphs; repeated characters 2 × 11 of 50.
    const text = 'alpha beta.\n\ngamma delta\n\nalpha beta.\n\nalpha beta.'
    const hits = gopherRepetition(text, GOPHER_LIMITS, { ngramRules: false })
    expect(hits.map((hit) => [hit.rule, hit.value])).toEqual([
      ['dup_para_frac', 0.5],
      ['dup_para_char_frac', 22 / 50],
      ['dup_line_frac', 0.5],
      ['dup_line_char_frac', 22 / 50]
    ])
  })

  it('computes the top n-gram fraction (count × joined length) and the duplicated n-gram fraction (repeats skipped whole)', () => {
    // "a b" appears 4 times in "a b a b a b a b" (15 chars): top 2-gram 3 × 4 / 15 = 0.8.
    const limits = { ...GOPHER_LIMITS, topNgramCharFrac: new Map([[2, 0.5]]), dupNgramCharFrac: new Map([[3, 0.1]]) }
    const hits = gopherRepetition('a b a b a b a b', limits, { lineRules: false })
    expect(hits[0]).toEqual({ rule: 'top_2_gram', name: 'top 2-gram character fraction', value: 0.8, limit: 0.5 })
    // 3-grams: "a b a" at 0 and "b a b" at 1 are new; "a b a" at 2 repeats (3 characters, joined
    // without spaces) and skips to 5, where "b a b" repeats (3 more): 6 of 15.
    expect(hits[1]).toEqual({ rule: 'duplicated_3_n_grams', name: 'duplicated 3-gram character fraction', value: 6 / 15, limit: 0.1 })
    expect(gopherRepetition('one two three four five six', limits, { lineRules: false })).toEqual([])
  })

  it('flags a looping text with the first broken rule, and leaves short or varied texts alone', () => {
    const loop = Array(8).fill('Input: hello\nOutput: hello').join('\n\n')
    const rows: RecordFields[] = [
      { response: loop },
      { response: 'ok\nok\nok' },
      { response: 'line one\nline two\nline three\nline four\nline five\nline six' },
      { response: '' }
    ]
    const { findings, summary } = runCheck(repetitionCheck, recordsOf(rows), { textFields: ['response'] })
    expect(findings).toEqual([
      {
        line: 1,
        field: 'response',
        message: '`response` repeats itself: duplicate paragraph fraction 0.88 > 0.30 (Gopher); 3 more repetition rules broken',
        excerpt: 'Input: hello\nOutput: hello\n\nInput: hello\nOutput: hello\n\nInput: hello\nOutput: hello\n\nInput: hello\nOutput: hello\n\nInput: …'
      }
    ])
    // 'ok' × 3 is too short to judge; the six distinct lines are checked and pass.
    expect(summary.fields.response).toEqual({ checked: 2, flagged: 1, byRule: { dup_para_frac: 1 } })
  })

  it('applies the n-gram rules only from minNgramWords words', () => {
    const chant = Array(30).fill('we will rock you').join(', ')
    // 120 words on one line: n-gram rules apply. "we will" is the first of the 2-grams seen 30
    // times: 7 characters × 30 of 538.
    expect(runCheck(repetitionCheck, recordsOf([{ t: chant }]), { textFields: ['t'] }).findings[0].message).toBe(
      '`t` repeats itself: top 2-gram character fraction 0.39 > 0.20 (Gopher); 8 more repetition rules broken'
    )
    expect(runCheck(repetitionCheck, recordsOf([{ t: chant }]), { textFields: ['t'], config: { minNgramWords: 121 } }).findings).toEqual([])
  })

  it('reads configured limits', () => {
    const text = 'a\nb\nc\nd\na\nf'
    // 1 repeat of 6 lines = 0.17: over a limit of 0.1, not over Gopher's 0.3.
    expect(runCheck(repetitionCheck, recordsOf([{ t: text }]), { textFields: ['t'] }).findings).toEqual([])
    expect(runCheck(repetitionCheck, recordsOf([{ t: text }]), { textFields: ['t'], config: { dupLineFrac: 0.1 } }).findings[0].message).toBe(
      '`t` repeats itself: duplicate line fraction 0.17 > 0.10 (Gopher)'
    )
  })

  itReal('flags all 227 degenerate davinci responses of SOURCES.md, and few text-davinci-003 ones', () => {
    const davinci = readJsonl('self-instruct/davinci_predictions.jsonl')
    const { findings, summary } = runCheck(repetitionCheck, recordsOf(davinci), { textFields: ['response'] })
    const flagged = new Set(findings.map((f) => f.line))
    const truth = davinci.flatMap((row, i) => (degenerate(String(row.response)) ? [i + 1] : []))
    expect(truth).toHaveLength(227)
    expect(truth.filter((line) => !flagged.has(line))).toEqual([])
    // 249 of the 251 long-enough responses break a rule: the 227 of SOURCES.md, and 22 that loop on
    // one line ("Sincerely, Sincerely, ...", "-en, -en, ...") which the line-based count misses.
    expect(summary.fields.response).toEqual({
      checked: 251,
      flagged: 249,
      byRule: { dup_para_frac: 190, dup_line_frac: 37, dup_line_char_frac: 1, top_2_gram: 9, top_3_gram: 7, top_4_gram: 2, duplicated_5_n_grams: 3 }
    })
    expect(findings.find((f) => f.line === 5)?.message).toBe('`response` repeats itself: top 2-gram character fraction 1.00 > 0.20 (Gopher); 8 more repetition rules broken')
    const clean = readJsonl('self-instruct/text-davinci-003_predictions.jsonl')
    const cleanRun = runCheck(repetitionCheck, recordsOf(clean), { textFields: ['response'] })
    // 12 of 252: numbered lists and tables with a repeated phrase ("How would you rate the ..."),
    // mostly by the n-gram rules, which only apply from 100 words.
    expect(cleanRun.summary.fields.response).toEqual({
      checked: 136,
      flagged: 12,
      byRule: { dup_line_frac: 1, dup_line_char_frac: 1, top_3_gram: 2, top_4_gram: 3, duplicated_5_n_grams: 4, duplicated_6_n_grams: 1 }
    })
    expect(cleanRun.findings.map((f) => f.line)).toEqual([24, 45, 52, 57, 63, 87, 114, 129, 146, 183, 214, 234])
    expect(cleanRun.findings.every((f) => !degenerate(String(clean[(f.line ?? 0) - 1].response)))).toBe(true)
  })
})
