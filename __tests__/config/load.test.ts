import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {
  ConfigError,
  defaultConfig,
  formatProblem,
  loadConfigFile,
  parseConfig,
  unknownCheckIds
} from '../../src/config/load.js'
import { DEFAULT_EXCLUDE, DEFAULT_INCLUDE } from '../../src/config/schema.js'
import type { AuditConfig, ConfigProblem } from '../../src/config/types.js'

const ALL_ONE = {
  accuracy: 1,
  completeness: 1,
  consistency: 1,
  diversity: 1,
  freshness: 1,
  uniqueness: 1,
  privacy: 1,
  provenance: 1
}

/** The ConfigError `parseConfig` throws for `text`; fails the test when it does not throw. */
function configError(text: string, source?: string): ConfigError {
  try {
    parseConfig(text, source)
  } catch (error) {
    if (error instanceof ConfigError) return error
    throw error
  }
  throw new Error('expected a ConfigError')
}

describe('defaultConfig', () => {
  it('audits every dataset format, gates on regressions and weighs every dimension 1', () => {
    expect(defaultConfig()).toEqual({
      include: [
        '**/*.{jsonl,ndjson,json,csv,tsv,parquet}',
        '**/*.{jsonl,ndjson,json,csv,tsv,parquet}.gz'
      ],
      exclude: [...DEFAULT_EXCLUDE],
      rules: [],
      checks: {},
      failOn: 'regression',
      weights: ALL_ONE,
      tolerance: 1
    })
    expect(DEFAULT_EXCLUDE).toEqual(expect.arrayContaining(['**/package.json', '**/tsconfig*.json', '**/node_modules/**', '.github/**', '**/*.schema.json']))
  })

  it('returns a fresh object each time, so a caller mutating it cannot change the next one', () => {
    const first = defaultConfig()
    first.include.push('extra/**')
    first.weights.privacy = 5
    expect(defaultConfig().include).toEqual([...DEFAULT_INCLUDE])
    expect(defaultConfig().weights.privacy).toBe(1)
  })

  it('is what an empty file or a file of comments gives', () => {
    expect(parseConfig('')).toEqual(defaultConfig())
    expect(parseConfig('# nothing configured yet\n\n# fail-on: never\n')).toEqual(defaultConfig())
  })
})

describe('parseConfig on a valid file', () => {
  const FULL = `
id: sft            # optional: suffix of the sticky comment marker
include: ['data/**']
exclude: ['**/package.json', 'node_modules/**']
fail-on: regression
min-score: 80
tolerance: 2
weights: { privacy: 2, accuracy: 1.5 }
checks:
  pii: { severity: error }
  length: { enabled: false }
rules:
  - paths: ['data/sft/**/*.jsonl']
    key: id
    text-fields: [instruction, output]
    label-field: category
    purpose: lora
    schema: schemas/sft.schema.json
    checks:
      format: { fields: [answer], pattern: '#### -?[0-9.,]+$' }
  - paths: ['data/eval/*.csv']
    split: test
    delimiter: ';'
`

  it('turns the kebab-case file into the camelCase config, lists of one into lists', () => {
    const expected: AuditConfig = {
      id: 'sft',
      include: ['data/**'],
      exclude: ['**/package.json', 'node_modules/**'],
      failOn: 'regression',
      minScore: 80,
      tolerance: 2,
      weights: { ...ALL_ONE, privacy: 2, accuracy: 1.5 },
      checks: { pii: { severity: 'error' }, length: { enabled: false } },
      rules: [
        {
          paths: ['data/sft/**/*.jsonl'],
          key: ['id'],
          textFields: ['instruction', 'output'],
          labelField: 'category',
          purpose: 'lora',
          schema: 'schemas/sft.schema.json',
          checks: { format: { fields: ['answer'], pattern: '#### -?[0-9.,]+$' } }
        },
        { paths: ['data/eval/*.csv'], split: 'test', delimiter: ';' }
      ]
    }
    expect(parseConfig(FULL)).toEqual(expected)
  })

  it('accepts a single string wherever a list is meant', () => {
    const config = parseConfig(`
include: 'datasets/**'
exclude: 'datasets/tmp/**'
rules:
  - paths: 'datasets/*.jsonl'
    key: [conversation_id, turn]
    text-fields: prompt
checks:
  pii: { fields: email }
`)
    expect(config.include).toEqual(['datasets/**'])
    expect(config.exclude).toEqual(['datasets/tmp/**'])
    expect(config.rules).toEqual([{ paths: ['datasets/*.jsonl'], key: ['conversation_id', 'turn'], textFields: ['prompt'] }])
    expect(config.checks).toEqual({ pii: { fields: ['email'] } })
  })

  it('keeps check ids as written and camelCases their setting names', () => {
    const config = parseConfig(`
checks:
  near-duplicates: { min-similarity: 0.85, enabled: true, maxPairs: 20 }
`)
    expect(config.checks).toEqual({ 'near-duplicates': { minSimilarity: 0.85, enabled: true, maxPairs: 20 } })
  })

  it("reads a delimiter of 'tab' or a single-quoted '\\t' as a tab, and a double-quoted \"\\t\" too", () => {
    const config = parseConfig(`
rules:
  - { paths: a.txt, delimiter: tab }
  - { paths: b.txt, delimiter: '\\t' }
  - { paths: c.txt, delimiter: "\\t" }
  - { paths: d.txt, delimiter: '|' }
`)
    expect(config.rules.map((rule) => rule.delimiter)).toEqual(['\t', '\t', '\t', '|'])
  })

  it('lets `exclude: []` drop every default exclusion', () => {
    expect(parseConfig('exclude: []').exclude).toEqual([])
  })

  it('accepts `key: []` so a later rule can mark a file as unkeyed', () => {
    expect(parseConfig('rules: [{ paths: x.jsonl, key: [] }]').rules[0].key).toEqual([])
  })
})

