import { ALL_SECRET_DETECTORS, detectSecrets, findSecrets, isJwt, shannonEntropy } from '../../../src/engine/checks/detectors/secrets.js'
import { mask, secretsCheck } from '../../../src/engine/checks/secrets.js'
import type { RecordFields } from '../../../src/engine/types.js'
import { recordsOf, runCheck } from '../../helpers/runCheck.js'
import { itReal, realRecords, stringFields } from '../../helpers/realdata.js'
import { adversarialTexts, disagreements, realTexts } from './prefilter-corpus.js'

// Fake credentials are assembled at run time, so the source file holds no string that a secret
// scanner (or GitHub push protection) would take for a real key.
const fake = (...parts: string[]): string => parts.join('')
const ALNUM = 'a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8s9T0u1V2w3X4y5Z6a7B8c9D0e1F2g3H4i5J6k7L8m9N0'
const AWS_KEY_ID = fake('AK', 'IA', 'Z7Q4R2M8X1C3V5B9')
const AWS_SECRET = fake('Zk3q/Rm8', 'Xw2Lp9Vn4Tb7Hc1Jd6Ys', '5Gf0Ke+Ua3Qi')
const GITHUB = fake('gh', 'p_', ALNUM.slice(0, 36))
const GITHUB_PAT = fake('github', '_pat_', ALNUM.slice(0, 22), '_', ALNUM.slice(0, 59))
const OPENAI = fake('sk', '-proj-', ALNUM.slice(0, 48))
const ANTHROPIC = fake('sk', '-ant-', 'api03-', ALNUM.slice(0, 80), '-AA')
const SLACK = fake('xo', 'xb-', '123456789012-1234567890123-', ALNUM.slice(0, 24))
const SLACK_HOOK = fake('https://hooks.', 'slack.com/services/', 'T0A1B2C3D/', 'B0E1F2G3H/', ALNUM.slice(0, 24))
const GOOGLE = fake('AI', 'za', ALNUM.slice(0, 35))
const STRIPE = fake('sk', '_live_', ALNUM.slice(0, 24))
const base64url = (value: object): string => Buffer.from(JSON.stringify(value)).toString('base64url')
const JWT = `${base64url({ alg: 'HS256', typ: 'JWT' })}.${base64url({ sub: '1234567890', name: 'Jane' })}.${ALNUM.slice(0, 43)}`
const PRIVATE_KEY = fake('-----BEGIN RSA ', 'PRIVATE KEY-----\n', 'MIIEowIBAAKCAQEA', ALNUM.slice(0, 60), '\n-----END RSA ', 'PRIVATE KEY-----')

const kindsIn = (text: string): string[] => findSecrets(text).map((match) => `${match.kind}${match.reserved !== undefined ? '*' : ''}`)
const check = (rows: RecordFields[], config = {}) => runCheck(secretsCheck, recordsOf(rows), { textFields: ['text'], config })

