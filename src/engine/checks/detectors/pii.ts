/**
 * Rule-based detectors of personal data in free text: email addresses, phone numbers, payment
 * card numbers, IBANs, US social security numbers, IPv4 and IPv6 addresses.
 *
 * Every detector looks for a shape with a linear-time regular expression (no nested unbounded
 * quantifiers) and then validates the candidate in code (Luhn, mod-97, NANP and SSA rules), so
 * a number is only reported when it could really be one. Values that are real-shaped but
 * reserved for examples and documentation are returned with a `reserved` reason, so callers can
 * report them as information instead of a leak.
 */
import { isIPv6 } from 'node:net'
import { dropOverlaps } from './spans.js'

/** The kinds of personal data the detectors know. */
export const PII_KINDS = ['email', 'phone', 'credit-card', 'iban', 'ssn', 'ipv4', 'ipv6'] as const
/** A kind of personal data the detectors know. */
export type PiiKind = (typeof PII_KINDS)[number]

/** One detected value, with its [start, end) offsets in the text. */
export interface PiiMatch {
  kind: PiiKind
  start: number
  end: number
  value: string
  /**
   * Set when the value is real-shaped but reserved for examples or not personal (an example
   * domain, a documentation or private IP range, a fictional 555-01XX phone number): the reason.
   */
  reserved?: string
}

// ---------------------------------------------------------------------------------------------
// Checksums and registries

/** True when the digits pass the Luhn (mod 10) checksum used by payment card numbers. */
export function luhnValid(digits: string): boolean {
  if (!/^\d+$/.test(digits)) return false
  let sum = 0
  let double = false
  for (let i = digits.length - 1; i >= 0; i--) {
    let digit = digits.charCodeAt(i) - 48
    if (double) {
      digit *= 2
      if (digit > 9) digit -= 9
    }
    sum += digit
    double = !double
  }
  return sum % 10 === 0
}

/**
 * IBAN length per country, from the SWIFT IBAN registry (ISO 13616), including the countries
 * added up to 2024 (BI, DJ, FK, HN, LY, MN, NI, OM, RU, SD, SO, YE).
 */
export const IBAN_LENGTHS: Readonly<Record<string, number>> = {
  AD: 24, AE: 23, AL: 28, AT: 20, AZ: 28, BA: 20, BE: 16, BG: 22, BH: 22, BI: 27, BR: 29,
  BY: 28, CH: 21, CR: 22, CY: 28, CZ: 24, DE: 22, DJ: 27, DK: 18, DO: 28, EE: 20, EG: 29,
  ES: 24, FI: 18, FK: 18, FO: 18, FR: 27, GB: 22, GE: 22, GI: 23, GL: 18, GR: 27, GT: 28,
  HN: 28, HR: 21, HU: 28, IE: 22, IL: 23, IQ: 23, IS: 26, IT: 27, JO: 30, KW: 30, KZ: 20,
  LB: 28, LC: 32, LI: 21, LT: 20, LU: 20, LV: 21, LY: 25, MC: 27, MD: 24, ME: 22, MK: 19,
  MN: 20, MR: 27, MT: 31, MU: 30, NI: 28, NL: 18, NO: 15, OM: 23, PK: 24, PL: 28, PS: 29,
  PT: 25, QA: 29, RO: 24, RS: 22, RU: 33, SA: 24, SC: 31, SD: 18, SE: 24, SI: 19, SK: 24,
  SM: 27, SO: 23, ST: 25, SV: 28, TL: 23, TN: 24, TR: 26, UA: 29, VA: 22, VG: 24, XK: 20,
  YE: 30
}

/**
 * True when `iban` (compact, upper case) has its country's registry length and passes the
 * ISO 7064 mod-97-10 check.
 */
export function ibanValid(iban: string): boolean {
  if (!/^[A-Z]{2}\d{2}[A-Z0-9]+$/.test(iban)) return false
  if (IBAN_LENGTHS[iban.slice(0, 2)] !== iban.length) return false
  const rearranged = iban.slice(4) + iban.slice(0, 4)
  // Digit by digit so the number never leaves the safe integer range.
  let remainder = 0
  for (const char of rearranged) {
    const code = char.charCodeAt(0)
    const value = code <= 57 ? code - 48 : code - 55
    remainder = value > 9 ? (remainder * 100 + value) % 97 : (remainder * 10 + value) % 97
  }
  return remainder === 1
}

