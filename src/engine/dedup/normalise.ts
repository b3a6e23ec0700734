import { textOf, valueAt } from '../text.js'
import type { FieldValue, RecordFields } from '../types.js'

/**
 * Joins the normalised parts of one record (one part per text field). Normalisation turns every
 * control character into a space, so it can never occur inside a part: the same words in
 * another field, or moved across a field boundary, make another record.
 */
export const PART_SEPARATOR = '\u0001'

/** Only ASCII: NFKC leaves it as it is, and the cheaper pattern below is enough. */
// eslint-disable-next-line no-control-regex -- control characters are what these patterns match
const ASCII_ONLY = /^[\x00-\x7f]*$/
/** ASCII punctuation (Unicode category P), controls and spaces: each run becomes one space. */
// eslint-disable-next-line no-control-regex -- as above
const ASCII_BREAKS = /[\x00-\x20\x7f!"#%&'()*,\-./:;?@[\\\]_{}]+/g
/**
 * Per ASCII code: 1 when normalisation turns it into a space (the characters of ASCII_BREAKS).
 * The tokeniser reads ASCII text with it instead of building the normalised string.
 */
export const ASCII_BREAK_CODES: Uint8Array = (() => {
  const table = new Uint8Array(128)
  for (let code = 0; code <= 0x20; code++) table[code] = 1
  table[0x7f] = 1
  for (const char of '!"#%&\'()*,-./:;?@[\\]_{}') table[char.charCodeAt(0)] = 1
  return table
})()

/** Any punctuation, control character or space, in any script. */
const UNICODE_BREAKS = /[\p{P}\p{Cc}\p{Z}\s]+/gu
/** Format characters (zero-width space, soft hyphen, BOM): invisible, so they join what they split. */
const FORMAT_CHARACTERS = /\p{Cf}+/gu

/**
 * The text two records are compared on: Unicode NFKC (full-width and ligature forms folded),
 * lower case, punctuation stripped and whitespace collapsed to single spaces, trimmed.
 * Punctuation becomes a space rather than nothing, so `don't` and `don t` agree, and so do
 * `end.Start` and `end. Start`. Symbols (`+ = $ <`) are kept: `2+2` and `2=2` stay apart.
 */
export function normaliseText(text: string): string {
  if (ASCII_ONLY.test(text)) return text.toLowerCase().replace(ASCII_BREAKS, ' ').trim()
  return text.normalize('NFKC').replace(FORMAT_CHARACTERS, '').toLowerCase().replace(UNICODE_BREAKS, ' ').trim()
}

/**
 * The texts one record is compared on, one per field: `fields` in `record` (a chat
 * transcript's contents joined), or, with no fields, the whole record but its `exclude`d
 * top-level fields (the key: records that differ only by id are duplicates): every scalar leaf
 * as `path value`, paths sorted, so key order does not matter but the field a value sits in
 * does. A missing field counts as an empty one.
 */
export function comparisonParts(record: RecordFields, fields: readonly string[], exclude?: ReadonlySet<string>): string[] {
  const parts: string[] = []
  if (fields.length === 0) {
    for (const key of Object.keys(record).sort()) if (!exclude?.has(key)) collectLeaves(record[key], key, parts)
  } else for (const field of fields) parts.push(textOf(valueAt(record, field)) ?? '')
  return parts
}

/**
 * The normalised parts joined by ` \u0001 `, as one string: empty when every part is empty.
 * (The hot path never builds it: it hashes the words of the parts directly.)
 */
export function joinNormalised(parts: readonly string[]): string {
  let joined = ''
  let any = false
  for (let i = 0; i < parts.length; i++) {
    const part = normaliseText(parts[i])
    if (i > 0) joined += (joined === '' ? '' : ' ') + PART_SEPARATOR
    if (part !== '') {
      any = true
      joined += (i > 0 ? ' ' : '') + part
    }
  }
  return any ? joined : ''
}

/**
 * The start of the original text of the non-empty parts, spaces collapsed, joined by ` | `:
 * at least `length` characters when there are that many (an excerpt is cut from it; the rest
 * of a long record is never copied).
 */
export function rawText(parts: readonly string[], length = Infinity): string {
  let text = ''
  for (const part of parts) {
    if (text.length >= length) break
    // Twice the length (and a margin for spaces that collapse) before collapsing, so the cut falls after it.
    const start = part.length > 2 * length + 64 ? part.slice(0, 2 * length + 64).replace(/[\uD800-\uDBFF]$/, '') : part
    const piece = start.replace(/\s+/g, ' ').trim()
    if (piece !== '') text += (text === '' ? '' : ' | ') + piece
  }
  return text
}

function collectLeaves(value: FieldValue, path: string, parts: string[]): void {
  if (value === null) return
  if (typeof value !== 'object') {
    parts.push(path === '' ? String(value) : `${path} ${String(value)}`)
    return
  }
  if (Array.isArray(value)) {
    value.forEach((item, i) => collectLeaves(item, path === '' ? String(i) : `${path}.${i}`, parts))
    return
  }
  for (const key of Object.keys(value).sort()) collectLeaves(value[key], path === '' ? key : `${path}.${key}`, parts)
}
