import { stringListSetting } from '../stats/settings.js'
import { truncate, valueAt } from '../text.js'
import type { FieldValue } from '../types.js'
import type { Check, Emit } from './types.js'
import { AsciiLiterals } from './detectors/ascii-scan.js'

/** Placeholders found, by kind (the placeholder as written in the defaults, or `lorem ipsum`, `[insert …]`). */
export type PlaceholdersSummary = Record<string, number>

/**
 * Values that stand for "nothing here yet" when they are the whole value (after trimming,
 * any case). From the AlpacaDataCleaned README's list of known issues (`<noinput>`, `No input`,
 * `<No Output>`, `N/A`, `<Picture Attached>`) and the usual suspects.
 */
export const DEFAULT_PLACEHOLDERS = [
  'N/A',
  'NA',
  'TODO',
  'TBD',
  'FIXME',
  '<noinput>',
  '<no input>',
  'No input',
  'noinput',
  '<No Output>',
  'None',
  'null',
  '...',
  '…',
  '<Picture Attached>'
]

/** The filler's opening words, found in one pass over a text's words (see {@link AsciiLiterals}). */
const LOREM_IPSUM = new AsciiLiterals(['lorem ipsum dolor'])

/** A placeholder that gives itself away anywhere in a text. */
interface Anywhere {
  kind: string
  pattern: RegExp
  what: string
}

// The filler itself, not text about it ("Lorem ipsum is a placeholder text..."). A match is the
// literal of LOREM_IPSUM, ASCII case aside as in the pattern (`i`, no `u`): texts without it are
// spared the pattern's own scan.
const LOREM: Anywhere = { kind: 'lorem ipsum', pattern: /\blorem ipsum dolor\b/i, what: 'lorem ipsum filler text' }
// Every slot starts with `[`: one native search rules most texts out.
const INSERT: Anywhere = { kind: '[insert …]', pattern: /\[insert\b[^\]\n]{0,60}\]?/i, what: 'an unfilled template slot' }

/** True for the characters `String.prototype.trim` never removes that are quickest to tell. */
function isKept(code: number): boolean {
  return code > 0x20 && code < 0x7f
}

/** How deep into nested values (chat turns, `instances`) the check looks. */
const MAX_DEPTH = 6

/**
 * Placeholder values: `N/A`, `TODO`, `<noinput>`, `None`, `...` and the like as the whole value;
 * lorem ipsum filler and `[insert …]` slots anywhere. `config.patterns` adds whole values.
 */
export const placeholdersCheck: Check<PlaceholdersSummary> = {
  id: 'placeholders',
  dimension: 'completeness',
  description: 'Placeholder values (N/A, TODO, <noinput>, None, ...) standing in for real content, lorem ipsum, and unfilled [insert ...] slots.',
  defaultSeverity: 'warning',
  defaults: {
    /** More whole values to treat as placeholders (compared trimmed, in any case), added to the built-in list. */
    patterns: []
  },
  start(context) {
    const wholeValues = new Map<string, string>()
    for (const placeholder of [...DEFAULT_PLACEHOLDERS, ...(stringListSetting(context.config, 'patterns') ?? [])]) {
      wholeValues.set(placeholder.trim().toLowerCase(), placeholder)
    }
    // Lower-casing never shortens a string (checked over every code point), so a trimmed value
    // longer than every placeholder is none of them, and needs no lower-cased copy to tell.
    const longest = Math.max(0, ...[...wholeValues.keys()].map((key) => key.length))
    // Every field unless configured: a column filled with `N/A` is exactly what text-field inference would skip as too short.
    const configured = context.config.fields
    let looked = false
    const counts = new Map<string, number>()
    const count = (kind: string): void => {
      counts.set(kind, (counts.get(kind) ?? 0) + 1)
    }
    // The first characters of the placeholders, lower-cased. A value that starts with printable
    // ASCII other than a space (which trimming never removes) is a placeholder only if that
    // character, lower-cased, starts one; a longer value only if trimming shortens it, so only if
    // it also ends with a character trimming may remove.
    const starts = new Uint8Array(128)
    for (const key of wholeValues.keys()) if (key.charCodeAt(0) < 128) starts[key.charCodeAt(0)] = 1
    function mayBeWhole(text: string): boolean {
      const first = text.charCodeAt(0)
      if (!isKept(first)) return true
      if (starts[first >= 0x41 && first <= 0x5a ? first | 0x20 : first] === 0) return false
      return text.length <= longest || !isKept(text.charCodeAt(text.length - 1))
    }
    function report(anywhere: Anywhere, path: string, text: string, line: number, emit: Emit): void {
      const match = anywhere.pattern.exec(text)
      if (!match) return
      count(anywhere.kind)
      emit({ line, field: path, message: `\`${path}\` contains ${anywhere.what}: \`${truncate(match[0], 60)}\``, excerpt: truncate(text.slice(Math.max(0, match.index - 20)), 100) })
    }
    function inspectText(path: string, text: string, line: number, emit: Emit): void {
      if (mayBeWhole(text)) {
        const trimmed = text.trim()
        const whole = trimmed.length <= longest ? wholeValues.get(trimmed.toLowerCase()) : undefined
        // `Na` is sodium and `na` a word in several languages: only the capitals stand for "not available".
        if (whole !== undefined && (whole !== 'NA' || trimmed === 'NA')) {
          count(whole)
          emit({ line, field: path, message: `\`${path}\` is a placeholder: \`${truncate(trimmed, 40)}\``, excerpt: truncate(text, 60) })
          return
        }
      }
      if (LOREM_IPSUM.test(text)) report(LOREM, path, text, line, emit)
      if (text.indexOf('[') >= 0) report(INSERT, path, text, line, emit)
    }
    /** The string values inside a value, with their dotted paths, depth first. */
    function inspectValue(value: FieldValue, path: string, line: number, emit: Emit, depth = 0): void {
      if (typeof value === 'string') inspectText(path, value, line, emit)
      else if (depth < MAX_DEPTH && value !== null && typeof value === 'object') {
        if (Array.isArray(value)) value.forEach((item, i) => inspectValue(item, `${path}.${i}`, line, emit, depth + 1))
        else for (const [key, item] of Object.entries(value)) inspectValue(item, `${path}.${key}`, line, emit, depth + 1)
      }
    }
    return {
      record(record, emit) {
        const fields = configured ?? Object.keys(record.fields)
        if (fields.length > 0) looked = true
        for (const field of fields) {
          const value = valueAt(record.fields, field)
          if (typeof value === 'string') inspectText(field, value, record.line, emit)
          else if (value !== undefined) inspectValue(value, field, record.line, emit)
        }
      },
      finish() {
        return Object.fromEntries(counts)
      },
      applicable: () => looked
    }
  }
}
