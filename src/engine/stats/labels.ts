import { finishHash, hash53, HASH_MULTIPLIER_1, HASH_MULTIPLIER_2, HASH_SEED_1, HASH_SEED_2 } from '../hash.js'
import type { FieldValue } from '../types.js'

/**
 * The labels a field value holds: a string (trimmed-empty counts as missing), a number or a
 * boolean written out, or each of those in an array (multi-label). Objects and null hold none.
 * Strings are returned as written, spaces included, so that spelling variants stay visible.
 */
export function labelsOf(value: FieldValue | undefined): string[] {
  if (value === undefined || value === null) return []
  if (typeof value === 'string') return value.trim() === '' ? [] : [value]
  if (typeof value === 'number' || typeof value === 'boolean') return [String(value)]
  if (Array.isArray(value)) return value.flatMap((item) => (Array.isArray(item) ? [] : labelsOf(item)))
  return []
}

const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?$/i
const PUNCTUATION_OR_SPACE = /[\p{P}\s]+/gu

/**
 * The identity of a label once case, spacing, punctuation and Unicode width are set aside
 * (`Positive`, ` positive `, `POSITIVE.` all give `positive`). Numbers keep their sign and
 * value (`-1` is not `1`, `1.0` is `1`); a label made only of punctuation keeps it.
 */
export function labelKey(label: string): string {
  const text = label.normalize('NFKC').trim()
  if (NUMBER.test(text)) return `#${Number(text)}`
  const key = text.toLowerCase().replace(PUNCTUATION_OR_SPACE, '')
  return key === '' ? text.toLowerCase().replace(/\s+/gu, ' ') : key
}

/**
 * How two spellings of the same label (same `labelKey`) differ, in words: some of `case`,
 * `spacing` and `punctuation`, else `number format` (`1.0` and `1`) or `Unicode form`
 * (full-width letters and the like).
 */
export function spellingDifference(a: string, b: string): string {
  const x = a.normalize('NFKC')
  const y = b.normalize('NFKC')
  const noSpace = (text: string): string => text.replace(/\s+/gu, '')
  const noPunctuation = (text: string): string => text.replace(/\p{P}+/gu, '')
  const kinds: string[] = []
  if (NUMBER.test(x.trim()) && NUMBER.test(y.trim())) {
    if (x.trim() !== y.trim()) kinds.push('number format')
    if (noSpace(x) === noSpace(y) && x !== y) kinds.push('spacing')
  } else {
    // With the same key, what is left once two of the three are removed is the third.
    if (noSpace(noPunctuation(x)) !== noSpace(noPunctuation(y))) kinds.push('case')
    if (noPunctuation(x.toLowerCase()) !== noPunctuation(y.toLowerCase())) kinds.push('spacing')
    if (noSpace(x.toLowerCase()) !== noSpace(y.toLowerCase())) kinds.push('punctuation')
  }
  if (kinds.length === 0) return a === b ? 'nothing' : 'Unicode form'
  return kinds.length === 1 ? kinds[0] : `${kinds.slice(0, -1).join(', ')} and ${kinds[kinds.length - 1]}`
}

/** Text for comparing inputs: NFKC, lower case, runs of whitespace as one space, trimmed. */
export function normaliseText(text: string): string {
  // NFKC leaves ASCII as it is: most text is ASCII and skips the costly normalisation.
  const composed = NON_ASCII.test(text) ? text.normalize('NFKC') : text
  return composed.toLowerCase().replace(/\s+/g, ' ').trim()
}

// eslint-disable-next-line no-control-regex -- the ASCII range is the point
const NON_ASCII = /[^\x00-\x7f]/

const imul = Math.imul

/**
 * `hash53(normaliseText(text))`, or undefined when that is empty, without building the
 * normalised string for ASCII text (lower-cased and whitespace-collapsed as it is hashed): the
 * conflicting-labels check hashes every input and output of a file.
 */
export function normalisedHash(text: string): number | undefined {
  if (NON_ASCII.test(text)) {
    const normalised = normaliseText(text)
    return normalised === '' ? undefined : hash53(normalised)
  }
  let h1 = HASH_SEED_1
  let h2 = HASH_SEED_2
  let started = false
  let pendingSpace = false
  for (let i = 0; i < text.length; i++) {
    let code = text.charCodeAt(i)
    if (code === 32 || (code >= 9 && code <= 13)) {
      pendingSpace = started
      continue
    }
    if (pendingSpace) {
      h1 = imul(h1 ^ 32, HASH_MULTIPLIER_1)
      h2 = imul(h2 ^ 32, HASH_MULTIPLIER_2)
      pendingSpace = false
    }
    if (code >= 65 && code <= 90) code += 32
    h1 = imul(h1 ^ code, HASH_MULTIPLIER_1)
    h2 = imul(h2 ^ code, HASH_MULTIPLIER_2)
    started = true
  }
  return started ? finishHash(h1, h2) : undefined
}
