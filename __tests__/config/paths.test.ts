import fs from 'node:fs'
import path from 'node:path'
import { defaultConfig, parseConfig } from '../../src/config/load.js'
import { inferSplit, isDatasetPath, settingsFor } from '../../src/config/paths.js'

const REALDATA = path.resolve(process.cwd(), '../shared/realdata')
const itReal = fs.existsSync(REALDATA) ? it : it.skip

describe('inferSplit', () => {
  it.each([
    ['data/train-00000-of-00001.parquet', 'train'],
    ['gsm8k/test.jsonl', 'test'],
    ['eval/questions.csv', 'test'],
    ['splits/dev.tsv', 'validation'],
    ['my_validation_set.jsonl', 'validation'],
    ['data/training/part-1.jsonl.gz', 'train'],
    ['data/valid.csv', 'validation'],
    ['coco/val2017.json', 'validation'],
    ['benchmarks/evaluation/answers.json', 'test'],
    ['data/sft.test.jsonl', 'test'],
    ['Data/TRAIN.JSONL', 'train'],
    ['.\\splits\\dev.tsv', 'validation']
  ])('%s is %s', (file, split) => {
    expect(inferSplit(file)).toBe(split)
  })

  it.each([
    'contest.jsonl',
    'attestation.csv',
    'evaluate_model.json',
    'interval.csv',
    'data/trainer_logs.jsonl',
    'tests/fixtures/records.json',
    'devices.csv',
    'data/sft.jsonl'
  ])('%s names no split', (file) => {
    expect(inferSplit(file)).toBeUndefined()
  })

  it('reads the file name before its folders, and the nearest folder first', () => {
    expect(inferSplit('test/train.jsonl')).toBe('train')
    expect(inferSplit('train/eval/questions.csv')).toBe('test')
  })

  it('infers nothing from a name that names two splits, even inside a split folder', () => {
    expect(inferSplit('data/train_test_overlap.jsonl')).toBeUndefined()
    expect(inferSplit('train/train_vs_dev.jsonl')).toBeUndefined()
    // Two words for the same split are not a conflict.
    expect(inferSplit('test_eval.jsonl')).toBe('test')
  })
})

describe('isDatasetPath with the default config', () => {
  const config = defaultConfig()

  it.each([
    'data/train.jsonl',
    'train.ndjson',
    'data/eval/questions.csv',
    'data/x.tsv',
    'data/shard-0.parquet',
    'data/dump.json',
    'data/train.jsonl.gz',
    'data/table.csv.gz',
    '.hidden/records.jsonl',
    './data/train.jsonl'
  ])('audits %s', (file) => {
    expect(isDatasetPath(config, file)).toBe(true)
  })

  it.each([
    'package.json',
    'web/package.json',
    'package-lock.json',
    'tsconfig.json',
    'tsconfig.build.json',
    'node_modules/lodash/package.json',
    'app/node_modules/some-lib/data.json',
    '.github/workflows/data.json',
    'schemas/sft.schema.json',
    'AlpacaDataCleaned/schema.json',
    '.vscode/settings.json',
    'composer.json',
    'model/tokenizer_config.json',
    'data/dataset_infos.json',
    'README.md',
    'data/notes.txt',
    'data/train.jsonl.bak',
    'data/archive.zip'
  ])('skips %s', (file) => {
    expect(isDatasetPath(config, file)).toBe(false)
  })
})

describe('isDatasetPath with include and exclude from the file', () => {
  it('audits only what `include` matches, minus what `exclude` matches', () => {
    const config = parseConfig(`
include: ['data/**/*.jsonl', 'eval/*.csv']
exclude: ['data/tmp/**', '**/*.draft.jsonl']
`)
    expect(isDatasetPath(config, 'data/sft/train.jsonl')).toBe(true)
    expect(isDatasetPath(config, 'eval/test.csv')).toBe(true)
    expect(isDatasetPath(config, 'eval/nested/test.csv')).toBe(false)
    expect(isDatasetPath(config, 'data/sft/train.csv')).toBe(false)
    expect(isDatasetPath(config, 'data/tmp/scratch.jsonl')).toBe(false)
    expect(isDatasetPath(config, 'data/sft/new.draft.jsonl')).toBe(false)
    expect(isDatasetPath(config, 'other/train.jsonl')).toBe(false)
  })

  it('replaces the default exclusions with the ones given: `exclude: []` audits package.json', () => {
    expect(isDatasetPath(parseConfig('exclude: []'), 'package.json')).toBe(true)
    expect(isDatasetPath(parseConfig("exclude: ['legacy/**']"), 'package.json')).toBe(true)
    expect(isDatasetPath(parseConfig("exclude: ['legacy/**']"), 'legacy/a.jsonl')).toBe(false)
  })

  it("never audits a rule's record schema, whatever its name", () => {
    const config = parseConfig(`
rules:
  - paths: data/*.jsonl
    schema: ./schemas/records.json
`)
    expect(isDatasetPath(config, 'schemas/records.json')).toBe(false)
    expect(isDatasetPath(config, 'schemas/other.json')).toBe(true)
  })

  it('matches dot folders, since the globs are compiled with dot: true', () => {
    expect(isDatasetPath(parseConfig("include: 'data/**'"), 'data/.cache/part.jsonl')).toBe(true)
  })
})

