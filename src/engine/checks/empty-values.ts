import { stringListSetting } from '../stats/settings.js'
import { FieldPaths } from '../text.js'
import type { FieldValue } from '../types.js'
import type { Check, Emit } from './types.js'

/** Empty values per field path (list positions as `*`). */
export type EmptyValuesSummary = Record<string, number>

const hasOwn = Object.prototype.hasOwnProperty

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
    const configuredPaths = configured ? new FieldPaths(configured) : undefined
    const configuredNames = configured?.map((field) => field.split('.').pop()!)
    const scan = new EmptyValueScan((path, name, how, line, emit) => {
      if (isAllowed(path, name)) return false
      const key = pattern(path)
      if (counts.has(key) || counts.size < MAX_SUMMARY_PATHS) counts.set(key, (counts.get(key) ?? 0) + 1)
      emit({ line, field: path, message: `\`${path}\` ${how}` })
      return true
    })

    return {
      record(record, emit) {
        const fields = record.fields
        scan.startRecord(record.line, emit)
        if (configuredPaths && configuredNames) {
          for (let i = 0; i < configuredPaths.length; i++) {
            const value = configuredPaths.valueAt(fields, i)
            // A missing field is for required-fields to report.
            if (value !== undefined) scan.visit(value, configuredPaths.paths[i], configuredNames[i], 0)
          }
        } else {
          // for-in with an own-property test: the keys of Object.keys without the array it builds.
          for (const name in fields) if (hasOwn.call(fields, name) && !plainlyFull(fields[name])) scan.visit(fields[name], name, name, 0)
        }
      },
      finish() {
        return Object.fromEntries(counts)
      }
    }
  }
}

/**
 * True for a value neither empty nor holding others: a number, a boolean, a string that starts
 * with a visible ASCII character (so `trim` leaves something). Visiting it would find nothing;
 * most values are such, and skipping them saves building their paths.
 */
function plainlyFull(value: FieldValue): boolean {
  if (typeof value === 'string') {
    const first = value.charCodeAt(0)
    return first > 0x20 && first < 0x7f
  }
  return typeof value === 'number' || typeof value === 'boolean'
}

/** Reports an empty value unless it may be empty; true when it counted against the record's findings. */
type EmptyReport = (path: string, name: string, how: string, line: number, emit: Emit) => boolean

/** The walk through one record's values, nested ones included; one instance serves every record. */
class EmptyValueScan {
  private emitted = 0
  private line = 0
  private emit: Emit = () => undefined

  constructor(private readonly report: EmptyReport) {}

  startRecord(line: number, emit: Emit): void {
    this.emitted = 0
    this.line = line
    this.emit = emit
  }

  visit(value: FieldValue, path: string, name: string, depth: number): void {
    if (this.emitted >= MAX_FINDINGS_PER_RECORD) return
    const how = emptiness(value, name)
    if (how !== undefined) {
      if (this.report(path, name, how, this.line, this.emit)) this.emitted++
      return
    }
    if (depth >= MAX_DEPTH || value === null || typeof value !== 'object') return
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) if (!plainlyFull(value[i])) this.visit(value[i], `${path}.${i}`, name, depth + 1)
    } else {
      for (const key in value) if (hasOwn.call(value, key) && !plainlyFull(value[key])) this.visit(value[key], `${path}.${key}`, key, depth + 1)
    }
  }
}
