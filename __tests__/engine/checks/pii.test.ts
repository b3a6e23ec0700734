import { cardBrand, findPii, ibanValid, luhnValid, PII_DETECTORS, ssnValid, type PiiKind, type PiiMatch } from '../../../src/engine/checks/detectors/pii.js'
import { dropOverlaps } from '../../../src/engine/checks/detectors/spans.js'
import { mask, piiCheck } from '../../../src/engine/checks/pii.js'
import type { RecordFields } from '../../../src/engine/types.js'
import { recordsOf, runCheck } from '../../helpers/runCheck.js'
import { itReal, readJson, readText, realRecords, stringFields } from '../../helpers/realdata.js'
import { adversarialTexts, disagreements, realTexts } from './prefilter-corpus.js'

const kindsIn = (text: string): string[] => findPii(text).map((match) => `${match.kind}${match.reserved !== undefined ? '*' : ''}:${match.value}`)
const check = (rows: RecordFields[], config = {}) => runCheck(piiCheck, recordsOf(rows), { textFields: ['text'], config })

describe('checksums', () => {
  it('validates card numbers with Luhn and a known issuer prefix and length', () => {
    expect(luhnValid('4111111111111111')).toBe(true)
    expect(luhnValid('4111111111111112')).toBe(false)
    expect(cardBrand('4111111111111111')).toBe('Visa')
    expect(cardBrand('4222222222222')).toBe('Visa')
    expect(cardBrand('371449635398431')).toBe('American Express')
    expect(cardBrand('122000000000003')).toBe('UATP')
    // Luhn-valid, but no issuer uses the prefix 99 or the prefix 1 at 16 digits.
    expect(luhnValid('9999999999999995')).toBe(true)
    expect(cardBrand('9999999999999995')).toBeUndefined()
    expect(cardBrand('1234567890123452')).toBeUndefined()
  })

  it('validates IBANs by the registry length of their country and mod 97', () => {
    expect(ibanValid('DE89370400440532013000')).toBe(true)
    expect(ibanValid('DE89370400440532013001')).toBe(false)
    expect(ibanValid('DE8937040044053201300')).toBe(false)
    expect(ibanValid('AM47212110090000000235698740')).toBe(false)
  })

  it('excludes the SSNs the SSA never issues', () => {
    expect(ssnValid('536-22-1234')).toBe(true)
    expect(ssnValid('899-22-1234')).toBe(true)
    for (const never of ['000-22-1234', '666-22-1234', '900-22-1234', '999-90-5728', '536-00-1234', '536-22-0000']) {
      expect(ssnValid(never)).toBe(false)
    }
  })
})

