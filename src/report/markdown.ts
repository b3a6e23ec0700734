import type { AuditReport, FileReport, Regression, Score } from '../engine/report.js'
import { DIMENSIONS, type Finding } from '../engine/types.js'
import { codeSpan, escapeMarkdown, renderMessage } from './escape.js'

/** GitHub rejects comments over 65,536 characters; this leaves room for the marker and state. */
export const COMMENT_BUDGET = 60_000

export interface MarkdownOptions {
  /** What the base is called in the headline (`main`); defaults to the report's base label. */
  baseName?: string
  /** Character budget; the report degrades in steps to stay under it. */
  budget?: number
  /** A line of hints under the report (the comment commands, in a PR). */
  footer?: string
}

/** How much detail a rendering carries; the renderer steps down until the body fits. */
interface Detail {
  examplesPerCheck: number
  listFindings: boolean
  /** Rows of the files table, notes on files, and regressions listed; the rest are counted. */
  filesListed: number
  notesListed: number
  regressionsListed: number
}

const DETAIL_STEPS: Detail[] = [
  // Everything the report lists: the job summary (1 MiB) usually has room for it.
  { examplesPerCheck: 100, listFindings: true, filesListed: 3000, notesListed: 3000, regressionsListed: 500 },
  { examplesPerCheck: 5, listFindings: true, filesListed: 50, notesListed: 50, regressionsListed: 50 },
  { examplesPerCheck: 2, listFindings: true, filesListed: 50, notesListed: 20, regressionsListed: 25 },
  { examplesPerCheck: 0, listFindings: true, filesListed: 30, notesListed: 10, regressionsListed: 15 },
  { examplesPerCheck: 0, listFindings: false, filesListed: 20, notesListed: 5, regressionsListed: 10 },
  { examplesPerCheck: 0, listFindings: false, filesListed: 5, notesListed: 0, regressionsListed: 5 }
]

/**
 * The report as markdown, for the PR comment, the job summary and the CLI: the verdict and score
 * first, then what the PR changed, the regressions, the dimensions, and the findings folded.
 * Stays within the budget whatever the input, stepping down detail and saying so.
 */
export function renderMarkdown(report: AuditReport, options: MarkdownOptions = {}): string {
  const budget = options.budget ?? COMMENT_BUDGET
  for (const [step, detail] of DETAIL_STEPS.entries()) {
    const note = step === 0 ? undefined : '_Some detail was left out to fit GitHub\'s comment size limit: the job summary and the JSON report have everything._'
    const body = render(report, options, detail, note)
    if (body.length <= budget) return body
  }
  const note = '_The report was cut to fit GitHub\'s comment size limit: see the job summary or the JSON report._'
  const cut = render(report, options, DETAIL_STEPS[DETAIL_STEPS.length - 1], note)
  return cut.slice(0, budget - note.length - 2) + '\n\n' + note
}

function render(report: AuditReport, options: MarkdownOptions, detail: Detail, note: string | undefined): string {
  const baseName = options.baseName ?? report.base ?? 'base'
  const lines: string[] = []
  lines.push(headline(report, baseName), '')
  for (const reportNote of report.notes) lines.push(`> ${escapeMarkdown(reportNote, 500)}`, '')
  if (report.files.length === 0) {
    lines.push('No dataset file changed.')
    if (options.footer) lines.push('', `<sub>${options.footer}</sub>`)
    return lines.join('\n')
  }
  lines.push(...filesTable(report.files, detail.filesListed), '')
  const notes = fileNotes(report.files)
  if (notes.length > 0) {
    lines.push(...notes.slice(0, detail.notesListed))
    if (notes.length > detail.notesListed) lines.push(`- … and ${formatCount(notes.length - detail.notesListed)} more notes on files`)
    lines.push('')
  }
  if (report.regressions.length > 0) lines.push(...regressionList(report.regressions, baseName, detail), '')
  lines.push(...dimensionTable(report, baseName), '')
  if (detail.listFindings) lines.push(...findingSections(report, detail, baseName))
  else lines.push(...findingCounts(report), '')
  if (note) lines.push(note, '')
  lines.push(`<sub>${gateLine(report)}${options.footer ? ' ' + options.footer : ''}</sub>`)
  return lines.join('\n')
}

