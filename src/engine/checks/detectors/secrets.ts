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

/** A credential with a known prefix, and what a text must hold for its pattern to match. */
interface PrefixedPattern {
  kind: SecretKind
  pattern: RegExp
  /** Further validation of the matched value. */
  valid?: (value: string) => boolean
  /**
   * Every match contains one of `literals` (case and all: the patterns have no `i` flag), and
   * every literal contains `char`. A text without `char` is ruled out by one native character
   * search, then one without the literals by a few substring searches: both far cheaper than
   * the pattern, and neither can lose a match.
   */
  char: string
  literals: readonly string[]
}

/** Random keys mix letters and digits; `sk-aaaaaaaa...` or `sk-this-is-my-key` do not. */
function looksRandom(value: string): boolean {
  return /\d/.test(value) && /[A-Za-z]/.test(value) && shannonEntropy(value) >= 3
}

/** The prefixed credentials; each pattern spells out its literals at its start. */
const PREFIXED: readonly PrefixedPattern[] = [
  { kind: 'aws-access-key-id', pattern: /(?<![A-Za-z0-9])(?:AKIA|ASIA)[A-Z0-9]{16}(?![A-Za-z0-9])/g, char: 'A', literals: ['AKIA', 'ASIA'] },
  { kind: 'github-token', pattern: /(?<![A-Za-z0-9_])gh[pousr]_[A-Za-z0-9]{36,251}(?![A-Za-z0-9_])/g, char: '_', literals: ['ghp_', 'gho_', 'ghu_', 'ghs_', 'ghr_'] },
  { kind: 'github-token', pattern: /(?<![A-Za-z0-9_])github_pat_[A-Za-z0-9_]{40,244}(?![A-Za-z0-9_])/g, char: '_', literals: ['github_pat_'] },
  { kind: 'anthropic-key', pattern: /(?<![A-Za-z0-9_-])sk-ant-[A-Za-z0-9_-]{32,200}(?![A-Za-z0-9_-])/g, valid: looksRandom, char: '-', literals: ['sk-ant-'] },
  // Legacy `sk-...T3BlbkFJ...` keys, project, service-account and admin keys.
  { kind: 'openai-key', pattern: /(?<![A-Za-z0-9_-])sk-(?!ant-)(?:proj-|svcacct-|admin-|None-)?[A-Za-z0-9_-]{32,200}(?![A-Za-z0-9_-])/g, valid: looksRandom, char: '-', literals: ['sk-'] },
  { kind: 'slack-token', pattern: /(?<![A-Za-z0-9])xox[baprs]-[A-Za-z0-9-]{10,200}(?![A-Za-z0-9-])/g, valid: (value) => /\d/.test(value), char: '-', literals: ['xoxb-', 'xoxa-', 'xoxp-', 'xoxr-', 'xoxs-'] },
  { kind: 'slack-webhook', pattern: /https:\/\/hooks\.slack\.com\/services\/T[A-Z0-9]{6,12}\/B[A-Z0-9]{6,12}\/[A-Za-z0-9]{16,32}/g, char: ':', literals: ['https://hooks.slack.com/services/'] },
  { kind: 'google-api-key', pattern: /(?<![A-Za-z0-9_-])AIza[0-9A-Za-z_-]{35}(?![A-Za-z0-9_-])/g, char: 'A', literals: ['AIza'] },
  { kind: 'stripe-key', pattern: /(?<![A-Za-z0-9_])(?:sk|rk)_live_[0-9A-Za-z]{24,99}(?![A-Za-z0-9])/g, char: '_', literals: ['_live_'] },
  { kind: 'jwt', pattern: /(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]{10,2000}\.[A-Za-z0-9_-]{10,8000}\.[A-Za-z0-9_-]{0,2000}(?![A-Za-z0-9_-])/g, valid: isJwt, char: 'J', literals: ['eyJ'] }
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

/**
 * A word that every match of the two assignment patterns has, case aside like theirs: an AWS
 * name starts with `aws` or `secret`, and every generic name contains `pass`, `pwd`, `secret`,
 * `key` or `token`. Far shorter than the patterns, it rules out cheaply the many texts that
 * have a `:` or `=` but no credential name.
 */
const ASSIGNMENT_WORD = /pass|pwd|secret|key|token|aws/i

/** The smallest entropy, in bits per character, of a generic `password=` value worth reporting. */
export const DEFAULT_MIN_ENTROPY = 3

function findPrefixed(text: string, candidates: number, out: SecretMatch[]): void {
  PREFIXED.forEach(({ kind, pattern, valid }, index) => {
    if ((candidates & (1 << index)) === 0) return
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
  })
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

/** Bits of {@link secretCandidates} after those of the prefixed patterns. */
const PRIVATE_KEYS = 1 << PREFIXED.length
const ASSIGNMENTS = 1 << (PREFIXED.length + 1)
/** The characters the candidate tests look for first, one native search each. */
const CANDIDATE_CHARS = ['_', '-', ':', '=', 'A', 'J']
const charBit = (char: string): number => 1 << CANDIDATE_CHARS.indexOf(char)
const PREFIXED_CHAR_BITS = PREFIXED.map(({ char }) => charBit(char))
const DASH_BIT = charBit('-')
const OPERATOR_BITS = charBit(':') | charBit('=')

function holdsAny(text: string, literals: readonly string[]): boolean {
  for (const literal of literals) if (text.includes(literal)) return true
  return false
}

/** Every detector: what {@link detectSecrets} needs to run them all. */
export const ALL_SECRET_DETECTORS = (ASSIGNMENTS << 1) - 1

/**
 * Which detectors may find something in `text`, as bits: bit `i` for the `i`th prefixed
 * pattern, then the private key blocks, then the assignments. A detector whose bit is clear
 * finds nothing in the text, by tests that every one of its matches passes: a prefixed
 * pattern's `char` and one of its literals; `-----BEGIN ` for a private key (its pattern's
 * start, case and all); a `:` or `=` (every assignment has its operator, `[:=]{1,2}` or
 * `=|:|=>|:=`) and an assignment word. Most texts hold none of `_ - : = A J`: six native
 * character searches tell, and no regular expression runs at all.
 */
export function secretCandidates(text: string): number {
  let chars = 0
  for (let i = 0; i < CANDIDATE_CHARS.length; i++) if (text.indexOf(CANDIDATE_CHARS[i]) >= 0) chars |= 1 << i
  if (chars === 0) return 0
  let candidates = 0
  for (let index = 0; index < PREFIXED.length; index++) {
    if ((chars & PREFIXED_CHAR_BITS[index]) !== 0 && holdsAny(text, PREFIXED[index].literals)) candidates |= 1 << index
  }
  if ((chars & DASH_BIT) !== 0 && text.includes('-----BEGIN ')) candidates |= PRIVATE_KEYS
  if ((chars & OPERATOR_BITS) !== 0 && ASSIGNMENT_WORD.test(text)) candidates |= ASSIGNMENTS
  return candidates
}

/** Options of {@link findSecrets}. */
export interface FindSecretsOptions {
  kinds?: ReadonlySet<SecretKind>
  /** Entropy floor of generic `password=` values, in bits per character. */
  minEntropy?: number
}

const ALL_KINDS: ReadonlySet<SecretKind> = new Set(SECRET_KINDS)

/**
 * The credentials that the detectors whose bits are set in `candidates` find in `text`, in order
 * of position. A prefixed key inside an assignment is reported once, under its specific kind.
 */
export function detectSecrets(text: string, candidates: number, options: FindSecretsOptions = {}): SecretMatch[] {
  const found: SecretMatch[] = []
  if (candidates === 0) return found
  findPrefixed(text, candidates, found)
  if ((candidates & PRIVATE_KEYS) !== 0) findPrivateKeys(text, found)
  if ((candidates & ASSIGNMENTS) !== 0) findAssignments(text, found, options.minEntropy ?? DEFAULT_MIN_ENTROPY)
  if (found.length === 0) return found
  const kinds = options.kinds ?? ALL_KINDS
  return dropOverlaps(
    found.filter((match) => kinds.has(match.kind)),
    SECRET_KINDS
  )
}

/**
 * The credentials in `text`, in order of position: those of the detectors that may find any
 * ({@link secretCandidates}), which are all it could have.
 */
export function findSecrets(text: string, options: FindSecretsOptions = {}): SecretMatch[] {
  return detectSecrets(text, secretCandidates(text), options)
}
