import { lengthCheck, measureText, tukeyFences } from '../../../src/engine/checks/length.js'
import { Histogram } from '../../../src/engine/stats/histogram.js'
import type { RecordFields } from '../../../src/engine/types.js'
import { recordsOf, runCheck } from '../../helpers/runCheck.js'
import { itReal, readJson, readJsonl } from '../../helpers/realdata.js'

/** measureText as it was first written, one character code at a time: the definition the fast path must keep. */
function measureByCharacter(text: string): { chars: number; words: number } {
  let chars = 0
  let words = 0
  let inWord = false
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i)
    // A low surrogate is the second half of a character already counted.
    if (code >= 0xdc00 && code <= 0xdfff) continue
    chars++
    const space = code === 32 || (code >= 9 && code <= 13) || code === 0x85 || code === 0xa0 || code === 0x1680 || (code >= 0x2000 && code <= 0x200a) || code === 0x2028 || code === 0x2029 || code === 0x202f || code === 0x205f || code === 0x3000 || code === 0xfeff
    if (space) inWord = false
    else if (!inWord) {
      inWord = true
      words++
    }
  }
  return { chars, words }
}

/** `count` texts of `words` words each ("w w w ..."), lengths 2·words − 1. */
const texts = (count: number, words: number): RecordFields[] => Array.from({ length: count }, () => ({ text: Array(words).fill('w').join(' ') }))

