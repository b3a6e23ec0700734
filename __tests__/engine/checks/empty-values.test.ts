import { emptiness, emptyValuesCheck } from '../../../src/engine/checks/empty-values.js'
import { recordsOf, runCheck } from '../../helpers/runCheck.js'
import { itReal, readDatasetRecords, readJsonl } from '../../helpers/realdata.js'

describe('empty-values', () => {
  it('says how a value is empty', () => {
    expect(emptiness(null, 'x')).toBe('is null')
    expect(emptiness('', 'x')).toBe('is an empty string')
    expect(emptiness(' \n\t', 'x')).toBe('is whitespace only')
    expect(emptiness([], 'x')).toBe('is an empty list')
    expect(emptiness([], 'Messages')).toBe('has no messages')
    expect(emptiness({}, 'x')).toBe('is an empty object')
    expect(emptiness(0, 'x')).toBeUndefined()
    expect(emptiness(false, 'x')).toBeUndefined()
    expect(emptiness(' a ', 'x')).toBeUndefined()
  })

  it('reports empty values in every field, nested ones by path, and counts them per field pattern', () => {
    const { findings, summary } = runCheck(
      emptyValuesCheck,
      recordsOf([
        { instruction: 'Say hi', input: '', output: '  ', tags: [], meta: {} },
        { messages: [] },
        { messages: [{ role: 'user', content: 'Hi' }, { role: 'assistant', content: '' }], score: null }
      ])
    )
    expect(findings).toEqual([
      { line: 1, field: 'output', message: '`output` is whitespace only' },
      { line: 1, field: 'tags', message: '`tags` is an empty list' },
      { line: 1, field: 'meta', message: '`meta` is an empty object' },
      { line: 2, field: 'messages', message: '`messages` has no messages' },
      { line: 3, field: 'messages.1.content', message: '`messages.1.content` is an empty string' },
      { line: 3, field: 'score', message: '`score` is null' }
    ])
    expect(summary).toEqual({ output: 1, tags: 1, meta: 1, messages: 1, 'messages.*.content': 1, score: 1 })
  })

  it('finds whitespace-only strings whatever their whitespace, at any depth, and leaves strings with text alone', () => {
    const blanks = ['\u00a0', '\u3000 ', '\ufeff', '\u2028\u2029', '\r\n', '\u000b\u000c']
    const filled = [' a', '\ta', '\u0001', '\u0085', '\u200b', 'é', '😀', '~']
    const { findings } = runCheck(
      emptyValuesCheck,
      recordsOf([Object.fromEntries([...blanks, ...filled].map((text, i) => [`f${i}`, text])), { deep: [['x', [' ', 'y']], { a: { b: '\u00a0' } }], list: [1, true, 'z', '', null] }])
    )
    expect(findings.map((finding) => [finding.line, finding.field, finding.message])).toEqual([
      ...blanks.map((_, i) => [1, `f${i}`, `\`f${i}\` is whitespace only`]),
      [2, 'deep.0.1.0', '`deep.0.1.0` is whitespace only'],
      [2, 'deep.1.a.b', '`deep.1.a.b` is whitespace only'],
      [2, 'list.3', '`list.3` is an empty string'],
      [2, 'list.4', '`list.4` is null']
    ])
  })

  it('checks only the configured fields, and `allowEmpty` decides which may be empty', () => {
    const rows = recordsOf([{ input: '', output: '', notes: '', instances: [{ input: '', output: '' }] }])
    expect(runCheck(emptyValuesCheck, rows, { config: { fields: ['output', 'missing'] } }).findings.map((finding) => finding.field)).toEqual(['output'])
    expect(runCheck(emptyValuesCheck, rows, { config: { allowEmpty: ['notes', 'instances.*.output'] } }).findings.map((finding) => finding.field)).toEqual([
      'input',
      'output',
      'instances.0.input'
    ])
  })

  itReal('finds the 50 empty seed-task inputs only when `input` is not allowed to be empty', () => {
    const rows = readJsonl('stanford_alpaca/seed_tasks.jsonl')
    expect(runCheck(emptyValuesCheck, recordsOf(rows)).findings).toEqual([])
    const strict = runCheck(emptyValuesCheck, recordsOf(rows), { config: { allowEmpty: [] } })
    expect(strict.findings).toHaveLength(50)
    expect(strict.summary).toEqual({ 'instances.*.input': 50 })
  })

  itReal('finds the 2 blank TruthfulQA-es judgements (4 cells) that the upstream fix filled', async () => {
    const fields = ['truthfulness', 'informativeness']
    const before = runCheck(emptyValuesCheck, await readDatasetRecords('truthfulqa-multi/es.before.csv'), { config: { fields } })
    // Rows 188 and 189 (question 545, two models) start on lines 1818 and 1826: the cells hold line breaks.
    expect(before.findings.map((finding) => [finding.line, finding.field])).toEqual([
      [1818, 'truthfulness'],
      [1818, 'informativeness'],
      [1826, 'truthfulness'],
      [1826, 'informativeness']
    ])
    expect(before.summary).toEqual({ truthfulness: 2, informativeness: 2 })
    expect(runCheck(emptyValuesCheck, await readDatasetRecords('truthfulqa-multi/es.after.csv'), { config: { fields } }).findings).toEqual([])
  })
})
