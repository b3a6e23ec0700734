import { compressionRatios, compressionRatiosOfCuts, distinctN, distinctNOfStrings, lexicalDiversityCheck, tokensOf } from '../../../src/engine/checks/lexical-diversity.js'
import { seededRandom } from '../../../src/engine/stats/sampling.js'
import type { RecordFields } from '../../../src/engine/types.js'
import { recordsOf, runCheck } from '../../helpers/runCheck.js'
import { itReal, readJsonl } from '../../helpers/realdata.js'

/** `count` texts of 20 words drawn from a vocabulary of `vocabulary` made-up words. */
function texts(count: number, vocabulary: number, seed: number): RecordFields[] {
  const random = seededRandom(seed)
  return Array.from({ length: count }, () => ({
    text: Array.from({ length: 20 }, () => `w${Math.floor(random() * vocabulary).toString(36)}`).join(' ')
  }))
}

describe('lexical-diversity check', () => {
  it('computes distinct-1 and distinct-2 without bigrams across texts, at token budgets', () => {
    expect(tokensOf("Don't STOP-me now 42")).toEqual(['don', 't', 'stop', 'me', 'now', '42'])
    const result = distinctN(['a b a b', 'a b'], [3, 100])
    // 6 tokens, 2 distinct; bigrams ab, ba, ab + ab = 4, 2 distinct.
    expect(result.all).toEqual({ tokens: 6, distinct1: 2 / 6, distinct2: 2 / 4 })
    // After 3 tokens (a b a): 2 distinct, bigrams ab, ba.
    expect(result.at).toEqual([{ tokens: 3, distinct1: 2 / 3, distinct2: 1 }])
  })

  it('measures a higher compression ratio for repetitive text', () => {
    const repetitive = compressionRatios(Array(200).fill('the same sentence again and again'), [1000])
    const varied = compressionRatios(texts(200, 5000, 1).map((row) => String(row.text)), [1000])
    expect(repetitive.all.ratio).toBeGreaterThan(20)
    expect(varied.all.ratio).toBeLessThan(4)
    expect(repetitive.at).toHaveLength(1)
    expect(repetitive.at[0].chars).toBe(1000)
  })

  it('warns when distinct-2 drops and the compression ratio rises against base, on equal budgets', () => {
    const base = runCheck(lexicalDiversityCheck, recordsOf(texts(600, 2000, 1)), { textFields: ['text'] }).summary
    expect(base.fields.text.texts).toBe(600)
    expect(base.fields.text.distinctAt.map((at) => at.tokens)).toEqual([1000, 10000])
    // Same number of texts, from a vocabulary of 30 words instead of 2,000.
    const head = runCheck(lexicalDiversityCheck, recordsOf(texts(600, 30, 2)), { textFields: ['text'], base })
    expect(head.findings).toEqual([
      {
        field: 'text',
        message: '`text` is less varied than in base: distinct-2 0.999 → 0.095 (−91%, limit 15%), distinct-1 0.199 → 0.003, over the first 10,000 sampled words'
      },
      {
        field: 'text',
        message: '`text` is more repetitive than in base: compression ratio 2.04 → 3.05 (+49%, limit 15%), over the first 10,000 sampled characters'
      }
    ])
    // Either side of the 15% limit: 150 words give a drop of distinct-2 past it, 200 words stay under.
    const edge = (vocabulary: number) => runCheck(lexicalDiversityCheck, recordsOf(texts(600, vocabulary, 2)), { textFields: ['text'], base })
    expect(edge(150).findings.map((f) => f.message)).toEqual([
      '`text` is less varied than in base: distinct-2 0.999 → 0.821 (−18%, limit 15%), distinct-1 0.199 → 0.015, over the first 10,000 sampled words',
      '`text` is more repetitive than in base: compression ratio 2.04 → 2.62 (+28%, limit 15%), over the first 10,000 sampled characters'
    ])
    // distinct-2 0.999 → 0.889 is an 11% drop; the compression ratio rises 23%.
    expect(edge(200).findings.map((f) => f.message)).toEqual([
      '`text` is more repetitive than in base: compression ratio 2.04 → 2.52 (+23%, limit 15%), over the first 10,000 sampled characters'
    ])
    const lenient = runCheck(lexicalDiversityCheck, recordsOf(texts(600, 200, 2)), { textFields: ['text'], base, config: { maxCompressionRise: 0.25 } })
    expect(lenient.findings).toEqual([])
    // A head drawn like the base, with a different seed and 50% more texts: no warning.
    expect(runCheck(lexicalDiversityCheck, recordsOf(texts(900, 2000, 3)), { textFields: ['text'], base }).findings).toEqual([])
  })

  it('keeps a bounded sample and cuts long texts', () => {
    const rows = Array.from({ length: 300 }, (_, i) => ({ text: `${'x'.repeat(50)} ${i}` }))
    const { summary } = runCheck(lexicalDiversityCheck, recordsOf(rows), { textFields: ['text'], config: { sampleSize: 100, maxCharsPerText: 10 } })
    expect(summary.fields.text.texts).toBe(300)
    expect(summary.fields.text.sampled).toBe(100)
    // Every kept text is the same 10 x's: one distinct token.
    expect(summary.fields.text.distinct1).toBe(0.01)
  })

  itReal('sees davinci responses as far less varied than text-davinci-003 ones for the same prompts', () => {
    const base = runCheck(lexicalDiversityCheck, recordsOf(readJsonl('self-instruct/text-davinci-003_predictions.jsonl')), { textFields: ['response'] }).summary
    const head = runCheck(lexicalDiversityCheck, recordsOf(readJsonl('self-instruct/davinci_predictions.jsonl')), { textFields: ['response'], base })
    const b = base.fields.response
    const h = head.summary.fields.response
    expect([b.texts, b.sampled, h.texts, h.sampled]).toEqual([252, 252, 252, 252])
    expect(b.distinct2).toBeCloseTo(0.7161, 4)
    expect(h.distinct2).toBeCloseTo(0.1871, 4)
    expect(b.compressionRatio).toBeCloseTo(2.544, 3)
    expect(h.compressionRatio).toBeCloseTo(8.486, 3)
    // Compared at the largest budgets both reached: 10,000 words and 10,000 characters.
    expect(head.findings).toEqual([
      {
        field: 'response',
        message: '`response` is less varied than in base: distinct-2 0.721 → 0.230 (−68%, limit 15%), distinct-1 0.274 → 0.101, over the first 10,000 sampled words'
      },
      {
        field: 'response',
        message: '`response` is more repetitive than in base: compression ratio 2.26 → 6.09 (+170%, limit 15%), over the first 10,000 sampled characters'
      }
    ])
  })
})