function headline(report: AuditReport, baseName: string): string {
  const icon = report.gate.passed ? (report.totals.warnings > 0 && report.totals.introduced > 0 ? '⚠️' : '✅') : '❌'
  const score = report.score === null ? 'no score' : `${formatScore(report.score)} / 100`
  const delta = report.score !== null && report.baseScore !== null ? ` (${formatDelta(report.score - report.baseScore)} against ${codeSpan(baseName, { max: 40 })})` : ''
  const open = report.regressions.filter((r) => !r.accepted).length
  const regressions = open > 0 ? ` · ${open} ${open === 1 ? 'regression' : 'regressions'}` : ''
  return `### ${icon} Dataset audit: ${score}${delta}${regressions}`
}

function filesTable(files: readonly FileReport[], limit: number): string[] {
  const rows = ['| | records | added | removed | modified |', '|---|---:|---:|---:|---:|']
  for (const file of files.slice(0, limit)) {
    const name = codeSpan(file.path, { max: 70, inTable: true }) + (file.status === 'added' ? ' (new)' : file.status === 'removed' ? ' (deleted)' : file.status === 'renamed' ? ' (renamed)' : '')
    rows.push(`| ${name} | ${formatCount(file.records)} | ${formatCount(file.added)} | ${formatCount(file.removed)} | ${formatCount(file.modified)} |`)
  }
  if (files.length > limit) rows.push(`| … and ${formatCount(files.length - limit)} more files | | | | |`)
  return rows
}

/** What a reviewer should know about reading the files: unreadable, LFS, skipped lines, renames. */
function fileNotes(files: readonly FileReport[]): string[] {
  const notes: string[] = []
  for (const file of files) {
    const name = codeSpan(file.path, { max: 70 })
    if (file.lfsPointer) notes.push(`- ${name} is a Git LFS pointer, not the data: check out with \`lfs: true\` (actions/checkout) or run \`git lfs pull\`.`)
    else if (file.unreadable) notes.push(`- ${name} could not be read: see the \`parse\` finding.`)
    if (file.skipped > 0) notes.push(`- ${name}: ${formatCount(file.skipped)} ${file.skipped === 1 ? 'line' : 'lines'} could not be read as records (reported as \`parse\` findings); the rest was audited.`)
    if (file.previousPath) notes.push(`- ${name} was renamed from ${codeSpan(file.previousPath, { max: 70 })}.`)
    if (file.reordered) notes.push(`- ${name}: records were reordered (not counted as changes).`)
  }
  return notes
}

function regressionList(regressions: readonly Regression[], baseName: string, detail: Detail): string[] {
  const lines = ['**Regressions brought by this PR**']
  regressions.slice(0, detail.regressionsListed).forEach((regression, i) => {
    const label = regression.check ? `${regression.dimension} · ${regression.check}` : regression.dimension
    const accepted = regression.accepted ? ' _(accepted)_' : ''
    const examples = regression.examples.slice(0, Math.max(1, detail.examplesPerCheck)).map((f) => exampleText(f)).filter(Boolean)
    const shownExamples =
      regression.kind === 'shift' ? (regression.file ? ` (${codeSpan(regression.file, { max: 90 })})` : '') : examples.length > 0 ? ` (e.g. ${examples.join('; ')})` : ''
    lines.push(`${i + 1}. **${label}**${accepted}: ${renderMessage(regression.message.replace(/\bthe base\b/, baseName))}${shownExamples}`)
  })
  if (regressions.length > detail.regressionsListed) lines.push(`- … and ${formatCount(regressions.length - detail.regressionsListed)} more regressions`)
  return lines
}

function dimensionTable(report: AuditReport, baseName: string): string[] {
  const rows = [`| dimension | ${escapeMarkdown(baseName, 40)} | this PR | Δ | changed records |`, '|---|---:|---:|---:|---:|']
  for (const dimension of DIMENSIONS) {
    const { score, baseScore, patchScore } = report.dimensions[dimension]
    const delta = score !== null && baseScore !== null ? formatDelta(score - baseScore) : ''
    rows.push(`| ${dimension} | ${formatScore(baseScore)} | ${formatScore(score)} | ${delta} | ${formatScore(patchScore)} |`)
  }
  return rows
}

