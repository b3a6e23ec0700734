import { compilePatterns, formatCheck } from '../../../src/engine/checks/format.js'
import { recordsOf, runCheck } from '../../helpers/runCheck.js'
import { itReal, readJsonl } from '../../helpers/realdata.js'

const GSM8K_ANSWER = '####\\s*-?[\\d,.]+\\s*$'

describe('format', () => {
  itReal('finds every one of the 1319 GSM8K test answers ending in `#### <number>`', () => {
    const rows = readJsonl('grade-school-math/test.jsonl')
    const { findings, summary } = runCheck(formatCheck, recordsOf(rows), { config: { fields: ['answer'], pattern: GSM8K_ANSWER } })
    expect(findings).toEqual([])
    expect(summary).toEqual({ answer: { checked: 1319, failed: 0 } })
  })

  it('reports an answer without the final number, showing its start and end', () => {
    const answer = 'Natalia sold 48/2 = <<48/2=24>>24 clips in May.\nNatalia sold 48+24 = <<48+24=72>>72 clips altogether in April and May.\nThe answer is 72'
    const { findings, summary } = runCheck(formatCheck, recordsOf([{ answer: 'She has 5.\n#### 5' }, { answer }, { answer: 'Loss.\n#### -1,250.50 ' }]), {
      config: { fields: ['answer'], pattern: GSM8K_ANSWER }
    })
    expect(findings).toEqual([
      {
        line: 2,
        field: 'answer',
        message: '`answer` does not match the pattern `####\\s*-?[\\d,.]+\\s*$`',
        excerpt: 'Natalia sold 48/2 = <<48/2=24>>24 clips in Ma … 4=72>>72 clips altogether in April and May.\nThe answer is 72'
      }
    ])
    expect(summary).toEqual({ answer: { checked: 3, failed: 1 } })
  })

  it('takes per-field patterns and flags, matches numbers as text, and skips missing and null values', () => {
    const { findings } = runCheck(formatCheck, recordsOf([{ id: 'Mbpp/12', n: 7 }, { id: 'mbpp/13', n: 'x' }, { id: null }, {}]), {
      config: { patterns: { id: '^Mbpp/\\d+$', n: '^\\d+$' } }
    })
    expect(findings.map((finding) => [finding.line, finding.field])).toEqual([
      [2, 'id'],
      [2, 'n']
    ])
    const caseless = runCheck(formatCheck, recordsOf([{ id: 'mbpp/13' }]), { config: { patterns: { id: '^Mbpp/\\d+$' }, flags: 'i' } })
    expect(caseless.findings).toEqual([])
  })

  it('reports an invalid pattern once at file level instead of failing, and still applies the valid ones', () => {
    const { findings } = runCheck(formatCheck, recordsOf([{ a: 'x', b: 'y' }, { a: 'z', b: 'w' }]), { config: { fields: ['a', 'b'], pattern: '([a-z]', patterns: { b: '^y$' } } })
    expect(findings).toEqual([
      { line: 2, field: 'b', message: '`b` does not match the pattern `^y$`', excerpt: 'w' },
      {
        severity: 'error',
        message: 'the pattern `([a-z]` is not a valid regular expression (Invalid regular expression: /([a-z]/: Unterminated group), so no value was checked against it'
      }
    ])
  })

  it('does nothing without fields or a pattern', () => {
    expect(compilePatterns({ pattern: 'x' })).toEqual({ patterns: [], problems: [] })
    expect(runCheck(formatCheck, recordsOf([{ a: 'b' }]), { textFields: ['a'] }).findings).toEqual([])
  })
})
