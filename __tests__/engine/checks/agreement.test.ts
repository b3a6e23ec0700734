import { agreementCheck, annotatorGroups } from '../../../src/engine/checks/agreement.js'
import { cohenKappa } from '../../../src/engine/stats/kappa.js'
import type { RecordFields } from '../../../src/engine/types.js'
import { recordsOf, runCheck } from '../../helpers/runCheck.js'
import { itReal, readCsv } from '../../helpers/realdata.js'

/** sklearn's cohen_kappa_score, from truthfulqa-multi/SOURCES.md and report_iaa.txt. */
const SKLEARN: Record<string, { truthfulness: number; informativeness: number }> = {
  en: { truthfulness: 0.7400346620450606, informativeness: 0.48453608247422675 },
  es: { truthfulness: 0.7453310696095077, informativeness: 0.5454545454545454 },
  ca: { truthfulness: 0.7960848287112561, informativeness: 0.48453608247422675 },
  eu: { truthfulness: 0.6376811594202898, informativeness: 0.46808510638297873 },
  gl: { truthfulness: 0.9189627228525121, informativeness: 0.6453900709219857 }
}

/**
 * The supported form: one file with each annotator's label in its own column. Built here the way
 * a user would, by joining the first annotator's file (evaluated/, 300 rows) with the second's
 * (iaa/, 50 rows) on `id`: a left join, so 250 items lack the second label.
 */
function joinedRecords(lang: string): RecordFields[] {
  const second = new Map(readCsv(`truthfulqa-multi/iaa/${lang}.csv`).map((row) => [row.id, row]))
  return readCsv(`truthfulqa-multi/evaluated/${lang}.csv`).map((row) => {
    const other = second.get(row.id)
    // gl's second annotator wrote `truthfulness_PAULO`, `informativeness_PAULO`.
    const pick = (name: string) => other?.[name] ?? other?.[`${name}_PAULO`] ?? ''
    return {
      id: row.id,
      truthfulness_1: row.truthfulness,
      truthfulness_2: pick('truthfulness'),
      informativeness_1: row.informativeness,
      informativeness_2: pick('informativeness')
    }
  })
}

const PAIRS = [
  { name: 'truthfulness', annotators: ['truthfulness_1', 'truthfulness_2'] },
  { name: 'informativeness', annotators: ['informativeness_1', 'informativeness_2'] }
]

