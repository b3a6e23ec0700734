import * as core from '@actions/core'
import type { AuditReport } from '../../engine/report.js'
import { actionCacheOption, logCacheStats, newCacheStats } from '../cache.js'
import { findSticky, listComments, stickyMarker, type IssueComment } from '../api/comments.js'
import { statusOf } from '../client.js'
import { publishReport } from '../publish.js'
import { auditPullRequest, loadPullConfig, type PullRequestTarget, type ReadMode } from '../pull-request.js'
import { decodeState, type CommentState } from '../state.js'
import type { RunContext } from './context.js'

/** The check run's name; a config id gives each workflow its own. */
export function checkName(id: string | undefined): string {
  return id ? `dataset-audit (${id})` : 'dataset-audit'
}

/**
 * Audits a pull request and publishes the result. `changeState` lets a command (a waiver) change
 * the hidden state before the audit, so the verdict already honours it.
 */
export async function auditAndPublishPull(
  ctx: RunContext,
  pull: PullRequestTarget,
  mode: ReadMode,
  changeState: (state: CommentState) => CommentState = (state) => state
): Promise<{ report: AuditReport; conclusion: string }> {
  const config = await loadPullConfig(ctx.client, ctx.repo, pull, ctx.inputs, mode)
  const marker = stickyMarker(config.id)
  let comments: IssueComment[] | undefined
  try {
    comments = await listComments(ctx.client, ctx.repo, pull.number)
  } catch (error) {
    core.warning(`dataset-audit could not read the PR's comments (HTTP ${statusOf(error) ?? '?'}): earlier waivers are not known to this run`)
  }
  const state = changeState(decodeState(comments ? findSticky(comments, marker)[0]?.body : undefined))
  const cacheStats = newCacheStats()
  const report = await auditPullRequest(ctx.client, ctx.repo, pull, config, mode, state.waivers.map((w) => w.check), actionCacheOption(ctx.inputs.cache, cacheStats))
  logCacheStats(cacheStats)
  report.pullRequest = { number: pull.number, headSha: pull.headSha }
  const conclusion = await publishReport(report, {
    client: ctx.client,
    repo: ctx.repo,
    inputs: ctx.inputs,
    headSha: pull.headSha,
    pullNumber: pull.number,
    marker,
    checkName: checkName(config.id),
    state,
    comments
  })
  return { report, conclusion }
}
