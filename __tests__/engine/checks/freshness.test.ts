import { freshnessCheck, looksLikeTimestampName, parseTimestamp } from '../../../src/engine/checks/freshness.js'
import type { RecordFields } from '../../../src/engine/types.js'
import { recordsOf, runCheck } from '../../helpers/runCheck.js'
import { itReal, readJson, realRecords } from '../../helpers/realdata.js'

const NOW = '2024-06-01T00:00:00Z'
const check = (rows: RecordFields[], config: Record<string, unknown> = {}) => runCheck(freshnessCheck, recordsOf(rows), { config: { now: NOW, ...config } })
const at = (value: string): number => Date.parse(value)

describe('parseTimestamp', () => {
  it('reads ISO 8601 and RFC 2822, zones included, and times without a zone as UTC', () => {
    expect(parseTimestamp('2024-05-01')).toBe(at('2024-05-01T00:00:00Z'))
    expect(parseTimestamp('2024-05-01T12:30:00.250+02:00')).toBe(at('2024-05-01T10:30:00.250Z'))
    expect(parseTimestamp('2024-05-01 12:30')).toBe(at('2024-05-01T12:30:00Z'))
    expect(parseTimestamp('Wed, 01 May 2024 12:00:00 -0500')).toBe(at('2024-05-01T17:00:00Z'))
    expect(parseTimestamp('1 May 2024 12:00 GMT')).toBe(at('2024-05-01T12:00:00Z'))
  })

  it('reads epoch seconds and milliseconds in 1980-2100, and YYYYMMDD numbers', () => {
    expect(parseTimestamp(1714564800)).toBe(at('2024-05-01T12:00:00Z'))
    expect(parseTimestamp(1714564800123)).toBe(at('2024-05-01T12:00:00.123Z'))
    expect(parseTimestamp('1714564800')).toBe(at('2024-05-01T12:00:00Z'))
    expect(parseTimestamp(20240501)).toBe(at('2024-05-01T00:00:00Z'))
    expect(parseTimestamp(42)).toBeUndefined()
    expect(parseTimestamp(99999999999999)).toBeUndefined()
  })

  it('reads written dates, day first when the first number is over 12', () => {
    expect(parseTimestamp('May 1, 2018')).toBe(at('2018-05-01T00:00:00Z'))
    expect(parseTimestamp('1st September 2018')).toBe(at('2018-09-01T00:00:00Z'))
    expect(parseTimestamp('2024/05/01')).toBe(at('2024-05-01T00:00:00Z'))
    expect(parseTimestamp('05/01/2024')).toBe(at('2024-05-01T00:00:00Z'))
    expect(parseTimestamp('13/01/2024')).toBe(at('2024-01-13T00:00:00Z'))
    expect(parseTimestamp({ $date: '2024-05-01T00:00:00Z' })).toBe(at('2024-05-01T00:00:00Z'))
  })

  it('rejects impossible dates and non-dates; strict mode reads only ISO 8601 and RFC 2822', () => {
    for (const value of ['2024-02-30', '2024-13-01', 'yesterday', '30 minutes', 'Mayday 1, 2018', '3.5', '']) {
      expect(parseTimestamp(value)).toBeUndefined()
    }
    expect(parseTimestamp('2024-02-29')).toBe(at('2024-02-29T00:00:00Z'))
    expect(parseTimestamp('May 1, 2018', true)).toBeUndefined()
    expect(parseTimestamp(1714564800, true)).toBeUndefined()
    expect(parseTimestamp('2024-05-01', true)).toBe(at('2024-05-01T00:00:00Z'))
  })
})

describe('looksLikeTimestampName', () => {
  it('knows the usual names', () => {
    for (const name of ['timestamp', 'date', 'time', 'created_at', 'updated_at', 'publish_date', 'createdAt', 'lastModifiedDate']) {
      expect(looksLikeTimestampName(name)).toBe(true)
    }
    for (const name of ['text', 'category', 'format', 'data', 'update']) expect(looksLikeTimestampName(name)).toBe(false)
  })
})

