import { labelCoverageCheck } from '../../../src/engine/checks/label-coverage.js'
import type { LabelCounts } from '../../../src/engine/checks/label-values.js'
import type { DatasetRecord } from '../../../src/engine/types.js'
import { checkContext, recordsOf, runCheck } from '../../helpers/runCheck.js'
import { itReal, readDatasetRecords } from '../../helpers/realdata.js'

const labelled = (counts: Record<string, number>): DatasetRecord[] =>
  recordsOf(Object.entries(counts).flatMap(([label, count]) => Array.from({ length: count }, () => ({ label }))))
const settings = { labelField: 'label' }
const baseOf = (counts: Record<string, number>): LabelCounts | undefined => runCheck(labelCoverageCheck, labelled(counts), { side: 'base', settings }).summary

describe('label-coverage', () => {
  it('summarises the label counts of a side', () => {
    expect(baseOf({ cat: 3, dog: 2 })).toEqual({ field: 'label', labels: { cat: 3, dog: 2 }, labelled: 5, truncated: false })
  })

  it('reports a class that vanishes as an error and one that drops under minCount as a warning, at file level', () => {
    const base = baseOf({ cat: 10, dog: 5, bird: 1, fish: 4 })
    const { findings } = runCheck(labelCoverageCheck, labelled({ cat: 10, dog: 4, fish: 1 }), { settings, base })
    expect(findings).toEqual([
      { field: 'label', severity: 'warning', message: 'label class `dog` drops from 5 records in base to 4, below the minimum of 5' },
      { field: 'label', severity: 'error', message: 'label class `bird` is gone: 1 base record has it, no head record does' }
    ])
  })

  it('does not call a class that was already under minCount in base a drop, and follows a configured minCount', () => {
    const base = baseOf({ cat: 10, dog: 3 })
    expect(runCheck(labelCoverageCheck, labelled({ cat: 10, dog: 2 }), { settings, base }).findings).toEqual([])
    expect(runCheck(labelCoverageCheck, labelled({ cat: 2, dog: 3 }), { settings, base, config: { minCount: 3 } }).findings.map((finding) => finding.message)).toEqual([
      'label class `cat` drops from 10 records in base to 2, below the minimum of 3'
    ])
  })

  it('says nothing without a base or a label field', () => {
    expect(runCheck(labelCoverageCheck, labelled({ cat: 1 }), { settings }).findings).toEqual([])
    expect(runCheck(labelCoverageCheck, labelled({ cat: 1 }), { base: baseOf({ dog: 9 }) })).toEqual({ findings: [], summary: undefined })
  })

  itReal('counts the TruthfulQA-en judgements before and after the fix of its 5 blank labels, and no class is lost', async () => {
    const truth = { labelField: 'truthfulness' }
    const base = runCheck(labelCoverageCheck, await readDatasetRecords('truthfulqa-multi/en.before.csv'), { side: 'base', settings: truth }).summary
    expect(base).toEqual({ field: 'truthfulness', labels: { yes: 205, no: 90 }, labelled: 295, truncated: false })
    const head = runCheck(labelCoverageCheck, await readDatasetRecords('truthfulqa-multi/en.after.csv'), { settings: truth, base })
    expect(head.findings).toEqual([])
    expect(head.summary).toEqual({ field: 'truthfulness', labels: { yes: 207, no: 93 }, labelled: 300, truncated: false })
  })

  itReal('reports the `no` class as gone when head keeps only the GSM8K records the 6B fine-tuned model got right', async () => {
    const settings6b = { labelField: '6b_finetuning.is_correct' }
    const records = await readDatasetRecords('grade-school-math/example_model_solutions.after.jsonl')
    const base = runCheck(labelCoverageCheck, records, { side: 'base', settings: settings6b }).summary
    expect(base?.labels).toEqual({ false: 1033, true: 286 })
    const right = records.filter((record) => JSON.stringify(record.fields['6b_finetuning']).includes('"is_correct":true'))
    expect(runCheck(labelCoverageCheck, right, { settings: settings6b, base }).findings).toEqual([
      { field: '6b_finetuning.is_correct', severity: 'error', message: 'label class `false` is gone: 1033 base records have it, no head record does' }
    ])
  })

  it('is applicable only once compared with a base labelled the same way', () => {
    const labelled = checkContext({ settings: { path: 'x', key: [], checks: {}, labelField: 'label' } })
    const alone = labelCoverageCheck.start(labelled)
    alone.finish(() => undefined)
    expect(alone.applicable?.()).toBe(false)
    const compared = labelCoverageCheck.start(labelled)
    compared.finish(() => undefined, baseOf({ cat: 1 }))
    expect(compared.applicable?.()).toBe(true)
  })
})
