import * as core from '@actions/core'
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { AuditReport } from '../engine/report.js'
import { annotationsFor } from '../report/annotations.js'
import { escapeMarkdown } from '../report/escape.js'
import { COMMENT_BUDGET, formatScore, renderMarkdown } from '../report/markdown.js'
import { renderJson } from '../report/json.js'
import { publishCheckRun } from './api/check-runs.js'
import { upsertSticky, type IssueComment } from './api/comments.js'
import { statusOf, type GitHubClient, type RepoRef } from './client.js'
import type { ActionInputs } from './inputs.js'
import { encodeState, type CommentState } from './state.js'

/** GitHub's job summary takes at most 1 MiB per step. */
const SUMMARY_BUDGET = 1_000_000

export type Conclusion = 'success' | 'neutral' | 'failure'

export interface PublishTarget {
  client: GitHubClient
  repo: RepoRef
  inputs: ActionInputs
  headSha: string
  /** The PR to comment on; none for pushes. */
  pullNumber?: number
  marker: string
  checkName: string
  state: CommentState
  /** The PR's comments when already listed (the state was read from them). */
  comments?: readonly IssueComment[]
}

/** failure when the gate fails; neutral when the change brought findings but passes; success otherwise. */
export function conclusionOf(report: AuditReport): Conclusion {
  if (!report.gate.passed) return 'failure'
  return report.totals.introduced > 0 && (report.totals.errors > 0 || report.totals.warnings > 0) ? 'neutral' : 'success'
}

const FOOTER = '`/audit explain CHECK` · `/audit accept CHECK REASON` · `/audit rerun` · the full report is in the job summary.'

/** The sticky comment's body: marker, hidden state, the report, and the waivers in force. */
export function commentBody(report: AuditReport, marker: string, state: CommentState): string {
  const waivers = state.waivers.length
    ? '\n\n**Accepted by maintainers**\n' + state.waivers.map((w) => `- \`${escapeMarkdown(w.check, 60)}\` by ${escapeMarkdown(w.by, 60)}: ${escapeMarkdown(w.reason, 300)}`).join('\n')
    : ''
  const head = `${marker}\n${encodeState(state)}\n`
  return head + renderMarkdown(report, { budget: COMMENT_BUDGET - head.length - waivers.length, footer: FOOTER }) + waivers
}

/**
 * Publishes a report everywhere it belongs: the JSON file, the sticky comment, the check run
 * with annotations, the job summary and the step outputs. A refused write (a fork's read-only
 * token) falls back to the summary and outputs and says why; it never hides the verdict.
 */
export async function publishReport(report: AuditReport, target: PublishTarget): Promise<Conclusion> {
  const conclusion = conclusionOf(report)
  const fallbacks: string[] = []
  const reportPath = join(process.env.RUNNER_TEMP ?? process.cwd(), 'dataset-audit-report.json')
  await writeFile(reportPath, renderJson(report))

  if (target.pullNumber !== undefined && target.inputs.comment !== 'off') {
    try {
      const result = await upsertSticky(target.client, target.repo, target.pullNumber, target.marker, commentBody(report, target.marker, target.state), target.inputs.comment, target.comments)
      core.info(`dataset-audit: comment ${result.action}`)
    } catch (error) {
      fallbacks.push(refusal('comment on the pull request', error))
    }
  }

  try {
    const regressions = report.regressions.filter((r) => !r.accepted).length
    const title = report.files.length === 0 ? 'No dataset file changed' : `${formatScore(report.score)} / 100 · ${regressions} ${regressions === 1 ? 'regression' : 'regressions'}`
    const run = await publishCheckRun(target.client, target.repo, {
      name: target.checkName,
      headSha: target.headSha,
      conclusion,
      title,
      summary: renderMarkdown(report, { budget: 60_000 }),
      annotations: target.inputs.annotations ? annotationsFor(report) : []
    })
    core.info(`dataset-audit: check run ${run.id} (${conclusion})`)
  } catch (error) {
    fallbacks.push(refusal('create the check run', error))
  }

  for (const fallback of fallbacks) core.warning(fallback)
  const summaryNotes = fallbacks.map((f) => `> ${escapeMarkdown(f, 500)}\n\n`).join('')
  await core.summary.addRaw(summaryNotes + renderMarkdown(report, { budget: SUMMARY_BUDGET - summaryNotes.length })).write()
  setOutputs(report, conclusion, reportPath)
  return conclusion
}

/** The step outputs, the same on every path. */
export function setOutputs(report: AuditReport, conclusion: Conclusion, reportPath: string): void {
  core.setOutput('score', report.score ?? '')
  core.setOutput('base-score', report.baseScore ?? '')
  core.setOutput('regressions', report.regressions.filter((r) => !r.accepted).length)
  core.setOutput('findings', report.totals.findings)
  core.setOutput('conclusion', conclusion)
  core.setOutput('report', reportPath)
}

/** Why a write was refused, in words a maintainer can act on. */
function refusal(what: string, error: unknown): string {
  const status = statusOf(error)
  if (status === 403 || status === 404) {
    return `dataset-audit could not ${what} (HTTP ${status}): the token is read-only, as it is for pull requests from forks. The report is in this job summary and the step outputs; to publish it on fork PRs, use the two-workflow setup in the README (a workflow_run workflow with mode: publish).`
  }
  return `dataset-audit could not ${what}: ${(error as Error).message}`
}
