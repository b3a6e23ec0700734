import { GOPHER_LIMITS, gopherRepetition, gopherWords, repetitionCheck } from '../../../src/engine/checks/repetition.js'
import type { RepetitionHit, RepetitionLimits, RepetitionSummary } from '../../../src/engine/checks/repetition.js'
import type { FindingDraft } from '../../../src/engine/checks/types.js'
import { truncate } from '../../../src/engine/text.js'
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

/**
 * Gopher's repetition rules written plainly, the way datatrove's GopherRepetitionFilter reads
 * (string splits, Sets and Maps), to hold the fast implementation to. Words are the
 * whitespace-separated chunks with a run of punctuation split off at either end, a character
 * classed alone per UTF-16 unit; n-grams are compared as tuples of words (joined by a space,
 * which no word holds), as the check always has, where datatrove's duplicated n-grams key on
 * the words joined without one.
 */
const WORD_UNIT = /[\p{L}\p{N}\p{M}_]/u

function referenceWords(text: string): string[] {
  const words: string[] = []
  for (const chunk of text.split(/\s+/)) {
    if (chunk === '') continue
    const units = chunk.split('')
    let start = 0
    while (start < units.length && !WORD_UNIT.test(units[start])) start++
    if (start === units.length) {
      words.push(chunk)
      continue
    }
    let end = units.length
    while (!WORD_UNIT.test(units[end - 1])) end--
    if (start > 0) words.push(chunk.slice(0, start))
    words.push(chunk.slice(start, end))
    if (end < units.length) words.push(chunk.slice(end))
  }
  return words
}

function referenceDuplicates(elements: string[]): { repeated: number; chars: number } {
  const seen = new Set<string>()
  let repeated = 0
  let chars = 0
  for (const element of elements) {
    if (seen.has(element)) {
      repeated++
      chars += element.length
    } else seen.add(element)
  }
  return { repeated, chars }
}

const ascending = (map: ReadonlyMap<number, number>): Array<[number, number]> => [...map].sort((a, b) => a[0] - b[0])

function referenceRepetition(text: string, limits: RepetitionLimits, options: { lineRules?: boolean; ngramRules?: boolean } = {}): RepetitionHit[] {
  const hits: RepetitionHit[] = []
  if (text.length === 0) return hits
  const check = (rule: string, name: string, value: number, limit: number): void => {
    if (value > limit) hits.push({ rule, name, value, limit })
  }
  if (options.lineRules !== false) {
    const paragraphs = text.trim().split(/\n{2,}/)
    const paragraphRepeats = referenceDuplicates(paragraphs)
    check('dup_para_frac', 'duplicate paragraph fraction', paragraphRepeats.repeated / paragraphs.length, limits.dupParaFrac)
    check('dup_para_char_frac', 'duplicate paragraph character fraction', paragraphRepeats.chars / text.length, limits.dupParaCharFrac)
    const lines = text.split(/\n+/)
    const lineRepeats = referenceDuplicates(lines)
    check('dup_line_frac', 'duplicate line fraction', lineRepeats.repeated / lines.length, limits.dupLineFrac)
    check('dup_line_char_frac', 'duplicate line character fraction', lineRepeats.chars / text.length, limits.dupLineCharFrac)
  }
  if (options.ngramRules === false) return hits
  const words = referenceWords(text)
  for (const [n, limit] of ascending(limits.topNgramCharFrac)) {
    if (words.length < n) continue
    const counts = new Map<string, number>()
    for (let i = 0; i + n <= words.length; i++) {
      const gram = words.slice(i, i + n).join(' ')
      counts.set(gram, (counts.get(gram) ?? 0) + 1)
    }
    // Counter.most_common(1): the highest count, the first seen of those.
    let top = ''
    let topCount = 0
    for (const [gram, count] of counts) {
      if (count > topCount) {
        top = gram
        topCount = count
      }
    }
    check(`top_${n}_gram`, `top ${n}-gram character fraction`, (top.length * topCount) / text.length, limit)
  }
  for (const [n, limit] of ascending(limits.dupNgramCharFrac)) {
    if (words.length < n) continue
    const seen = new Set<string>()
    let repeated = 0
    let i = 0
    while (i + n <= words.length) {
      const gram = words.slice(i, i + n)
      const key = gram.join(' ')
      if (seen.has(key)) {
        repeated += gram.join('').length
        i += n
      } else {
        seen.add(key)
        i++
      }
    }
    check(`duplicated_${n}_n_grams`, `duplicated ${n}-gram character fraction`, repeated / text.length, limit)
  }
  return hits
}