describe('freshness check', () => {
  it('warns about dates more than a day in the future', () => {
    const { findings } = check([{ created_at: '2024-06-01T23:00:00Z' }, { created_at: '2024-06-03T00:00:00Z' }])
    expect(findings).toEqual([
      { line: 2, field: 'created_at', message: '`created_at` is in the future: 2024-06-03T00:00:00Z is 2 days after now (2024-06-01T00:00:00Z)' }
    ])
  })

  it('warns about records older than maxAgeDays only when it is set', () => {
    const rows = [{ date: '2024-03-03' }, { date: '2024-03-02' }, { date: '2023-01-01' }]
    expect(check(rows).findings).toEqual([])
    const { findings, summary } = check(rows, { maxAgeDays: 90 })
    expect(findings).toEqual([
      { line: 2, field: 'date', message: '`date` 2024-03-02T00:00:00Z is 91 days old, past the 90-day limit (maxAgeDays)' },
      { line: 3, field: 'date', message: '`date` 2023-01-01T00:00:00Z is 517 days old, past the 90-day limit (maxAgeDays)' }
    ])
    expect(summary).toEqual({
      fields: ['date'],
      records: 3,
      dates: 3,
      unparseable: 0,
      future: 0,
      older: 2,
      min: '2023-01-01T00:00:00Z',
      max: '2024-03-03T00:00:00Z',
      median: '2024-03-02',
      shareOlder: 2 / 3
    })
  })

  it('warns about unparseable values once a named field has shown it holds dates', () => {
    const { findings, summary } = check([{ updated_at: 1714564800 }, { updated_at: 'last week' }, { updated_at: null }])
    expect(findings).toEqual([{ line: 2, field: 'updated_at', message: '`updated_at` is not a date: `last week`' }])
    expect(summary.unparseable).toBe(1)
    // A value shown in a message is masked like everywhere else.
    expect(check([{ date: '2024-01-01' }, { date: 'ask jane.doe@gmail.com' }]).findings[0].message).toBe('`date` is not a date: `ask j****e@g****.com`')
  })

  it('ignores a field named like a timestamp whose first value is not a date (a duration)', () => {
    const { findings, summary } = check([{ time: '30 minutes' }, { time: '2030-01-01' }])
    expect(findings).toEqual([])
    expect(summary.fields).toEqual([])
  })

  it('finds timestamp fields by their ISO values, without warning about other values in them', () => {
    const { findings, summary } = check([{ seen: '2030-01-01T00:00:00Z' }, { seen: 'soon' }, { note: 'May 1, 2018' }])
    expect(findings.map((finding) => finding.message)).toEqual(['`seen` is in the future: 2030-01-01T00:00:00Z is 2,040 days after now (2024-06-01T00:00:00Z)'])
    expect(summary).toMatchObject({ fields: ['seen'], dates: 1, unparseable: 1 })
  })

  it('reads only the configured fields, nested ones included, and warns about every non-date there', () => {
    const rows: RecordFields[] = [{ meta: { crawled: 'not yet' }, created_at: '2030-01-01' }, { meta: { crawled: '2024-05-01' } }]
    const { findings, summary } = check(rows, { fields: ['meta.crawled'] })
    expect(findings).toEqual([{ line: 1, field: 'meta.crawled', message: '`meta.crawled` is not a date: `not yet`' }])
    expect(summary).toMatchObject({ fields: ['meta.crawled'], dates: 1, unparseable: 1 })
  })

  it('takes now from the clock when config.now is not set', () => {
    const tomorrowPlusTwo = new Date(Date.now() + 3 * 86_400_000).toISOString()
    const { findings } = runCheck(freshnessCheck, recordsOf([{ date: tomorrowPlusTwo }]))
    expect(findings).toHaveLength(1)
  })
})

describe('real data', () => {
  itReal('reads the Synthea patient record of Presidio: updated 2018, over five years before now', () => {
    const patient = readJson<RecordFields>('presidio/synthetic.json')
    const { findings, summary } = check([patient], { fields: ['meta.lastUpdated', 'birthDate'], maxAgeDays: 365 * 5 })
    expect(findings.map((finding) => finding.field)).toEqual(['meta.lastUpdated', 'birthDate'])
    expect(findings[0].message).toBe('`meta.lastUpdated` 2018-10-02T13:22:28.747Z is 2,068 days old, past the 1825-day limit (maxAgeDays)')
    expect(summary).toMatchObject({ dates: 2, older: 2, max: '2018-10-02T13:22:28.747Z' })
  })

  itReal('finds no timestamp fields in GSM8K or MBPP+ (negative control)', () => {
    for (const file of ['grade-school-math/train.jsonl', 'mbpp/mbppplus.json']) {
      const { findings, summary } = runCheck(freshnessCheck, realRecords(file), { config: { now: NOW } })
      expect({ file, findings, fields: summary.fields }).toEqual({ file, findings: [], fields: [] })
    }
  })
})
