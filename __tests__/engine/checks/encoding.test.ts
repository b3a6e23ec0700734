import { encodingCheck, findMojibake, looksBad, makeVisible } from '../../../src/engine/checks/encoding.js'
import type { FindingDraft } from '../../../src/engine/checks/types.js'
import type { RecordFields } from '../../../src/engine/types.js'
import { checkContext, recordsOf, runCheck } from '../../helpers/runCheck.js'
import { itReal, readJson, readJsonl } from '../../helpers/realdata.js'
import { isPlainAscii } from '../../../src/engine/checks/detectors/ascii-scan.js'
import { adversarialTexts, realTexts } from './prefilter-corpus.js'

interface FtfyCase {
  label: string
  original: string
  fixed: string
  expect: 'pass' | 'fail'
}

const ftfyCases = (file: string): FtfyCase[] => readJson<FtfyCase[]>(`ftfy/${file}`)

/** Runs the check over texts as records `{text}`; returns the findings by 0-based record index. */
function findingsByIndex(texts: string[]): Map<number, FindingDraft[]> {
  const { findings } = runCheck(encodingCheck, recordsOf(texts.map((text) => ({ text }))), { textFields: ['text'] })
  const byIndex = new Map<number, FindingDraft[]>()
  for (const finding of findings) {
    const index = finding.line! - 1
    byIndex.set(index, [...(byIndex.get(index) ?? []), finding])
  }
  return byIndex
}

const isMojibake = (finding: FindingDraft): boolean => finding.message.startsWith('mojibake')

const check = (rows: RecordFields[], textFields = ['text']) => runCheck(encodingCheck, recordsOf(rows), { textFields })

