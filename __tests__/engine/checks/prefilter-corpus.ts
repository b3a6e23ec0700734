/**
 * Texts for the tests that hold a detector's prefiltered path to its plain path: the real
 * vectors the detectors were tuned on, and text generated to break a cheap prefilter (every
 * case of a phrase, Unicode around and inside it, the phrase at the very start and end).
 */
import fs from 'node:fs'
import { real, REALDATA } from '../../helpers/realdata.js'
import { seededRandom } from '../../../src/engine/stats/sampling.js'

/** Every string inside a parsed JSON value. */
function stringsOf(value: unknown, out: string[]): string[] {
  if (typeof value === 'string') out.push(value)
  else if (Array.isArray(value)) for (const item of value) stringsOf(item, out)
  else if (value !== null && typeof value === 'object') for (const item of Object.values(value)) stringsOf(item, out)
  return out
}

/** Real files whose strings the prefilter tests read (paths relative to the real datasets). */
const REAL_FILES = [
  'presidio/pii_test_vectors.json',
  'presidio/synthetic.json',
  'presidio/demo.txt',
  'presidio/context_sentences_tests.txt',
  'ftfy/in-the-wild.json',
  'ftfy/synthetic.json',
  'ftfy/negative.json',
  'ftfy/known-failures.json',
  'ftfy/language-names.json',
  'ftfy/test_cases.before.json',
  'ftfy/test_cases_fp.before.json',
  'AlpacaDataCleaned/roleplay-simple-deduped-roleplay-dataset.json',
  'self-instruct/davinci_predictions.jsonl',
  'stanford_alpaca/seed_tasks.jsonl'
]

/**
 * The strings of the real vectors (Presidio's PII vectors and patient record, ftfy's cases, the
 * AlpacaDataCleaned roleplay file with its 23 disclaimer artifacts, self-instruct's phones and
 * emails): empty where the real datasets are absent (the tests using them are `itReal`).
 */
export function realTexts(): string[] {
  if (!fs.existsSync(REALDATA)) return []
  const texts: string[] = []
  for (const file of REAL_FILES) {
    if (!fs.existsSync(real(file))) continue
    const content = fs.readFileSync(real(file), 'utf8')
    if (file.endsWith('.txt')) texts.push(content, ...content.split('\n'))
    else if (file.endsWith('.jsonl')) for (const line of content.split('\n').filter((each) => each.trim() !== '')) stringsOf(JSON.parse(line), texts)
    else stringsOf(JSON.parse(content), texts)
  }
  return texts
}

/**
 * Characters a prefilter must not trip over: NBSP and other Unicode spaces, combining marks, a
 * surrogate pair and a lone surrogate, CR/LF and tab, controls, zero-width and bidirectional
 * marks, U+FFFD, accented and mojibake letters, and the letters that case-fold onto ASCII ones
 * (Kelvin sign, long s, dotted and dotless I).
 */
const TRICKY = [
  '\u00a0', '\u2009', '\u3000', '\u0301', '\u0308', '😀', '\ud83d', '\ude00', '\r\n', '\n', '\t', '\u0000', '\u0007', '\u001b', '\u007f', '\u0085', '\u0092',
  '\u200b', '\u200d', '\u202e', '\u2066', '\ufeff', '\ufffd', 'é', 'Ã©', 'â€™', 'Â ', '\u212a', '\u017f', '\u0130', '\u0131', '’', '‘', '"', "'", '(', '-', '_', '@', ':', '=', '[', '.', ',', '/'
]

/** `text` with its letters' case flipped at random. */
function flipCase(text: string, next: () => number): string {
  let out = ''
  for (const char of text) out += next() < 0.5 ? char.toUpperCase() : char.toLowerCase()
  return out
}

/** Filler around a phrase: words, digits, punctuation and the tricky characters. */
function filler(next: () => number, length: number): string {
  const words = ['the', 'data', 'I', 'a', 'an', 'as', 'my', 'of', 'key', 'pass', 'x', '42', '2024-01-02', 'ok.', 'AI', 'sk', 'id:', 'n=3', 'ab_cd', 'lorem', '[note]']
  let out = ''
  while (out.length < length) {
    out += next() < 0.3 ? TRICKY[Math.floor(next() * TRICKY.length)] : words[Math.floor(next() * words.length)]
    out += next() < 0.8 ? ' ' : ''
  }
  return out
}

/**
 * Variants of each phrase that a cheap prefilter could get wrong: as written, in upper, lower and
 * random case; alone, at the very start, at the very end, inside filler; glued to and separated
 * from each tricky character; cut short by one character at either end (near misses).
 */
export function adversarialTexts(phrases: readonly string[], seed = 1): string[] {
  const next = seededRandom(seed)
  const texts: string[] = ['', ' ', '\n', 'a', '0']
  for (const phrase of phrases) {
    const forms = [phrase, phrase.toUpperCase(), phrase.toLowerCase(), flipCase(phrase, next), flipCase(phrase, next), phrase.slice(1), phrase.slice(0, -1)]
    for (const form of forms) {
      texts.push(form, `${form} ${filler(next, 40)}`, `${filler(next, 40)} ${form}`, `${filler(next, 60)}${form}${filler(next, 60)}`, `${form}\r\n${form}`)
      for (const tricky of TRICKY) {
        texts.push(tricky + form, form + tricky, `${tricky} ${form} ${tricky}`)
      }
    }
  }
  return texts
}

/** The texts for which two detectors disagree, each with both answers, for a readable failure. */
export function disagreements<T>(texts: readonly string[], fast: (text: string) => T, plain: (text: string) => T): Array<{ text: string; fast: T; plain: T }> {
  const found: Array<{ text: string; fast: T; plain: T }> = []
  for (const text of texts) {
    const a = fast(text)
    const b = plain(text)
    if (JSON.stringify(a) !== JSON.stringify(b)) found.push({ text, fast: a, plain: b })
  }
  return found
}
