import type { Check, CheckContext, CheckRun, Emit } from './types.js'
import type { DatasetRecord } from '../types.js'
import { valueAt, truncate } from '../text.js'
import { biggestMovers, jensenShannon } from '../stats/divergence.js'
import { labelsOf } from '../stats/labels.js'
import { LabelKeys } from './label-values.js'
import { numberSetting, stringSetting } from '../stats/settings.js'

/** One class: its first spelling and its count. */
export interface LabelClass {
  label: string
  count: number
}

/** The label distribution of one side. */
export interface LabelBalanceSummary {
  field?: string
  /** Labels counted (a multi-label record counts once per label). */
  total: number
  /** Per normalised label (`labelKey`). */
  classes: Record<string, LabelClass>
  /** More distinct labels than `maxClasses`: not a class label, not judged. */
  overflow: boolean
}

const percent = (share: number): string => `${(share * 100).toFixed(1)}%`

/**
 * `label-balance`: a class so rare it may not be learnt (under `minShareFactor / K` of the
 * labels, K classes), and, against base, a shift of the label distribution by Jensen–Shannon
 * divergence (bits, 0..1). Labels are grouped by `labelKey`, so spelling variants (the
 * `label-variants` check's business) do not show up as rare classes here.
 */
export const labelBalanceCheck: Check<LabelBalanceSummary> = {
  id: 'label-balance',
  dimension: 'diversity',
  description: 'Classes far rarer than the rest, and label distribution shifts against base (Jensen–Shannon divergence).',
  defaultSeverity: 'warning',
  defaults: {
    /** The label field; defaults to the file's `labelField`. */
    field: undefined,
    /** A class under minShareFactor / K of the labels (K classes) is too rare (0.1: under 5% of two classes). */
    minShareFactor: 0.1,
    /** Labels a side needs before balance or shift is judged. */
    minRecords: 20,
    /** Jensen–Shannon divergence (base 2) against base beyond which the distribution has shifted. */
    maxJsd: 0.1,
    /** Distinct labels past which the field is not a class label. */
    maxClasses: 1000
  },
  start(context: CheckContext): CheckRun<LabelBalanceSummary> {
    const config = context.config
    const field = stringSetting(config, 'field') ?? context.settings.labelField
    const minShareFactor = numberSetting(config, 'minShareFactor', 0.1)
    const minRecords = numberSetting(config, 'minRecords', 20)
    const maxJsd = numberSetting(config, 'maxJsd', 0.1)
    const maxClasses = numberSetting(config, 'maxClasses', 1000)
    const classes = new Map<string, LabelClass>()
    const keys = new LabelKeys()
    let total = 0
    let overflow = false

    return {
      record(record: DatasetRecord): void {
        if (field === undefined || overflow) return
        for (const label of labelsOf(valueAt(record.fields, field))) {
          const key = keys.of(label)
          const known = classes.get(key)
          if (known) known.count++
          else if (classes.size >= maxClasses) {
            overflow = true
            return
          } else classes.set(key, { label: label.trim(), count: 1 })
          total++
        }
      },

      finish(emit: Emit, base?: LabelBalanceSummary): LabelBalanceSummary {
        const summary: LabelBalanceSummary = { field, total, classes: Object.fromEntries(classes), overflow }
        if (field === undefined || overflow || total < minRecords || classes.size < 2) return summary

        const limit = minShareFactor / classes.size
        const rare = [...classes.values()].filter((c) => c.count / total < limit).sort((a, b) => a.count - b.count)
        if (rare.length > 0) {
          const [rarest, ...others] = rare
          const more = others.length > 0 ? `; also rare: ${others.slice(0, 4).map((c) => `${JSON.stringify(truncate(c.label, 30))} (${c.count})`).join(', ')}${others.length > 4 ? ` and ${others.length - 4} more` : ''}` : ''
          emit({
            field,
            message: `class ${JSON.stringify(truncate(rarest.label, 40))} has ${rarest.count} of ${total} labels (${percent(rarest.count / total)}), under ${percent(limit)} (${minShareFactor} / ${classes.size} classes)${more}`
          })
        }

        if (base === undefined || base.overflow || base.total < minRecords) return summary
        const before = Object.fromEntries(Object.entries(base.classes).map(([key, c]) => [key, c.count]))
        const after = Object.fromEntries([...classes].map(([key, c]) => [key, c.count]))
        const divergence = jensenShannon(before, after)
        if (divergence <= maxJsd) return summary
        const nameOf = (key: string): string => JSON.stringify(truncate(classes.get(key)?.label ?? base.classes[key]?.label ?? key, 30))
        const movers = biggestMovers(before, after, 3)
          .map((move) => `${nameOf(move.category)} ${percent(move.before)} → ${percent(move.after)}`)
          .join(', ')
        emit({ field, message: `label distribution moved from base (Jensen–Shannon divergence ${divergence.toFixed(3)} > ${maxJsd}): ${movers}` })
        return summary
      }
    }
  }
}
