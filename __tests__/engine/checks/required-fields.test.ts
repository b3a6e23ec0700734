import { requiredFieldsCheck } from '../../../src/engine/checks/required-fields.js'
import type { RecordFields } from '../../../src/engine/types.js'
import { checkContext, recordsOf, runCheck } from '../../helpers/runCheck.js'
import { itReal, readJson } from '../../helpers/realdata.js'

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

  it('counts and reports a field listed twice at each listing, as before', () => {
    const { findings, summary } = runCheck(requiredFieldsCheck, recordsOf([{ q: null }, {}]), { config: { fields: ['q', 'a', 'q'] } })
    expect(findings).toEqual([
      { line: 1, field: 'q', message: 'required field `q` is null' },
      { line: 1, field: 'a', message: 'required field `a` is missing' },
      { line: 1, field: 'q', message: 'required field `q` is null' },
      { line: 2, field: 'q', message: 'required field `q` is missing' },
      { line: 2, field: 'a', message: 'required field `a` is missing' },
      { line: 2, field: 'q', message: 'required field `q` is missing' }
    ])
    expect(summary).toEqual({ records: 2, missing: { q: 2, a: 2 }, null: { q: 2, a: 0 } })
  })

  it('requires nothing when no fields are configured', () => {
    expect(runCheck(requiredFieldsCheck, recordsOf([{}]), { textFields: ['text'] }).findings).toEqual([])
  })

  itReal('finds every Alpaca toolformer record complete', () => {
    const rows = readJson<RecordFields[]>('AlpacaDataCleaned/toolformer-dedupe-only-dataset.json')
    const { findings, summary } = runCheck(requiredFieldsCheck, recordsOf(rows), { config: { fields: ['instruction', 'input', 'output'] } })
    expect(findings).toEqual([])
    expect(summary.records).toBe(7673)
  })

  it('is applicable only with fields to require', () => {
    expect(requiredFieldsCheck.start(checkContext()).applicable?.()).toBe(false)
    expect(requiredFieldsCheck.start(checkContext({ config: { fields: ['q'] } })).applicable?.()).toBe(true)
  })
})