describe('findPii', () => {
  it('finds email addresses, but not file names or unfinished domains', () => {
    expect(kindsIn('write to john.doe+news@gmail.com.')).toEqual(['email:john.doe+news@gmail.com'])
    expect(kindsIn('the email is my email is info@presidio.')).toEqual([])
    expect(kindsIn('see icon@2x.png')).toEqual([])
    expect(kindsIn('ssh user@example.com and a@b.test')).toEqual(['email*:user@example.com', 'email*:a@b.test'])
  })

  it('finds phone numbers in phone shapes and rejects arithmetic and invalid NANP codes', () => {
    expect(kindsIn('Call us at 650-636-4884 or 650.636.4884')).toEqual(['phone:650-636-4884', 'phone:650.636.4884'])
    expect(kindsIn('at 1-800-555-5555.')).toEqual(['phone:1-800-555-5555'])
    expect(kindsIn('London: +44 20 7946 0958, US: +1 415 555 0132')).toEqual(['phone:+44 20 7946 0958', 'phone*:+1 415 555 0132'])
    expect(kindsIn('Paris +33 1 23 45 67 89. (+49 30 1234567) tel +44(0)20 7946 0958')).toEqual([
      'phone:+33 1 23 45 67 89',
      'phone:+49 30 1234567',
      'phone:+44(0)20 7946 0958'
    ])
    // After a number or `=`, `+` is an operator; a bare run of digits needs a phone word.
    expect(kindsIn('5 +44 20 7946 0958, x=+33 1 23 45 67 89, id +4420794609580')).toEqual([])
    expect(kindsIn('call +4420794609')).toEqual(['phone:+4420794609'])
    // GSM8K and MBPP+: exchange codes 150 and 002 start with 0/1, and a dash chain is arithmetic.
    expect(kindsIn('$<<6000-600-150-1200-2000=2050>>')).toEqual([])
    expect(kindsIn('600-150-1200')).toEqual([])
    expect(kindsIn('"2020-02-2000001-01-012002024-02-299-002-2022-02-2909"')).toEqual([])
    expect(kindsIn('x = 650-636-4884 + 1')).toEqual([])
    // Inconsistent separators and glued country codes are not phone shapes.
    expect(kindsIn('650-636.4884 18005555555')).toEqual([])
    // An Israeli local number is out of scope (no country code), as in Presidio's US-only setting.
    expect(kindsIn('My Israeli number is 09-7625400')).toEqual([])
  })

  it('needs a phone word before weak shapes: spaces, bare digits, invalid area codes', () => {
    expect(kindsIn('totals 425 882 9090')).toEqual([])
    expect(kindsIn('my phone number is 425 882 9090')).toEqual(['phone:425 882 9090'])
    expect(kindsIn('id 4258829090')).toEqual([])
    expect(kindsIn('call 4258829090')).toEqual(['phone:4258829090'])
    expect(kindsIn('Ebony Moore (123) 456-7891')).toEqual([])
    expect(kindsIn('Phone: (123) 456-7891')).toEqual(['phone:(123) 456-7891'])
    // The usual fake number: exchange 123 is not valid NANP, so it needs the word too.
    expect(kindsIn('555-123-4567')).toEqual([])
    expect(kindsIn('call 555-123-4567')).toEqual(['phone:555-123-4567'])
  })

  it('marks fictional 555-01XX numbers as reserved', () => {
    expect(kindsIn('call (415) 555-0132 or (415) 555-0232')).toEqual(['phone*:(415) 555-0132', 'phone:(415) 555-0232'])
  })

  it('finds card numbers with consistent grouping and drops a trailing group that does not belong', () => {
    expect(kindsIn('card 4111 1111 1111 1111 exp')).toEqual(['credit-card:4111 1111 1111 1111'])
    expect(kindsIn('card 4111-1111-1111-1111 and 4222222222222')).toEqual(['credit-card:4111-1111-1111-1111', 'credit-card:4222222222222'])
    expect(kindsIn('4012 8888 8888 1881 123')).toEqual(['credit-card:4012 8888 8888 1881'])
    expect(kindsIn('4111 1111 1111 1112')).toEqual([])
    expect(kindsIn('4111-1111 1111-1111')).toEqual([])
    expect(kindsIn('9999999999999995')).toEqual([])
    expect(kindsIn('total 4111111111111111.5')).toEqual([])
  })

  it('finds IBANs compact or in groups of four, and only their own length', () => {
    expect(kindsIn('IBAN DE89 3704 0044 0532 0130 00 please')).toEqual(['iban:DE89 3704 0044 0532 0130 00'])
    expect(kindsIn('iban VG96 VPVG 0000 0123 4567 8901 X in a sentence')).toEqual(['iban:VG96 VPVG 0000 0123 4567 8901'])
    expect(kindsIn('GI75 aWBK 0000 0000 7099 453')).toEqual([])
    expect(kindsIn('IL15 0120 6900 0000 3111 0120 6900 0000 3111 141')).toEqual([])
  })

  it('finds SSNs with dashes, and bare or spaced ones only with an SSN word', () => {
    expect(kindsIn('ssn 536-22-1234')).toEqual(['ssn:536-22-1234'])
    expect(kindsIn('ref 536221234 or 536 22 1234')).toEqual([])
    expect(kindsIn('my SSN: 536221234')).toEqual(['ssn:536221234'])
    expect(kindsIn('social security number 536 22 1234')).toEqual(['ssn:536 22 1234'])
    expect(kindsIn('itin 911-70-1234, synthea 999-90-5728, 536-00-1234, 536-22-0000')).toEqual([])
    expect(kindsIn('sample 078-05-1120')).toEqual(['ssn*:078-05-1120'])
  })

  it('finds IPv4 addresses with valid octets, not versions, and marks non-public ranges', () => {
    expect(kindsIn('host 93.184.216.34 and 203.0.113.7 and 10.1.2.3 and 8.8.8.8')).toEqual([
      'ipv4:93.184.216.34',
      'ipv4*:203.0.113.7',
      'ipv4*:10.1.2.3',
      'ipv4*:8.8.8.8'
    ])
    expect(kindsIn('v1.2.3.4, version 1.2.3.4, 256.1.1.1, 01.2.3.4, 1.2.3.4.5, 1.2.3.4,5')).toEqual([])
  })

  it('finds IPv6 addresses, not slices, times or scope operators', () => {
    expect(kindsIn('server 2a00:1450:4009:81f::200e and 2001:db8::1 and fe80::1')).toEqual([
      'ipv6:2a00:1450:4009:81f::200e',
      'ipv6*:2001:db8::1',
      'ipv6*:fe80::1'
    ])
    expect(kindsIn('x[1::2] at 12:30:45, std::vector, ::1')).toEqual([])
  })

  it('honours the kinds it is given', () => {
    expect(findPii('a@b.com 650-636-4884', new Set<PiiKind>(['phone'])).map((match) => match.kind)).toEqual(['phone'])
  })
})

