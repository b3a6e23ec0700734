import type { Check, CheckContext, CheckRun, Emit } from './types.js'
import type { DatasetRecord } from '../types.js'
import { valueAt, truncate } from '../text.js'
import { labelsOf, spellingDifference } from '../stats/labels.js'
import { LabelKeys } from './label-values.js'
import { numberSetting, stringSetting } from '../stats/settings.js'

/** One normalised label and how often each spelling of it was used. */
export interface LabelVariantGroup {
  /** The most used spelling. */
  label: string
  count: number
  /** Every spelling seen (as written) with its count. */
  variants: Record<string, number>
}

/** Per normalised label (`labelKey`): its spellings and their counts. */
export interface LabelVariantsSummary {
  field?: string
  labels: Record<string, LabelVariantGroup>
  /** True when the field had more distinct labels than `maxLabels`: later ones were not tracked. */
  overflow: boolean
}

interface Spelling {
  count: number
  /** The first lines using this spelling, at most `maxFindingsPerVariant`. */
  lines: number[]
}

/**
 * `label-variants`: labels that are the same once case, spacing and punctuation are set aside
 * (`Positive`, `positive `, `POSITIVE.`). Every record using a minority spelling gets a finding
 * naming the dominant one. Needs `settings.labelField` or `config.field`.
 */
export const labelVariantsCheck: Check<LabelVariantsSummary> = {
  id: 'label-variants',
  dimension: 'consistency',
  description: 'Labels that differ only by case, spacing or punctuation (`Positive`, `positive `, `POSITIVE.`).',
  defaultSeverity: 'warning',
  defaults: {
    /** The label field; defaults to the file's `labelField`. */
    field: undefined,
    /** Distinct normalised labels tracked; past this the field is not categorical and is left alone. */
    maxLabels: 1000,
    /** Spellings tracked per label. */
    maxSpellings: 50,
    /** Findings per minority spelling; the rest are counted in one more finding. */
    maxFindingsPerVariant: 100
  },
  start(context: CheckContext): CheckRun<LabelVariantsSummary> {
    const field = stringSetting(context.config, 'field') ?? context.settings.labelField
    const maxLabels = numberSetting(context.config, 'maxLabels', 1000)
    const maxSpellings = numberSetting(context.config, 'maxSpellings', 50)
    const maxFindings = numberSetting(context.config, 'maxFindingsPerVariant', 100)
    const groups = new Map<string, Map<string, Spelling>>()
    const keys = new LabelKeys()
    let overflow = false

    return {
      record(record: DatasetRecord): void {
        if (field === undefined) return
        for (const label of labelsOf(valueAt(record.fields, field))) {
          const key = keys.of(label)
          let spellings = groups.get(key)
          if (spellings === undefined) {
            if (groups.size >= maxLabels) {
              overflow = true
              continue
            }
            spellings = new Map()
            groups.set(key, spellings)
          }
          let spelling = spellings.get(label)
          if (spelling === undefined) {
            if (spellings.size >= maxSpellings) continue
            spelling = { count: 0, lines: [] }
            spellings.set(label, spelling)
          }
          spelling.count++
          if (spelling.lines.length < maxFindings) spelling.lines.push(record.line)
        }
      },

      finish(emit: Emit): LabelVariantsSummary {
        const labels: Record<string, LabelVariantGroup> = {}
        const findings: Array<{ line: number; message: string; excerpt: string }> = []
        for (const [key, spellings] of groups) {
          // The most used spelling wins; on a tie, the first seen.
          let dominant = ''
          let dominantCount = -1
          let count = 0
          for (const [spelling, { count: used }] of spellings) {
            count += used
            if (used > dominantCount) {
              dominant = spelling
              dominantCount = used
            }
          }
          labels[key] = { label: dominant, count, variants: Object.fromEntries([...spellings].map(([spelling, s]) => [spelling, s.count])) }
          if (overflow) continue
          for (const [spelling, { count: used, lines }] of spellings) {
            if (spelling === dominant) continue
            const message = `label ${show(spelling)} differs from ${show(dominant)} (${dominantCount} ${dominantCount === 1 ? 'record' : 'records'}) only by ${spellingDifference(spelling, dominant)}`
            for (const line of lines) findings.push({ line, message, excerpt: truncate(spelling, 60) })
            if (used > lines.length) {
              emit({ field, message: `${used - lines.length} more ${used - lines.length === 1 ? 'record spells' : 'records spell'} label ${show(dominant)} as ${show(spelling)} (only the first ${lines.length} are listed)` })
            }
          }
        }
        findings.sort((a, b) => a.line - b.line)
        for (const finding of findings) emit({ ...finding, field })
        return { field, labels, overflow }
      }
    }
  }
}

/** A label quoted so that leading and trailing spaces stay visible. */
function show(label: string): string {
  return JSON.stringify(truncate(label, 40))
}
