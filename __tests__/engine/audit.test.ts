import { defaultConfig } from '../../src/config/load.js'
import type { AuditConfig } from '../../src/config/types.js'
import { runAudit, type FileChange } from '../../src/engine/audit.js'
import type { Check } from '../../src/engine/checks/types.js'
import { bufferSource } from '../../src/sources/memory.js'

const jsonl = (rows: object[]): string => rows.map((r) => JSON.stringify(r)).join('\n') + '\n'

function change(path: string, base: string | undefined, head: string | undefined): FileChange {
  return {
    path,
    status: base === undefined ? 'added' : head === undefined ? 'removed' : 'modified',
    ...(base !== undefined ? { base: bufferSource(path, base) } : {}),
    ...(head !== undefined ? { head: bufferSource(path, head) } : {})
  }
}

/** A check that flags records whose `text` contains "BAD": enough to drive scores and the gate. */
const badWordCheck: Check<number> = {
  id: 'bad-word',
  dimension: 'completeness',
  description: 'flags BAD',
  defaultSeverity: 'error',
  defaults: {},
  start: () => {
    let count = 0
    return {
      record: (record, emit) => {
        if (String(record.fields.text ?? '').includes('BAD')) {
          count++
          emit({ field: 'text', message: 'text contains `BAD`' })
        }
      },
      finish: () => count
    }
  }
}

function config(overrides: Partial<AuditConfig> = {}): AuditConfig {
  return { ...defaultConfig(), ...overrides }
}

const base = jsonl([
  { id: 1, text: 'a fine record' },
  { id: 2, text: 'another fine record' },
  { id: 3, text: 'BAD from the start' },
  { id: 4, text: 'fourth fine record' }
])

describe('runAudit', () => {
  it('marks findings in added or modified records as introduced and the old ones as not', async () => {
    const head = jsonl([
      { id: 1, text: 'a fine record' },
      { id: 2, text: 'another BAD record now' },
      { id: 3, text: 'BAD from the start' },
      { id: 4, text: 'fourth fine record' },
      { id: 5, text: 'a new BAD one' }
    ])
    const report = await runAudit([change('data/train.jsonl', base, head)], { config: config(), checks: [badWordCheck] })
    const [file] = report.files
    expect(file).toMatchObject({ added: 1, modified: 1, removed: 0, unchanged: 3, keyFields: ['id'], diffMode: 'key' })
    const flagged = file.findings.map((f) => [f.line, f.introduced, f.key])
    expect(flagged).toEqual([
      [2, true, '2'],
      [5, true, '5'],
      [3, false, '3']
    ])
    expect(file.counts).toEqual([
      { check: 'bad-word', dimension: 'completeness', total: 3, introduced: 2, error: 3, warning: 0, info: 0, introducedErrors: 2, introducedWarnings: 0, base: 1 }
    ])
    // Head: 3 of 5 records bad; base: 1 of 4; patch: both changed records bad.
    expect(report.dimensions.completeness).toEqual({ score: 40, baseScore: 75, patchScore: 0 })
    expect(report.regressions[0]).toMatchObject({ kind: 'new-findings', check: 'bad-word', severity: 'error', count: 2 })
    expect(report.gate.passed).toBe(false)
  })

  it('never counts removing bad records as a regression', async () => {
    const head = jsonl([
      { id: 1, text: 'a fine record' },
      { id: 2, text: 'another fine record' },
      { id: 4, text: 'fourth fine record' }
    ])
    const report = await runAudit([change('data/train.jsonl', base, head)], { config: config(), checks: [badWordCheck] })
    expect(report.files[0]).toMatchObject({ removed: 1, added: 0, modified: 0 })
    expect(report.dimensions.completeness.score).toBe(100)
    expect(report.regressions).toEqual([])
    expect(report.gate.passed).toBe(true)
  })

  it('lets an accepted check through the gate and says so', async () => {
    const head = jsonl([{ id: 9, text: 'BAD' }])
    const report = await runAudit([change('data/new.jsonl', undefined, head)], { config: config(), checks: [badWordCheck], accepted: ['bad-word'] })
    expect(report.regressions[0].accepted).toBe(true)
    expect(report.gate.passed).toBe(true)
  })

  it('applies min-score and fail-on never', async () => {
    const head = jsonl([{ id: 9, text: 'BAD' }, { id: 10, text: 'ok' }])
    const failing = await runAudit([change('d.jsonl', undefined, head)], { config: config({ failOn: 'never', minScore: 95 }), checks: [badWordCheck] })
    expect(failing.gate).toMatchObject({ passed: false, reasons: [expect.stringMatching(/under min-score 95/)] })
    const passing = await runAudit([change('d.jsonl', undefined, head)], { config: config({ failOn: 'never' }), checks: [badWordCheck] })
    expect(passing.gate.passed).toBe(true)
  })

  it('reports a malformed line and keeps auditing the rest of the file, and other files', async () => {
    const head = base + '{"id": 5, "text": \n' + jsonl([{ id: 6, text: 'after the bad line' }])
    const report = await runAudit(
      [change('data/a.jsonl', base, head), change('data/b.jsonl', undefined, jsonl([{ id: 1, text: 'fine' }]))],
      { config: config(), checks: [badWordCheck] }
    )
    const [a, b] = report.files
    expect(a).toMatchObject({ records: 5, skipped: 1, added: 1 })
    expect(a.findings.find((f) => f.check === 'parse')).toMatchObject({ line: 5, severity: 'error', introduced: true })
    expect(b).toMatchObject({ records: 1, status: 'added' })
    expect(report.regressions.map((r) => r.check)).toContain('parse')
  })

  it('does not call an old malformed line new', async () => {
    const broken = base + 'not json at all\n'
    const report = await runAudit([change('data/a.jsonl', broken, broken + jsonl([{ id: 7, text: 'fine' }]))], { config: config(), checks: [] })
    const parse = report.files[0].findings.filter((f) => f.check === 'parse')
    expect(parse).toHaveLength(1)
    expect(parse[0].introduced).toBe(false)
    expect(report.gate.passed).toBe(true)
  })

  it('reports a removed file with its base records and no head findings', async () => {
    const report = await runAudit([change('data/old.jsonl', base, undefined)], { config: config(), checks: [badWordCheck] })
    expect(report.files[0]).toMatchObject({ status: 'removed', records: 4, baseRecords: 4, removed: 4, findings: [] })
    expect(report.gate.passed).toBe(true)
  })

  it('falls back to content matching when a guessed id repeats', async () => {
    const b = jsonl([{ id: 1, text: 'x' }, { id: 1, text: 'y' }])
    const h = jsonl([{ id: 1, text: 'y' }, { id: 1, text: 'x' }])
    const report = await runAudit([change('d.jsonl', b, h)], { config: config(), checks: [] })
    expect(report.files[0]).toMatchObject({ diffMode: 'content', added: 0, removed: 0, modified: 0, reordered: true })
  })

  it('reports duplicates of a configured key on head', async () => {
    const h = base + jsonl([{ id: 2, text: 'reuses id 2' }])
    const report = await runAudit([change('d.jsonl', base, h)], { config: config({ rules: [{ paths: ['**'], key: ['id'] }] }), checks: [] })
    expect(report.files[0].findings).toEqual([
      expect.objectContaining({ check: 'duplicate-keys', line: 5, key: '2', duplicateOf: { file: 'd.jsonl', line: 2 }, introduced: true })
    ])
  })
})