/** Card brands by issuer prefix (IIN ranges) with the lengths each issues. */
const CARD_BRANDS: ReadonlyArray<{ brand: string; prefixes: ReadonlyArray<string | [number, number]>; lengths: readonly number[] }> = [
  { brand: 'Visa', prefixes: ['4'], lengths: [13, 16, 19] },
  { brand: 'Mastercard', prefixes: [[51, 55], [2221, 2720]], lengths: [16] },
  { brand: 'American Express', prefixes: ['34', '37'], lengths: [15] },
  { brand: 'Discover', prefixes: ['6011', [644, 649], '65', [622126, 622925]], lengths: [16, 17, 18, 19] },
  { brand: 'Diners Club', prefixes: [[300, 305], '36', '38', '39', '3095'], lengths: [14, 15, 16, 17, 18, 19] },
  { brand: 'JCB', prefixes: [[3528, 3589]], lengths: [16, 17, 18, 19] },
  { brand: 'UnionPay', prefixes: ['62', '81'], lengths: [16, 17, 18, 19] },
  { brand: 'Maestro', prefixes: ['5018', '5019', '5020', '5038', '5893', '6304', '6759', '6761', '6762', '6763', '6799'], lengths: [13, 14, 15, 16, 17, 18, 19] },
  { brand: 'Mir', prefixes: [[2200, 2204]], lengths: [16, 17, 18, 19] },
  { brand: 'RuPay', prefixes: ['60', '508', '652', '653'], lengths: [16] },
  { brand: 'Troy', prefixes: ['9792'], lengths: [16] },
  // UATP, which includes the AirPlus corporate cards (1220...).
  { brand: 'UATP', prefixes: ['1'], lengths: [15] }
]

/** The card brand whose issuer prefix and length fit `digits`, if any. */
export function cardBrand(digits: string): string | undefined {
  for (const { brand, prefixes, lengths } of CARD_BRANDS) {
    if (!lengths.includes(digits.length)) continue
    for (const prefix of prefixes) {
      if (typeof prefix === 'string') {
        if (digits.startsWith(prefix)) return brand
      } else {
        const width = String(prefix[0]).length
        const head = Number(digits.slice(0, width))
        if (head >= prefix[0] && head <= prefix[1]) return brand
      }
    }
  }
  return undefined
}

/**
 * True when `ssn` (`AAA-GG-SSSS` or nine digits) could have been issued: the SSA never issues
 * area 000, 666 or 900-999, group 00 or serial 0000.
 */
export function ssnValid(ssn: string): boolean {
  const digits = ssn.replace(/[- ]/g, '')
  if (!/^\d{9}$/.test(digits)) return false
  const area = Number(digits.slice(0, 3))
  return area !== 0 && area !== 666 && area < 900 && digits.slice(3, 5) !== '00' && digits.slice(5) !== '0000'
}

// ---------------------------------------------------------------------------------------------
// Context