function findingSections(report: AuditReport, detail: Detail, baseName: string): string[] {
  const introduced = report.files.flatMap((f) => f.findings.filter((x) => x.introduced))
  const introducedTotal = report.files.reduce((n, f) => n + f.counts.reduce((m, c) => m + c.introduced, 0), 0)
  const existingTotal = report.files.reduce((n, f) => n + f.counts.reduce((m, c) => m + c.total - c.introduced, 0), 0)
  const lines: string[] = []
  if (introducedTotal > 0) {
    lines.push(`<details><summary>Findings in changed records (${formatCount(introducedTotal)})</summary>`, '')
    lines.push(...groupedFindings(introduced, report, detail, true), '</details>', '')
  }
  if (existingTotal > 0) {
    const existing = report.files.flatMap((f) => f.findings.filter((x) => !x.introduced))
    lines.push(`<details><summary>Findings already in ${escapeMarkdown(baseName, 40)} or untouched records (${formatCount(existingTotal)})</summary>`, '')
    lines.push(...groupedFindings(existing, report, detail, false), '</details>', '')
  }
  return lines
}

function groupedFindings(findings: readonly Finding[], report: AuditReport, detail: Detail, introduced: boolean): string[] {
  const lines: string[] = []
  const byCheck = new Map<string, Finding[]>()
  for (const finding of findings) byCheck.set(finding.check, [...(byCheck.get(finding.check) ?? []), finding])
  const totals = new Map<string, number>()
  for (const file of report.files) {
    for (const count of file.counts) totals.set(count.check, (totals.get(count.check) ?? 0) + (introduced ? count.introduced : count.total - count.introduced))
  }
  for (const [check, total] of [...totals].sort((a, b) => b[1] - a[1])) {
    if (total === 0) continue
    const examples = (byCheck.get(check) ?? []).slice(0, detail.examplesPerCheck)
    const dimension = report.files.flatMap((f) => f.counts).find((c) => c.check === check)?.dimension ?? ''
    lines.push(`**${escapeMarkdown(check, 60)}** · ${dimension} (${formatCount(total)})`)
    for (const finding of examples) {
      // An excerpt the message already quotes whole would only say it twice.
      const excerpt = finding.excerpt && !finding.message.includes(finding.excerpt) ? ' ' + codeSpan(finding.excerpt, { max: 100 }) : ''
      lines.push(`- ${exampleText(finding)}: ${renderMessage(finding.message)}${excerpt}`)
    }
    if (total > examples.length && examples.length > 0) lines.push(`- … ${formatCount(total - examples.length)} more`)
    lines.push('')
  }
  return lines
}

function findingCounts(report: AuditReport): string[] {
  const lines = ['| check | dimension | new | total |', '|---|---|---:|---:|']
  const merged = new Map<string, { dimension: string; introduced: number; total: number }>()
  for (const count of report.files.flatMap((f) => f.counts)) {
    const entry = merged.get(count.check) ?? { dimension: count.dimension, introduced: 0, total: 0 }
    entry.introduced += count.introduced
    entry.total += count.total
    merged.set(count.check, entry)
  }
  for (const [check, entry] of merged) lines.push(`| ${escapeMarkdown(check, 60)} | ${entry.dimension} | ${formatCount(entry.introduced)} | ${formatCount(entry.total)} |`)
  return lines
}

/** `file:line` (or just the file), with the record's key when it has one. */
function exampleText(finding: Finding): string {
  const place = finding.line !== undefined ? `${finding.file}:${finding.line}` : finding.file
  const key = finding.key ? ` key ${codeSpan(finding.key, { max: 30 })}` : ''
  return codeSpan(place, { max: 90 }) + key
}

function gateLine(report: AuditReport): string {
  if (!report.gate.passed) return `Fails the gate: ${report.gate.reasons.map((r) => escapeMarkdown(r)).join('; ')}.`
  return `Passes the gate (\`fail-on: ${report.gate.failOn}\`${report.gate.minScore !== undefined ? `, \`min-score: ${report.gate.minScore}\`` : ''}).`
}

/** A score with one decimal, or an en dash where there is none. */
export function formatScore(score: Score): string {
  return score === null ? '–' : Number.isInteger(score) ? String(score) : score.toFixed(1)
}

/** ▲ / ▼ with the size of the change, or `=`. */
export function formatDelta(delta: number): string {
  const rounded = Math.round(delta * 10) / 10
  if (rounded === 0) return '='
  return `${rounded > 0 ? '▲' : '▼'} ${Math.abs(rounded).toFixed(1)}`
}

/** Thousands separated the way reviewers read them: 10,412. */
export function formatCount(count: number): string {
  return count.toLocaleString('en-US')
}
