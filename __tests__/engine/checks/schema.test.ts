import { compileRecordValidator, schemaCheck, type SchemaSummary } from '../../../src/engine/checks/schema.js'
import type { RecordFields } from '../../../src/engine/types.js'
import { checkContext, recordsOf, runCheck } from '../../helpers/runCheck.js'
import { itReal, readJson } from '../../helpers/realdata.js'

const recordSchema = {
  type: 'object',
  properties: {
    question: { type: 'string', minLength: 1 },
    answer: { type: 'string' },
    score: { type: 'number', maximum: 1 },
    meta: { type: 'object', properties: { source: { type: 'string', format: 'uri' } } }
  },
  required: ['question', 'answer'],
  additionalProperties: false
}

describe('with a JSON Schema', () => {
  it('reports every error of a record with its path, in the user\'s terms', () => {
    const { findings, summary } = runCheck(
      schemaCheck,
      recordsOf([
        { question: 'ok?', answer: 'yes', score: 0.5, meta: { source: 'not a uri, but formats are not checked' } },
        { question: '', score: 2, meta: { source: 7 }, extra: true }
      ]),
      { config: { schemaObject: recordSchema } }
    )
    expect(findings).toEqual([
      { line: 2, field: 'answer', message: 'required field `answer` is missing' },
      { line: 2, field: 'extra', message: 'field `extra` is not allowed by the schema (additionalProperties is false)' },
      { line: 2, field: 'question', message: '`question` must NOT have fewer than 1 characters (minLength)', excerpt: '' },
      { line: 2, field: 'score', message: '`score` must be <= 1 (maximum)', excerpt: '2' },
      { line: 2, field: 'meta.source', message: '`meta.source` must be string, not number', excerpt: '7' }
    ])
    expect(summary.invalid).toBe(1)
  })

  it('caps the errors listed per record and counts the rest', () => {
    const wide = { type: 'object', patternProperties: { '^f': { type: 'string' } } }
    const fields = Object.fromEntries(Array.from({ length: 5 }, (_, i) => [`f${i}`, i]))
    const { findings } = runCheck(schemaCheck, recordsOf([fields]), { config: { schemaObject: wide, maxErrorsPerRecord: 3 } })
    expect(findings.map((finding) => finding.message)).toEqual([
      '`f0` must be string, not number',
      '`f1` must be string, not number',
      '`f2` must be string, not number',
      '2 more schema errors in this record'
    ])
  })

  it('reports a schema that does not compile once, at file level, and keeps going', () => {
    const { findings } = runCheck(schemaCheck, recordsOf([{ a: 1 }, { a: 2 }]), {
      config: { schemaObject: { type: 'object', properties: { a: { $ref: '#/definitions/missing' } } } },
      settings: { schema: 'schemas/broken.json' }
    })
    expect(findings).toHaveLength(1)
    expect(findings[0].line).toBeUndefined()
    expect(findings[0].message).toMatch(/^the JSON Schema `schemas\/broken.json` could not be compiled, so records were not validated: can't resolve reference #\/definitions\/missing/)
  })

  it('reads a draft 2020-12 schema with its own keywords', () => {
    const validate = compileRecordValidator({
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      type: 'object',
      properties: { tags: { type: 'array', prefixItems: [{ type: 'string' }], items: false } }
    })
    expect(validate({ tags: ['a'] })).toBe(true)
    expect(validate({ tags: ['a', 'b'] })).toBe(false)
  })

  itReal('checks each Alpaca record against the items of AlpacaDataCleaned\'s whole-file schema: only record 4069 breaks it, by its extra field', () => {
    const schema = readJson('AlpacaDataCleaned/schema.json')
    // The schema describes the file: an array of objects with exactly instruction, input and output.
    expect(schema).toMatchObject({ type: 'array', items: { additionalProperties: false } })
    const rows = readJson<RecordFields[]>('AlpacaDataCleaned/toolformer-dedupe-only-dataset.json')
    const { findings, summary } = runCheck(schemaCheck, recordsOf(rows), { config: { schemaObject: schema }, settings: { schema: 'schema.json' } })
    expect(findings).toEqual([
      { line: 4070, field: 'example_input', message: 'field `example_input` is not allowed by the schema (additionalProperties is false)' }
    ])
    expect(summary).toMatchObject({ records: 7673, invalid: 1 })
  })
})

describe('without a schema: type drift against base', () => {
  const base = (rows: RecordFields[]): SchemaSummary => runCheck(schemaCheck, recordsOf(rows), { side: 'base' }).summary

  it('summarises each field as its JSON types and how many records have it', () => {
    expect(base([{ q: 'a', n: 1 }, { q: 'b', n: null }, { q: 'c' }])).toEqual({
      records: 3,
      invalid: 0,
      fields: { q: { present: 3, types: { string: 3 } }, n: { present: 2, types: { number: 1, null: 1 } } }
    })
  })

  it('counts a field whose type changes from record to record under each type, in the order first seen', () => {
    const summary = base([{ n: 1 }, { n: 'x', m: [] }, { n: 2 }, { n: null, m: {} }, { n: 'y' }, { m: [] }])
    expect(summary.fields).toEqual({ n: { present: 5, types: { number: 2, string: 2, null: 1 } }, m: { present: 3, types: { array: 2, object: 1 } } })
    expect(Object.keys(summary.fields.n.types)).toEqual(['number', 'string', 'null'])
    const { findings } = runCheck(schemaCheck, recordsOf([{ n: true, m: 1 }, { n: 3, m: 'a' }, { n: false }]), { base: summary })
    expect(findings.map((finding) => [finding.line, finding.message])).toEqual([
      [1, '`n` is a boolean; in base it was always number or string or null'],
      [3, '`n` is a boolean; in base it was always number or string or null'],
      [1, '`m` is a number; in base it was always array or object'],
      [2, '`m` is a string; in base it was always array or object']
    ])
  })

  it('reports new fields, retyped values and missing fields that base always had', () => {
    const baseSummary = base([{ q: 'a', label: 'x', n: 1 }, { q: 'b', label: 'y', n: null }])
    const { findings } = runCheck(
      schemaCheck,
      recordsOf([
        { q: 'c', label: 'x', n: 2 },
        { q: 'd', label: 3, n: null },
        { q: 'e', n: 4, note: 'new' },
        { q: ['f'], label: 'z' }
      ]),
      { base: baseSummary }
    )
    expect(findings).toEqual([
      { line: 2, field: 'label', message: '`label` is a number; in base it was always string', severity: 'warning' },
      { line: 3, field: 'note', message: 'new field `note` (string): no base record has it', severity: 'warning' },
      { line: 4, field: 'q', message: '`q` is an array; in base it was always string', severity: 'warning' },
      { line: 3, field: 'label', message: 'field `label` is missing; every base record has it', severity: 'warning' },
      { line: 4, field: 'n', message: 'field `n` is missing; every base record has it', severity: 'warning' }
    ])
  })

  it('does not call a field missing when base also lacked it sometimes, and lists a field gone from head once', () => {
    const baseSummary = base([{ q: 'a', hint: 'h', source: 's' }, { q: 'b', source: 's' }])
    const { findings } = runCheck(schemaCheck, recordsOf([{ q: 'c' }, { q: 'd' }]), { base: baseSummary })
    expect(findings).toEqual([{ field: 'source', message: 'field `source` is gone: every base record has it, no head record does', severity: 'warning' }])
  })

  it('lists at most maxExamples records per drift and counts the rest at file level, including records before a field first appears', () => {
    const baseSummary = base([{ q: 'a', extra: 'x' }])
    const rows: RecordFields[] = [{ q: 'b' }, { q: 'c' }, { q: 'd' }, { q: 'e', extra: 'y' }]
    const { findings } = runCheck(schemaCheck, recordsOf(rows), { base: baseSummary, config: { maxExamples: 2 } })
    expect(findings).toEqual([
      { line: 1, field: 'extra', message: 'field `extra` is missing; every base record has it', severity: 'warning' },
      { line: 2, field: 'extra', message: 'field `extra` is missing; every base record has it', severity: 'warning' },
      { field: 'extra', message: '1 more records like the 2 listed: field `extra` is missing; every base record has it', severity: 'warning' }
    ])
  })

  itReal('finds the one Alpaca record with an extra field when the first half of the file is the base', () => {
    const rows = readJson<RecordFields[]>('AlpacaDataCleaned/toolformer-dedupe-only-dataset.json')
    const half = Math.floor(rows.length / 2)
    const records = recordsOf(rows)
    const baseSummary = runCheck(schemaCheck, records.slice(0, half), { side: 'base' }).summary
    expect(baseSummary.fields).toEqual({
      instruction: { present: half, types: { string: half } },
      input: { present: half, types: { string: half } },
      output: { present: half, types: { string: half } }
    })
    const { findings } = runCheck(schemaCheck, records.slice(half), { base: baseSummary })
    expect(findings).toEqual([{ line: 4070, field: 'example_input', message: 'new field `example_input` (string): no base record has it', severity: 'warning' }])
  })
})

describe('applicability', () => {
  it('is applicable with a schema, or without one once compared with a base', () => {
    expect(schemaCheck.start(checkContext({ config: { schemaObject: { type: 'object' } } })).applicable?.()).toBe(true)
    const alone = schemaCheck.start(checkContext())
    alone.finish(() => undefined)
    expect(alone.applicable?.()).toBe(false)
    const compared = schemaCheck.start(checkContext())
    compared.finish(() => undefined, { records: 1, invalid: 0, fields: {} })
    expect(compared.applicable?.()).toBe(true)
  })
})