/** Words that, just before a number, say it is a phone number. */
const PHONE_CONTEXT = /\b(?:phone|telephone|tel|mobile|cell|cellphone|fax|call|dial|contact|whatsapp|sms|text me|reach me|hotline)\b/i
const SSN_CONTEXT = /\b(?:ssn|ss#|social security|social-security|soc sec)\b/i
/** Words before a dotted quad that make it a version or section number, not an address. */
const VERSION_BEFORE = /(?:\b(?:v|ver|version|release|build|rev|revision|firmware|section|chapter|step|§)\.?\s*)$/i
const CONTEXT_WINDOW = 40

function contextBefore(text: string, start: number): string {
  return text.slice(Math.max(0, start - CONTEXT_WINDOW), start)
}

/** True when an arithmetic operator sits right before or after the span (`6000-600-150-1200-2000`). */
function arithmeticAround(text: string, start: number, end: number): boolean {
  let before = start - 1
  while (before >= 0 && text[before] === ' ') before--
  let after = end
  while (after < text.length && text[after] === ' ') after++
  const previous = before >= 0 ? text[before] : ''
  const next = after < text.length ? text[after] : ''
  return /[=+*/×÷<>^]/.test(previous) || /[=+*/×÷<>^]/.test(next)
}

// ---------------------------------------------------------------------------------------------
// Detectors

const EMAIL = /(?<![\w.%+-])[A-Za-z0-9][A-Za-z0-9._%+-]{0,63}@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,24}(?![\w-]|\.[A-Za-z0-9])/g
/** `icon@2x.png` is a file name, not an address. */
const FILE_EXTENSIONS = new Set(['png', 'jpg', 'jpeg', 'gif', 'svg', 'webp', 'bmp', 'ico', 'css', 'js', 'ts', 'py', 'json', 'txt', 'pdf', 'zip'])
const EXAMPLE_DOMAINS = /(?:^|\.)example\.(?:com|org|net)$|\.(?:example|test|invalid|localhost)$/

function findEmails(text: string, out: PiiMatch[]): void {
  for (const match of text.matchAll(EMAIL)) {
    const value = match[0]
    const domain = value.slice(value.indexOf('@') + 1).toLowerCase()
    const tld = domain.slice(domain.lastIndexOf('.') + 1)
    if (FILE_EXTENSIONS.has(tld)) continue
    const start = match.index
    out.push({
      kind: 'email',
      start,
      end: start + value.length,
      value,
      ...(EXAMPLE_DOMAINS.test(domain) ? { reserved: 'reserved example domain (RFC 2606)' } : {})
    })
  }
}

/**
 * North American numbers: optional `+1`/`1`, area code bare or in parentheses, exchange, line.
 * Separators are captured so the code can require them to be consistent.
 */
const NANP = /(?<![\w+.\-/])(?:(\+?1)([-. ]?))?(?:\((\d{3})\)( ?)|(\d{3})([-. ]?))(\d{3})([-. ]?)(\d{4})(?!\w|[.\-/]\d)/g
/** Any `+` followed by digits and separators: international numbers, validated in code. */
const INTERNATIONAL = /(?<![\w+])\+[1-9][\d\-. ()]{6,22}\d/g

function nanpCodeValid(code: string): boolean {
  return code[0] >= '2' && code[0] <= '9' && code.slice(1) !== '11'
}

function findPhones(text: string, out: PiiMatch[]): void {
  for (const match of text.matchAll(NANP)) {
    const [value, country, countrySep, parenArea, parenSep, bareArea, areaSep, exchange, lineSep, line] = match
    const start = match.index
    const end = start + value.length
    const area = parenArea ?? bareArea
    if (area === undefined || exchange === undefined || line === undefined) continue
    if (country === '1' && countrySep === '') continue // 11 digits glued: an id, not a number
    let strong: boolean
    if (parenArea !== undefined) {
      // `(425) 882-9090`, `(425)882-9090`; `(425) 8829090` needs context.
      strong = lineSep !== '' && (lineSep !== ' ' || parenSep === ' ')
    } else {
      if (areaSep !== lineSep && !(areaSep === ' ' && lineSep === '')) continue
      // Dashes and dots are phone separators; spaces or nothing also fit lists of numbers.
      strong = (areaSep === '-' || areaSep === '.') || (country !== undefined && country.startsWith('+') && areaSep !== '')
    }
    if (arithmeticAround(text, start, end)) continue
    const context = PHONE_CONTEXT.test(contextBefore(text, start))
    const valid = nanpCodeValid(area) && nanpCodeValid(exchange)
    // A labelled, phone-shaped placeholder like `Phone: (123) 456-7891` still reads as a phone.
    if (!(valid ? strong || context : strong && context)) continue
    const fictional = exchange === '555' && line.startsWith('01')
    out.push({
      kind: 'phone',
      start,
      end,
      value,
      ...(fictional ? { reserved: 'fictional 555-01XX number' } : {})
    })
  }
  for (const match of text.matchAll(INTERNATIONAL)) {
    const value = match[0]
    const start = match.index
    // North American numbers were read above, with their own rules.
    if (value.startsWith('+1') || /[-. ]{2}|\(\)/.test(value)) continue
    const digits = value.replace(/\D/g, '')
    if (digits.length < 8 || digits.length > 15) continue
    const end = start + value.length
    if (/\w/.test(text[end] ?? '') || arithmeticAround(text, start, end)) continue
    // After a number, `+` is an operator (`5 +44 20`), not a country code.
    if (/[\d)]\s*$/.test(text.slice(Math.max(0, start - 4), start))) continue
    // A bare `+4420...` run is a number or an id unless something says it is a phone.
    if (!/[-. ()]/.test(value) && !PHONE_CONTEXT.test(contextBefore(text, start))) continue
    out.push({ kind: 'phone', start, end, value })
  }
}

