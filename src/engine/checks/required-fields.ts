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
    const missing = new Map(required.map((field) => [field, 0]))
    const nulls = new Map(required.map((field) => [field, 0]))
    let records = 0
    return {
      record(record, emit) {
        records++
        for (const field of required) {
          const value = valueAt(record.fields, field)
          if (value === undefined) {
            missing.set(field, missing.get(field)! + 1)
            emit({ line: record.line, field, message: `required field \`${field}\` is missing` })
          } else if (value === null) {
            nulls.set(field, nulls.get(field)! + 1)
            emit({ line: record.line, field, message: `required field \`${field}\` is null` })
          }
        }
      },
      finish() {
        return { records, missing: Object.fromEntries(missing), null: Object.fromEntries(nulls) }
      },
      applicable: () => required.length > 0
    }
  }
}
