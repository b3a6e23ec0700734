import { UNIQUENESS_CHECKS } from '../uniqueness.js'
import { agreementCheck } from './agreement.js'
import { chatFormatCheck } from './chat-format.js'
import { conflictingLabelsCheck } from './conflicting-labels.js'
import { labelBalanceCheck } from './label-balance.js'
import { labelVariantsCheck } from './label-variants.js'
import { lengthCheck } from './length.js'
import { lexicalDiversityCheck } from './lexical-diversity.js'
import { prefixDiversityCheck } from './prefix-diversity.js'
import { repetitionCheck } from './repetition.js'
import { datasetSizeCheck } from './dataset-size.js'
import { emptyValuesCheck } from './empty-values.js'
import { encodingCheck } from './encoding.js'
import { formatCheck } from './format.js'
import { freshnessCheck } from './freshness.js'
import { labelCoverageCheck } from './label-coverage.js'
import { labelValuesCheck } from './label-values.js'
import { llmArtifactsCheck } from './llm-artifacts.js'
import { piiCheck } from './pii.js'
import { placeholdersCheck } from './placeholders.js'
import { requiredFieldsCheck } from './required-fields.js'
import { schemaCheck } from './schema.js'
import { secretsCheck } from './secrets.js'
import { syntheticShareCheck } from './synthetic-share.js'
import { truncatedCheck } from './truncated.js'
import type { Check } from './types.js'

/** Every check the audit runs, by dimension along the data-quality pyramid. */
export const ALL_CHECKS: readonly Check[] = [
  // accuracy
  schemaCheck,
  labelValuesCheck,
  encodingCheck,
  formatCheck,
  // completeness
  requiredFieldsCheck,
  emptyValuesCheck,
  placeholdersCheck,
  truncatedCheck,
  labelCoverageCheck,
  datasetSizeCheck,
  // consistency
  labelVariantsCheck,
  conflictingLabelsCheck,
  agreementCheck,
  chatFormatCheck,
  // diversity
  lengthCheck,
  labelBalanceCheck,
  lexicalDiversityCheck,
  prefixDiversityCheck,
  repetitionCheck,
  // freshness
  freshnessCheck,
  // privacy
  piiCheck,
  secretsCheck,
  // provenance
  llmArtifactsCheck,
  syntheticShareCheck
] as readonly Check[]

/** The check with this id, if there is one. */
export function findCheck(id: string): Check | undefined {
  return ALL_CHECKS.find((check) => check.id === id)
}

/** What `/audit explain` and config validation know of a check, including those the pipeline itself runs. */
export interface CheckInfo {
  id: string
  dimension: Check['dimension']
  description: string
  defaultSeverity: Check['defaultSeverity']
  defaults: Check['defaults']
}

/** Findings the readers and the diff make themselves, outside the registered checks. */
const PIPELINE_CHECKS: readonly CheckInfo[] = [
  {
    id: 'parse',
    dimension: 'accuracy',
    description: 'Every line or row must read as a record: malformed JSON, ragged CSV rows, invalid UTF-8, binary or truncated files and Git LFS pointers are reported with their line',
    defaultSeverity: 'error',
    defaults: {}
  },
  {
    id: 'duplicate-keys',
    dimension: 'uniqueness',
    description: 'A configured key field must identify one record: a key used by more than one record is reported on each later record',
    defaultSeverity: 'warning',
    defaults: {}
  }
]

/** Every check id a user may name (in `--only`, `checks:`, `/audit explain` or `/audit accept`). */
export function checkCatalog(): CheckInfo[] {
  return [
    ...PIPELINE_CHECKS,
    ...ALL_CHECKS.map(({ id, dimension, description, defaultSeverity, defaults }) => ({ id, dimension, description, defaultSeverity, defaults })),
    ...UNIQUENESS_CHECKS.map(({ id, description, defaultSeverity, defaults }) => ({ id, dimension: 'uniqueness' as const, description, defaultSeverity, defaults }))
  ]
}