/** 13-19 digits, optionally in groups separated by spaces or dashes. */
const CARD = /(?<![\w.\-/+,])\d(?:[ -]?\d){12,18}(?!\w|[.,\-/]\d)/g

function findCards(text: string, out: PiiMatch[]): void {
  for (const match of text.matchAll(CARD)) {
    const separators = new Set(match[0].replace(/\d/g, ''))
    if (separators.size > 1) continue
    const [separator] = separators
    const groups = separator === undefined ? [match[0]] : match[0].split(separator)
    if (separator !== undefined && groups.some((group) => group.length < 3 || group.length > 6)) continue
    // The greedy match may have taken a following group (`4012 8888 8888 1881 123`): drop
    // trailing groups until a valid number is left.
    for (let count = groups.length; count >= 1; count--) {
      const value = groups.slice(0, count).join(separator ?? '')
      const digits = value.replace(/\D/g, '')
      if (digits.length < 13) break
      if (cardBrand(digits) === undefined || !luhnValid(digits)) continue
      const start = match.index
      if (!arithmeticAround(text, start, start + value.length)) out.push({ kind: 'credit-card', start, end: start + value.length, value })
      break
    }
  }
}

/** A country code and check digits; the rest is read in code, by the country's length. */
const IBAN_START = /(?<![A-Za-z0-9])[A-Z]{2}\d{2}(?=[ -]?[A-Z0-9])/g

function findIbans(text: string, out: PiiMatch[]): void {
  for (const match of text.matchAll(IBAN_START)) {
    const start = match.index
    const length = IBAN_LENGTHS[match[0].slice(0, 2)]
    if (length === undefined) continue
    let compact = match[0]
    let position = start + 4
    const separator = text[position] === ' ' || text[position] === '-' ? text[position] : ''
    if (separator === '') {
      // Compact: `DE89370400440532013000`.
      const body = text.slice(position, position + length - 4)
      if (!/^[A-Z0-9]*$/.test(body)) continue
      compact += body
      position += body.length
    } else {
      // Printed in groups of four (`DE89 3704 0044 0532 0130 00`); only the last may be short.
      while (compact.length < length && text[position] === separator) {
        const group = /^[A-Z0-9]{1,4}/.exec(text.slice(position + 1, position + 5))
        if (group === null) break
        compact += group[0]
        position += 1 + group[0].length
        if (group[0].length < 4) break
      }
    }
    if (compact.length !== length || /[A-Za-z0-9]/.test(text[position] ?? '')) continue
    if (!ibanValid(compact)) continue
    out.push({ kind: 'iban', start, end: position, value: text.slice(start, position) })
  }
}

const SSN = /(?<![\w.\-/+])(\d{3})([- ]?)(\d{2})\2(\d{4})(?!\w|[.\-/]\d)/g
/** SSNs printed in advertising and examples; the SSA voided 078-05-1120 and 219-09-9999. */
const SAMPLE_SSNS = new Set(['078051120', '219099999', '123456789'])

