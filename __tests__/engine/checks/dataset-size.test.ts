import { datasetSizeCheck, sizeGuideFor } from '../../../src/engine/checks/dataset-size.js'
import type { Purpose } from '../../../src/config/types.js'
import type { DatasetRecord } from '../../../src/engine/types.js'
import { checkContext, recordsOf, runCheck } from '../../helpers/runCheck.js'

const records = (count: number): DatasetRecord[] => recordsOf(Array.from({ length: count }, (_, i) => ({ id: i })))
const messagesFor = (purpose: Purpose | undefined, count: number, config = {}): Array<[string, string | undefined]> =>
  runCheck(datasetSizeCheck, records(count), { settings: { purpose }, config }).findings.map((finding) => [finding.message, finding.severity])

describe('dataset-size', () => {
  it('warns below the minimum of the purpose, saying the numbers and where they come from', () => {
    expect(messagesFor('lora', 199)).toEqual([
      ['199 records is below the minimum of 200 for LoRA fine-tuning (the rule of thumb for purpose `lora`; set `minRecords` and `sweetSpot` to change it)', undefined]
    ])
    expect(messagesFor('lora', 200)).toEqual([
      ['200 records is below the usual 1,000–10,000 for LoRA fine-tuning (the rule of thumb for purpose `lora`; set `minRecords` and `sweetSpot` to change it)', 'info']
    ])
    expect(messagesFor('lora', 1000)).toEqual([])
    expect(messagesFor('lora', 10000)).toEqual([])
    expect(messagesFor('lora', 10001).map(([message]) => message)).toEqual([
      '10,001 records is above the usual 1,000–10,000 for LoRA fine-tuning (the rule of thumb for purpose `lora`; set `minRecords` and `sweetSpot` to change it)'
    ])
  })

  it('knows each purpose', () => {
    expect(messagesFor('finetune', 4999)[0][0]).toMatch(/^4,999 records is below the minimum of 5,000 for full fine-tuning/)
    expect(messagesFor('finetune', 50000)).toEqual([])
    expect(messagesFor('rag', 9)[0][0]).toMatch(/^9 documents is below the minimum of 10 for a RAG corpus/)
    expect(messagesFor('rag', 10)).toEqual([])
    expect(messagesFor('rag', 100000)).toEqual([])
    expect(messagesFor('eval', 49)[0][0]).toMatch(/^49 items is below the minimum of 50 for an evaluation set/)
    expect(messagesFor('eval', 50)[0]).toEqual([expect.stringMatching(/^50 items is below the usual 200–500 for an evaluation set/), 'info'])
    expect(messagesFor('eval', 500)).toEqual([])
    expect(messagesFor('few-shot', 1)[0][0]).toMatch(/^1 example is below the minimum of 2 for few-shot prompting/)
    expect(messagesFor('few-shot', 4)).toEqual([])
    expect(messagesFor('few-shot', 6)[0]).toEqual([expect.stringMatching(/^6 examples is above the usual 3–5/), 'info'])
    expect(messagesFor('pretrain', 3)).toEqual([])
  })

  it('says nothing without a purpose, and summarises the count either way', () => {
    expect(runCheck(datasetSizeCheck, records(3), {})).toEqual({ findings: [], summary: { records: 3 } })
    expect(runCheck(datasetSizeCheck, records(3), { settings: { purpose: 'pretrain' } }).summary).toEqual({ records: 3, purpose: 'pretrain' })
  })

  it('takes the minimum and the range from the config, and names the base count', () => {
    expect(sizeGuideFor('eval', { minRecords: 20, sweetSpot: [30, 40] })).toMatchObject({ minimum: 20, sweetSpot: [30, 40], configured: true })
    expect(sizeGuideFor('eval', { sweetSpot: [40, 30] })).toMatchObject({ minimum: 50, sweetSpot: [200, 500], configured: false })
    const base = runCheck(datasetSizeCheck, records(25), { side: 'base', settings: { purpose: 'eval' } }).summary
    const { findings } = runCheck(datasetSizeCheck, records(15), { settings: { purpose: 'eval' }, config: { minRecords: 20 }, base })
    expect(findings).toEqual([{ message: '15 items (25 in base) is below the minimum of 20 for an evaluation set (configured for purpose `eval`)' }])
  })

  it('is applicable only for a purpose with a minimum or a range', () => {
    const withPurpose = (purpose?: Purpose): boolean | undefined =>
      datasetSizeCheck.start(checkContext({ settings: { path: 'x', key: [], checks: {}, purpose } })).applicable?.()
    expect([withPurpose(undefined), withPurpose('pretrain'), withPurpose('lora')]).toEqual([false, false, true])
  })
})