describe('parseConfig reports every problem with its path', () => {
  // One file with one of each kind of mistake; every one of them must come back, in file order.
  const BROKEN = `id: "bad id"
fial-on: regression
failOn: error
split: test
min-score: "80%"
tolerance: -1
weights: { privicy: 2, accuracy: "high" }
include: []
checks:
  pii: { severity: fatal, enabled: "no", fields: 3 }
  length: []
rules:
  - path: ['data/**']
    split: training
  - paths: 5
    purpose: sft
    format: xml
    key: [1, id]
    fail-on: never
  - key: id
  -
`

  const EXPECTED: ConfigProblem[] = [
    { path: '/id', line: 1, column: 5, message: 'must start with a letter or digit and hold only letters, digits, `.`, `_` and `-`, got "bad id"' },
    { path: '/fial-on', line: 2, column: 1, message: 'unknown option `fial-on`; did you mean `fail-on`?' },
    { path: '/failOn', line: 3, column: 1, message: 'unknown option `failOn`; did you mean `fail-on`?' },
    { path: '/split', line: 4, column: 1, message: 'unknown option `split`; `split` is set per path: put it in a rule under `rules:`' },
    { path: '/min-score', line: 5, column: 12, message: 'must be a number, got "80%"' },
    { path: '/tolerance', line: 6, column: 12, message: 'must be at least 0, got -1' },
    { path: '/weights/privicy', line: 7, column: 12, message: 'unknown dimension `privicy`; did you mean `privacy`?' },
    { path: '/weights/accuracy', line: 7, column: 34, message: 'must be a number, got "high"' },
    { path: '/include', line: 8, column: 10, message: 'must not be an empty list' },
    { path: '/checks/pii/severity', line: 10, column: 20, message: 'must be one of error, warning, info, got "fatal"' },
    { path: '/checks/pii/enabled', line: 10, column: 36, message: 'must be true or false, got "no"' },
    { path: '/checks/pii/fields', line: 10, column: 50, message: 'must be a string or a list of strings, got 3' },
    { path: '/checks/length', line: 11, column: 11, message: 'must be a mapping, got a list' },
    // The misspelt `path` says what to do; the `paths is missing` it causes is not repeated.
    { path: '/rules/0/path', line: 13, column: 5, message: 'unknown option `path`; did you mean `paths`?' },
    { path: '/rules/0/split', line: 14, column: 12, message: 'must be one of train, validation, test, got "training"' },
    { path: '/rules/1/paths', line: 15, column: 12, message: 'must be a string or a list of strings, got 5' },
    { path: '/rules/1/purpose', line: 16, column: 14, message: 'must be one of lora, finetune, rag, eval, few-shot, pretrain, got "sft"' },
    { path: '/rules/1/format', line: 17, column: 13, message: 'must be one of jsonl, json, csv, tsv, parquet, got "xml"' },
    { path: '/rules/1/key/0', line: 18, column: 11, message: 'must be a string, got 1' },
    { path: '/rules/1/fail-on', line: 19, column: 5, message: 'unknown option `fail-on`; `fail-on` applies to the whole config: move it out of `rules:`' },
    { path: '/rules/2/paths', line: 20, column: 5, message: 'is missing: every rule needs the globs of the files it applies to' },
    { path: '/rules/3', line: 21, column: 4, message: 'must be a mapping, got an empty value' }
  ]

  it('returns all 22 problems, each with its path, line and column', () => {
    expect(configError(BROKEN).problems).toEqual(EXPECTED)
  })

  it('lists every problem in the message, one per line, as file:line:column: path: message', () => {
    const error = configError(BROKEN, 'ci/audit.yml')
    const lines = error.message.split('\n')
    expect(lines[0]).toBe('Invalid dataset-audit config (22 problems):')
    expect(lines).toHaveLength(23)
    expect(lines).toContain('  ci/audit.yml:14:12: rules/0/split: must be one of train, validation, test, got "training"')
    expect(lines).toContain('  ci/audit.yml:2:1: fial-on: unknown option `fial-on`; did you mean `fail-on`?')
    expect(error.source).toBe('ci/audit.yml')
    expect(error.name).toBe('ConfigError')
    expect(error).toBeInstanceOf(Error)
  })

  it('rejects a file that is not a mapping of options', () => {
    expect(configError('- data/**\n- eval/**\n').problems).toEqual([
      { path: '', line: 1, column: 1, message: 'the config must be a mapping of options, got a list' }
    ])
  })

  it('rejects weights that are all 0, which would leave no overall score', () => {
    const zeros = 'weights: { accuracy: 0, completeness: 0, consistency: 0, diversity: 0, freshness: 0, uniqueness: 0, privacy: 0, provenance: 0 }'
    expect(configError(zeros).problems).toEqual([
      { path: '/weights', line: 1, column: 10, message: 'at least one dimension must weigh more than 0' }
    ])
    expect(parseConfig(zeros.replace('privacy: 0', 'privacy: 1')).weights.privacy).toBe(1)
  })

  it('reports a missing `paths` in a rule that does not misspell it', () => {
    expect(configError('rules:\n  - split: test\n').problems).toEqual([
      { path: '/rules/0/paths', line: 2, column: 5, message: 'is missing: every rule needs the globs of the files it applies to' }
    ])
  })

  it('reports enum errors on fail-on with the allowed values', () => {
    expect(configError('fail-on: always\n').problems).toEqual([
      { path: '/fail-on', line: 1, column: 10, message: 'must be one of error, regression, warning, never, got "always"' }
    ])
  })

  it('reports an empty option at its key', () => {
    expect(configError('tolerance:\n').problems).toEqual([
      { path: '/tolerance', line: 1, column: 1, message: 'must be a number, got an empty value' }
    ])
  })
})