describe('mask', () => {
  it('never shows the whole value', () => {
    expect(mask('email', 'mary.schultz@gmail.com')).toBe('m****z@g****.com')
    expect(mask('email', 'a@info6.citi.com')).toBe('a****@i****.com')
    expect(mask('credit-card', '4111-1111-1111-1234')).toBe('**** **** **** 1234')
    expect(mask('phone', '(555) 253-0000')).toBe('(***) ***-**00')
    expect(mask('phone', '+44 20 7946 0958')).toBe('+** ** **** **58')
    expect(mask('iban', 'DE89 3704 0044 0532 0130 00')).toBe('DE** **** 3000')
    expect(mask('ssn', '536-22-1234')).toBe('***-**-1234')
    expect(mask('ipv4', '93.184.216.34')).toBe('93.***.***.***')
    expect(mask('ipv6', '2a00:1450:4009:81f::200e')).toBe('2a00:****')
    expect(mask('github-token', 'ghp_0123456789abcdefghijABCDEFGHIJ012345')).toBe('ghp_****')
    expect(mask('generic-secret', 'hunter2hunter2')).toBe('****')
  })
})

describe('pii check', () => {
  it('reports one finding per field and kind, with the count and a masked excerpt', () => {
    const { findings, summary } = check([
      { text: 'Mail mary.schultz@gmail.com or call 650-636-4884, again 650-636-4884.' },
      { text: 'nothing here' }
    ])
    expect(findings).toEqual([
      { line: 1, field: 'text', message: 'email address', excerpt: 'Mail m****z@g****.com or call ***-***-**84, again ***-***-**84…' },
      { line: 1, field: 'text', message: 'phone number (2 in this field)', excerpt: '…m****z@g****.com or call ***-***-**84, again ***-***-**84.' }
    ])
    expect(summary).toEqual({ records: 2, recordsWithPii: 1, matches: { email: 1, phone: 2 }, reserved: {}, allowed: 0 })
  })

  it('names the card kind and masks a credential next to it in the excerpt', () => {
    const { findings } = check([{ text: 'card 4111 1111 1111 1111 token=ghp_0123456789abcdefghijABCDEFGHIJ012345' }])
    expect(findings).toEqual([
      { line: 1, field: 'text', message: 'credit card number (Luhn-valid)', excerpt: 'card **** **** **** 1111 token=ghp_****' }
    ])
  })

  it('reports reserved values as info, or not at all with reportReserved: false', () => {
    const rows = [{ text: 'write to jane@example.com from 192.0.2.1' }]
    expect(check(rows).findings).toEqual([
      { line: 1, field: 'text', message: 'email address: reserved example domain (RFC 2606)', excerpt: 'write to j****e@e****.com from 192.***.***.***', severity: 'info' },
      { line: 1, field: 'text', message: 'IPv4 address: documentation range (RFC 5737)', excerpt: '…rite to j****e@e****.com from 192.***.***.***', severity: 'info' }
    ])
    const quiet = check(rows, { reportReserved: false })
    expect(quiet.findings).toEqual([])
    expect(quiet.summary.reserved).toEqual({ email: 1, ipv4: 1 })
    expect(quiet.summary.recordsWithPii).toBe(0)
  })

  it('skips allowed values: a domain, a regex, a CIDR block', () => {
    const rows = [{ text: 'a@corp.io b@mail.corp.io c@other.io 10.20.0.5 93.184.216.34 650-636-4884' }]
    const { findings, summary } = check(rows, { allow: ['corp.io', '/^650-/', '93.184.0.0/16'] })
    expect(findings.map((finding) => finding.message)).toEqual(['email address', 'IPv4 address: private range (RFC 1918)'])
    expect(summary.allowed).toBe(4)
  })

  it('switches kinds off by name or by list', () => {
    const rows = [{ text: 'a@b.com 650-636-4884' }]
    expect(check(rows, { kinds: { email: false } }).findings.map((finding) => finding.message)).toEqual(['phone number'])
    expect(check(rows, { kinds: ['email'] }).findings.map((finding) => finding.message)).toEqual(['email address'])
  })

  it('reads the configured fields instead of the text fields', () => {
    const { findings } = runCheck(piiCheck, recordsOf([{ text: 'a@b.com', meta: 'c@d.com' }]), { textFields: ['text'], config: { fields: ['meta'] } })
    expect(findings.map((finding) => finding.field)).toEqual(['meta'])
  })
})

