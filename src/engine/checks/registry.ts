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
