import type { Check, CheckRun, Emit } from './types.js'
import { maskedExcerpt, sensitiveSpans, type ValueSpan } from './detectors/mask.js'
import { findPii, PII_KINDS, type PiiKind, type PiiMatch } from './detectors/pii.js'
import { allowList, enabledKinds } from './detectors/settings.js'
import { textOf, valueAt } from '../text.js'

export { mask } from './detectors/mask.js'

/** What a report calls each kind of personal data. */
export const PII_LABELS: Readonly<Record<PiiKind, string>> = {
  email: 'email address',
  phone: 'phone number',
  'credit-card': 'credit card number (Luhn-valid)',
  iban: 'IBAN (mod-97 valid)',
  ssn: 'US social security number',
  ipv4: 'IPv4 address',
  ipv6: 'IPv6 address'
}

/** What the pii check counted on one side of a file. */
export interface PiiSummary {
  records: number
  /** Records with at least one warning-level value. */
  recordsWithPii: number
  /** Warning-level values per kind. */
  matches: Partial<Record<PiiKind, number>>
  /** Reserved values per kind (example domains, documentation and private IP ranges...), reported as info. */
  reserved: Partial<Record<PiiKind, number>>
  /** Values skipped because `allow` allowed them. */
  allowed: number
}

/**
 * Emits one finding per field and kind, with the first value masked in context and the count:
 * a transcript with 32 copies of one phone number is one finding, not 32.
 */
function emitGrouped(emit: Emit, line: number, field: string, text: string, matches: readonly PiiMatch[]): void {
  const groups = new Map<string, PiiMatch[]>()
  for (const match of matches) {
    const key = `${match.kind}\u0000${match.reserved ?? ''}`
    const group = groups.get(key)
    if (group === undefined) groups.set(key, [match])
    else group.push(match)
  }
  let spans: ValueSpan[] | undefined
  for (const group of groups.values()) {
    const [first] = group
    spans ??= sensitiveSpans(text)
    const count = group.length > 1 ? ` (${group.length} in this field)` : ''
    emit({
      line,
      field,
      message: `${PII_LABELS[first.kind]}${count}${first.reserved !== undefined ? `: ${first.reserved}` : ''}`,
      excerpt: maskedExcerpt(text, first, spans),
      ...(first.reserved !== undefined ? { severity: 'info' as const } : {})
    })
  }
}

/**
 * Personal data in text fields: emails, phone numbers, Luhn-valid card numbers, mod-97-valid
 * IBANs, US SSNs, IPv4 and IPv6 addresses. Values are always masked in the report.
 */
export const piiCheck: Check<PiiSummary> = {
  id: 'pii',
  dimension: 'privacy',
  description: 'Personal data in text fields: emails, phone numbers, card numbers, IBANs, SSNs, IP addresses (always masked).',
  defaultSeverity: 'warning',
  defaults: {
    /**
     * Kinds to look for: a list of the enabled kinds, or `{ kind: false }` to switch one off.
     * Kinds: email, phone, credit-card, iban, ssn, ipv4, ipv6.
     */
    kinds: Object.fromEntries(PII_KINDS.map((kind) => [kind, true])),
    /**
     * Values that are fine in this data: `/regex/flags` tested against the value, a literal
     * value, an email domain (`example.org`, subdomains included) or an IPv4 CIDR block. Allowed
     * values are not reported at all.
     */
    allow: [],
    /**
     * Report reserved values as info: email at example.com/.org/.net and the .test/.example/
     * .invalid/.localhost TLDs, documentation (192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/24,
     * 2001:db8::/32), private, loopback and link-local addresses, fictional 555-01XX phone
     * numbers, published sample SSNs. `false` skips them.
     */
    reportReserved: true
  },
  start(context): CheckRun<PiiSummary> {
    const kinds = enabledKinds(context.config.kinds, PII_KINDS)
    const allowed = allowList(context.config.allow)
    const reportReserved = context.config.reportReserved !== false
    const fields = context.config.fields ?? context.textFields
    const summary: PiiSummary = { records: 0, recordsWithPii: 0, matches: {}, reserved: {}, allowed: 0 }
    return {
      record(record, emit) {
        summary.records++
        let hasPii = false
        // Field by field rather than through `textsOf`, which builds pairs for every record.
        for (const field of fields) {
          const text = textOf(valueAt(record.fields, field))
          if (text === undefined) continue
          const found = findPii(text, kinds)
          if (found.length === 0) continue
          const reported: PiiMatch[] = []
          for (const match of found) {
            if (allowed(match.value)) {
              summary.allowed++
              continue
            }
            const counts = match.reserved !== undefined ? summary.reserved : summary.matches
            counts[match.kind] = (counts[match.kind] ?? 0) + 1
            if (match.reserved === undefined) hasPii = true
            if (match.reserved === undefined || reportReserved) reported.push(match)
          }
          if (reported.length > 0) emitGrouped(emit, record.line, field, text, reported)
        }
        if (hasPii) summary.recordsWithPii++
      },
      finish() {
        return summary
      }
    }
  }
}
