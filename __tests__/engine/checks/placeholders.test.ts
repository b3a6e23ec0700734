import { DEFAULT_PLACEHOLDERS, placeholdersCheck } from '../../../src/engine/checks/placeholders.js'
import { truncate } from '../../../src/engine/text.js'
import type { RecordFields } from '../../../src/engine/types.js'
import { recordsOf, runCheck } from '../../helpers/runCheck.js'
import { itReal, readJson, readJsonl } from '../../helpers/realdata.js'
import { adversarialTexts, realTexts } from './prefilter-corpus.js'

describe('placeholders', () => {
  it('reports whole-value placeholders in any case and spacing, and leaves longer text that contains them alone', () => {
    const values = [' N/A ', 'n/a', 'TODO', 'tbd', 'FIXME', '<noinput>', '<No Input>', 'No input', 'noinput', '<No Output>', 'None', 'NULL', '...', '…', '<Picture Attached>']
    const { findings, summary } = runCheck(placeholdersCheck, recordsOf(values.map((output) => ({ output }))), { textFields: ['output'] })
    expect(findings.map((finding) => finding.line)).toEqual(values.map((_, i) => i + 1))
    expect(findings[0]).toEqual({ line: 1, field: 'output', message: '`output` is a placeholder: `N/A`', excerpt: ' N/A ' })
    expect(summary).toEqual({ 'N/A': 2, TODO: 1, TBD: 1, FIXME: 1, '<noinput>': 1, '<no input>': 1, 'No input': 1, noinput: 1, '<No Output>': 1, None: 1, null: 1, '...': 1, '…': 1, '<Picture Attached>': 1 })
    const fine = ['None of the above.', 'TODO: write tests', 'The answer is N/A for inapplicable rows', 'Wait...', 'Na', 'na']
    expect(runCheck(placeholdersCheck, recordsOf(fine.map((output) => ({ output }))), { textFields: ['output'] }).findings).toEqual([])
    expect(runCheck(placeholdersCheck, recordsOf([{ output: 'NA' }]), { textFields: ['output'] }).findings).toHaveLength(1)
  })

  it('finds lorem ipsum filler and [insert …] slots anywhere, but not text about lorem ipsum', () => {
    const { findings } = runCheck(
      placeholdersCheck,
      recordsOf([
        { output: 'Dear [Insert name here], thank you.' },
        { output: 'Body: Lorem ipsum dolor sit amet, consectetur adipiscing elit.' },
        { output: 'Lorem ipsum is a placeholder text used in publishing.' }
      ]),
      { textFields: ['output'] }
    )
    expect(findings).toEqual([
      { line: 1, field: 'output', message: '`output` contains an unfilled template slot: `[Insert name here]`', excerpt: 'Dear [Insert name here], thank you.' },
      { line: 2, field: 'output', message: '`output` contains lorem ipsum filler text: `Lorem ipsum dolor`', excerpt: 'Body: Lorem ipsum dolor sit amet, consectetur adipiscing elit.' }
    ])
  })

  it('looks inside chat turns and nested lists of the fields, and takes extra placeholders from config', () => {
    const { findings } = runCheck(
      placeholdersCheck,
      recordsOf([{ messages: [{ role: 'user', content: 'Hi' }, { role: 'assistant', content: '<empty>' }], instances: [{ input: '', output: 'TBD' }] }]),
      { config: { fields: ['messages', 'instances'], patterns: ['<EMPTY>'] } }
    )
    expect(findings.map((finding) => [finding.field, finding.message])).toEqual([
      ['messages.1.content', '`messages.1.content` is a placeholder: `<empty>`'],
      ['instances.0.output', '`instances.0.output` is a placeholder: `TBD`']
    ])
  })

  itReal('finds none in the 175 Stanford Alpaca seed tasks', () => {
    const { findings } = runCheck(placeholdersCheck, recordsOf(readJsonl('stanford_alpaca/seed_tasks.jsonl')), { config: { fields: ['name', 'instruction', 'instances'] } })
    expect(findings).toEqual([])
  })

  itReal('finds the lorem ipsum filler in 6 fields of 4 toolformer records', () => {
    const { findings, summary } = runCheck(placeholdersCheck, recordsOf(readJson<RecordFields[]>('AlpacaDataCleaned/toolformer-dedupe-only-dataset.json')), {
      textFields: ['instruction', 'input', 'output']
    })
    expect(findings.map((finding) => [finding.line, finding.field])).toEqual([
      [668, 'instruction'],
      [668, 'output'],
      [2513, 'input'],
      [5846, 'instruction'],
      [5846, 'output'],
      [6188, 'input']
    ])
    expect(summary).toEqual({ 'lorem ipsum': 6 })
  })

  itReal('finds the 3 `noinput` inputs of the roleplay set (upstream\'s known issue 7)', () => {
    const { findings } = runCheck(placeholdersCheck, recordsOf(readJson<RecordFields[]>('AlpacaDataCleaned/roleplay-simple-deduped-roleplay-dataset.json')), {
      textFields: ['instruction', 'input', 'output']
    })
    expect(findings.map((finding) => [finding.field, finding.message])).toEqual(Array(3).fill(['input', '`input` is a placeholder: `noinput`']))
  })
})

/**
 * The check's findings for one text field, computed the plain way: the whole-value lookup for
 * every value and both patterns over every text, with none of the check's shortcuts.
 */
function plainFindings(text: string): Array<{ message: string; excerpt: string }> {
  const wholeValues = new Map(DEFAULT_PLACEHOLDERS.map((placeholder) => [placeholder.trim().toLowerCase(), placeholder]))
  const trimmed = text.trim()
  const whole = wholeValues.get(trimmed.toLowerCase())
  if (whole !== undefined && (whole !== 'NA' || trimmed === 'NA')) return [{ message: `\`text\` is a placeholder: \`${truncate(trimmed, 40)}\``, excerpt: truncate(text, 60) }]
  const found: Array<{ message: string; excerpt: string }> = []
  for (const [pattern, what] of [
    [/\blorem ipsum dolor\b/i, 'lorem ipsum filler text'],
    [/\[insert\b[^\]\n]{0,60}\]?/i, 'an unfilled template slot']
  ] as const) {
    const match = pattern.exec(text)
    if (match) found.push({ message: `\`text\` contains ${what}: \`${truncate(match[0], 60)}\``, excerpt: truncate(text.slice(Math.max(0, match.index - 20)), 100) })
  }
  return found
}

describe('prefilter', () => {
  const checkFindings = (texts: string[]) => runCheck(placeholdersCheck, recordsOf(texts.map((text) => ({ text }))), { config: { fields: ['text'] } }).findings
  const expectPlain = (texts: string[]): void => {
    const expected = texts.flatMap((text, i) => plainFindings(text).map((finding) => ({ line: i + 1, field: 'text', ...finding })))
    expect(checkFindings(texts)).toEqual(expected)
  }

  it('finds exactly what the plain lookup and patterns find on generated text: every case, Unicode around, at the very start and end', () => {
    const texts = adversarialTexts([...DEFAULT_PLACEHOLDERS, 'Lorem ipsum dolor sit amet', '[Insert name here]', '[insert]', 'NA', 'Na'])
    expectPlain(texts)
    expect(checkFindings(texts).length).toBeGreaterThan(2000)
  })

  itReal('finds exactly what the plain lookup and patterns find on the real vectors', () => {
    expectPlain(realTexts())
  })
})