describe('parseConfig on YAML syntax errors', () => {
  it('reports an unclosed flow list with the line and column where YAML gives up', () => {
    const error = configError("rules:\n  - paths: ['a'\n    split: test\n")
    expect(error.problems).toEqual([
      {
        path: '',
        line: 3,
        column: 5,
        message: 'YAML syntax error: Flow sequence in block collection must be sufficiently indented and end with a ]'
      }
    ])
    expect(error.message).toBe(
      'Invalid dataset-audit config (1 problem):\n' +
        '  .github/dataset-audit.yml:3:5: YAML syntax error: Flow sequence in block collection must be sufficiently indented and end with a ]'
    )
  })

  it('reports a duplicated option at its second occurrence', () => {
    expect(configError('fail-on: error\ntolerance: 2\nfail-on: never\n').problems).toEqual([
      { path: '', line: 3, column: 1, message: 'YAML syntax error: Map keys must be unique' }
    ])
  })

  it('reports every syntax error, not only the first, and no schema errors on a broken file', () => {
    // The unclosed quote runs to the end of the file, which is where YAML reports it.
    expect(configError('a: 1\na: 2\nb: "open\nfail-on: sometimes\n').problems).toEqual([
      { path: '', line: 2, column: 1, message: 'YAML syntax error: Map keys must be unique' },
      { path: '', line: 5, column: 1, message: 'YAML syntax error: Missing closing "quote' }
    ])
  })
})

