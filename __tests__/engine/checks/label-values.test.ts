import { editDistance, LabelCounter, LabelKeys, labelsOf, labelValuesCheck, likelyIntended, MAX_LABELS, type LabelCounts } from '../../../src/engine/checks/label-values.js'
import { labelKey } from '../../../src/engine/stats/labels.js'
import type { RecordFields } from '../../../src/engine/types.js'
import { checkContext, recordsOf, runCheck } from '../../helpers/runCheck.js'
import { itReal, readDatasetRecords } from '../../helpers/realdata.js'

const rows = (labels: Array<RecordFields['x']>): RecordFields[] => labels.map((label) => ({ text: 't', label }))
const baseOf = (labels: Array<RecordFields['x']>): LabelCounts | undefined =>
  runCheck(labelValuesCheck, recordsOf(rows(labels)), { side: 'base', settings: { labelField: 'label' } }).summary

describe('labelsOf', () => {
  it('reads scalars and lists of scalars as labels, blanks and objects as none', () => {
    expect(labelsOf('pos')).toEqual(['pos'])
    expect(labelsOf(1)).toEqual(['1'])
    expect(labelsOf(false)).toEqual(['false'])
    expect(labelsOf(['a', 2, null, { b: 1 }, ['c']])).toEqual(['a', '2'])
    expect(labelsOf('  ')).toEqual([])
    expect(labelsOf(null)).toEqual([])
    expect(labelsOf(undefined)).toEqual([])
  })
})

describe('LabelKeys', () => {
  it('keys every label as labelKey does, remembered or not: long labels and labels past MAX_LABELS included', () => {
    const keys = new LabelKeys()
    const tricky = ['Positive', ' positive ', 'POSITIVE.', '1.0', '-1', '+1', '1e3', '...', ' ! ', 'Ｐｏｓｉｔｉｖｅ', 'naïve', 'nai\u0308ve', 'x'.repeat(101), 'Y'.repeat(100) + '.']
    for (let round = 0; round < 3; round++) for (const label of tricky) expect([label, keys.of(label)]).toEqual([label, labelKey(label)])
    for (let i = 0; i < MAX_LABELS + 10; i++) keys.of(`label ${i}`)
    for (const label of [...tricky, 'Label 5', `LABEL ${MAX_LABELS + 5}.`, 'never seen']) expect([label, keys.of(label)]).toEqual([label, labelKey(label)])
  })
})

describe('LabelCounter', () => {
  it('counts a record once per distinct label', () => {
    const counter = new LabelCounter()
    expect(counter.add('a')).toEqual(['a'])
    expect(counter.add(['a', 'b', 'a'])).toEqual(['a', 'b'])
    expect(counter.add('  ')).toEqual([])
    expect(counter.summary('label')).toEqual({ field: 'label', labels: { a: 2, b: 1 }, labelled: 2, truncated: false })
  })
})

describe('likelyIntended', () => {
  it('finds the label that differs only by case or spacing, else one within two edits', () => {
    expect(likelyIntended('Positive ', ['negative', 'positive'])).toEqual({ label: 'positive', how: 'case/spacing' })
    expect(likelyIntended('neutrl', ['positive', 'neutral'])).toEqual({ label: 'neutral', how: 'typo' })
    expect(likelyIntended('neu', ['neutral'])).toBeUndefined()
    expect(likelyIntended('sports', ['politics', 'business'])).toBeUndefined()
    expect(editDistance('kitten', 'sitting', 5)).toBe(3)
    expect(editDistance('kitten', 'sitting', 2)).toBe(3)
  })
})