/** The check's findings and summary over `rows`, computed with the reference rules. */
function referenceCheck(rows: RecordFields[], field: string, limits: RepetitionLimits): { findings: FindingDraft[]; summary: RepetitionSummary } {
  const summary: RepetitionSummary = { fields: {} }
  const findings: FindingDraft[] = []
  rows.forEach((row, index) => {
    const text = row[field]
    if (typeof text !== 'string' || text.trim() === '') return
    const lines = text.split('\n').filter((line) => line.trim() !== '').length
    const words = text.split(/\s+/).filter((word) => word !== '').length
    const lineRules = lines >= 5 || words >= 50
    const ngramRules = words >= 100
    if (!lineRules && !ngramRules) return
    const stats = (summary.fields[field] ??= { checked: 0, flagged: 0, byRule: {} })
    stats.checked++
    const hits = referenceRepetition(text, limits, { lineRules, ngramRules })
    if (hits.length === 0) return
    stats.flagged++
    stats.byRule[hits[0].rule] = (stats.byRule[hits[0].rule] ?? 0) + 1
    const others = hits.length > 1 ? `; ${hits.length - 1} more repetition rule${hits.length > 2 ? 's' : ''} broken` : ''
    findings.push({
      line: index + 1,
      field,
      message: `\`${field}\` repeats itself: ${hits[0].name} ${hits[0].value.toFixed(2)} > ${hits[0].limit.toFixed(2)} (Gopher)${others}`,
      excerpt: truncate(text.trimStart().slice(0, 300).trimEnd(), 120)
    })
  })
  return { findings, summary }
}