interface PresidioCase {
  entity: 'IBAN_CODE' | 'CREDIT_CARD' | 'EMAIL_ADDRESS' | 'PHONE_NUMBER'
  text: string
  expected_count: number
  spans: Array<[number, number]>
}

const PRESIDIO_KINDS: Record<PresidioCase['entity'], PiiKind> = {
  IBAN_CODE: 'iban',
  CREDIT_CARD: 'credit-card',
  EMAIL_ADDRESS: 'email',
  PHONE_NUMBER: 'phone'
}

describe('real data', () => {
  itReal('matches every span of the 329 Presidio test vectors: precision and recall 1 for each entity', () => {
    const { cases } = readJson<{ cases: PresidioCase[] }>('presidio/pii_test_vectors.json')
    expect(cases).toHaveLength(329)
    const scores: Record<string, { truePositives: number; falsePositives: number; falseNegatives: number }> = {}
    for (const testCase of cases) {
      const found = findPii(testCase.text)
        .filter((match) => match.kind === PRESIDIO_KINDS[testCase.entity])
        .map((match) => `${match.start}-${match.end}`)
      const expected = testCase.spans.map(([start, end]) => `${start}-${end}`)
      const score = (scores[testCase.entity] ??= { truePositives: 0, falsePositives: 0, falseNegatives: 0 })
      score.truePositives += found.filter((span) => expected.includes(span)).length
      score.falsePositives += found.filter((span) => !expected.includes(span)).length
      score.falseNegatives += expected.filter((span) => !found.includes(span)).length
      expect(found.length).toBe(testCase.expected_count)
    }
    expect(scores).toEqual({
      CREDIT_CARD: { truePositives: 15, falsePositives: 0, falseNegatives: 0 },
      EMAIL_ADDRESS: { truePositives: 4, falsePositives: 0, falseNegatives: 0 },
      PHONE_NUMBER: { truePositives: 2, falsePositives: 0, falseNegatives: 0 },
      IBAN_CODE: { truePositives: 144, falsePositives: 0, falseNegatives: 0 }
    })
  })

  itReal("finds what Presidio's demo text and context sentences hold, except the formats it leaves out", () => {
    const demo = readText('presidio/demo.txt')
    expect(kindsIn(demo)).toEqual([
      'credit-card:4012-8888-8888-1881',
      'email:test@presidio.site',
      'iban:IL150120690000003111111',
      'ipv4*:192.168.0.1',
      'phone:(555) 253-0000',
      'ssn*:078-05-1120',
      'email:opencode@microsoft.com'
    ])
    // Not found by design: ITIN 911-70-1234 (area 9xx), the passport, bank account and driver
    // licence numbers (no reliable shape), the crypto wallet.
    const sentences = readText('presidio/context_sentences_tests.txt')
    expect(kindsIn(sentences)).toEqual([
      'ipv4*:192.168.0.1',
      'ssn*:078051120',
      'ssn*:078-05-1120',
      'ssn*:078051120',
      'phone:(425) 882-9090',
      'phone:(425) 882-9090',
      'phone:425 8829090',
      'phone:4258829090'
    ])
    // Left out: `078-051120 07805-1120` (mixed separators), the Israeli `052 5552606 074-7111234`.
  })

  itReal('finds no phone or card numbers, nor any other PII, in all of GSM8K (negative control)', () => {
    for (const file of ['grade-school-math/test.jsonl', 'grade-school-math/train.jsonl']) {
      const records = realRecords(file)
      const { findings, summary } = runCheck(piiCheck, records, { textFields: ['question', 'answer'] })
      expect(summary.records).toBe(file.endsWith('test.jsonl') ? 1319 : 7473)
      expect(summary.matches.phone ?? 0).toBe(0)
      expect(summary.matches['credit-card'] ?? 0).toBe(0)
      expect(findings).toEqual([])
    }
  })

  itReal('finds no phone numbers in the date-like digit strings of MBPP+', () => {
    const records = realRecords('mbpp/mbppplus.json')
    expect(records).toHaveLength(399)
    const textFields = ['prompt', 'canonical_solution', 'base_input', 'plus_input', 'assertion']
    const { summary } = runCheck(piiCheck, records, { textFields })
    expect(summary.matches.phone ?? 0).toBe(0)
  })

  itReal("finds self-instruct davinci's 32 copies of 800-555-5555, its other phone and its emails", () => {
    const records = realRecords('self-instruct/davinci_predictions.jsonl')
    const { findings, summary } = runCheck(piiCheck, records, { textFields: stringFields(records) })
    // 32 × 1-800-555-5555 in one response, plus 650-636-4884 in the prompt, the input and 7 times
    // in the response of another record: the 41 that SOURCES.md counts. The three emails of
    // record 192 are in its prompt, input and target.
    expect(summary.matches).toEqual({ phone: 41, email: 9 })
    expect(findings).toEqual([
      {
        line: 167,
        field: 'response',
        message: 'phone number (32 in this field)',
        excerpt: '…ustomer service department at *-***-***-**55. Input: I have a question ab…'
      },
      { line: 192, field: 'prompt', message: 'email address (3 in this field)', excerpt: '…er was Professor Crew Purdie (c****e@e****.com), who spoke about the importa…' },
      { line: 192, field: 'input', message: 'email address (3 in this field)', excerpt: '…er was Professor Crew Purdie (c****e@e****.com), who spoke about the importa…' },
      { line: 192, field: 'target', message: 'email address (3 in this field)', excerpt: '…il | Occupation Crew Purdie | c****e@e****.com | Professor Oliver Malachi |…' },
      { line: 236, field: 'prompt', message: 'phone number', excerpt: '…ecialties. Input: Call us at ***-***-**84 or visit our website to recei…' },
      { line: 236, field: 'input', message: 'phone number', excerpt: 'Call us at ***-***-**84 or visit our website to recei…' },
      { line: 236, field: 'response', message: 'phone number (7 in this field)', excerpt: '…ecialties. Input: Call us at ***-***-**84 or visit our website to recei…' }
    ])
    for (const finding of findings) {
      expect(`${finding.message} ${finding.excerpt ?? ''}`).not.toMatch(/cpurdie@|800-555-5555|650-636-4884/)
    }
  })

  itReal("finds the seed tasks' emails, and their placeholder phone only where it is labelled", () => {
    const records = realRecords('stanford_alpaca/seed_tasks.jsonl')
    const { findings, summary } = runCheck(piiCheck, records, { textFields: ['instruction', 'instances.0.input', 'instances.0.output'] })
    // `(123) 456-7891` has area code 123, which NANP never assigns: only the `Phone:` label before
    // it in the input makes it a phone number; in the output it stands alone and is not reported.
    expect(summary.matches).toEqual({ phone: 1, email: 3 })
    expect(findings.map((finding) => [finding.line, finding.field, finding.message])).toEqual([
      [75, 'instances.0.input', 'phone number'],
      [75, 'instances.0.input', 'email address'],
      [75, 'instances.0.output', 'email address'],
      [167, 'instances.0.input', 'email address']
    ])
  })

  itReal("finds the Synthea patient's phone but not its SSN 999-90-5728, which the SSA never issues", () => {
    const patient = readText('presidio/synthetic.json')
    expect(kindsIn(patient).filter((kind) => kind.startsWith('phone') || kind.startsWith('ssn'))).toEqual(['phone:555-780-8673'])
  })
})