describe('with an allowed list', () => {
  it('reports each label outside the list as it comes, with the closest allowed value', () => {
    const { findings } = runCheck(labelValuesCheck, recordsOf(rows(['positive', 'Positive', 'neutrl', 'spam', null, ['negative', 'bad']])), {
      settings: { labelField: 'label' },
      config: { allowed: ['positive', 'negative', 'neutral'] }
    })
    expect(findings).toEqual([
      { line: 2, field: 'label', message: 'label `Positive` is not one of the allowed values (`positive`, `negative`, `neutral`); it differs from `positive` only by case/spacing' },
      { line: 3, field: 'label', message: 'label `neutrl` is not one of the allowed values (`positive`, `negative`, `neutral`); probably a typo of `neutral`' },
      { line: 4, field: 'label', message: 'label `spam` is not one of the allowed values (`positive`, `negative`, `neutral`)' },
      { line: 6, field: 'label', message: 'label `bad` is not one of the allowed values (`positive`, `negative`, `neutral`)' }
    ])
  })

  it('compares numbers and booleans as their text, and reads the check\'s own field setting and dotted paths', () => {
    const { findings, summary } = runCheck(labelValuesCheck, recordsOf([{ meta: { y: 0 } }, { meta: { y: 1 } }, { meta: { y: 2 } }]), {
      settings: { labelField: 'ignored' },
      config: { field: 'meta.y', allowed: [0, 1] }
    })
    expect(findings.map((finding) => [finding.line, finding.field, finding.message])).toEqual([[3, 'meta.y', 'label `2` is not one of the allowed values (`0`, `1`)']])
    expect(summary).toEqual({ field: 'meta.y', labels: { '0': 1, '1': 1, '2': 1 }, labelled: 3, truncated: false })
  })

  itReal('finds no label outside yes/no in the TruthfulQA-es judgements, before or after the fix of its 2 blank labels', async () => {
    for (const file of ['truthfulqa-multi/es.before.csv', 'truthfulqa-multi/es.after.csv']) {
      const { findings, summary } = runCheck(labelValuesCheck, await readDatasetRecords(file), { settings: { labelField: 'truthfulness' }, config: { allowed: ['yes', 'no'] } })
      expect(findings).toEqual([])
      expect(summary?.labelled).toBe(file.includes('before') ? 298 : 300)
    }
  })
})

describe('without an allowed list', () => {
  it('warns about a label new to head and rarer than minCount, at each of its records, with the base label it resembles', () => {
    const base = baseOf(['positive', 'negative', 'positive', 'neutral'])
    const { findings } = runCheck(labelValuesCheck, recordsOf(rows(['positive', 'Positive ', 'negativ', 'mixed', 'mixed', 'mixed', 'Positive '])), {
      settings: { labelField: 'label' },
      base
    })
    expect(findings).toEqual([
      { line: 2, field: 'label', severity: 'warning', message: 'label `Positive ` appears 2 times and never in base; it differs from `positive` only by case/spacing' },
      { line: 7, field: 'label', severity: 'warning', message: 'label `Positive ` appears 2 times and never in base; it differs from `positive` only by case/spacing' },
      { line: 3, field: 'label', severity: 'warning', message: 'label `negativ` appears once and never in base; probably a typo of `negative`' }
    ])
  })

  it('follows minCount: a new label seen minCount times is a new class, not a typo', () => {
    const base = baseOf(['a', 'b'])
    const head = recordsOf(rows(['a', 'c', 'c']))
    expect(runCheck(labelValuesCheck, head, { settings: { labelField: 'label' }, base, config: { minCount: 2 } }).findings).toEqual([])
    expect(runCheck(labelValuesCheck, head, { settings: { labelField: 'label' }, base, config: { minCount: 3 } }).findings).toHaveLength(2)
  })

  it('reports nothing without a base or without a label field', () => {
    expect(runCheck(labelValuesCheck, recordsOf(rows(['a', 'typo'])), { settings: { labelField: 'label' } }).findings).toEqual([])
    const noField = runCheck(labelValuesCheck, recordsOf(rows(['a'])), { base: baseOf(['b']) })
    expect(noField).toEqual({ findings: [], summary: undefined })
  })

  itReal('reports no rare new label across the GSM8K model-solution label fix (booleans only)', async () => {
    const settings = { labelField: '175b_verification.is_correct' }
    const base = runCheck(labelValuesCheck, await readDatasetRecords('grade-school-math/example_model_solutions.before.jsonl'), { side: 'base', settings }).summary
    expect(base?.labels).toEqual({ true: 737, false: 582 })
    const head = runCheck(labelValuesCheck, await readDatasetRecords('grade-school-math/example_model_solutions.after.jsonl'), { settings, base })
    expect(head.findings).toEqual([])
    expect(head.summary?.labels).toEqual({ true: 742, false: 577 })
  })

  it('is applicable only with a label field', () => {
    expect(labelValuesCheck.start(checkContext()).applicable?.()).toBe(false)
    expect(labelValuesCheck.start(checkContext({ settings: { path: 'x', key: [], checks: {}, labelField: 'label' } })).applicable?.()).toBe(true)
  })
})
