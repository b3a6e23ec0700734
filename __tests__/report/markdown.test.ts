import { defaultConfig } from '../../src/config/load.js'
import { runAudit, type FileChange } from '../../src/engine/audit.js'
import type { AuditReport } from '../../src/engine/report.js'
import { codeSpan, escapeMarkdown, renderMessage } from '../../src/report/escape.js'
import { COMMENT_BUDGET, renderMarkdown } from '../../src/report/markdown.js'
import { annotationsFor } from '../../src/report/annotations.js'
import { bufferSource } from '../../src/sources/memory.js'

const jsonl = (rows: object[]): string => rows.map((r) => JSON.stringify(r)).join('\n') + '\n'

async function reportFor(base: object[], head: object[], path = 'data/train.jsonl'): Promise<AuditReport> {
  const change: FileChange = { path, status: 'modified', base: bufferSource(path, jsonl(base)), head: bufferSource(path, jsonl(head)) }
  return runAudit([change], { config: defaultConfig(), baseLabel: 'main' })
}

describe('escaping dataset text', () => {
  it('shows hostile text literally in a code span: no mention, HTML, link, image or broken fence', () => {
    const hostile = '@octocat <script>alert(1)</script> ![x](https://evil.test/p.png) [click](https://evil.test) ``` | cell'
    const span = codeSpan(hostile, { max: 500, inTable: true })
    expect(span.startsWith('````')).toBe(true) // a fence longer than the ``` inside
    expect(span).toContain('\\| cell') // a pipe cannot split a table cell
    expect(span.endsWith('````')).toBe(true)
  })

  it('makes newlines, bidi and zero-width characters visible and cuts long text', () => {
    expect(codeSpan('a\nb\u202ec\u200bd')).toBe('`a⏎b\\u202ec\\u200bd`')
    expect(codeSpan('x'.repeat(200), { max: 10 })).toBe('`' + 'x'.repeat(9) + '…`')
  })

  it('defuses mentions, HTML and autolinks in plain text', () => {
    const escaped = escapeMarkdown('ping @team see https://evil.test <b>hi</b> #12')
    expect(escaped).not.toMatch(/@team/)
    expect(escaped).not.toMatch(/https:\/\//)
    expect(escaped).not.toMatch(/(?<!\\)<b>/)
    expect(escaped).toContain('\\#12')
  })

  it('renders the backticked parts of a message as code and escapes the rest', () => {
    expect(renderMessage('label `<b>x</b>` differs from `@y`')).toBe('label `<b>x</b>` differs from `@y`')
    expect(renderMessage('value <i>')).toBe('value \\<i\\>')
  })
})

describe('renderMarkdown', () => {
  const base = Array.from({ length: 20 }, (_, i) => ({ id: i, instruction: `Describe item ${i} in one full sentence please.`, output: `Item ${i} is a fine example of a record.` }))

  it('puts the verdict and the score first, the per-file changes, then the regressions', async () => {
    const head = [...base.slice(1), { id: 99, instruction: 'Write about @octocat and <script>', output: 'As an AI language model, I cannot do that. Mail me: joe.bloggs@mailbox.org' }]
    const markdown = renderMarkdown(await reportFor(base, head))
    const lines = markdown.split('\n')
    expect(lines[0]).toMatch(/^### ❌ Dataset audit: [\d.]+ \/ 100 \(▼ [\d.]+ against `main`\) · \d+ regressions?$/)
    expect(markdown).toContain('| `data/train.jsonl` | 20 | 1 | 1 | 0 |')
    expect(markdown.indexOf('**Regressions brought by this PR**')).toBeLessThan(markdown.indexOf('| dimension |'))
    expect(markdown).not.toContain('joe.bloggs@mailbox.org')
    // Mentions appear only inside code spans, where GitHub does not link them.
    const outsideCode = markdown.replace(/(`+)[\s\S]*?\1/g, '')
    expect(outsideCode).not.toContain('@octocat')
    expect(markdown).toContain('@octocat')
  })

  it('stays under the comment budget whatever the input, stepping down detail and saying so', async () => {
    // 400 files, each with a long name, a malformed line and hostile text: far more than a comment holds.
    const files: FileChange[] = Array.from({ length: 400 }, (_, f) => {
      const path = `data/${'nested-folder-name/'.repeat(8)}part-${f}.jsonl`
      const rows = Array.from({ length: 5 }, (_, i) => ({ id: `k${f}-${i}`, text: `${'`'.repeat(4)} @everyone <b>N/A</b> ${'lorem ipsum dolor sit amet '.repeat(5)}` }))
      return { path, status: 'added', head: bufferSource(path, jsonl(rows) + '{"id": broken\n') }
    })
    const report = await runAudit(files, { config: defaultConfig(), baseLabel: 'main' })
    const full = renderMarkdown(report, { budget: Number.POSITIVE_INFINITY })
    expect(full.length).toBeGreaterThan(COMMENT_BUDGET)
    expect(full).not.toMatch(/more notes on files/) // the full report lists every file's note
    const comment = renderMarkdown(report)
    expect(comment.length).toBeLessThanOrEqual(COMMENT_BUDGET)
    expect(comment).toMatch(/… and \d+ more notes on files/)
    for (const budget of [full.length - 1, 10_000, 5_000, 1_500]) {
      const cut = renderMarkdown(report, { budget })
      expect(cut.length).toBeLessThanOrEqual(budget)
      expect(cut.split('\n')[0]).toMatch(/^### ❌ Dataset audit/)
      expect(cut).toMatch(/(left out|cut) to fit GitHub's comment size limit/)
    }
  })

  it('says so in one line when no dataset changed', async () => {
    const report = await runAudit([], { config: defaultConfig() })
    expect(renderMarkdown(report)).toBe('### ✅ Dataset audit: no score\n\nNo dataset file changed.')
  })
})

describe('annotationsFor', () => {
  it('maps severities to levels, the PR\'s findings first, on head lines only', async () => {
    const base = [{ id: 1, text: 'N/A' }]
    const head = [{ id: 1, text: 'N/A' }, { id: 2, text: 'TODO' }]
    const annotations = annotationsFor(await reportFor(base, head))
    expect(annotations[0]).toMatchObject({ path: 'data/train.jsonl', start_line: 2, end_line: 2, annotation_level: 'warning' })
    expect(annotations[0].title).toBe('dataset-audit · completeness · placeholders')
    expect(annotations.find((a) => a.start_line === 1)?.title).toMatch(/already in base/)
  })
})