/** Every detector whose shape test passes, without the cheap facts that skip most texts. */
function plainFindPii(text: string): PiiMatch[] {
  const found: PiiMatch[] = []
  for (const { hint, detect } of PII_DETECTORS) if (hint.test(text)) detect(text, found)
  return dropOverlaps(found, PII_DETECTORS.map(({ kind }) => kind))
}

const PII_PHRASES = [
  'john.doe+news@gmail.com',
  'a@b.test',
  '650-636-4884',
  '(425) 882-9090',
  '+44 20 7946 0958',
  'call 4258829090',
  '4111 1111 1111 1111',
  '4222222222222',
  'DE89 3704 0044 0532 0130 00',
  'DE89370400440532013000',
  'ssn 536-22-1234',
  'my SSN: 536221234',
  '93.184.216.34',
  '2a00:1450:4009:81f::200e',
  'fe80::1',
  // One digit each, so that a digit the prefilter forgot shows.
  ...'0123456789'.split('').map((digit) => `${digit}.${digit}.${digit}.${digit}`)
]

describe('prefilter', () => {
  it('never lets a hint skip a text its detector finds something in: numbers written one digit at a time too', () => {
    const texts = [
      ...adversarialTexts(PII_PHRASES).slice(0, 2000),
      'call me on +4 4 2 0 7 9 4 6 0 9 5 8 tonight',
      'tel +3-3-1-4-2-6-8-5-7-9',
      'fax: +4.9.3.0.1.2.3.4.5.6.7'
    ]
    const skipped: string[] = []
    for (const text of texts) {
      for (const { kind, hint, detect } of PII_DETECTORS) {
        const found: PiiMatch[] = []
        detect(text, found)
        if (found.length > 0 && !hint.test(text)) skipped.push(`${kind}: ${text}`)
      }
    }
    expect(skipped).toEqual([])
    expect(kindsIn('call me on +4 4 2 0 7 9 4 6 0 9 5 8 tonight')).toEqual(['phone:+4 4 2 0 7 9 4 6 0 9 5 8'])
  })

  it('finds exactly what the plain detectors find on generated text: every case, Unicode around, values at the very start and end', () => {
    const texts = adversarialTexts(PII_PHRASES)
    expect(texts.length).toBeGreaterThan(10_000)
    expect(disagreements(texts, findPii, plainFindPii)).toEqual([])
    // The generated text does hold values, so the agreement is not over empty results alone.
    expect(texts.filter((text) => findPii(text).length > 0).length).toBeGreaterThan(1000)
  })

  itReal('finds exactly what the plain detectors find on the real vectors', () => {
    const texts = realTexts()
    expect(disagreements(texts, findPii, plainFindPii)).toEqual([])
    expect(texts.filter((text) => findPii(text).length > 0).length).toBeGreaterThan(150)
  })
})

describe('cost', () => {
  it('stays linear on adversarial text (no catastrophic backtracking)', () => {
    const inputs = ['1'.repeat(100_000), '1234 '.repeat(20_000), '123-'.repeat(25_000), 'a.'.repeat(50_000) + '@', 'a'.repeat(50_000) + '@' + 'b.'.repeat(20_000), 'abcd:'.repeat(20_000), '1.'.repeat(50_000), 'DE89 '.repeat(20_000), '(123) '.repeat(20_000)]
    const started = Date.now()
    for (const input of inputs) findPii(input)
    // Measured at about 60 ms in all; a backtracking regex would take minutes.
    expect(Date.now() - started).toBeLessThan(3000)
  })
})
