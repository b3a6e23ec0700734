import type { CheckConfig, Purpose } from '../../config/types.js'
import { numberSetting } from '../stats/settings.js'
import type { Check } from './types.js'

/** What a purpose needs: a minimum number of records and a usual range, when there is one. */
export interface SizeGuide {
  /** How the purpose reads in a message. */
  name: string
  minimum?: number
  sweetSpot?: [number, number]
  /** What a record is for this purpose. */
  unit: string
}

/**
 * Rules of thumb per purpose. Common fine-tuning guidance: LoRA adapters learn a format from a
 * few hundred examples and do best with one to ten thousand; full fine-tuning needs thousands
 * and benefits up to hundreds of thousands; an evaluation set under 50 items gives scores too
 * noisy to compare; few-shot prompts use a handful of examples; retrieval needs a corpus.
 * Pretraining has no useful minimum.
 */
export const SIZE_GUIDES: Record<Purpose, SizeGuide> = {
  lora: { name: 'LoRA fine-tuning', minimum: 200, sweetSpot: [1000, 10000], unit: 'records' },
  finetune: { name: 'full fine-tuning', minimum: 5000, sweetSpot: [50000, 500000], unit: 'records' },
  rag: { name: 'a RAG corpus', minimum: 10, unit: 'documents' },
  eval: { name: 'an evaluation set', minimum: 50, sweetSpot: [200, 500], unit: 'items' },
  'few-shot': { name: 'few-shot prompting', minimum: 2, sweetSpot: [3, 5], unit: 'examples' },
  pretrain: { name: 'pretraining', unit: 'records' }
}

/** The record count of a side, and what it was measured against. */
export interface DatasetSizeSummary {
  records: number
  purpose?: Purpose
  minimum?: number
  sweetSpot?: [number, number]
}

const isRange = (value: unknown): value is [number, number] =>
  Array.isArray(value) && value.length === 2 && value.every((n) => typeof n === 'number' && Number.isFinite(n)) && value[0] <= value[1]

/** The guide for `purpose` with `minRecords` and `sweetSpot` from the config taking precedence. */
export function sizeGuideFor(purpose: Purpose, config: CheckConfig): SizeGuide & { configured: boolean } {
  const guide = SIZE_GUIDES[purpose]
  const minimum = numberSetting(config, 'minRecords', Number.NaN)
  const sweetSpot = isRange(config.sweetSpot) ? config.sweetSpot : undefined
  return {
    ...guide,
    minimum: Number.isNaN(minimum) ? guide.minimum : minimum,
    sweetSpot: sweetSpot ?? guide.sweetSpot,
    configured: !Number.isNaN(minimum) || sweetSpot !== undefined
  }
}

const format = (n: number): string => n.toLocaleString('en-US')

/**
 * The number of records against what the file's purpose (`settings.purpose`) needs: below the
 * minimum is a warning (an error with `severity: error`), outside the usual range is info.
 */
export const datasetSizeCheck: Check<DatasetSizeSummary> = {
  id: 'dataset-size',
  dimension: 'completeness',
  description: 'The number of records against the minimum and the usual range for the purpose of the file (LoRA, fine-tuning, RAG, evaluation, few-shot).',
  defaultSeverity: 'warning',
  defaults: {},
  start(context) {
    const purpose = context.settings.purpose
    const guide = purpose ? sizeGuideFor(purpose, context.config) : undefined
    let records = 0
    return {
      record() {
        records++
      },
      finish(emit, base) {
        if (!purpose || !guide) return { records }
        const summary: DatasetSizeSummary = { records, purpose, minimum: guide.minimum, sweetSpot: guide.sweetSpot }
        // Pretraining has no minimum: the summary records the count and nothing is reported.
        if (guide.minimum === undefined && guide.sweetSpot === undefined) return summary
        const source = guide.configured ? `configured for purpose \`${purpose}\`` : `the rule of thumb for purpose \`${purpose}\`; set \`minRecords\` and \`sweetSpot\` to change it`
        const counted = `${format(records)} ${records === 1 ? guide.unit.replace(/s$/, '') : guide.unit}${base && base.records !== records ? ` (${format(base.records)} in base)` : ''}`
        if (guide.minimum !== undefined && records < guide.minimum) {
          emit({ message: `${counted} is below the minimum of ${format(guide.minimum)} for ${guide.name} (${source})` })
        } else if (guide.sweetSpot) {
          const [low, high] = guide.sweetSpot
          if (records < low || records > high) {
            const side = records < low ? 'below' : 'above'
            emit({ message: `${counted} is ${side} the usual ${format(low)}–${format(high)} for ${guide.name} (${source})`, severity: 'info' })
          }
        }
        return summary
      },
      applicable: () => guide !== undefined && (guide.minimum !== undefined || guide.sweetSpot !== undefined)
    }
  }
}
