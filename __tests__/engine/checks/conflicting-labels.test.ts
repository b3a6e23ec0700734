import { conflictingLabelsCheck } from '../../../src/engine/checks/conflicting-labels.js'
import type { RecordFields } from '../../../src/engine/types.js'
import { recordsOf, runCheck } from '../../helpers/runCheck.js'
import { itReal, readJson } from '../../helpers/realdata.js'

describe('conflicting-labels check', () => {
  it('flags the same normalised input with a different label, pointing at the first record', () => {
    const rows: RecordFields[] = [
      { text: 'The movie was great', label: 'pos' },
      { text: 'the  movie was GREAT', label: 'neg' },
      { text: 'The movie was great', label: 'Pos ' },
      { text: 'Boring film', label: 'neg' },
      { text: 'The movie was great', label: 'neutral' }
    ]
    const { findings, summary } = runCheck(conflictingLabelsCheck, recordsOf(rows), { file: 'data/sst.jsonl', settings: { labelField: 'label' }, textFields: ['text'] })
    expect(findings).toEqual([
      {
        line: 2,
        field: 'label',
        message: 'same input as line 1 but label "neg" where line 1 has "pos"',
        excerpt: 'the  movie was GREAT',
        duplicateOf: { file: 'data/sst.jsonl', line: 1 }
      },
      {
        line: 5,
        field: 'label',
        message: 'same input as line 1 but label "neutral" where line 1 has "pos"',
        excerpt: 'The movie was great',
        duplicateOf: { file: 'data/sst.jsonl', line: 1 }
      }
    ])
    expect(summary).toEqual({ mode: 'label', compared: 5, distinctInputs: 2, conflicts: 2 })
  })

  it('finds the same conflicts with its table sized for far fewer or far more records than come', () => {
    // Sized for 10, grown past it; sized for 100,000, never grown.
    const rows: RecordFields[] = Array.from({ length: 3000 }, (_, i) => ({ text: `question ${i % 1200}`, label: i % 1200 === i % 7 ? 'b' : 'a' }))
    const run = (expectedRecords?: number) => runCheck(conflictingLabelsCheck, recordsOf(rows), { settings: { labelField: 'label' }, textFields: ['text'], ...(expectedRecords ? { expectedRecords } : {}) })
    const plain = run()
    expect(plain.findings.length).toBeGreaterThan(0)
    expect(run(10)).toEqual(plain)
    expect(run(100_000)).toEqual(plain)
  })

  it('with a label field, counts the response as part of the input (rated responses are not conflicts)', () => {
    const rows: RecordFields[] = [
      { prompt: 'Capital of France?', response: 'Paris', rating: 'good' },
      { prompt: 'Capital of France?', response: 'Lyon', rating: 'bad' },
      { prompt: 'Capital of France?', response: 'paris', rating: 'bad' }
    ]
    const { findings } = runCheck(conflictingLabelsCheck, recordsOf(rows), { settings: { labelField: 'rating' }, textFields: ['prompt', 'response', 'rating'] })
    expect(findings.map((f) => [f.line, f.message])).toEqual([[3, 'same input as line 1 but label "bad" where line 1 has "good"']])
  })

  it('without a label field compares outputs (the first of output, response, completion, answer)', () => {
    const rows: RecordFields[] = [
      { instruction: 'Add 2 and 2', input: '', output: '4' },
      { instruction: 'add 2 and 2', input: '', output: ' 4 ' },
      { instruction: 'Add 2 and 2', input: '', output: '5' },
      { instruction: 'Add 2 and 2', input: 'in base 3', output: '11' },
      { instruction: 'Add 2 and 2', response: '22' }
    ]
    const { findings, summary } = runCheck(conflictingLabelsCheck, recordsOf(rows), { textFields: ['instruction', 'input', 'output'] })
    expect(findings.map((f) => [f.line, f.field, f.message, f.duplicateOf?.line])).toEqual([
      [3, 'output', 'same input as line 1 but a different `output`', 1],
      [5, 'response', 'same input as line 1 but a different `response`', 1]
    ])
    expect(summary).toEqual({ mode: 'output', compared: 5, distinctInputs: 2, conflicts: 2 })
  })

  it('honours inputFields and outputField, and skips records with no input or nothing to compare', () => {
    const rows: RecordFields[] = [
      { q: 'Capital of France?', ctx: 'geo', a: 'Paris' },
      { q: 'Capital of France?', ctx: 'history', a: 'Lutetia' },
      { q: '', a: 'x' },
      { q: 'Capital of France?', a: '' }
    ]
    const byQuestion = runCheck(conflictingLabelsCheck, recordsOf(rows), { config: { inputFields: ['q'], outputField: 'a' } })
    expect(byQuestion.findings.map((f) => f.line)).toEqual([2])
    expect(byQuestion.summary.compared).toBe(2)
    const byBoth = runCheck(conflictingLabelsCheck, recordsOf(rows), { config: { inputFields: ['q', 'ctx'], outputField: 'a' } })
    expect(byBoth.findings).toEqual([])
  })

  it('takes inputs alike once normalised on every path: case, runs of whitespace, CRLF, Unicode width, accents as written', () => {
    const rows: RecordFields[] = [
      { q: 'What is the CAPITAL of France?', a: 'Paris' },
      { q: '  what is the capital\r\nof   france? ', a: 'paris ' },
      { q: 'Ｗｈａｔ is the capital of France?', a: 'Lyon' },
      { q: 'What is the capital of France?\u0000', a: 'Nice' },
      { q: 'Crème brûlée?', a: 'Dessert' },
      { q: 'CRÈME  BRÛLÉE?', a: 'dessert' },
      { q: 'Creme brulee?', a: 'Pudding' }
    ]
    const { findings, summary } = runCheck(conflictingLabelsCheck, recordsOf(rows), { config: { inputFields: ['q'], outputField: 'a' } })
    expect(findings.map((f) => [f.line, f.duplicateOf?.line])).toEqual([[3, 1]])
    expect(summary).toEqual({ mode: 'output', compared: 7, distinctInputs: 4, conflicts: 1 })
  })

  it('reads inputs by dotted path, and compares multi-label sets whatever their order and spelling', () => {
    const rows: RecordFields[] = [
      { meta: { text: 'Great film' }, tags: ['Pos', 'fun'] },
      { meta: { text: 'great film' }, tags: ['FUN', ' pos.'] },
      { meta: { text: 'Great film' }, tags: ['pos'] },
      { meta: { text: 'Great film' }, tags: 'Pos' }
    ]
    const { findings, summary } = runCheck(conflictingLabelsCheck, recordsOf(rows), { settings: { labelField: 'tags' }, config: { inputFields: ['meta.text'] } })
    expect(findings.map((f) => [f.line, f.message])).toEqual([
      [3, 'same input as line 1 but label "pos" where line 1 has "Pos, fun"'],
      [4, 'same input as line 1 but label "Pos" where line 1 has "Pos, fun"']
    ])
    expect(summary).toEqual({ mode: 'label', compared: 4, distinctInputs: 1, conflicts: 2 })
  })

  itReal('finds 18 conflicting outputs among the instruction duplicates of AlpacaDataCleaned toolformer', () => {
    const rows = readJson<RecordFields[]>('AlpacaDataCleaned/toolformer-dedupe-only-dataset.json')
    const { findings, summary } = runCheck(conflictingLabelsCheck, recordsOf(rows), { textFields: ['instruction', 'input', 'output'] })
    // 7,673 records; 20 repeat an earlier (instruction, input) once normalised, 18 of them with another output.
    expect(summary).toEqual({ mode: 'output', compared: 7673, distinctInputs: 7653, conflicts: 18 })
    expect(findings.slice(0, 2).map((f) => [f.line, f.duplicateOf?.line])).toEqual([
      [1074, 310],
      [1211, 70]
    ])
  })
})