/** A seeded generator, so that a failure can be replayed. */
function random(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = Math.imul(state ^ (state >>> 15), 1 | state)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

// Words that repeat, punctuation at either end or alone, letters beyond ASCII, a combining mark,
// surrogate pairs (each half is punctuation to the tokenizer), digits of other scripts, words
// longer than the four units a key holds.
const VOCABULARY = ['a', 'b', 'ab', 'the', 'cat', 'sat', 'on', 'mat', 'hiante', 'pekaruan', 'extraordinarily', 'extraordinarity', '.', ',', '...', '"quoted"', '(paren)', 'end.', "don't", 'e.g.', 'café', 'cafe\u0301', '日本語', '𝐀𝐁', 'a𝐀', '😀', '--', '_x_', '42', '٣٤', 'Ωmega', 'zero\u200cwidth', '\u00ad']
// Spaces of every kind the tokenizer splits on, newlines alone, doubled and tripled, CRLF.
const SEPARATORS = [' ', ' ', ' ', ' ', '  ', '\t', '\n', '\n\n', '\n\n\n', '\r\n', '\r\n\r\n', '\u00a0', '\u3000', '\u2028', ' \n ', '\ufeff', '\u2003']

/** A text of random words from a small vocabulary (so that n-grams repeat), with repeated stretches, lines and paragraphs. */
function generatedText(next: () => number): string {
  const words = Math.floor(next() * (next() < 0.3 ? 400 : 60))
  const vocabulary = VOCABULARY.slice(0, 2 + Math.floor(next() * (VOCABULARY.length - 1)))
  const separators = next() < 0.5 ? SEPARATORS.slice(0, 6) : SEPARATORS
  let text = next() < 0.1 ? separators[Math.floor(next() * separators.length)] : ''
  for (let w = 0; w < words; w++) {
    if (next() < 0.03 && text.length > 10) {
      // A stretch said again: repeated n-grams, and repeated lines when it holds a newline.
      const from = Math.floor(next() * text.length)
      text += text.slice(from, from + Math.floor(next() * 80))
    }
    text += vocabulary[Math.floor(next() * vocabulary.length)] + separators[Math.floor(next() * separators.length)]
  }
  return next() < 0.2 ? text.trimEnd() : text
}

/** Limits drawn near the values texts have, so that the fast bounds and the exact values are both put to the test. */
function randomLimits(next: () => number): RepetitionLimits {
  const ns = (from: number, to: number): Map<number, number> => {
    const map = new Map<number, number>()
    for (let n = from; n <= to; n++) if (next() < 0.6) map.set(n, next() * 0.6)
    return map
  }
  return { dupParaFrac: next() * 0.6, dupParaCharFrac: next() * 0.6, dupLineFrac: next() * 0.6, dupLineCharFrac: next() * 0.6, topNgramCharFrac: ns(1, 5), dupNgramCharFrac: ns(1, 12) }
}

/** Every rule reported, values of 0 too. */
const EVERY_VALUE: RepetitionLimits = {
  dupParaFrac: -1,
  dupParaCharFrac: -1,
  dupLineFrac: -1,
  dupLineCharFrac: -1,
  topNgramCharFrac: new Map([1, 2, 3, 4, 7].map((n) => [n, -1])),
  dupNgramCharFrac: new Map([1, 2, 3, 5, 6, 10, 15].map((n) => [n, -1]))
}

describe('repetition check against a plain reference implementation', () => {
  const next = random(20240611)
  const texts = Array.from({ length: 1500 }, () => generatedText(next))
  // Edge cases, and n-grams seen more than 255 times in a text otherwise varied (fingerprint
  // buckets count only to 255).
  const varied = Array.from({ length: 3000 }, (_, i) => `w${i}`).join(' ')
  texts.unshift(
    '',
    ' ',
    '\n',
    '\n\n',
    '\r\n\r\n',
    'x',
    'x\n',
    '\nx',
    'a a',
    '\u00a0a\u00a0a\u00a0',
    Array(300).fill('𝐀').join(' '),
    Array(200).fill('e\u0301').join('\n'),
    `${Array(300).fill('a b').join(' ')} ${varied}`,
    `${varied} ${Array(400).fill('x y z').join(' ')}`,
    // Just long enough for a rule, the shortest way: 50 and 100 one-letter words, 5 one-letter lines.
    Array(50).fill('a').join(' '),
    Array(49).fill('a').join(' '),
    Array(100).fill('a').join(' '),
    Array(99).fill('a b').join(' ').slice(0, 197),
    'a\na\na\na\na',
    'a\na\na\na',
    'a\n\na\n\na\n\na\n\na'
  )

  it('splits the same words', () => {
    for (const text of texts) expect(gopherWords(text)).toEqual(referenceWords(text))
  })

  it('breaks the same rules with the same values, under Gopher limits, limits near the values, and every value reported', () => {
    for (const text of texts) {
      for (const limits of [GOPHER_LIMITS, randomLimits(next), randomLimits(next), EVERY_VALUE]) {
        for (const options of [{}, { lineRules: false }, { ngramRules: false }]) {
          const expected = referenceRepetition(text, limits, options)
          // The WebAssembly kernel (where it runs) and the JavaScript the check falls back on.
          expect([text, gopherRepetition(text, limits, options)]).toEqual([text, expected])
          expect([text, gopherRepetition(text, limits, { ...options, reference: true })]).toEqual([text, expected])
        }
      }
    }
  })

  it('finds the same texts with the same messages and counts per rule', () => {
    const rows = texts.map((text) => ({ t: text }))
    for (const limits of [GOPHER_LIMITS, randomLimits(next)]) {
      const config = {
        dupParaFrac: limits.dupParaFrac,
        dupParaCharFrac: limits.dupParaCharFrac,
        dupLineFrac: limits.dupLineFrac,
        dupLineCharFrac: limits.dupLineCharFrac,
        topNgramCharFrac: Object.fromEntries(limits.topNgramCharFrac),
        dupNgramCharFrac: Object.fromEntries(limits.dupNgramCharFrac)
      }
      const run = runCheck(repetitionCheck, recordsOf(rows), { textFields: ['t'], config })
      const expected = referenceCheck(rows, 't', limits)
      expect(run.findings).toEqual(expected.findings)
      expect(run.summary).toEqual(expected.summary)
    }
  })

  it('breaks each rule just above its value and not at it (where the fast bounds are tightest)', () => {
    const chant = Array(40).fill('we will rock you').join(', ')
    for (const text of [chant, ...texts.slice(0, 400)]) {
      for (const hit of referenceRepetition(text, EVERY_VALUE)) {
        const n = Number(/\d+/.exec(hit.rule)?.[0])
        const only = (limit: number): RepetitionLimits => ({
          dupParaFrac: hit.rule === 'dup_para_frac' ? limit : Infinity,
          dupParaCharFrac: hit.rule === 'dup_para_char_frac' ? limit : Infinity,
          dupLineFrac: hit.rule === 'dup_line_frac' ? limit : Infinity,
          dupLineCharFrac: hit.rule === 'dup_line_char_frac' ? limit : Infinity,
          topNgramCharFrac: new Map(hit.rule.startsWith('top_') ? [[n, limit]] : []),
          dupNgramCharFrac: new Map(hit.rule.startsWith('duplicated_') ? [[n, limit]] : [])
        })
        expect([text, gopherRepetition(text, only(hit.value))]).toEqual([text, []])
        const below = hit.value - Math.max(Number.EPSILON, Math.abs(hit.value) * Number.EPSILON * 4)
        expect([text, gopherRepetition(text, only(below))]).toEqual([text, [{ ...hit, limit: below }]])
      }
    }
  })

  it('grows its arrays when chunks split into more tokens than there are chunks', () => {
    // Three tokens a chunk, then one: past any size the arrays could have had before.
    const text = `${Array(20000).fill('(x)').join(' ')} ${Array.from({ length: 20000 }, (_, i) => `w${i % 5000}`).join(' ')}`
    expect(gopherWords(text)).toEqual(referenceWords(text))
    expect(gopherRepetition(text, EVERY_VALUE)).toEqual(referenceRepetition(text, EVERY_VALUE))
  })

  it('handles a very long looping text', () => {
    const loop = (Array(2000).fill('the cat sat on the mat, ').join('') + referenceWords(texts[20]).join(' ')).repeat(3)
    for (const limits of [GOPHER_LIMITS, EVERY_VALUE]) expect(gopherRepetition(loop, limits)).toEqual(referenceRepetition(loop, limits))
  })

  itReal('breaks the same rules as the reference on every davinci and text-davinci-003 response', () => {
    for (const file of ['self-instruct/davinci_predictions.jsonl', 'self-instruct/text-davinci-003_predictions.jsonl']) {
      const rows = readJsonl(file)
      for (const row of rows) {
        const text = String(row.response)
        for (const limits of [GOPHER_LIMITS, randomLimits(next), EVERY_VALUE]) expect([text, gopherRepetition(text, limits)]).toEqual([text, referenceRepetition(text, limits)])
      }
      const run = runCheck(repetitionCheck, recordsOf(rows), { textFields: ['response'] })
      const expected = referenceCheck(rows, 'response', GOPHER_LIMITS)
      expect(run.findings).toEqual(expected.findings)
      expect(run.summary).toEqual(expected.summary)
    }
  })
})
