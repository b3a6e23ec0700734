import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { parseConfig, defaultConfig } from '../../config/load.js'
import type { AuditConfig } from '../../config/types.js'
import type { AuditReport } from '../../engine/report.js'
import { readTextViaApi } from '../api/contents.js'
import { findSticky, listComments, stickyMarker } from '../api/comments.js'
import { publishReport, type Conclusion } from '../publish.js'
import { decodeState } from '../state.js'
import { reportFromUntrusted } from '../untrusted-report.js'
import type { RunContext } from './context.js'
import { checkName } from './pull-request.js'

/** The parts of a workflow_run payload publishing needs. */
export interface WorkflowRunEvent {
  workflow_run?: { head_sha: string; event?: string; pull_requests?: Array<{ number: number }> }
  repository?: { default_branch?: string }
}

/**
 * `mode: publish`, in a `workflow_run` workflow that has write access: publishes the report a
 * fork PR's `pull_request` run made and uploaded. The report is untrusted data; the PR is the one
 * whose head is the audited commit, checked through the API; the config is the default branch's.
 */
export async function onPublish(ctx: RunContext, event: WorkflowRunEvent): Promise<{ report: AuditReport; conclusion: Conclusion }> {
  const run = event.workflow_run
  if (!run) throw new Error('mode: publish runs on workflow_run events (see the two-workflow setup in the README)')
  let raw: unknown
  try {
    raw = JSON.parse(await readFile(ctx.inputs.reportFile!, 'utf8'))
  } catch (error) {
    throw new Error(`could not read the report file ${ctx.inputs.reportFile}: ${(error as Error).message}`)
  }
  const claimed = (raw as { pullRequest?: { number?: unknown } } | null)?.pullRequest?.number
  const number = run.pull_requests?.[0]?.number ?? (typeof claimed === 'number' ? claimed : undefined)
  if (number === undefined) throw new Error('neither the workflow run nor the report names a pull request')
  const { data: pull } = await ctx.client.rest.pulls.get({ ...ctx.repo, pull_number: number })
  if (pull.head.sha !== run.head_sha) {
    throw new Error(`pull request #${number} has head ${pull.head.sha.slice(0, 7)}, not the audited commit ${run.head_sha.slice(0, 7)}: refusing to publish`)
  }
  const config = await trustedConfig(ctx, event.repository?.default_branch)
  const marker = stickyMarker(config.id)
  const comments = await listComments(ctx.client, ctx.repo, number)
  const state = decodeState(findSticky(comments, marker)[0]?.body)
  const report = reportFromUntrusted(raw, config, new Set(state.waivers.map((w) => w.check)))
  report.pullRequest = { number, headSha: run.head_sha }
  const conclusion = await publishReport(report, {
    client: ctx.client,
    repo: ctx.repo,
    inputs: ctx.inputs,
    headSha: run.head_sha,
    pullNumber: number,
    marker,
    checkName: checkName(config.id),
    state,
    comments
  })
  return { report, conclusion }
}

/** The config of the default branch: from the checkout when there is one, else through the API. */
async function trustedConfig(ctx: RunContext, defaultBranch: string | undefined): Promise<AuditConfig> {
  const fromWorkspace = ctx.workspace ? await readFile(join(ctx.workspace, ctx.inputs.configPath), 'utf8').catch(() => undefined) : undefined
  const text = fromWorkspace ?? (defaultBranch ? await readTextViaApi(ctx.client, ctx.repo, defaultBranch, ctx.inputs.configPath) : undefined)
  const config = text === undefined ? defaultConfig() : parseConfig(text, ctx.inputs.configPath)
  if (ctx.inputs.failOn) config.failOn = ctx.inputs.failOn
  if (ctx.inputs.minScore !== undefined) config.minScore = ctx.inputs.minScore
  return config
}