describe('mojibake detection', () => {
  it('reports the damaged words with the encoding and the likely repair', () => {
    const { findings } = check([{ text: 'Merci, NicolÃ¡s, pour le cafÃ©.' }])
    expect(findings).toEqual([
      {
        line: 1,
        field: 'text',
        message: 'mojibake in `text`: `NicolÃ¡s, pour le cafÃ©.` looks like UTF-8 decoded as Windows-1252; it probably should read `Nicolás, pour le café.`',
        excerpt: 'NicolÃ¡s, pour le cafÃ©.'
      }
    ])
  })

  it('peels off mojibake applied more than once', () => {
    expect(findMojibake('The Mona Lisa doesnÃƒÂ¢Ã¢â€šÂ¬Ã¢â€žÂ¢t have eyebrows.')).toEqual({
      snippet: 'doesnÃƒÂ¢Ã¢â€šÂ¬Ã¢â€žÂ¢t',
      fixed: 'doesn’t',
      encoding: 'Windows-1252',
      layers: 3
    })
  })

  it('finds mojibake inside otherwise correct text, and keeps the space after a lost `à`', () => {
    expect(findMojibake('dans l’humanitÃ© aujourd’hui')).toMatchObject({ snippet: 'l’humanitÃ©', fixed: 'l’humanité' })
    expect(findMojibake("Ã perturber la rÃ©flexion")).toMatchObject({ fixed: 'à perturber la réflexion' })
  })

  it('names the other legacy encodings', () => {
    expect(findMojibake('Le Vigne di Zam√≤')).toMatchObject({ encoding: 'MacRoman', fixed: 'Zamò' })
    expect(findMojibake('РґРѕСЂРѕРіРµ Р\u0098Р·-РїРѕРґ')).toMatchObject({ encoding: 'Windows-1251', fixed: 'дороге Из-под' })
    expect(findMojibake('─îe┼ítina')).toMatchObject({ encoding: 'code page 437', fixed: 'Čeština' })
  })

  it('leaves correct accented, Greek, Cyrillic and symbol-laden text alone', () => {
    const correct = [
      'Un café naïve à São Paulo, Ærøskøbing, Ελληνικά, Привет, 日本語',
      'NESTLÉ® requiere personal',
      'Offering 5×£35 pin ups',
      '( o¬ô )',
      'C O N C L U S Ã O',
      'x² + y² = r², 20 °C, ±5 %, ½ cup',
      'Brontë…”'
    ]
    for (const text of correct) expect(findMojibake(text)).toBeUndefined()
    expect(looksBad('cafÃ©')).toBe(true)
    expect(looksBad('café')).toBe(false)
  })

  itReal('catches 66 of the 70 in-the-wild ftfy cases; the 4 it misses are not UTF-8 mojibake, and 3 of them have no encoding damage at all', () => {
    const cases = ftfyCases('in-the-wild.json')
    expect(cases.filter((c) => c.expect === 'pass' && c.original !== c.fixed)).toHaveLength(70)
    const byIndex = findingsByIndex(cases.map((c) => c.original))
    const missedMojibake = cases.map((_, i) => i).filter((i) => !(byIndex.get(i) ?? []).some(isMojibake))
    // 4: Windows-1252 quotes read as Latin-1 (C1 controls, reported as such); 42, 43: ligatures
    // ftfy splits; 59: an HTML entity. ftfy's own `fixed-encoding` leaves 42, 43 and 59 unchanged.
    expect(missedMojibake).toEqual([4, 42, 43, 59])
    const missedEntirely = cases.map((_, i) => i).filter((i) => !byIndex.has(i))
    expect(missedEntirely).toEqual([42, 43, 59])
    expect(byIndex.get(4)!.map((finding) => finding.message)).toEqual([
      '2 control characters in `text`: U+0084 (probably `„` from Windows-1252 read as Latin-1), U+0093 (probably `“` from Windows-1252 read as Latin-1)'
    ])
  })

  itReal('catches 16 of the 20 changed synthetic ftfy cases as mojibake and 18 with any finding; the other 10 get no finding', () => {
    const cases = ftfyCases('synthetic.json')
    const changed = cases.map((c, i) => (c.original !== c.fixed ? i : -1)).filter((i) => i >= 0)
    expect(changed).toHaveLength(20)
    const byIndex = findingsByIndex(cases.map((c) => c.original))
    const mojibake = changed.filter((i) => (byIndex.get(i) ?? []).some(isMojibake))
    expect(mojibake).toHaveLength(16)
    // 8 and 23 are labelled "negative" upstream: only their curly quotes change. 11 and 12 hold a
    // control character, reported as one.
    expect(changed.filter((i) => !mojibake.includes(i))).toEqual([8, 11, 12, 23])
    expect(changed.filter((i) => !byIndex.has(i))).toEqual([8, 23])
    const unchanged = cases.map((c, i) => (c.original === c.fixed ? i : -1)).filter((i) => i >= 0)
    expect(unchanged).toHaveLength(10)
    expect(unchanged.filter((i) => byIndex.has(i))).toEqual([])
  })

  itReal('catches all 20 mojibaked language names', () => {
    const byIndex = findingsByIndex(ftfyCases('language-names.json').map((c) => c.original))
    expect([...byIndex.values()].filter((findings) => findings.some(isMojibake))).toHaveLength(20)
  })

  itReal('flags none of the 31 ftfy negatives as mojibake; the only finding is the C1 control in case 25', () => {
    const cases = ftfyCases('negative.json')
    expect(cases).toHaveLength(31)
    const { findings } = runCheck(encodingCheck, recordsOf(cases.map((c) => ({ text: c.original }))), { textFields: ['text'] })
    expect(findings.filter(isMojibake)).toEqual([])
    // `parlé\x85` is Windows-1252 `…` read as Latin-1: ftfy's own `fixed` rewrites it.
    expect(findings).toEqual([
      {
        line: 26,
        field: 'text',
        message: '1 control character in `text`: U+0085 (probably `…` from Windows-1252 read as Latin-1)',
        excerpt: '…ous n\'en avons pas encore beaucoup parlé<U+0085> Tu sais, ça fait de nombreuses années'
      }
    ])
  })

  itReal('finds the 20 `Â`-damaged fields (17 records) of the toolformer similarity file and none in the dedupe-only file', () => {
    const read = (file: string): RecordFields[] => readJson<RecordFields[]>(`AlpacaDataCleaned/${file}`)
    const fields = ['instruction', 'input', 'output']
    const similar = runCheck(encodingCheck, recordsOf(read('toolformer-similarity-0.9-dataset.json')), { textFields: fields })
    expect(similar.findings).toHaveLength(20)
    expect(similar.findings.every(isMojibake)).toBe(true)
    expect(new Set(similar.findings.map((finding) => finding.line)).size).toBe(17)
    expect(similar.findings[0]).toMatchObject({ line: 872, field: 'instruction', excerpt: 'xÂ²' })
    expect(similar.findings[0].message).toContain('it probably should read `x²`')
    expect(similar.summary).toEqual({ mojibake: 20, replacement: 0, surrogate: 0, control: 0, invisible: 0 })
    const deduped = runCheck(encodingCheck, recordsOf(read('toolformer-dedupe-only-dataset.json')), { textFields: fields })
    expect(deduped.findings).toEqual([])
  })
})

