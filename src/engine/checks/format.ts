import type { CheckConfig } from '../../config/types.js'
import { errorMessage } from '../readers/context.js'
import { numberSetting, stringListSetting, stringSetting } from '../stats/settings.js'
import { truncate, valueAt } from '../text.js'
import type { FieldValue } from '../types.js'
import type { Check } from './types.js'

/** Per field, how many values were checked and how many did not match. */
export type FormatSummary = Record<string, { checked: number; failed: number }>

/** A compiled pattern for one field, as configured. */
interface FieldPattern {
  field: string
  source: string
  regex: RegExp
}

/**
 * The configured patterns: `pattern` applied to each of `fields`, and `patterns`, a map of
 * field to pattern. `flags` applies to all. Patterns that do not compile are returned as problems.
 */
export function compilePatterns(config: CheckConfig): { patterns: FieldPattern[]; problems: string[] } {
  const flags = (stringSetting(config, 'flags') ?? '').replace(/[gy]/g, '')
  const wanted: Array<[string, string]> = []
  const pattern = stringSetting(config, 'pattern')
  if (pattern !== undefined) for (const field of stringListSetting(config, 'fields') ?? []) wanted.push([field, pattern])
  const map = config.patterns
  if (map !== null && typeof map === 'object' && !Array.isArray(map)) {
    for (const [field, source] of Object.entries(map)) if (typeof source === 'string') wanted.push([field, source])
  }
  const patterns: FieldPattern[] = []
  const problems: string[] = []
  const seen = new Map<string, RegExp | undefined>()
  for (const [field, source] of wanted) {
    if (!seen.has(source)) {
      try {
        seen.set(source, new RegExp(source, flags))
      } catch (error) {
        seen.set(source, undefined)
        problems.push(`the pattern \`${source}\`${flags ? ` with flags \`${flags}\`` : ''} is not a valid regular expression (${errorMessage(error)}), so no value was checked against it`)
      }
    }
    const regex = seen.get(source)
    if (regex) patterns.push({ field, source, regex })
  }
  return { patterns, problems }
}

/** The text a scalar value is matched as; undefined for null, missing, lists and objects. */
function scalarText(value: FieldValue | undefined): string | undefined {
  if (typeof value === 'string') return value
  if (typeof value === 'number' || typeof value === 'boolean') return String(value)
  return undefined
}

/** The start and the end of a long value: patterns often anchor at either. */
function headAndTail(text: string): string {
  const chars = Array.from(text)
  if (chars.length <= 110) return text
  return chars.slice(0, 45).join('') + ' … ' + chars.slice(-60).join('')
}

/**
 * Values that do not match the configured regular expression of their field (GSM8K answers
 * ending in `#### <number>`, ids like `Mbpp/12`). Missing and null values are left to the
 * completeness checks.
 */
export const formatCheck: Check<FormatSummary> = {
  id: 'format',
  dimension: 'accuracy',
  description: 'Field values that do not match the regular expression configured for the field.',
  defaultSeverity: 'error',
  defaults: {
    /** Values longer than this many characters are not matched, to bound the cost of a slow pattern. */
    maxLength: 100000
  },
  start(context) {
    const { patterns, problems } = compilePatterns(context.config)
    const maxLength = numberSetting(context.config, 'maxLength', 100000)
    const counts = new Map<string, { checked: number; failed: number }>()
    for (const { field } of patterns) counts.set(field, { checked: 0, failed: 0 })
    // Each pattern with its field's count (patterns of one field share it), looked up once.
    const counted = patterns.map((pattern) => ({ ...pattern, count: counts.get(pattern.field)! }))
    return {
      record(record, emit) {
        for (const { field, source, regex, count } of counted) {
          const text = scalarText(valueAt(record.fields, field))
          if (text === undefined || text.length > maxLength) continue
          count.checked++
          if (regex.test(text)) continue
          count.failed++
          emit({ line: record.line, field, message: `\`${field}\` does not match the pattern \`${truncate(source, 80)}\``, excerpt: headAndTail(text) })
        }
      },
      finish(emit) {
        for (const problem of problems) emit({ message: problem, severity: 'error' })
        return Object.fromEntries(counts)
      },
      applicable: () => patterns.length > 0 || problems.length > 0
    }
  }
}