describe('findSecrets', () => {
  it('finds keys by their documented prefixes', () => {
    expect(kindsIn(`id ${AWS_KEY_ID} then ${GITHUB} and ${GITHUB_PAT}`)).toEqual(['aws-access-key-id', 'github-token', 'github-token'])
    expect(kindsIn(`${OPENAI} ${ANTHROPIC} ${SLACK} ${SLACK_HOOK}`)).toEqual(['openai-key', 'anthropic-key', 'slack-token', 'slack-webhook'])
    expect(kindsIn(`key=${GOOGLE}; stripe ${STRIPE}`)).toEqual(['google-api-key', 'stripe-key'])
  })

  it('does not take words or low-entropy runs for keys', () => {
    expect(kindsIn('import sk-learn; sk-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa; ghp_short; AKIA1234')).toEqual([])
    expect(kindsIn(fake('sk', '_test_', ALNUM.slice(0, 24)))).toEqual([])
  })

  it('finds an AWS secret key only next to a name that says so', () => {
    expect(kindsIn(`aws_secret_access_key = ${AWS_SECRET}`)).toEqual(['aws-secret-key'])
    expect(kindsIn(`checksum ${AWS_SECRET}`)).toEqual([])
    // A name with `aws` and no other credential word (`key`, `secret`...) counts too.
    expect(kindsIn(`AWS_SAK=${AWS_SECRET}`)).toEqual(['aws-secret-key'])
  })

  it("reports AWS's documentation example keys as examples", () => {
    expect(kindsIn('AKIAIOSFODNN7EXAMPLE and aws_secret_access_key=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY')).toEqual([
      'aws-access-key-id*',
      'aws-secret-key*'
    ])
  })

  it('finds private key blocks with key material, not a header quoted in prose', () => {
    expect(kindsIn(`key:\n${PRIVATE_KEY}`)).toEqual(['private-key'])
    expect(kindsIn(PRIVATE_KEY.replace(/\n/g, '\\n'))).toEqual(['private-key'])
    expect(kindsIn(fake('the file starts with -----BEGIN OPENSSH ', 'PRIVATE KEY----- and ends with a footer'))).toEqual([])
  })

  it('finds JWTs whose header decodes to JSON with alg', () => {
    expect(isJwt(JWT)).toBe(true)
    expect(kindsIn(`Authorization: Bearer ${JWT}`)).toEqual(['jwt'])
    const noAlg = `${base64url({ typ: 'JWT' })}.${base64url({ sub: '1' })}.${ALNUM.slice(0, 20)}`
    expect(isJwt(noAlg)).toBe(false)
    expect(kindsIn(noAlg)).toEqual([])
  })

  it('finds hard-coded passwords and API keys with random-looking values only', () => {
    expect(kindsIn('password = "Tr0ub4dor&3x"')).toEqual(['generic-secret'])
    expect(kindsIn('"api_key": "9f8e7d6c5b4a39281706f5e4"')).toEqual(['generic-secret'])
    for (const harmless of [
      'password=changeme',
      'password: hunter2',
      'password = input("Password: ")',
      'password = self.password1',
      'api_key: ${API_KEY_2}',
      'token = os.environ["TOKEN"]',
      'api_key="aaaaaaaa1"',
      'password = "correcthorsebatterystaple"'
    ]) {
      expect(kindsIn(harmless)).toEqual([])
    }
  })

  it('reports a prefixed key inside an assignment once, under its own kind', () => {
    expect(kindsIn(`GITHUB_TOKEN=${GITHUB}`)).toEqual(['github-token'])
  })

  it('measures entropy in bits per character', () => {
    expect(shannonEntropy('aaaa')).toBe(0)
    expect(shannonEntropy('abcd')).toBe(2)
  })
})

describe('prefilter', () => {
  // Every detector on every text: what the candidate tests must never change.
  const plainFindSecrets = (text: string) => detectSecrets(text, ALL_SECRET_DETECTORS)
  const PHRASES = [
    AWS_KEY_ID,
    'AKIAIOSFODNN7EXAMPLE',
    fake('AS', 'IA', 'Z7Q4R2M8X1C3V5B9'),
    `aws_secret_access_key = ${AWS_SECRET}`,
    `AWS_SAK: "${AWS_SECRET}"`,
    // Each literal of each prefix, so that a literal the prefilter forgot shows.
    ...'pousr'.split('').map((letter) => fake('gh', letter, '_', ALNUM.slice(3, 39))),
    GITHUB_PAT,
    OPENAI,
    fake('sk', '-', ALNUM.slice(5, 45)),
    ANTHROPIC,
    ...'baprs'.split('').map((letter) => fake('xo', 'x', letter, '-', '9876543210-', ALNUM.slice(2, 20))),
    SLACK_HOOK,
    GOOGLE,
    STRIPE,
    fake('rk', '_live_', ALNUM.slice(9, 40)),
    JWT,
    PRIVATE_KEY,
    PRIVATE_KEY.replace(/\n/g, '\\n'),
    'password = "Tr0ub4dor&3x"',
    '"api_key": "9f8e7d6c5b4a39281706f5e4"',
    'PASSWD=Zq8xLm2Vb7Kc',
    'client-secret => a8F3kL9zQ2wX',
    'Token:x9Kd72LmQa4Z'
  ]

  it('finds exactly what every detector finds on generated text: every case, Unicode around, keys at the very start and end', () => {
    const texts = adversarialTexts(PHRASES)
    expect(disagreements(texts, (text) => findSecrets(text), plainFindSecrets)).toEqual([])
    expect(texts.filter((text) => findSecrets(text).length > 0).length).toBeGreaterThan(2000)
  })

  itReal('finds exactly what every detector finds on the real vectors', () => {
    expect(disagreements(realTexts(), (text) => findSecrets(text), plainFindSecrets)).toEqual([])
  })
})

