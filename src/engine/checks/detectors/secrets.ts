/**
 * Rule-based detectors of credentials in free text: cloud and SaaS API keys with a known
 * prefix, private key blocks, JSON Web Tokens, and `password=`/`api_key=` assignments whose
 * value looks random. Every pattern is linear-time; values are checked in code (JWT headers are
 * decoded, generic values must have enough entropy).
 */
import { dropOverlaps } from './spans.js'

/** The kinds of credentials the detectors know; on overlap the earlier kind wins. */
export const SECRET_KINDS = [
  'aws-access-key-id',
  'aws-secret-key',
  'github-token',
  'openai-key',
  'anthropic-key',
  'slack-token',
  'slack-webhook',
  'google-api-key',
  'stripe-key',
  'private-key',
  'jwt',
  'generic-secret'
] as const
/** A kind of credential the detectors know. */
export type SecretKind = (typeof SECRET_KINDS)[number]

/** One detected credential, with its [start, end) offsets in the text. */
export interface SecretMatch {
  kind: SecretKind
  start: number
  end: number
  value: string
  /** Set when the value is a published documentation example (AWS's `...EXAMPLE` keys). */
  reserved?: string
}

/** What a report calls each kind. */
export const SECRET_LABELS: Readonly<Record<SecretKind, string>> = {
  'aws-access-key-id': 'AWS access key id',
  'aws-secret-key': 'AWS secret access key',
  'github-token': 'GitHub token',
  'openai-key': 'OpenAI API key',
  'anthropic-key': 'Anthropic API key',
  'slack-token': 'Slack token',
  'slack-webhook': 'Slack webhook URL',
  'google-api-key': 'Google API key',
  'stripe-key': 'Stripe live key',
  'private-key': 'private key block',
  jwt: 'JSON Web Token',
  'generic-secret': 'hard-coded password or API key'
}

/** Shannon entropy of `value` in bits per character. */
export function shannonEntropy(value: string): number {
  if (value.length === 0) return 0
  const counts = new Map<string, number>()
  for (const char of value) counts.set(char, (counts.get(char) ?? 0) + 1)
  let entropy = 0
  for (const count of counts.values()) {
    const p = count / value.length
    entropy -= p * Math.log2(p)
  }
  return entropy
}

/** True when `token` is a JWT: three base64url parts whose first decodes to JSON with `alg`. */
export function isJwt(token: string): boolean {
  const parts = token.split('.')
  if (parts.length !== 3) return false
  try {
    const header: unknown = JSON.parse(Buffer.from(parts[0], 'base64url').toString('utf8'))
    return header !== null && typeof header === 'object' && 'alg' in header && typeof header.alg === 'string'
  } catch {
    return false
  }
}

interface PrefixedPattern {
  kind: SecretKind
  pattern: RegExp
  /** Further validation of the matched value. */
  valid?: (value: string) => boolean
}

/** Random keys mix letters and digits; `sk-aaaaaaaa...` or `sk-this-is-my-key` do not. */
function looksRandom(value: string): boolean {
  return /\d/.test(value) && /[A-Za-z]/.test(value) && shannonEntropy(value) >= 3
}

const PREFIXED: readonly PrefixedPattern[] = [
  { kind: 'aws-access-key-id', pattern: /(?<![A-Za-z0-9])(?:AKIA|ASIA)[A-Z0-9]{16}(?![A-Za-z0-9])/g },
  { kind: 'github-token', pattern: /(?<![A-Za-z0-9_])gh[pousr]_[A-Za-z0-9]{36,251}(?![A-Za-z0-9_])/g },
  { kind: 'github-token', pattern: /(?<![A-Za-z0-9_])github_pat_[A-Za-z0-9_]{40,244}(?![A-Za-z0-9_])/g },
  { kind: 'anthropic-key', pattern: /(?<![A-Za-z0-9_-])sk-ant-[A-Za-z0-9_-]{32,200}(?![A-Za-z0-9_-])/g, valid: looksRandom },
  // Legacy `sk-...T3BlbkFJ...` keys, project, service-account and admin keys.
  { kind: 'openai-key', pattern: /(?<![A-Za-z0-9_-])sk-(?!ant-)(?:proj-|svcacct-|admin-|None-)?[A-Za-z0-9_-]{32,200}(?![A-Za-z0-9_-])/g, valid: looksRandom },
  { kind: 'slack-token', pattern: /(?<![A-Za-z0-9])xox[baprs]-[A-Za-z0-9-]{10,200}(?![A-Za-z0-9-])/g, valid: (value) => /\d/.test(value) },
  { kind: 'slack-webhook', pattern: /https:\/\/hooks\.slack\.com\/services\/T[A-Z0-9]{6,12}\/B[A-Z0-9]{6,12}\/[A-Za-z0-9]{16,32}/g },
  { kind: 'google-api-key', pattern: /(?<![A-Za-z0-9_-])AIza[0-9A-Za-z_-]{35}(?![A-Za-z0-9_-])/g },
  { kind: 'stripe-key', pattern: /(?<![A-Za-z0-9_])(?:sk|rk)_live_[0-9A-Za-z]{24,99}(?![A-Za-z0-9])/g },
  { kind: 'jwt', pattern: /(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]{10,2000}\.[A-Za-z0-9_-]{10,8000}\.[A-Za-z0-9_-]{0,2000}(?![A-Za-z0-9_-])/g, valid: isJwt }
]

