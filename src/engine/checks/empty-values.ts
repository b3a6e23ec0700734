import { stringListSetting } from '../stats/settings.js'
import { valueAt } from '../text.js'
import type { FieldValue } from '../types.js'
import type { Check, Emit } from './types.js'

/** Empty values per field path (list positions as `*`). */
export type EmptyValuesSummary = Record<string, number>

/** Fields that hold a chat transcript: an empty one has no turns. */
const CHAT_FIELDS = new Set(['messages', 'conversations', 'conversation', 'turns', 'dialogue', 'dialog', 'chat'])

/** How deep into nested values the check looks. */
const MAX_DEPTH = 8
/** Findings per record, so one malformed record cannot flood the report. */
const MAX_FINDINGS_PER_RECORD = 20
/** Distinct field paths counted in the summary. */
const MAX_SUMMARY_PATHS = 1000

/** How a value is empty, in words, or undefined when it is not. */
export function emptiness(value: FieldValue, name: string): string | undefined {
  if (value === null) return 'is null'
  if (typeof value === 'string') {
    if (value === '') return 'is an empty string'
    if (value.trim() === '') return 'is whitespace only'
    return undefined
  }
  if (Array.isArray(value)) return value.length > 0 ? undefined : CHAT_FIELDS.has(name.toLowerCase()) ? 'has no messages' : 'is an empty list'
  if (typeof value === 'object') return Object.keys(value).length > 0 ? undefined : 'is an empty object'
  return undefined
}

/** `instances.0.input` as `instances.*.input`: one name for the same field in every list item. */
const pattern = (path: string): string => path.replace(/(^|\.)\d+(?=\.|$)/g, '$1*')

/**
 * Null, empty or whitespace-only strings, empty lists and objects, chat transcripts with no
 * messages: in the configured fields, else in every field, nested values included.
 */
export const emptyValuesCheck: Check<EmptyValuesSummary> = {
  id: 'empty-values',
  dimension: 'completeness',
  description: 'Null, empty or whitespace-only values, empty lists and objects, and chat transcripts with no messages.',
  defaultSeverity: 'warning',
  defaults: {
    /**
     * Fields that may be empty, by name (`input` matches `instances.0.input` too), by dotted
     * path, or by path with `*` for list positions. Alpaca-style `input` is empty by convention
     * when the instruction needs none.
     */
    allowEmpty: ['input']
  },
  start(context) {
    const configured = stringListSetting(context.config, 'fields')
    const allowed = new Set(stringListSetting(context.config, 'allowEmpty') ?? [])
    const counts = new Map<string, number>()
    const isAllowed = (path: string, name: string): boolean => allowed.has(name) || allowed.has(path) || allowed.has(pattern(path))

    return {
      record(record, emit) {
        let emitted = 0
        const visit = (value: FieldValue, path: string, name: string, depth: number, report: Emit): void => {
          if (emitted >= MAX_FINDINGS_PER_RECORD) return
          const how = emptiness(value, name)
          if (how !== undefined) {
            if (isAllowed(path, name)) return
            const key = pattern(path)
            if (counts.has(key) || counts.size < MAX_SUMMARY_PATHS) counts.set(key, (counts.get(key) ?? 0) + 1)
            emitted++
            report({ line: record.line, field: path, message: `\`${path}\` ${how}` })
            return
          }
          if (depth >= MAX_DEPTH || value === null || typeof value !== 'object') return
          if (Array.isArray(value)) value.forEach((item, i) => visit(item, `${path}.${i}`, name, depth + 1, report))
          else for (const [key, item] of Object.entries(value)) visit(item, `${path}.${key}`, key, depth + 1, report)
        }
        if (configured) {
          for (const field of configured) {
            const value = valueAt(record.fields, field)
            // A missing field is for required-fields to report.
            if (value !== undefined) visit(value, field, field.split('.').pop()!, 0, emit)
          }
        } else {
          for (const [field, value] of Object.entries(record.fields)) visit(value, field, field, 0, emit)
        }
      },
      finish() {
        return Object.fromEntries(counts)
      }
    }
  }
}