describe('other encoding damage', () => {
  it('reports replacement characters with a visible excerpt', () => {
    const { findings } = check([{ text: 'Sloven\ufffdina and \ufffd' }])
    expect(findings).toEqual([
      {
        line: 1,
        field: 'text',
        message: '2 replacement characters (U+FFFD, `\ufffd`) in `text`: the text was decoded with errors somewhere upstream and the original characters are lost',
        excerpt: 'Sloven\ufffdina and \ufffd'
      }
    ])
  })

  it('reports C0 controls but not tab, newline or carriage return', () => {
    expect(check([{ text: 'a\tb\nc\r\nd' }]).findings).toEqual([])
    const { findings } = check([{ text: 'NUL\u0000 and ESC\u001b[0m' }])
    expect(findings.map((finding) => [finding.message, finding.excerpt])).toEqual([
      ['2 control characters in `text`: U+0000, U+001B', 'NUL<U+0000> and ESC<U+001B>[0m']
    ])
  })

  it('reports zero-width characters, byte-order marks and bidirectional overrides', () => {
    const { findings } = check([
      { text: 'zero\u200bwidth' },
      { text: '\ufeffstarts with a BOM' },
      { text: 'access = "user\u202e \u2066// admin\u2069 \u2066"' }
    ])
    expect(findings.map((finding) => finding.message)).toEqual([
      '1 invisible formatting character in `text` (zero-width space U+200B): invisible characters break matching, deduplication and tokenization',
      '1 invisible formatting character in `text` (byte-order mark U+FEFF): invisible characters break matching, deduplication and tokenization',
      '4 invisible formatting characters in `text` (right-to-left override U+202E, left-to-right isolate U+2066, pop directional isolate U+2069): bidirectional controls make text display in a different order than it is stored'
    ])
    expect(findings[0].excerpt).toBe('zero<U+200B>width')
  })

  it('accepts joiners inside emoji sequences and scripts that need them, not between Latin letters', () => {
    expect(check([{ text: 'family 👨\u200d👩\u200d👧, wizard 🧙\u200d♂️' }, { text: 'می\u200cخواهم' }, { text: 'क्\u200dष' }]).findings).toEqual([])
    expect(check([{ text: 'pass\u200dword' }]).findings.map((finding) => finding.message)).toEqual([
      '1 invisible formatting character in `text` (zero-width joiner U+200D): invisible characters break matching, deduplication and tokenization'
    ])
  })

  it('reports an emoji cut in half', () => {
    const { findings } = check([{ text: 'Input: 🧙🚪\ud83d' }])
    expect(findings).toEqual([
      {
        line: 1,
        field: 'text',
        message: '1 unpaired UTF-16 surrogate (U+D83D) in `text`: half of a character, usually an emoji cut in the middle; it cannot be written as UTF-8',
        excerpt: 'Input: 🧙🚪<U+D83D>'
      }
    ])
  })

  it('does not report the C1 controls of mojibake twice', () => {
    const { findings } = check([{ text: 'Ecuadorâ\u0080\u0099s decision' }])
    expect(findings.map((finding) => finding.message)).toEqual([
      'mojibake in `text`: `Ecuadorâ<U+0080><U+0099>s` looks like UTF-8 decoded as Windows-1252; it probably should read `Ecuador’s`'
    ])
  })

  it('reads only the configured fields, chat transcripts included, and counts fields per kind', () => {
    const { findings, summary } = runCheck(
      encodingCheck,
      recordsOf([{ id: 'caf\u00c3\u00a9', messages: [{ role: 'user', content: 'x\u200by' }, { role: 'assistant', content: 'ok\ufffd' }] }]),
      { config: { fields: ['messages'] }, textFields: ['id'] }
    )
    expect(findings.map((finding) => finding.field)).toEqual(['messages', 'messages'])
    expect(summary).toEqual({ mojibake: 0, replacement: 1, surrogate: 0, control: 0, invisible: 1 })
  })

  itReal('finds the one zero-width space in GSM8K test (record 394) and nothing else there or in HumanEval', () => {
    const gsm = runCheck(encodingCheck, recordsOf(readJsonl('grade-school-math/test.jsonl')), { textFields: ['question', 'answer'] })
    expect(gsm.findings.map((finding) => [finding.line, finding.field, finding.excerpt])).toEqual([
      [394, 'answer', '…es + 90 minutes = <<240+120+90=450>>450 <U+200B>minutes\nThen divide her editing time by']
    ])
    const humanEval = runCheck(encodingCheck, recordsOf(readJsonl('human-eval/HumanEval.jsonl')), { textFields: ['prompt', 'canonical_solution', 'test'] })
    expect(humanEval.findings).toEqual([])
  })

  it('makes invisible characters visible', () => {
    expect(makeVisible('a\u00a0b\u200bc\u0085')).toBe('a<U+00A0>b<U+200B>c<U+0085>')
  })

  it('is applicable only with text fields to read', () => {
    expect(encodingCheck.start(checkContext()).applicable?.()).toBe(false)
    expect(encodingCheck.start(checkContext({ textFields: ['text'] })).applicable?.()).toBe(true)
  })
})

