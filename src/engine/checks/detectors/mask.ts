/**
 * Masking of detected personal data and credentials, so that no report, annotation or log line
 * ever carries the value itself: only enough of it to find it again in the file.
 */
import { truncate } from '../../text.js'
import { findPii } from './pii.js'
import { findSecrets } from './secrets.js'
import type { Span } from './spans.js'

/** A detected value with its place in the text. */
export interface ValueSpan extends Span {
  value: string
}

/** Credential kinds whose first four characters are a public type prefix (`ghp_`, `AKIA`, `eyJh`). */
const PREFIXED_SECRETS = new Set([
  'aws-access-key-id',
  'github-token',
  'openai-key',
  'anthropic-key',
  'slack-token',
  'google-api-key',
  'stripe-key',
  'jwt'
])

function maskEmail(value: string): string {
  const at = value.lastIndexOf('@')
  const local = value.slice(0, at)
  const labels = value.slice(at + 1).split('.')
  const maskedLocal = local.length > 1 ? `${local[0]}****${local[local.length - 1]}` : `${local}****`
  const tld = labels.length > 1 ? labels[labels.length - 1] : ''
  return `${maskedLocal}@${labels[0][0] ?? ''}****${tld ? `.${tld}` : ''}`
}

/** Every digit but the last `keep` becomes `*`; separators stay, so the shape is still readable. */
function maskDigits(value: string, keep: number): string {
  let digitsLeft = value.replace(/\D/g, '').length
  let masked = ''
  for (const char of value) {
    if (/\d/.test(char)) {
      masked += digitsLeft > keep ? '*' : char
      digitsLeft--
    } else masked += char
  }
  return masked
}

/**
 * The value as a report may show it: emails `m****z@g****.com` (first and last character of
 * the local part, first character of the domain, the TLD), cards `**** **** **** 1234`, IBANs
 * the country and the last four, SSNs `***-**-1234`, phones all digits but the last two,
 * IP addresses their first group. Credentials keep their 4-character public type prefix
 * (`ghp_****`, `AKIA****`); credentials without one (generic passwords, AWS secret keys) show
 * nothing, and private keys only their header line.
 */
export function mask(kind: string, value: string): string {
  const digits = value.replace(/\D/g, '')
  switch (kind) {
    case 'email':
      return maskEmail(value)
    case 'phone':
      return maskDigits(value, 2)
    case 'credit-card':
      return `**** **** **** ${digits.slice(-4)}`
    case 'iban': {
      const compact = value.replace(/[^A-Za-z0-9]/g, '')
      return `${compact.slice(0, 2)}** **** ${compact.slice(-4)}`
    }
    case 'ssn':
      return `***-**-${digits.slice(-4)}`
    case 'ipv4':
      return `${value.split('.')[0]}.***.***.***`
    case 'ipv6':
      return `${value.split(':')[0]}:****`
    case 'private-key':
      return `${value.split('-----')[1] !== undefined ? `-----${value.split('-----')[1]}-----` : ''} ****`.trim()
    case 'slack-webhook':
      return 'https://hooks.slack.com/services/****'
    default:
      return PREFIXED_SECRETS.has(kind) ? `${value.slice(0, 4)}****` : '****'
  }
}

/**
 * Every piece of personal data or credential in `text`, whatever the checks' settings: an
 * excerpt must never show a value just because its kind is not being reported.
 */
export function sensitiveSpans(text: string): ValueSpan[] {
  return [...findPii(text), ...findSecrets(text)].sort((a, b) => a.start - b.start)
}

/** `text` with every piece of personal data and every credential in it masked. */
export function maskAll(text: string): string {
  let masked = ''
  let position = 0
  for (const span of sensitiveSpans(text)) {
    if (span.start < position) continue
    masked += text.slice(position, span.start) + mask(span.kind, span.value)
    position = span.end
  }
  return masked + text.slice(position)
}

/** Options of {@link maskedExcerpt}. */
export interface ExcerptOptions {
  /** Characters of context on each side of the focus. */
  radius?: number
  /** Mask the focus itself (a detected value); false when it is a phrase worth showing. */
  maskFocus?: boolean
}

/**
 * A short excerpt of `text` around `focus`, with every sensitive span in the window (and the
 * focus, unless `maskFocus` is false) replaced by its mask and whitespace collapsed, e.g.
 * `…write to m****z@g****.com for…`.
 */
export function maskedExcerpt(text: string, focus: ValueSpan, spans: readonly ValueSpan[], options: ExcerptOptions = {}): string {
  const radius = options.radius ?? 30
  const others = spans.filter((span) => span.start !== focus.start || span.end !== focus.end)
  const all = (options.maskFocus === false ? others : [...others, focus]).sort((a, b) => a.start - b.start)
  let start = Math.max(0, focus.start - radius)
  let end = Math.min(text.length, focus.end + radius)
  // Widen the window to whole spans, so no value is cut in half and left partly readable.
  for (const span of all) {
    if (span.start < start && span.end > start) start = span.start
    if (span.start < end && span.end > end) end = span.end
  }
  let excerpt = ''
  let position = start
  for (const span of all) {
    if (span.end <= position || span.start >= end) continue
    if (span.start < position) {
      // Overlaps a span already masked: hide the rest of it too.
      excerpt += '****'
    } else excerpt += text.slice(position, span.start) + mask(span.kind, span.value)
    position = span.end
  }
  excerpt += text.slice(position, end)
  excerpt = excerpt.replace(/\s+/g, ' ').trim()
  return truncate(`${start > 0 ? '…' : ''}${excerpt}${end < text.length ? '…' : ''}`, 160)
}
