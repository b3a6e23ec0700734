import { numberSetting } from '../stats/settings.js'
import { truncate, valueAt } from '../text.js'
import { LabelCounter, labelFieldOf, type LabelCounts } from './label-values.js'
import type { Check } from './types.js'

const quote = (label: string): string => `\`${truncate(label, 60)}\``

/**
 * Label classes of the base version that head loses: gone entirely (error) or down from at
 * least `minCount` records to fewer (warning). The summary is the label counts.
 */
export const labelCoverageCheck: Check<LabelCounts | undefined> = {
  id: 'label-coverage',
  dimension: 'completeness',
  description: 'Label classes present in the base version that vanish from head, or drop below a minimum number of records.',
  defaultSeverity: 'error',
  defaults: {
    /** A class with at least this many base records that falls below it on head is reported. */
    minCount: 5
  },
  start(context) {
    const field = labelFieldOf(context.config, context.settings)
    const minCount = numberSetting(context.config, 'minCount', 5)
    const counter = new LabelCounter()
    let compared = false
    return {
      record(record) {
        if (field !== undefined) counter.add(valueAt(record.fields, field))
      },
      finish(emit, base) {
        if (field === undefined) return undefined
        const summary = counter.summary(field)
        // A truncated head count cannot tell a vanished class from one it stopped counting.
        if (!base || base.field !== field || summary.truncated) return summary
        compared = true
        for (const [label, baseCount] of Object.entries(base.labels)) {
          const headCount = counter.counts.get(label) ?? 0
          if (headCount === 0) {
            const had = baseCount === 1 ? '1 base record has' : `${baseCount} base records have`
            emit({ field, message: `label class ${quote(label)} is gone: ${had} it, no head record does`, severity: 'error' })
          } else if (baseCount >= minCount && headCount < minCount) {
            emit({
              field,
              message: `label class ${quote(label)} drops from ${baseCount} records in base to ${headCount}, below the minimum of ${minCount}`,
              severity: 'warning'
            })
          }
        }
        return summary
      },
      // Coverage is a comparison: without a base labelled the same way there is nothing to score.
      applicable: () => compared
    }
  }
}