describe('secrets check', () => {
  it('reports each credential as an error-level finding with a masked excerpt', () => {
    const { findings, summary } = check([{ text: `export GITHUB_TOKEN=${GITHUB} # ci` }, { text: 'clean' }])
    expect(findings).toEqual([{ line: 1, field: 'text', message: 'GitHub token', excerpt: 'export GITHUB_TOKEN=ghp_**** # ci' }])
    expect(summary).toEqual({ records: 2, recordsWithSecrets: 1, matches: { 'github-token': 1 }, examples: {}, allowed: 0 })
    expect(secretsCheck.defaultSeverity).toBe('error')
  })

  it('never prints a value: generic passwords show nothing, private keys their header', () => {
    const { findings } = check([{ text: `db password = "Tr0ub4dor&3x" and\n${PRIVATE_KEY}` }])
    expect(findings).toEqual([
      { line: 1, field: 'text', message: 'hard-coded password or API key', excerpt: 'db password = "****" and -----BEGIN RSA PRIVATE KEY----- ****' },
      { line: 1, field: 'text', message: 'private key block', excerpt: '…password = "****" and -----BEGIN RSA PRIVATE KEY----- ****' }
    ])
  })

  it('reports documentation examples as info', () => {
    expect(check([{ text: 'aws configure: AKIAIOSFODNN7EXAMPLE' }]).findings).toEqual([
      { line: 1, field: 'text', message: 'AWS access key id: AWS documentation example', excerpt: 'aws configure: AKIA****', severity: 'info' }
    ])
  })

  it('honours kinds, allow and minEntropy', () => {
    const rows = [{ text: `${GITHUB} ${STRIPE} password="Passw0rd123"` }]
    expect(check(rows).findings.map((finding) => finding.message)).toEqual(['GitHub token', 'Stripe live key', 'hard-coded password or API key'])
    expect(check(rows, { kinds: { 'stripe-key': false } }).findings.map((finding) => finding.message)).toEqual(['GitHub token', 'hard-coded password or API key'])
    expect(check(rows, { allow: ['/^ghp_/'] }).findings.map((finding) => finding.message)).toEqual(['Stripe live key', 'hard-coded password or API key'])
    // `Passw0rd123` has 3.28 bits per character.
    expect(check(rows, { minEntropy: 3.5 }).findings.map((finding) => finding.message)).toEqual(['GitHub token', 'Stripe live key'])
  })

  it('masks with the 4-character type prefix', () => {
    expect(mask('github-token', GITHUB)).toBe('ghp_****')
    expect(mask('aws-access-key-id', AWS_KEY_ID)).toBe('AKIA****')
    expect(mask('aws-secret-key', AWS_SECRET)).toBe('****')
    expect(mask('slack-webhook', SLACK_HOOK)).toBe('https://hooks.slack.com/services/****')
  })
})

describe('real data', () => {
  itReal('finds no credentials in datasets that have none (negative control)', () => {
    for (const file of [
      'grade-school-math/train.jsonl',
      'human-eval/HumanEval.jsonl',
      'mbpp/sanitized-mbpp.json',
      'self-instruct/davinci_predictions.jsonl',
      'AlpacaDataCleaned/toolformer-dedupe-only-dataset.json',
      'AlpacaDataCleaned/roleplay-simple-deduped-roleplay-dataset.json'
    ]) {
      const records = realRecords(file)
      const { findings } = runCheck(secretsCheck, records, { textFields: stringFields(records) })
      expect({ file, findings }).toEqual({ file, findings: [] })
    }
  })
})
