import { labelVariantsCheck } from '../../../src/engine/checks/label-variants.js'
import type { RecordFields } from '../../../src/engine/types.js'
import { recordsOf, runCheck } from '../../helpers/runCheck.js'
import { itReal, readCsv } from '../../helpers/realdata.js'

const labels = (values: Array<string | number | null>): RecordFields[] => values.map((label, i) => ({ text: `item ${i}`, label }))

describe('label-variants check', () => {
  it('flags each record with a minority spelling, naming the dominant one and the kind of difference', () => {
    const rows = labels(['positive', 'negative', 'Positive', 'positive', 'positive ', 'negative', 'POSITIVE.', 'positive'])
    const { findings, summary } = runCheck(labelVariantsCheck, recordsOf(rows), { settings: { labelField: 'label' } })
    expect(findings).toEqual([
      { line: 3, field: 'label', message: 'label "Positive" differs from "positive" (3 records) only by case', excerpt: 'Positive' },
      { line: 5, field: 'label', message: 'label "positive " differs from "positive" (3 records) only by spacing', excerpt: 'positive ' },
      { line: 7, field: 'label', message: 'label "POSITIVE." differs from "positive" (3 records) only by case and punctuation', excerpt: 'POSITIVE.' }
    ])
    expect(summary.labels).toEqual({
      positive: { label: 'positive', count: 6, variants: { positive: 3, Positive: 1, 'positive ': 1, 'POSITIVE.': 1 } },
      negative: { label: 'negative', count: 2, variants: { negative: 2 } }
    })
  })

  it('leaves consistent labels, numbers of different sign, and files without a label field alone', () => {
    expect(runCheck(labelVariantsCheck, recordsOf(labels(['a', 'b', 'a', 'b'])), { settings: { labelField: 'label' } }).findings).toEqual([])
    expect(runCheck(labelVariantsCheck, recordsOf(labels([1, -1, '1', '-1'])), { settings: { labelField: 'label' } }).findings).toEqual([])
    expect(runCheck(labelVariantsCheck, recordsOf(labels(['a', 'A']))).findings).toEqual([])
  })

  it('reads config.field, skips empty labels and breaks ties by first seen', () => {
    const rows: RecordFields[] = [{ y: 'Yes' }, { y: 'yes' }, { y: '' }, { y: null }, {}]
    const { findings } = runCheck(labelVariantsCheck, recordsOf(rows), { config: { field: 'y' } })
    expect(findings).toEqual([{ line: 2, field: 'y', message: 'label "yes" differs from "Yes" (1 record) only by case', excerpt: 'yes' }])
  })

  it('caps the findings per variant and counts the rest', () => {
    const rows = labels([...Array(5).fill('spam'), ...Array(4).fill('Spam')])
    const { findings } = runCheck(labelVariantsCheck, recordsOf(rows), { settings: { labelField: 'label' }, config: { maxFindingsPerVariant: 2 } })
    expect(findings.map((f) => f.line)).toEqual([undefined, 6, 7])
    expect(findings[0].message).toBe('2 more records spell label "spam" as "Spam" (only the first 2 are listed)')
  })

  it('stops judging a field with more distinct labels than maxLabels', () => {
    const rows = labels(['a', 'A', 'b', 'c'])
    const { findings, summary } = runCheck(labelVariantsCheck, recordsOf(rows), { settings: { labelField: 'label' }, config: { maxLabels: 2 } })
    expect(findings).toEqual([])
    expect(summary.overflow).toBe(true)
  })

  itReal('finds no variants in the yes/no labels of truthfulqa-multi (a real negative control)', () => {
    const rows: RecordFields[] = readCsv('truthfulqa-multi/evaluated/es.csv')
    const { findings, summary } = runCheck(labelVariantsCheck, recordsOf(rows), { settings: { labelField: 'truthfulness' } })
    expect(findings).toEqual([])
    expect(summary.labels).toEqual({ yes: { label: 'yes', count: 204, variants: { yes: 204 } }, no: { label: 'no', count: 96, variants: { no: 96 } } })
  })
})