/** The header line; the block only counts when key material follows it. */
const PRIVATE_KEY = /-----BEGIN (?:[A-Z0-9]+ ){0,3}PRIVATE KEY(?: BLOCK)?-----/g
const KEY_MATERIAL = /[A-Za-z0-9+/=]{40}/

/** An AWS secret key: 40 base64 characters assigned to a name that says so. */
const AWS_SECRET = /(?:aws|secret)[A-Za-z0-9_.-]{0,30}["']?\s{0,3}[:=]{1,2}>?\s{0,3}["']?([A-Za-z0-9/+]{40})(?![A-Za-z0-9/+=])/gi

/** `password = "..."`, `api_key: ...`, `"client_secret": "..."`: the name, then the value. */
const ASSIGNMENT = /\b(?:password|passwd|pwd|passphrase|secret|secret[_-]?key|api[_-]?key|apikey|access[_-]?key|access[_-]?token|auth[_-]?token|client[_-]?secret|private[_-]?key|token)["']?\s{0,3}(?:=|:|=>|:=)\s{0,3}["']?([A-Za-z0-9_\-+/=.@!#$%^&*~?]{8,128})/gi
/** Placeholders and code that only look like values. */
const PLACEHOLDER = /^(?:x+|\*+|\.+|<.*>|\$\{.*\}|\{\{.*\}\}|%\(.*|your[_-].*|my[_-].*|change[_-]?me.*|example.*|placeholder.*|redacted.*|none|null|true|false|undefined|os\.environ.*|process\.env.*|env\..*|settings\..*|config\..*|self\..*|request\..*|args\..*)$/i

/** The smallest entropy, in bits per character, of a generic `password=` value worth reporting. */
export const DEFAULT_MIN_ENTROPY = 3

function findPrefixed(text: string, out: SecretMatch[]): void {
  for (const { kind, pattern, valid } of PREFIXED) {
    for (const match of text.matchAll(pattern)) {
      const value = match[0]
      if (valid !== undefined && !valid(value)) continue
      out.push({
        kind,
        start: match.index,
        end: match.index + value.length,
        value,
        ...(kind === 'aws-access-key-id' && value.endsWith('EXAMPLE') ? { reserved: 'AWS documentation example' } : {})
      })
    }
  }
}

function findPrivateKeys(text: string, out: SecretMatch[]): void {
  for (const match of text.matchAll(PRIVATE_KEY)) {
    const bodyStart = match.index + match[0].length
    if (!KEY_MATERIAL.test(text.slice(bodyStart, bodyStart + 300).replace(/\\n|\s/g, ''))) continue
    // The block runs to its footer (a 4096-bit RSA key is about 3,200 characters).
    const footer = /-----END [A-Z0-9 ]{0,40}-----/.exec(text.slice(bodyStart, bodyStart + 8000))
    const end = footer !== null ? bodyStart + footer.index + footer[0].length : Math.min(text.length, bodyStart + 300)
    out.push({ kind: 'private-key', start: match.index, end, value: text.slice(match.index, end) })
  }
}

function findAssignments(text: string, out: SecretMatch[], minEntropy: number): void {
  for (const match of text.matchAll(AWS_SECRET)) {
    const value = match[1]
    if (!looksRandom(value)) continue
    const start = match.index + match[0].length - value.length
    out.push({
      kind: 'aws-secret-key',
      start,
      end: start + value.length,
      value,
      ...(value.endsWith('EXAMPLEKEY') ? { reserved: 'AWS documentation example' } : {})
    })
  }
  for (const match of text.matchAll(ASSIGNMENT)) {
    const value = match[1].replace(/[.,;]+$/, '')
    const start = match.index + match[0].length - match[1].length
    // A call (`password=input(...)`) or an attribute chain is code, not a value.
    if (text[start + match[1].length] === '(' || PLACEHOLDER.test(value)) continue
    if (!/\d/.test(value) || !/[A-Za-z]/.test(value) || shannonEntropy(value) < minEntropy) continue
    out.push({ kind: 'generic-secret', start, end: start + value.length, value })
  }
}

/** Cheap test that skips texts with no credential-shaped substring at all. */
const HINT = /AKIA|ASIA|gh[pousr]_|github_pat_|sk-|xox|hooks\.slack|AIza|_live_|PRIVATE KEY|eyJ|pass|pwd|secret|key|token|aws/i

/** Options of {@link findSecrets}. */
export interface FindSecretsOptions {
  kinds?: ReadonlySet<SecretKind>
  /** Entropy floor of generic `password=` values, in bits per character. */
  minEntropy?: number
}

/**
 * The credentials in `text`, in order of position. A prefixed key inside an assignment is
 * reported once, under its specific kind.
 */
export function findSecrets(text: string, options: FindSecretsOptions = {}): SecretMatch[] {
  if (!HINT.test(text)) return []
  const kinds = options.kinds ?? new Set(SECRET_KINDS)
  const found: SecretMatch[] = []
  findPrefixed(text, found)
  findPrivateKeys(text, found)
  findAssignments(text, found, options.minEntropy ?? DEFAULT_MIN_ENTROPY)
  return dropOverlaps(
    found.filter((match) => kinds.has(match.kind)),
    SECRET_KINDS
  )
}
