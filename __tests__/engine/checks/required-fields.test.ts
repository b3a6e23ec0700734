import fs from 'node:fs'
import path from 'node:path'
import { requiredFieldsCheck } from '../../../src/engine/checks/required-fields.js'
import type { RecordFields } from '../../../src/engine/types.js'
import { recordsOf, runCheck } from '../../helpers/runCheck.js'
import type { CheckContext } from '../../../src/engine/checks/types.js'

const REALDATA = path.resolve(process.cwd(), '../shared/realdata')
const itReal = fs.existsSync(REALDATA) ? it : it.skip

const contextOf = (overrides: Partial<CheckContext> = {}): CheckContext => ({
  file: 'data/train.jsonl',
  side: 'head',
  settings: { path: 'data/train.jsonl', key: [], checks: {} },
  config: {},
  textFields: [],
  ...overrides
})

describe('required-fields', () => {
  it('reports each required field that is missing or null, dotted paths included; empty values pass', () => {
    const { findings, summary } = runCheck(
      requiredFieldsCheck,
      recordsOf([{ q: 'a', a: 'b', meta: { source: 's' } }, { q: 'a', a: null, meta: {} }, { a: '' }]),
      { config: { fields: ['q', 'a', 'meta.source'] } }
    )
    expect(findings).toEqual([
      { line: 2, field: 'a', message: 'required field `a` is null' },
      { line: 2, field: 'meta.source', message: 'required field `meta.source` is missing' },
      { line: 3, field: 'q', message: 'required field `q` is missing' },
      { line: 3, field: 'meta.source', message: 'required field `meta.source` is missing' }
    ])
    expect(summary).toEqual({ records: 3, missing: { q: 1, a: 0, 'meta.source': 2 }, null: { q: 0, a: 1, 'meta.source': 0 } })
  })

  it('requires nothing when no fields are configured', () => {
    expect(runCheck(requiredFieldsCheck, recordsOf([{}]), { textFields: ['text'] }).findings).toEqual([])
  })

  itReal('finds every Alpaca toolformer record complete', () => {
    const rows = JSON.parse(fs.readFileSync(path.join(REALDATA, 'AlpacaDataCleaned/toolformer-dedupe-only-dataset.json'), 'utf8')) as RecordFields[]
    const { findings, summary } = runCheck(requiredFieldsCheck, recordsOf(rows), { config: { fields: ['instruction', 'input', 'output'] } })
    expect(findings).toEqual([])
    expect(summary.records).toBe(7673)
  })

  it('is applicable only with fields to require', () => {
    expect(requiredFieldsCheck.start(contextOf()).applicable?.()).toBe(false)
    expect(requiredFieldsCheck.start(contextOf({ config: { fields: ['q'] } })).applicable?.()).toBe(true)
  })
})