describe('agreement check', () => {
  itReal("matches sklearn's Cohen's kappa on all 10 truthfulqa-multi annotator pairs to 10 decimals", () => {
    for (const lang of ['en', 'es', 'ca', 'eu', 'gl']) {
      const records = joinedRecords(lang)
      expect(records).toHaveLength(300)
      const { summary } = runCheck(agreementCheck, recordsOf(records), { config: { pairs: PAIRS } })
      for (const group of summary.groups) {
        const expected = SKLEARN[lang][group.name === 'truthfulness' ? 'truthfulness' : 'informativeness']
        expect(group.method).toBe('cohen')
        expect(group.items).toBe(50)
        expect(group.excluded).toBe(250)
        expect(group.kappa).toBeCloseTo(expected, 10)
      }
      // The pure function agrees on the same 50 joined items.
      const both = records.filter((r) => r.truthfulness_2 !== '')
      expect(cohenKappa(both.map((r) => String(r.truthfulness_1)), both.map((r) => String(r.truthfulness_2)))).toBeCloseTo(SKLEARN[lang].truthfulness, 10)
    }
  })

  itReal('warns on the pairs under minKappa 0.7: eu truthfulness and every informativeness', () => {
    const eu = runCheck(agreementCheck, recordsOf(joinedRecords('eu')), { config: { pairs: PAIRS } })
    expect(eu.findings.map((f) => f.field)).toEqual(['truthfulness', 'informativeness'])
    expect(eu.findings[0].message).toBe(
      "low annotator agreement on `truthfulness` (truthfulness_1, truthfulness_2): Cohen's κ = 0.638 (substantial agreement, Landis–Koch), below minKappa 0.7, over 50 items with 82.0% observed agreement; 250 items left out for a missing label"
    )
    expect(eu.findings[0].line).toBeUndefined()
    const gl = runCheck(agreementCheck, recordsOf(joinedRecords('gl')), { config: { pairs: PAIRS } })
    expect(gl.findings.map((f) => f.field)).toEqual(['informativeness'])
    expect(gl.findings[0].message).toContain('κ = 0.645 (substantial agreement')
  })

  it('uses Fleiss for three annotators and names the band', () => {
    // 12 items, 3 annotators: agree on 6, split 2-1 on 6.
    const rows: RecordFields[] = []
    for (let i = 0; i < 12; i++) {
      const label = i % 2 === 0 ? 'cat' : 'dog'
      rows.push({ a: label, b: label, c: i < 6 ? label : label === 'cat' ? 'dog' : 'cat' })
    }
    const { findings, summary } = runCheck(agreementCheck, recordsOf(rows), { config: { annotators: ['a', 'b', 'c'], name: 'animal' } })
    expect(summary.groups[0].method).toBe('fleiss')
    expect(summary.groups[0].items).toBe(12)
    // P_i: 1 for 6 items, 1/3 for 6: P̄ = 2/3; p = 0.5/0.5: Pe = 0.5; κ = 1/3.
    expect(summary.groups[0].kappa).toBeCloseTo(1 / 3, 12)
    expect(summary.groups[0].band).toBe('fair')
    expect(findings).toHaveLength(1)
    expect(findings[0].message).toBe(
      "low annotator agreement on `animal` (a, b, c): Fleiss' (3 annotators) κ = 0.333 (fair agreement, Landis–Koch), below minKappa 0.7, over 12 items with 66.7% observed agreement"
    )
  })

  it('stays quiet at or above minKappa, below minItems, and without annotators', () => {
    // 10 items, agree on 9: κ = 0.8.
    const rows: RecordFields[] = Array.from({ length: 10 }, (_, i) => ({ x: i < 5 ? 'yes' : 'no', y: i < 5 ? 'yes' : i === 9 ? 'yes' : 'no' }))
    const high = runCheck(agreementCheck, recordsOf(rows), { config: { annotators: ['x', 'y'] } })
    expect(high.summary.groups[0].kappa).toBeCloseTo(0.8, 12)
    expect(high.findings).toEqual([])
    const strict = runCheck(agreementCheck, recordsOf(rows), { config: { annotators: ['x', 'y'], minKappa: 0.81 } })
    expect(strict.findings).toHaveLength(1)
    const few = runCheck(agreementCheck, recordsOf(rows), { config: { annotators: ['x', 'y'], minKappa: 0.81, minItems: 11 } })
    expect(few.findings).toEqual([])
    expect(runCheck(agreementCheck, recordsOf(rows)).summary.groups).toEqual([])
  })

  it('compares labels by their normalised form and leaves out items with a missing or empty label', () => {
    const rows: RecordFields[] = [
      { x: 'Yes', y: 'yes ' },
      { x: 'no', y: 'NO' },
      { x: 'yes', y: '' },
      { x: 'no' },
      { x: null, y: 'no' }
    ]
    const { summary } = runCheck(agreementCheck, recordsOf(rows), { config: { annotators: ['x', 'y'] } })
    expect(summary.groups[0]).toMatchObject({ items: 2, excluded: 3, kappa: 1, observed: 1 })
  })

  it('reads pairs and skips malformed entries', () => {
    expect(annotatorGroups({ pairs: [{ name: 't', annotators: ['a', 'b'] }, { annotators: ['only'] }, 'junk', { annotators: ['c', 'd', 'e'] }] })).toEqual([
      { name: 't', annotators: ['a', 'b'] },
      { name: 'c / d / e', annotators: ['c', 'd', 'e'] }
    ])
  })
})