describe('settingsFor', () => {
  const config = parseConfig(`
checks:
  pii: { severity: warning, fields: [text] }
  length: { max-chars: 4000 }
rules:
  - paths: 'data/**'
    key: id
    text-fields: [text]
    purpose: finetune
    checks:
      pii: { severity: error }
      length: { enabled: false }
  - paths: 'data/sft/**'
    key: [conversation_id, turn]
    text-fields: [instruction, output]
    label-field: category
    checks:
      length: { enabled: true, min-chars: 10 }
      format: { fields: answer }
  - paths: 'data/sft/eval/**'
    split: validation
    purpose: eval
  - paths: '**/*.csv'
    delimiter: ';'
    format: tsv
    records-path: items
    schema: schemas/row.json
`)

  it('applies the matching rules in order, each later rule overriding earlier options', () => {
    expect(settingsFor(config, 'data/sft/eval/test.jsonl')).toEqual({
      path: 'data/sft/eval/test.jsonl',
      key: ['conversation_id', 'turn'],
      textFields: ['instruction', 'output'],
      labelField: 'category',
      // The rule's split wins over the `test` the file name would give.
      split: 'validation',
      purpose: 'eval',
      checks: {
        pii: { severity: 'error', fields: ['text'] },
        length: { maxChars: 4000, enabled: true, minChars: 10 },
        format: { fields: ['answer'] }
      }
    })
  })

  it('keeps what earlier rules set when later ones do not set it', () => {
    expect(settingsFor(config, 'data/raw/train.jsonl')).toEqual({
      path: 'data/raw/train.jsonl',
      key: ['id'],
      textFields: ['text'],
      purpose: 'finetune',
      split: 'train',
      checks: {
        pii: { severity: 'error', fields: ['text'] },
        length: { maxChars: 4000, enabled: false }
      }
    })
  })

  it('gives the top-level checks, no key and the inferred split to a file no rule matches', () => {
    expect(settingsFor(config, 'other/dev.jsonl')).toEqual({
      path: 'other/dev.jsonl',
      key: [],
      split: 'validation',
      checks: { pii: { severity: 'warning', fields: ['text'] }, length: { maxChars: 4000 } }
    })
    expect(settingsFor(defaultConfig(), 'corpus.jsonl')).toEqual({ path: 'corpus.jsonl', key: [], checks: {} })
  })

  it('passes on format, delimiter, records-path and schema', () => {
    expect(settingsFor(config, 'tables/a.csv')).toMatchObject({ format: 'tsv', delimiter: ';', recordsPath: 'items', schema: 'schemas/row.json' })
  })

  it('returns settings the caller may change without changing the config', () => {
    const settings = settingsFor(config, 'data/raw/a.jsonl')
    settings.key.push('extra')
    settings.checks.pii.severity = 'info'
    settings.checks.pii.fields?.push('extra')
    expect(config.rules[0].key).toEqual(['id'])
    expect(config.checks.pii).toEqual({ severity: 'warning', fields: ['text'] })
    expect(settingsFor(config, 'data/raw/a.jsonl').checks.pii).toEqual({ severity: 'error', fields: ['text'] })
  })
})

describe('the default config on the real datasets in shared/realdata', () => {
  itReal('audits the 44 data files, skips the schema, the notes and the text files, and infers 13 splits', () => {
    const config = defaultConfig()
    const files = fs
      .readdirSync(REALDATA, { recursive: true, encoding: 'utf8' })
      .filter((file) => fs.statSync(path.join(REALDATA, file)).isFile())
      .map((file) => file.split(path.sep).join('/'))
    expect(files).toHaveLength(50)
    const datasets = files.filter((file) => isDatasetPath(config, file))
    expect(datasets).toHaveLength(44)
    expect(files.filter((file) => !isDatasetPath(config, file)).sort()).toEqual([
      'AlpacaDataCleaned/schema.json',
      'SOURCES.md',
      'ftfy/test-cases-README.md',
      'presidio/context_sentences_tests.txt',
      'presidio/demo.txt',
      'truthfulqa-multi/report_iaa.txt'
    ])
    const splits = Object.fromEntries(
      datasets.sort().flatMap((file) => {
        const split = settingsFor(config, file).split
        return split === undefined ? [] : [[file, split]]
      })
    )
    // `human-eval` and unit-test vectors read as test sets, which for a leakage check they are.
    expect(splits).toEqual({
      'ftfy/test_cases.after.json': 'test',
      'ftfy/test_cases.before.json': 'test',
      'ftfy/test_cases_fp.after.json': 'test',
      'ftfy/test_cases_fp.before.json': 'test',
      'grade-school-math/test.jsonl': 'test',
      'grade-school-math/train.jsonl': 'train',
      'human-eval/HumanEval.jsonl': 'test',
      'human-eval/HumanEval.jsonl.gz': 'test',
      'human-eval/example_problem.jsonl': 'test',
      'human-eval/example_samples.jsonl': 'test',
      'presidio/pii_test_vectors.json': 'test',
      'truthfulqa-multi/truthfulqa_en_validation.json': 'validation',
      'truthfulqa-multi/truthfulqa_es_validation.json': 'validation'
    })
  })
})