describe('lexical-diversity measures against their definitions', () => {
  const tricky = [
    '',
    ' ',
    'plain ascii words and 42 numbers',
    "Don't STOP-me now 42",
    'UPPER lower MiXeD',
    'tabs\tand\r\nCRLF\nlines',
    'x\u0001y\u007fz',
    'café CAFÉ cafe\u0301',
    'İstanbul İİİ',
    'ΟΔΟΣ οδος',
    'straße STRASSE',
    'non\u00a0breaking\u2003spaces',
    '😀 emoji😀words 😀',
    '\ud83d lone \ude00 halves',
    'ﬁnd ＡＢＣ １２３ fullwidth',
    '日本語のテキスト 中文',
    'a',
    'a a a a a a',
    'one two one two one two',
    'word '.repeat(300)
  ]

  /** Seeded texts mixing ASCII words with the tricky ones. */
  function mixed(count: number, seed: number): string[] {
    const random = seededRandom(seed)
    return Array.from({ length: count }, () => {
      if (random() < 0.3) return tricky[Math.floor(random() * tricky.length)]
      return Array.from({ length: 1 + Math.floor(random() * 30) }, () => `w${Math.floor(random() * 40).toString(36)}`).join(random() < 0.5 ? ' ' : ', ')
    })
  }

  it('counts distinct words and bigrams by hash as by string, at every budget', () => {
    const budgets = [1, 2, 3, 5, 8, 13, 100, 1000, 5000]
    expect(distinctN(tricky, budgets)).toEqual(distinctNOfStrings(tricky, budgets))
    for (const seed of [1, 2, 3]) {
      const texts = mixed(400, seed)
      expect(distinctN(texts, budgets)).toEqual(distinctNOfStrings(texts, budgets))
      expect(distinctN(texts)).toEqual(distinctNOfStrings(texts))
    }
    // Budgets out of order or repeated: each is looked for in turn, as before.
    expect(distinctN(tricky, [5, 3, 3, 40])).toEqual(distinctNOfStrings(tricky, [5, 3, 3, 40]))
    expect(distinctN([], [1])).toEqual({ all: { tokens: 0, distinct1: 0, distinct2: 0 }, at: [] })
    // A very long text, longer than any scratch buffer so far.
    const long = ['ab '.repeat(50000) + 'cd', 'É'.repeat(20000)]
    expect(distinctN(long, [10, 100000])).toEqual(distinctNOfStrings(long, [10, 100000]))
  })

  it('gives zlib compression ratios equal to deflateSync of each cut, cuts through surrogate pairs included', () => {
    // Every cut of a short text: some split a surrogate pair, which the cut text encodes as U+FFFD.
    const short = ['a😀b', 'é', '😀😀', '\ud83d', 'z']
    const everyCut = Array.from({ length: 14 }, (_, i) => i)
    expect(compressionRatios(short, everyCut)).toEqual(compressionRatiosOfCuts(short, everyCut))
    for (const seed of [1, 2]) {
      const texts = mixed(2000, seed)
      const budgets = [10, 1000, 10000, 30000, 30001]
      expect(compressionRatios(texts, budgets)).toEqual(compressionRatiosOfCuts(texts, budgets))
    }
    const ascii = texts(3000, 500, 4).map((row) => String(row.text))
    expect(compressionRatios(ascii)).toEqual(compressionRatiosOfCuts(ascii))
    // Incompressible text: zlib stores it, and the framing is still 6 bytes.
    const random = seededRandom(9)
    const noise = [Array.from({ length: 70000 }, () => String.fromCharCode(33 + Math.floor(random() * 94))).join('')]
    expect(compressionRatios(noise, [100, 65536])).toEqual(compressionRatiosOfCuts(noise, [100, 65536]))
    expect(compressionRatios([], [1])).toEqual(compressionRatiosOfCuts([], [1]))
    expect(compressionRatios(['', ''], [1])).toEqual(compressionRatiosOfCuts(['', ''], [1]))
  })
})