function findSsns(text: string, out: PiiMatch[]): void {
  for (const match of text.matchAll(SSN)) {
    const value = match[0]
    const start = match.index
    if (!ssnValid(value)) continue
    // Nine bare or space-separated digits are as likely a count or an id: they need context.
    if (match[2] !== '-' && !SSN_CONTEXT.test(contextBefore(text, start))) continue
    if (arithmeticAround(text, start, start + value.length)) continue
    out.push({
      kind: 'ssn',
      start,
      end: start + value.length,
      value,
      ...(SAMPLE_SSNS.has(value.replace(/\D/g, '')) ? { reserved: 'well-known sample number' } : {})
    })
  }
}

/** A dotted quad; not one inside a longer dotted or comma-separated run of numbers (`1.2.3.4,5`). */
const IPV4 = /(?<![\w.-])(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})(?![\w-]|\.[\d.]|,\d)/g
/** Public resolvers that appear in every networking tutorial (`ping 8.8.8.8`). */
const PUBLIC_RESOLVERS = new Set(['8.8.8.8', '8.8.4.4', '1.1.1.1', '1.0.0.1', '9.9.9.9', '149.112.112.112', '208.67.222.222', '208.67.220.220'])

/** Why an IPv4 address is not a public host address, when it is not. */
export function reservedIpv4(octets: readonly number[]): string | undefined {
  const [a, b, c] = octets
  if ((a === 192 && b === 0 && c === 2) || (a === 198 && b === 51 && c === 100) || (a === 203 && b === 0 && c === 113)) {
    return 'documentation range (RFC 5737)'
  }
  if (a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168)) return 'private range (RFC 1918)'
  if (a === 127) return 'loopback address'
  if (a === 0) return 'unspecified address'
  if (a === 169 && b === 254) return 'link-local address'
  if (a >= 224) return 'multicast, reserved or netmask value'
  if (PUBLIC_RESOLVERS.has(octets.join('.'))) return 'well-known public DNS resolver'
  return undefined
}

function findIpv4s(text: string, out: PiiMatch[]): void {
  for (const match of text.matchAll(IPV4)) {
    const parts = match.slice(1, 5)
    if (parts.some((part) => part.length > 1 && part.startsWith('0'))) continue
    const octets = parts.map(Number)
    if (octets.some((octet) => octet > 255)) continue
    const start = match.index
    if (VERSION_BEFORE.test(text.slice(Math.max(0, start - 12), start))) continue
    const reserved = reservedIpv4(octets)
    out.push({ kind: 'ipv4', start, end: start + match[0].length, value: match[0], ...(reserved ? { reserved } : {}) })
  }
}

const IPV6 = /(?<![\w:.])(?:[0-9A-Fa-f]{1,4})?(?::[0-9A-Fa-f]{0,4}){2,7}(?![\w:]|\.\w)/g

/** Why an IPv6 address is not a public host address, when it is not. */
export function reservedIpv6(address: string): string | undefined {
  const lower = address.toLowerCase()
  if (lower.startsWith('2001:db8:') || lower.startsWith('2001:0db8:')) return 'documentation range (RFC 3849)'
  if (/^fe[89ab]/.test(lower)) return 'link-local address'
  if (/^f[cd]/.test(lower)) return 'unique local (private) address'
  if (lower.startsWith('ff')) return 'multicast address'
  if (/^[0:]*1?$/.test(lower)) return 'loopback or unspecified address'
  return undefined
}

function findIpv6s(text: string, out: PiiMatch[]): void {
  for (const match of text.matchAll(IPV6)) {
    const value = match[0]
    if (!isIPv6(value)) continue
    const groups = value.split(':').filter((group) => group !== '')
    // `1::2` is a Python slice and `::1` says nothing about anyone; a real address has more
    // groups, or starts with a full four-digit prefix (`fe80::1`, `2001:db8::`).
    const first = value.split(':')[0]
    if (groups.length < 3 && !(value.includes('::') && groups.length >= 2 && first.length === 4 && /\d/.test(first))) continue
    const start = match.index
    const reserved = reservedIpv6(value)
    out.push({ kind: 'ipv6', start, end: start + value.length, value, ...(reserved ? { reserved } : {}) })
  }
}

// ---------------------------------------------------------------------------------------------
// Prefilter