describe('formatProblem', () => {
  it('prints file:line:column, the option without its leading slash, then the message', () => {
    expect(formatProblem({ path: '/rules/0/split', message: 'm', line: 4, column: 12 }, 'a.yml')).toBe('a.yml:4:12: rules/0/split: m')
    expect(formatProblem({ path: '', message: 'config file not found' }, 'a.yml')).toBe('a.yml: config file not found')
  })
})

describe('unknownCheckIds', () => {
  it('names each unknown check with its path and line, suggesting the closest known id', () => {
    const config = parseConfig(`checks:
  pii: { severity: error }
  piii: { enabled: false }
rules:
  - paths: data/**
    checks:
      near-duplicate: { threshold: 0.9 }
      sparkle: {}
`)
    expect(unknownCheckIds(config, ['pii', 'near-duplicates', 'length'])).toEqual([
      { path: '/checks/piii', line: 3, column: 3, message: 'unknown check `piii`; did you mean `pii`?' },
      { path: '/rules/0/checks/near-duplicate', line: 7, column: 7, message: 'unknown check `near-duplicate`; did you mean `near-duplicates`?' },
      { path: '/rules/0/checks/sparkle', line: 8, column: 7, message: 'unknown check `sparkle`; the checks are length, near-duplicates, pii' }
    ])
  })

  it('returns nothing when every id is known, and works without lines on a config built in code', () => {
    expect(unknownCheckIds(parseConfig('checks: { pii: {} }'), ['pii'])).toEqual([])
    const built = { ...defaultConfig(), checks: { lenght: {} } }
    expect(unknownCheckIds(built, ['length'])).toEqual([{ path: '/checks/lenght', message: 'unknown check `lenght`; did you mean `length`?' }])
  })
})

describe('loadConfigFile', () => {
  let root: string
  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'dataset-audit-config-'))
  })
  afterEach(() => {
    fs.rmSync(root, { recursive: true, force: true })
  })

  const write = (file: string, text: string) => {
    fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true })
    fs.writeFileSync(path.join(root, file), text)
  }

  it('uses the defaults when no file is given and .github/dataset-audit.yml is absent', async () => {
    await expect(loadConfigFile(undefined, root)).resolves.toEqual(defaultConfig())
  })

  it('reads .github/dataset-audit.yml, else .github/dataset-audit.yaml, when no file is given', async () => {
    write('.github/dataset-audit.yaml', 'fail-on: never\n')
    expect((await loadConfigFile(undefined, root)).failOn).toBe('never')
    write('.github/dataset-audit.yml', 'fail-on: warning\n')
    expect((await loadConfigFile(undefined, root)).failOn).toBe('warning')
  })

  it('fails on a file given explicitly that does not exist', async () => {
    const loading = loadConfigFile('ci/missing.yml', root)
    await expect(loading).rejects.toBeInstanceOf(ConfigError)
    await expect(loading).rejects.toMatchObject({
      source: 'ci/missing.yml',
      problems: [{ path: '', message: 'config file not found' }]
    })
  })

  it('names the file it read in its problems', async () => {
    write('ci/audit.yml', 'rules:\n  - paths: data/**\n    split: dev\n')
    await expect(loadConfigFile('ci/audit.yml', root)).rejects.toThrow(
      'ci/audit.yml:3:12: rules/0/split: must be one of train, validation, test, got "dev"'
    )
  })

  it('reports a directory given as the config file as unreadable', async () => {
    fs.mkdirSync(path.join(root, 'ci'))
    await expect(loadConfigFile('ci', root)).rejects.toThrow(/^Invalid dataset-audit config \(1 problem\):\n {2}ci: cannot read the config file: EISDIR/)
  })
})
