import type { Check, CheckRun } from './types.js'
import { maskedExcerpt, sensitiveSpans } from './detectors/mask.js'
import { DEFAULT_MIN_ENTROPY, findSecrets, SECRET_KINDS, SECRET_LABELS, type SecretKind, type SecretMatch } from './detectors/secrets.js'
import { allowList, enabledKinds } from './detectors/settings.js'
import { textOf, valueAt } from '../text.js'

export { mask } from './detectors/mask.js'

/** What the secrets check counted on one side of a file. */
export interface SecretsSummary {
  records: number
  /** Records with at least one credential (documentation examples aside). */
  recordsWithSecrets: number
  /** Credentials per kind, documentation examples aside. */
  matches: Partial<Record<SecretKind, number>>
  /** Published documentation examples per kind (AWS's `AKIA...EXAMPLE`), reported as info. */
  examples: Partial<Record<SecretKind, number>>
  /** Values skipped because `allow` allowed them. */
  allowed: number
}

/**
 * Credentials in text fields: AWS, GitHub, OpenAI, Anthropic, Slack, Google and Stripe keys,
 * private key blocks, JWTs and hard-coded `password=`/`api_key=` values. A model trained on them
 * can repeat them; they are errors, always masked in the report.
 */
export const secretsCheck: Check<SecretsSummary> = {
  id: 'secrets',
  dimension: 'privacy',
  description: 'Credentials in text fields: API keys and tokens, private keys, JWTs, hard-coded passwords (always masked).',
  defaultSeverity: 'error',
  defaults: {
    /**
     * Kinds to look for: a list of the enabled kinds, or `{ kind: false }` to switch one off.
     * Kinds: aws-access-key-id, aws-secret-key, github-token, openai-key, anthropic-key,
     * slack-token, slack-webhook, google-api-key, stripe-key, private-key, jwt, generic-secret.
     */
    kinds: Object.fromEntries(SECRET_KINDS.map((kind) => [kind, true])),
    /** Values that are fine in this data: `/regex/flags` or literal values. Not reported. */
    allow: [],
    /**
     * Smallest Shannon entropy, in bits per character, of a generic `password=`/`api_key=`
     * value to report (values must also mix letters and digits and be 8+ characters).
     */
    minEntropy: DEFAULT_MIN_ENTROPY
  },
  start(context): CheckRun<SecretsSummary> {
    const kinds = enabledKinds(context.config.kinds, SECRET_KINDS)
    const allowed = allowList(context.config.allow)
    const minEntropy = typeof context.config.minEntropy === 'number' ? context.config.minEntropy : DEFAULT_MIN_ENTROPY
    const fields = context.config.fields ?? context.textFields
    const summary: SecretsSummary = { records: 0, recordsWithSecrets: 0, matches: {}, examples: {}, allowed: 0 }
    const options = { kinds, minEntropy }
    return {
      record(record, emit) {
        summary.records++
        let hasSecret = false
        // Field by field rather than through `textsOf`, which builds pairs for every record.
        for (const field of fields) {
          const text = textOf(valueAt(record.fields, field))
          if (text === undefined) continue
          const found = findSecrets(text, options)
          if (found.length === 0) continue
          const reported: SecretMatch[] = []
          for (const match of found) {
            if (allowed(match.value)) {
              summary.allowed++
              continue
            }
            const counts = match.reserved !== undefined ? summary.examples : summary.matches
            counts[match.kind] = (counts[match.kind] ?? 0) + 1
            if (match.reserved === undefined) hasSecret = true
            reported.push(match)
          }
          if (reported.length === 0) continue
          const spans = sensitiveSpans(text)
          for (const match of reported) {
            emit({
              line: record.line,
              field,
              message: `${SECRET_LABELS[match.kind]}${match.reserved !== undefined ? `: ${match.reserved}` : ''}`,
              excerpt: maskedExcerpt(text, match, spans),
              ...(match.reserved !== undefined ? { severity: 'info' as const } : {})
            })
          }
        }
        if (hasSecret) summary.recordsWithSecrets++
      },
      finish() {
        return summary
      }
    }
  }
}
