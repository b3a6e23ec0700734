import { stringListSetting } from '../stats/settings.js'
import { valueAt } from '../text.js'
import type { Check } from './types.js'

/** Per required field, the records that lack it and those that have it as null. */
export interface RequiredFieldsSummary {
  records: number
  missing: Record<string, number>
  null: Record<string, number>
}

/**
 * Every field of `config.fields` (dotted paths allowed) must be present and not null in every
 * record. Empty values are left to `empty-values`.
 */
export const requiredFieldsCheck: Check<RequiredFieldsSummary> = {
  id: 'required-fields',
  dimension: 'completeness',
  description: 'Records that lack a required field (config `fields`) or have it as null.',
  defaultSeverity: 'error',
  defaults: {},
  start(context) {
    const required = stringListSetting(context.config, 'fields') ?? []
    // One tally per field (a field listed twice shares it), and its two messages, made once.
    const tallies = new Map<string, { missing: number; null: number }>()
    for (const field of required) if (!tallies.has(field)) tallies.set(field, { missing: 0, null: 0 })
    const checks = required.map((field) => ({
      field,
      tally: tallies.get(field)!,
      missing: `required field \`${field}\` is missing`,
      null: `required field \`${field}\` is null`
    }))
    let records = 0
    return {
      record(record, emit) {
        records++
        for (const check of checks) {
          const value = valueAt(record.fields, check.field)
          if (value === undefined) {
            check.tally.missing++
            emit({ line: record.line, field: check.field, message: check.missing })
          } else if (value === null) {
            check.tally.null++
            emit({ line: record.line, field: check.field, message: check.null })
          }
        }
      },
      finish() {
        const counts = [...tallies]
        return {
          records,
          missing: Object.fromEntries(counts.map(([field, tally]) => [field, tally.missing])),
          null: Object.fromEntries(counts.map(([field, tally]) => [field, tally.null]))
        }
      },
      applicable: () => required.length > 0
    }
  }
}
