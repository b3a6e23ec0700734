import type { CheckConfig } from '../../config/types.js'
import type { Check, CheckContext, CheckRun, Emit } from './types.js'
import type { DatasetRecord } from '../types.js'
import { valueAt } from '../text.js'
import { CohenTally, FleissTally, landisKochBand } from '../stats/kappa.js'
import { labelsOf } from '../stats/labels.js'
import { LabelKeys } from './label-values.js'
import { numberSetting, stringListSetting, stringSetting } from '../stats/settings.js'

/** One label dimension rated by several annotators, each in a field of the same record. */
export interface AnnotatorGroup {
  /** What is rated (`truthfulness`); used in messages. */
  name: string
  /** The fields holding each annotator's label. */
  annotators: string[]
}

/** The agreement measured for one group. */
export interface AgreementGroupSummary extends AnnotatorGroup {
  method: 'cohen' | 'fleiss'
  /** Items with a label from every annotator. */
  items: number
  /** Items left out because an annotator's label was missing or empty. */
  excluded: number
  /** Null when undefined (a single category throughout) or not computed (too many categories). */
  kappa: number | null
  /** Observed agreement (share of items where both agree; mean pairwise agreement for Fleiss). */
  observed: number | null
  band: string
  /** More distinct labels than `maxCategories`: not a categorical rating, no kappa. */
  tooManyCategories: boolean
}

export interface AgreementSummary {
  groups: AgreementGroupSummary[]
}

/**
 * The annotator groups configured: `config.pairs` (several dimensions), else one group from
 * `config.annotators` named by `config.name` (default `labels`). Malformed entries are skipped.
 */
export function annotatorGroups(config: CheckConfig): AnnotatorGroup[] {
  const groups: AnnotatorGroup[] = []
  const pairs: unknown = config.pairs
  if (Array.isArray(pairs)) {
    for (const entry of pairs as unknown[]) {
      if (!isPlainObject(entry)) continue
      const annotators = stringListSetting(entry, 'annotators')
      if (!annotators || annotators.length < 2) continue
      groups.push({ name: stringSetting(entry, 'name') ?? annotators.join(' / '), annotators })
    }
    return groups
  }
  const annotators = stringListSetting(config, 'annotators')
  if (annotators && annotators.length >= 2) groups.push({ name: stringSetting(config, 'name') ?? 'labels', annotators })
  return groups
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
}

interface GroupState {
  group: AnnotatorGroup
  /** The current item's label keys, one per annotator; reused for every record. */
  labels: string[]
  cohen?: CohenTally
  fleiss?: FleissTally
  excluded: number
  tooManyCategories: boolean
}

/**
 * `agreement`: inter-annotator agreement for items labelled by several annotators, each
 * annotator's label in its own field of the same record (`truthfulness_a`, `truthfulness_b`).
 * Two annotators: Cohen's kappa; three or more: Fleiss' kappa. Below `minKappa` is a file-level
 * warning with the kappa, its Landis–Koch band, the items and the observed agreement.
 * Labels are compared by `labelKey`, so `Yes` and `yes ` are one category.
 *
 * Checks run on one file at a time, so the supported layout is one record per item with a column
 * per annotator. Labels kept in one file per annotator (joined on an id) must be joined into such
 * a file first; items only one annotator labelled then have an empty column and are counted as
 * left out, which is how the truthfulqa-multi test reproduces sklearn's kappas.
 */
export const agreementCheck: Check<AgreementSummary> = {
  id: 'agreement',
  dimension: 'consistency',
  description: "Inter-annotator agreement (Cohen's kappa for two annotators, Fleiss' for more) below a minimum.",
  defaultSeverity: 'warning',
  defaults: {
    /** Fields holding each annotator's label for the same item (2: Cohen, 3+: Fleiss). */
    annotators: undefined,
    /** Several label dimensions: `[{name, annotators: [...]}]`; overrides `annotators`. */
    pairs: undefined,
    /** Kappa below this is a warning (0.7: "substantial" agreement and up). */
    minKappa: 0.7,
    /** Fewer complete items than this: too few to judge, no warning. */
    minItems: 10,
    /** More distinct labels than this: not a categorical rating, no kappa. */
    maxCategories: 100
  },
  start(context: CheckContext): CheckRun<AgreementSummary> {
    const minKappa = numberSetting(context.config, 'minKappa', 0.7)
    const minItems = numberSetting(context.config, 'minItems', 10)
    const maxCategories = numberSetting(context.config, 'maxCategories', 100)
    const keys = new LabelKeys()
    const states: GroupState[] = annotatorGroups(context.config).map((group) => ({
      group,
      labels: [],
      ...(group.annotators.length === 2 ? { cohen: new CohenTally() } : { fleiss: new FleissTally() }),
      excluded: 0,
      tooManyCategories: false
    }))

    return {
      record(record: DatasetRecord): void {
        for (const state of states) {
          if (state.tooManyCategories) continue
          const labels = state.labels
          labels.length = 0
          for (const field of state.group.annotators) {
            const values = labelsOf(valueAt(record.fields, field))
            // One label per annotator per item; a missing or multi-valued one leaves the item out.
            if (values.length !== 1) break
            labels.push(keys.of(values[0]))
          }
          if (labels.length !== state.group.annotators.length) {
            state.excluded++
            continue
          }
          if (state.cohen) {
            state.cohen.add(labels[0], labels[1])
            if (state.cohen.categories > maxCategories) state.tooManyCategories = true
          } else if (state.fleiss) {
            state.fleiss.addRatings(labels)
            if (state.fleiss.categories > maxCategories) state.tooManyCategories = true
          }
        }
      },

      finish(emit: Emit): AgreementSummary {
        const groups: AgreementGroupSummary[] = []
        for (const state of states) {
          const method = state.cohen ? 'cohen' : 'fleiss'
          const result = (state.cohen ?? state.fleiss)?.result()
          const computed = result !== undefined && !state.tooManyCategories && result.items > 0
          const kappa = computed && !Number.isNaN(result.kappa) ? result.kappa : null
          const band = kappa === null ? 'undefined' : landisKochBand(kappa)
          groups.push({
            ...state.group,
            method,
            items: result?.items ?? 0,
            excluded: state.excluded,
            kappa,
            observed: computed ? result.observed : null,
            band,
            tooManyCategories: state.tooManyCategories
          })
          if (kappa === null || !computed || result.items < minItems || kappa >= minKappa) continue
          const who = method === 'cohen' ? "Cohen's" : `Fleiss' (${state.group.annotators.length} annotators)`
          const left = state.excluded > 0 ? `; ${state.excluded} items left out for a missing label` : ''
          emit({
            field: state.group.name,
            message:
              `low annotator agreement on \`${state.group.name}\` (${state.group.annotators.join(', ')}): ` +
              `${who} κ = ${kappa.toFixed(3)} (${band} agreement, Landis–Koch), below minKappa ${minKappa}, ` +
              `over ${result.items} items with ${(result.observed * 100).toFixed(1)}% observed agreement${left}`
          })
        }
        return { groups }
      }
    }
  }
}
