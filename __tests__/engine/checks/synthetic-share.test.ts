import { isSyntheticValue, syntheticShareCheck, DEFAULT_SYNTHETIC_VALUES, type SyntheticShareSummary } from '../../../src/engine/checks/synthetic-share.js'
import type { RecordFields } from '../../../src/engine/types.js'
import { recordsOf, runCheck } from '../../helpers/runCheck.js'

const sources = (...values: Array<string | null | undefined>): RecordFields[] =>
  values.map((source): RecordFields => (source === undefined ? { text: 'x' } : { text: 'x', source }))
const check = (rows: RecordFields[], config: Record<string, unknown> = { field: 'source' }, base?: SyntheticShareSummary) =>
  runCheck(syntheticShareCheck, recordsOf(rows), { config, base })

describe('isSyntheticValue', () => {
  it('matches the values, their versions and variants, case-insensitively', () => {
    for (const value of ['synthetic', 'Synthetic', 'GPT-4', 'gpt-4-0613', 'gpt-4o', 'gpt-3.5-turbo', 'llm', 'model', 'generated/v2']) {
      expect(isSyntheticValue(value, DEFAULT_SYNTHETIC_VALUES)).toBe(true)
    }
    for (const value of ['human', 'modelled', 'llms', 'wikipedia', 'regenerated']) {
      expect(isSyntheticValue(value, DEFAULT_SYNTHETIC_VALUES)).toBe(false)
    }
  })
})

describe('synthetic-share check', () => {
  it('judges a repeated source value as it judged it the first time, long values included', () => {
    const long = 'gpt-4 ' + 'x'.repeat(200)
    const values = ['human', 'GPT-4', ' synthetic ', long, 'human', 'GPT-4', ' synthetic ', long, 'llms', 'llms']
    const { summary } = check(sources(...values))
    expect(summary.synthetic).toBe(values.filter((value) => isSyntheticValue(value, DEFAULT_SYNTHETIC_VALUES)).length)
    expect(summary.synthetic).toBe(6)
    // More distinct values than are remembered: every one still judged.
    const many = Array.from({ length: 2500 }, (_, i) => (i % 2 === 0 ? `gpt-4-${i}` : `human-${i}`))
    expect(check(sources(...many, ...many)).summary.synthetic).toBe(2500)
  })

  it('does nothing without a configured source field', () => {
    const { findings, summary } = check(sources('synthetic', 'synthetic'), {})
    expect(findings).toEqual([])
    expect(summary).toEqual({ records: 2, withSource: 0, synthetic: 0 })
  })

  it('warns about the file when the synthetic share is above maxShare', () => {
    const { findings, summary } = check(sources('gpt-4', 'synthetic', 'GPT-3.5-turbo', 'human', 'web'))
    expect(findings).toEqual([
      {
        field: 'source',
        message:
          '60% of records (3/5) are synthetic by `source`, above the 50% limit: always mix synthetic with real data, as training mostly on generated data leads to model collapse'
      }
    ])
    expect(summary).toEqual({ field: 'source', records: 5, withSource: 5, synthetic: 3, share: 0.6 })
  })

  it('accepts a share at the limit, and leaves records without a source out of the share', () => {
    expect(check(sources('synthetic', 'human')).findings).toEqual([])
    const { findings, summary } = check(sources('synthetic', 'human', undefined, null, ''))
    expect(findings).toEqual([])
    expect(summary).toEqual({ field: 'source', records: 5, withSource: 2, synthetic: 1, share: 0.5 })
  })

  it('uses the configured values and limit, and reads boolean flag fields', () => {
    const rows = [{ meta: { origin: 'distilled' } }, { meta: { origin: 'crowd' } }, { meta: { origin: 'crowd' } }, { meta: { origin: 'crowd' } }]
    const config = { field: 'meta.origin', syntheticValues: ['distilled'], maxShare: 0.2 }
    expect(check(rows, config).findings.map((finding) => finding.message)).toEqual([
      '25% of records (1/4) are synthetic by `meta.origin`, above the 20% limit: always mix synthetic with real data, as training mostly on generated data leads to model collapse'
    ])
    const flags = [{ is_synthetic: true }, { is_synthetic: false }, { is_synthetic: false }]
    expect(check(flags, { field: 'is_synthetic' }).summary).toEqual({ field: 'is_synthetic', records: 3, withSource: 3, synthetic: 1, share: 1 / 3 })
  })

  it('reports the shift of the share against base', () => {
    const base = check(sources('synthetic', 'human', 'human', 'human', 'human')).summary
    expect(base.share).toBe(0.2)
    const rose = check(sources('synthetic', 'synthetic', 'synthetic', 'human', 'human'), { field: 'source' }, base)
    expect(rose.findings.map((finding) => [finding.message.slice(0, 40), finding.severity])).toEqual([
      ['60% of records (3/5) are synthetic by `s', undefined],
      ['synthetic share rose from 20% to 60% (`s', undefined]
    ])
    const fell = check(sources('human', 'human', 'human', 'human', 'human'), { field: 'source' }, base)
    expect(fell.findings).toEqual([{ field: 'source', message: 'synthetic share fell from 20% to 0% (`source`)', severity: 'info' }])
    const rows = [...sources('synthetic'), ...sources(...Array<string>(5).fill('human'))]
    // 16.7% against 20%: a change under minShift (5 points) is not reported.
    expect(check(rows, { field: 'source' }, base).findings).toEqual([])
    expect(check(rows, { field: 'source', minShift: 0.03 }, base).findings).toEqual([
      { field: 'source', message: 'synthetic share fell from 20% to 16.7% (`source`)', severity: 'info' }
    ])
  })
})
