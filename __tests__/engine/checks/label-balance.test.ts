import { labelBalanceCheck } from '../../../src/engine/checks/label-balance.js'
import type { RecordFields } from '../../../src/engine/types.js'
import { recordsOf, runCheck } from '../../helpers/runCheck.js'
import { itReal, readCsv } from '../../helpers/realdata.js'

/** Records with `label` repeated as counted: `{pos: 3, neg: 1}` → pos, pos, pos, neg. */
const labelled = (counts: Record<string, number>): RecordFields[] => Object.entries(counts).flatMap(([label, count]) => Array.from({ length: count }, () => ({ label })))
const settings = { labelField: 'label' }

describe('label-balance check', () => {
  it('warns when the rarest class is under 0.1 / K of the labels, and not at exactly that share', () => {
    // K = 2: limit 5%. 4 of 100 is under; 5 of 100 is not.
    const under = runCheck(labelBalanceCheck, recordsOf(labelled({ pos: 96, neg: 4 })), { settings })
    expect(under.findings).toEqual([{ field: 'label', message: 'class "neg" has 4 of 100 labels (4.0%), under 5.0% (0.1 / 2 classes)' }])
    expect(runCheck(labelBalanceCheck, recordsOf(labelled({ pos: 95, neg: 5 })), { settings }).findings).toEqual([])
  })

  it('names the other rare classes, groups spelling variants, and counts every label of a multi-label record', () => {
    const rows = [...labelled({ a: 300, b: 300, c: 300, d: 2, e: 1 }), { label: 'A ' }, { label: ['b', 'c'] }]
    const { findings, summary } = runCheck(labelBalanceCheck, recordsOf(rows), { settings })
    // K = 5: limit 2%.
    expect(findings).toEqual([{ field: 'label', message: 'class "e" has 1 of 906 labels (0.1%), under 2.0% (0.1 / 5 classes); also rare: "d" (2)' }])
    expect(summary.classes.a).toEqual({ label: 'a', count: 301 })
    expect(summary.total).toBe(906)
  })

  it('needs a label field, two classes and minRecords labels', () => {
    expect(runCheck(labelBalanceCheck, recordsOf(labelled({ pos: 96, neg: 4 }))).findings).toEqual([])
    expect(runCheck(labelBalanceCheck, recordsOf(labelled({ pos: 19, neg: 0 })), { settings }).findings).toEqual([])
    // 1 of 26 (3.8%) is rare with the default minRecords of 20, not judged with 30.
    expect(runCheck(labelBalanceCheck, recordsOf(labelled({ pos: 25, neg: 1 })), { settings }).findings).toHaveLength(1)
    expect(runCheck(labelBalanceCheck, recordsOf(labelled({ pos: 25, neg: 1 })), { settings, config: { minRecords: 30 } }).findings).toEqual([])
  })

  it('warns when the distribution moved from base beyond maxJsd, naming the biggest movers', () => {
    const base = runCheck(labelBalanceCheck, recordsOf(labelled({ pos: 50, neg: 50 })), { settings }).summary
    // JSD({.5,.5}, {.9,.1}) = 0.147 bits.
    const moved = runCheck(labelBalanceCheck, recordsOf(labelled({ pos: 90, neg: 10 })), { settings, base })
    expect(moved.findings).toEqual([{ field: 'label', message: 'label distribution moved from base (Jensen–Shannon divergence 0.147 > 0.1): "neg" 50.0% → 10.0%, "pos" 50.0% → 90.0%' }])
    // JSD({.5,.5}, {.7,.3}) = 0.0349: under the limit.
    expect(runCheck(labelBalanceCheck, recordsOf(labelled({ pos: 70, neg: 30 })), { settings, base }).findings).toEqual([])
    expect(runCheck(labelBalanceCheck, recordsOf(labelled({ pos: 70, neg: 30 })), { settings, base, config: { maxJsd: 0.03 } }).findings).toHaveLength(1)
  })

  it('leaves alone a field with more distinct values than maxClasses', () => {
    const rows = Array.from({ length: 50 }, (_, i) => ({ label: `id-${i}` }))
    const { findings, summary } = runCheck(labelBalanceCheck, recordsOf(rows), { settings, config: { maxClasses: 10 } })
    expect(findings).toEqual([])
    expect(summary.overflow).toBe(true)
  })

  itReal('on truthfulqa-multi informativeness: ca has 14 of 300 "no" (4.7%, warned), en exactly 15 (5.0%, not warned)', () => {
    const rows = (lang: string): RecordFields[] => readCsv(`truthfulqa-multi/evaluated/${lang}.csv`)
    const informativeness = { labelField: 'informativeness' }
    expect(runCheck(labelBalanceCheck, recordsOf(rows('ca')), { settings: informativeness }).findings).toEqual([
      { field: 'informativeness', message: 'class "no" has 14 of 300 labels (4.7%), under 5.0% (0.1 / 2 classes)' }
    ])
    expect(runCheck(labelBalanceCheck, recordsOf(rows('en')), { settings: informativeness }).findings).toEqual([])
    // The real es fix (2 empty labels filled with no/yes) barely moves the distribution.
    const before: RecordFields[] = readCsv('truthfulqa-multi/es.before.csv')
    const after: RecordFields[] = readCsv('truthfulqa-multi/es.after.csv')
    const truthfulness = { labelField: 'truthfulness' }
    const base = runCheck(labelBalanceCheck, recordsOf(before), { settings: truthfulness }).summary
    expect(base.total).toBe(298)
    const head = runCheck(labelBalanceCheck, recordsOf(after), { settings: truthfulness, base })
    expect(head.summary.total).toBe(300)
    expect(head.findings).toEqual([])
  })
})