describe('plain-text shortcut', () => {
  // Every character that some kind of damage consists of: C0 controls but tab, LF and CR; DEL;
  // C1 controls; U+FFFD; both halves of a surrogate pair alone; the invisible formatting marks.
  const DAMAGE = [
    ...Array.from({ length: 32 }, (_, code) => code).filter((code) => code !== 0x09 && code !== 0x0a && code !== 0x0d),
    ...Array.from({ length: 33 }, (_, i) => 0x7f + i),
    0xfffd,
    0xd83d,
    0xde00,
    0x200b,
    0x200e,
    0x202e,
    0x2066,
    0xfeff
  ].map((code) => String.fromCharCode(code))

  it('still reports each damaging character wherever it sits in an otherwise plain text', () => {
    const texts: string[] = []
    for (const damage of DAMAGE) {
      for (let at = 0; at < 9; at++) texts.push('plain tex'.slice(0, at) + damage + 'plain tex'.slice(at))
      texts.push(damage + 'x'.repeat(70_000), 'x'.repeat(70_000) + damage)
    }
    const byIndex = findingsByIndex(texts)
    expect(texts.filter((_, i) => !byIndex.has(i)).map((text) => makeVisible(text.slice(0, 12)))).toEqual([])
  })

  /**
   * What the check would report without the shortcut, by its own detectors: mojibake, and the
   * patterns of encoding.ts for U+FFFD, lone surrogates, controls and invisible marks (before the
   * filters that drop some of their matches, so a superset of what it reports).
   */
  const plainDamage = (text: string): boolean =>
    // eslint-disable-next-line no-control-regex -- control characters are what it looks for
    findMojibake(text) !== undefined || /\ufffd|\p{Cs}|[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]|[\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]/u.test(text)

  itReal('skips no real text in which the plain detectors find damage', () => {
    const texts = realTexts()
    expect(texts.filter((text) => isPlainAscii(text) && plainDamage(text))).toEqual([])
    // The real vectors do hold damage, and plain text: the test is not vacuous.
    expect(texts.filter(plainDamage).length).toBeGreaterThan(100)
    expect(texts.filter(isPlainAscii).length).toBeGreaterThan(1000)
  })

  it('skips no generated text in which the plain detectors find damage', () => {
    const texts = adversarialTexts(['NicolÃ¡s cafÃ©', 'plain words', 'zero\u200bwidth', 'bell\u0007', 'lost \ufffd', 'cut \ud83d'])
    expect(texts.filter((text) => isPlainAscii(text) && plainDamage(text))).toEqual([])
  })

  it('reports nothing in printable ASCII with tabs, line feeds and carriage returns, short or long', () => {
    const texts = ['', ' ', 'a', 'abcd', 'abcde', 'tab\there\r\nand\nthere', '~{}|`^_', 'x'.repeat(70_000), `${'line\r\n'.repeat(15_000)}end`]
    expect([...findingsByIndex(texts).keys()]).toEqual([])
  })
})
