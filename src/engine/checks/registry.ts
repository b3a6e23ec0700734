import { freshnessCheck } from './freshness.js'
import { llmArtifactsCheck } from './llm-artifacts.js'
import { piiCheck } from './pii.js'
import { secretsCheck } from './secrets.js'
import { syntheticShareCheck } from './synthetic-share.js'
import type { Check } from './types.js'

/** Every check the audit runs, in the order the report lists them. */
export const ALL_CHECKS: readonly Check[] = [
  freshnessCheck,
  piiCheck,
  secretsCheck,
  llmArtifactsCheck,
  syntheticShareCheck
] as readonly Check[]

/** The check with this id, if there is one. */
export function findCheck(id: string): Check | undefined {
  return ALL_CHECKS.find((check) => check.id === id)
}