describe('length check', () => {
  it('counts characters as code points and words as runs of non-space', () => {
    expect(measureText('héllo  wörld\n😀 x')).toEqual({ chars: 16, words: 4 })
    expect(measureText('   ')).toEqual({ chars: 3, words: 0 })
  })

  it('measures ASCII in WebAssembly exactly as one character at a time, on tricky text', () => {
    const tricky = [
      '',
      'a',
      ' ',
      'a b',
      ' a b ',
      'a\tb\nc\rd\u000be\u000cf',
      'line\r\n\r\nbreaks',
      'controls\u0000are\u0001words\u001ftoo\u007f',
      'nbsp\u00a0and nel\u0085split',
      'en\u2002space\u3000ideographic\ufeffbom\u2028ls\u2029ps\u202fnnbsp\u205fmmsp\u1680ogham',
      'é and ÿ, Latin-1',
      'emoji 😀😀 and a lone \ud800 high and \udc00 low',
      'combining e\u0301 marks',
      'a a a a '.repeat(2000),
      'word '.repeat(300),
      'x'.repeat(100000),
      ...Array.from({ length: 20 }, (_, length) => 'ab  c\td'.repeat(4).slice(0, length)),
      // Words ending and starting at the kernel's 64-byte window edges.
      ...[63, 64, 65, 127, 128, 129].flatMap((length) => ['w'.repeat(length), `${'w'.repeat(length)} x`, `${' '.repeat(length)}x`, `x${' '.repeat(length - 1)}y`])
    ]
    for (const text of tricky) expect([text.slice(0, 20), measureText(text)]).toEqual([text.slice(0, 20), measureByCharacter(text)])
  })

  it('measures random text as one character at a time does', () => {
    const alphabet = ['a', 'Z', ' ', ' ', '\t', '\n', '\r', '\u0000', '\u0008', '\u000e', '\u001f', '\u007f', '\u0085', '\u00a0', 'é', '\u2000', '\u200a', '\u200b', '\u3000', '😀', '\ud800']
    let state = 12345
    const random = (): number => ((state = (Math.imul(state, 1103515245) + 12345) | 0) >>> 8) / 16777216
    for (let i = 0; i < 3000; i++) {
      // Some longer than the kernel's 64-byte windows, words across their edges.
      const text = Array.from({ length: Math.floor(random() * (i % 10 === 0 ? 300 : 60)) }, () => alphabet[Math.floor(random() * alphabet.length)]).join('')
      // The same text with its non-ASCII characters replaced, for the fast path.
      const ascii = Array.from(text, (char) => (char.charCodeAt(0) < 0x80 ? char : 'q')).join('')
      expect([text, measureText(text)]).toEqual([text, measureByCharacter(text)])
      expect([ascii, measureText(ascii)]).toEqual([ascii, measureByCharacter(ascii)])
    }
  })

  it("computes Tukey's fences on the log scale and none when the IQR is 0", () => {
    const h = new Histogram()
    for (const value of [4, 4, 9, 9, 19, 19, 39, 39]) h.add(value)
    // Quartiles of log1p at ranks 1.75 and 5.25, interpolated as numpy does.
    const fences = tukeyFences(h.summary(), 3, true)
    const q1 = Math.log(5) + 0.75 * (Math.log(10) - Math.log(5))
    const q3 = Math.log(20) + 0.25 * (Math.log(40) - Math.log(20))
    expect(fences?.low).toBe(0)
    expect(fences?.high).toBeCloseTo(Math.expm1(q3 + 3 * (q3 - q1)), 9)
    const flat = new Histogram()
    for (let i = 0; i < 10; i++) flat.add(5)
    expect(tukeyFences(flat.summary(), 3, true)).toBeUndefined()
  })

  it('flags far-out lengths with the length and the fences, on both sides', () => {
    // 20 texts of 10 words (19 chars) and 20 of 20 words (39 chars), then one of 400 words and one of 1 word.
    const rows = [...texts(20, 10), ...texts(20, 20), { text: Array(400).fill('w').join(' ') }, { text: 'w' }]
    const { findings, summary } = runCheck(lengthCheck, recordsOf(rows), { textFields: ['text'] })
    expect(findings).toEqual([
      {
        line: 41,
        field: 'text',
        message: "`text` is far longer than this field's usual lengths: 799 characters (usual range 2–319), 400 words (usual range 1–145); median 29 characters, 15 words",
        excerpt: `${Array(40).fill('w').join(' ')}…`
      },
      {
        line: 42,
        field: 'text',
        message: "`text` is far shorter than this field's usual lengths: 1 character (usual range 2–319); median 29 characters, 15 words",
        excerpt: 'w'
      }
    ])
    expect(summary.fields.text.values).toBe(42)
    expect(summary.fields.text.charOutliers).toBe(2)
    expect(summary.fields.text.wordOutliers).toBe(1)
  })

  it('lists no outlier with maxFindings 0, and still counts them', () => {
    const rows = [...texts(20, 10), ...texts(20, 20), { text: Array(400).fill('w').join(' ') }, { text: 'w' }]
    const { findings, summary } = runCheck(lengthCheck, recordsOf(rows), { textFields: ['text'], config: { maxFindings: 0 } })
    expect(findings).toEqual([
      { field: 'text', message: '`text` has about 2 outliers by characters and 1 by words in all; only the 0 most extreme each way are listed' }
    ])
    expect(summary.fields.text.charOutliers).toBe(2)
  })

  it('judges nothing under minRecords and skips empty strings', () => {
    const rows = [...texts(5, 10), { text: Array(400).fill('w').join(' ') }, { text: '' }]
    const { findings, summary } = runCheck(lengthCheck, recordsOf(rows), { textFields: ['text'] })
    expect(findings).toEqual([])
    expect(summary.fields.text.values).toBe(6)
  })

  it('warns when the median moves by more than maxMedianShift or KS exceeds maxKs against base', () => {
    const base = runCheck(lengthCheck, recordsOf(texts(40, 10)), { textFields: ['text'] }).summary
    const same = runCheck(lengthCheck, recordsOf(texts(40, 10)), { textFields: ['text'], base })
    expect(same.findings).toEqual([])
    // 14 words → 27 chars: median +42%, under 50%; but every length moved, KS = 1.
    const longer = runCheck(lengthCheck, recordsOf(texts(40, 14)), { textFields: ['text'], base })
    expect(longer.findings).toEqual([
      {
        field: 'text',
        severity: 'warning',
        message: '`text` lengths moved from base: median 19 → 27 characters (+42%), median 10 → 14 words, KS statistic 1.00 (limits: median shift 50%, KS 0.2)'
      }
    ])
    // A small change in a few records: KS 0.1, median unchanged.
    const fewLonger = runCheck(lengthCheck, recordsOf([...texts(36, 10), ...texts(4, 14)]), { textFields: ['text'], base })
    expect(fewLonger.findings).toEqual([])
    const strict = runCheck(lengthCheck, recordsOf([...texts(36, 10), ...texts(4, 14)]), { textFields: ['text'], base, config: { maxKs: 0.05 } })
    expect(strict.findings).toHaveLength(1)
  })

  itReal('sees the degenerate davinci responses as a length shift from text-davinci-003 on the same 252 prompts', () => {
    const clean = readJsonl('self-instruct/text-davinci-003_predictions.jsonl')
    const degenerate = readJsonl('self-instruct/davinci_predictions.jsonl')
    const base = runCheck(lengthCheck, recordsOf(clean), { textFields: ['response'] })
    const head = runCheck(lengthCheck, recordsOf(degenerate), { textFields: ['response'], base: base.summary })
    const shift = head.findings.filter((f) => f.line === undefined && f.severity === 'warning')
    expect(shift.map((f) => f.message)).toEqual([
      '`response` lengths moved from base: median 221 → 3,927 characters (+1677%), median 35 → 682 words, KS statistic 0.98 (limits: median shift 50%, KS 0.2)'
    ])
    expect(base.findings).toEqual([])
    // Within davinci's own long responses, three are far shorter than the rest.
    expect(head.findings.filter((f) => f.line !== undefined).map((f) => f.line)).toEqual([44, 186, 211])
    expect(head.findings[1].message).toBe(
      "`response` is far shorter than this field's usual lengths: 440 characters (usual range 1,394–10,646), 5 words (usual range 180–2,378); median 3,927 characters, 682 words"
    )
  })

  itReal('finds a handful of far-out lengths in AlpacaDataCleaned toolformer (7,673 records) and none in GSM8K train', () => {
    const toolformer = readJson<RecordFields[]>('AlpacaDataCleaned/toolformer-dedupe-only-dataset.json')
    const { findings, summary } = runCheck(lengthCheck, recordsOf(toolformer), { textFields: ['instruction', 'input', 'output'] })
    const perField = (field: string) => findings.filter((f) => f.field === field && f.line !== undefined).length
    // The same counts as numpy on the exact lengths (log1p, Tukey k = 3): instruction 6 by
    // characters and 9 by words, output 20 and 32; input none.
    expect([summary.fields.instruction.charOutliers, summary.fields.instruction.wordOutliers]).toEqual([6, 9])
    expect([summary.fields.output.charOutliers, summary.fields.output.wordOutliers]).toEqual([20, 32])
    expect([summary.fields.input.charOutliers, summary.fields.input.wordOutliers]).toEqual([0, 0])
    expect([perField('instruction'), perField('input'), perField('output')]).toEqual([9, 0, 31])
    expect(findings.filter((f) => f.line === undefined).map((f) => f.message)).toEqual([
      '`output` has about 20 outliers by characters and 32 by words in all; only the 20 most extreme each way are listed'
    ])
    const gsm = readJsonl('grade-school-math/train.jsonl')
    expect(runCheck(lengthCheck, recordsOf(gsm), { textFields: ['question', 'answer'] }).findings).toEqual([])
  })
})
