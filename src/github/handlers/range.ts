import * as core from '@actions/core'
import type { AuditReport } from '../../engine/report.js'
import { resolveRef } from '../../sources/git.js'
import { stickyMarker } from '../api/comments.js'
import { actionCacheOption, logCacheStats, newCacheStats } from '../cache.js'
import { publishReport, type Conclusion } from '../publish.js'
import { auditRange } from '../pull-request.js'
import type { AuditTarget } from '../target.js'
import type { RunContext } from './context.js'
import { checkName } from './pull-request.js'

/**
 * Audits a push, merge group, dispatch or schedule: the head against its base (the previous
 * head, the queue's base, the parent, or the `base` input), from the workspace's git. The
 * result goes to a check run on the head, the job summary and the outputs; there is no PR to
 * comment on.
 */
export async function onRange(ctx: RunContext, target: AuditTarget): Promise<{ report: AuditReport; conclusion: Conclusion }> {
  if (!ctx.workspace) throw new Error('the workspace is not a git repository: run actions/checkout (with fetch-depth: 0) before dataset-audit')
  const baseSha = target.baseSha ?? (await resolveRef(ctx.workspace, target.baseRef!))
  const cacheStats = newCacheStats()
  const { report, config } = await auditRange(ctx.workspace, baseSha, target.headSha, ctx.inputs, baseSha.slice(0, 7), actionCacheOption(ctx.inputs.cache, cacheStats))
  logCacheStats(cacheStats)
  core.info(`dataset-audit: ${report.files.length} dataset files changed between ${baseSha.slice(0, 7)} and ${target.headSha.slice(0, 7)}`)
  const conclusion = await publishReport(report, {
    client: ctx.client,
    repo: ctx.repo,
    inputs: { ...ctx.inputs, comment: 'off' },
    headSha: target.headSha,
    marker: stickyMarker(config.id),
    checkName: checkName(config.id),
    state: { waivers: [] }
  })
  return { report, conclusion }
}