// Facts about a text that the detectors' shape tests need (bits of `textFacts`). Each is found
// by native character searches (memchr), far cheaper than any regular expression over the text.
const HAS_AT = 1
const HAS_DIGIT = 2
const HAS_COLON = 4

/** True when `text` holds an ASCII digit (what `\d` matches without the `u` flag). */
function hasAsciiDigit(text: string): boolean {
  return (
    text.indexOf('0') >= 0 ||
    text.indexOf('1') >= 0 ||
    text.indexOf('2') >= 0 ||
    text.indexOf('3') >= 0 ||
    text.indexOf('4') >= 0 ||
    text.indexOf('5') >= 0 ||
    text.indexOf('6') >= 0 ||
    text.indexOf('7') >= 0 ||
    text.indexOf('8') >= 0 ||
    text.indexOf('9') >= 0
  )
}

function textFacts(text: string): number {
  return (text.indexOf('@') >= 0 ? HAS_AT : 0) | (hasAsciiDigit(text) ? HAS_DIGIT : 0) | (text.indexOf(':') >= 0 ? HAS_COLON : 0)
}

/** One kind's detector, with the tests a text must pass before it is worth running. */
export interface PiiDetector {
  kind: PiiKind
  /**
   * A shape test (a regular expression) that every value `detect` reports passes. It is part of
   * the detector: `detect` only runs on texts that pass it.
   */
  hint: RegExp
  /**
   * What every text that passes `hint` holds (an `@`, a digit, a colon), as bits: a text
   * without it is skipped before any regular expression runs.
   */
  needs: number
  /** Appends the values found in `text` to `out`. */
  detect: (text: string, out: PiiMatch[]) => void
}

/**
 * The detectors, strongest first (the order decides overlaps). Each `needs` is implied by its
 * `hint`, so skipping a text that lacks it loses nothing: the email hint is `@` itself; the
 * IBAN, card, SSN, phone and IPv4 hints each contain `\d`, an ASCII digit (no `u` flag); the
 * IPv6 hint contains two colons.
 */
export const PII_DETECTORS: readonly PiiDetector[] = [
  { kind: 'email', hint: /@/, needs: HAS_AT, detect: findEmails },
  { kind: 'iban', hint: /[A-Z]{2}\d{2}/, needs: HAS_DIGIT, detect: findIbans },
  { kind: 'credit-card', hint: /\d{4}/, needs: HAS_DIGIT, detect: findCards },
  { kind: 'ssn', hint: /\d{3}/, needs: HAS_DIGIT, detect: findSsns },
  // A North American number has three digits in a row; an international one may have none in a row (`+4 4 2 0 ...`) but starts `+` and a digit.
  { kind: 'phone', hint: /\d\d|\+[1-9]/, needs: HAS_DIGIT, detect: findPhones },
  { kind: 'ipv4', hint: /\d\.\d/, needs: HAS_DIGIT, detect: findIpv4s },
  { kind: 'ipv6', hint: /:[0-9A-Fa-f]*:/, needs: HAS_COLON, detect: findIpv6s }
]

const DETECTOR_RANK: readonly PiiKind[] = PII_DETECTORS.map(({ kind }) => kind)
const ALL_KINDS: ReadonlySet<PiiKind> = new Set(PII_KINDS)

/**
 * The personal data in `text`, in order of position. Overlapping candidates are resolved in
 * favour of the stronger detector (an IBAN or a card number over the phone number inside it).
 * Most texts hold no `@`, digit or colon: twelve native character searches tell, and they cost
 * no regular expression at all.
 */
export function findPii(text: string, kinds: ReadonlySet<PiiKind> = ALL_KINDS): PiiMatch[] {
  const facts = textFacts(text)
  const found: PiiMatch[] = []
  if (facts === 0) return found
  for (const { kind, hint, needs, detect } of PII_DETECTORS) {
    if ((facts & needs) !== 0 && kinds.has(kind) && hint.test(text)) detect(text, found)
  }
  return found.length === 0 ? found : dropOverlaps(found, DETECTOR_RANK)
}
