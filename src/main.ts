import * as core from '@actions/core'
import { threadStats } from './engine/threads.js'
import { readInputs } from './github/inputs.js'
import { onComment, type CommentEvent } from './github/handlers/comment.js'
import { runContext } from './github/handlers/context.js'
import { onPublish, type WorkflowRunEvent } from './github/handlers/publish-artifact.js'
import { auditAndPublishPull } from './github/handlers/pull-request.js'
import { onRange } from './github/handlers/range.js'
import { readEventPayload, targetFromEvent } from './github/target.js'

/** Pull request activity that changes what there is to audit; labels, assignments and the like do not. */
const AUDITED_PR_ACTIONS = new Set(['opened', 'synchronize', 'reopened', 'ready_for_review'])

/**
 * The Action's orchestrator: typed inputs, the event routed to its handler, and the one place
 * that fails the step: when the gate fails, or when the audit could not run at all ("could not
 * audit", never dressed up as a verdict on the data).
 */
export async function run(): Promise<void> {
  try {
    const inputs = readInputs()
    const ctx = runContext(inputs, process.env)
    const event = process.env.GITHUB_EVENT_NAME ?? ''
    const payload = readEventPayload(process.env.GITHUB_EVENT_PATH)

    if (inputs.mode === 'publish') {
      const { report } = await onPublish(ctx, payload as WorkflowRunEvent)
      if (!report.gate.passed) core.setFailed(`dataset-audit: the gate fails: ${report.gate.reasons.join('; ')}`)
      return
    }
    if (event === 'issue_comment') return await onComment(ctx, payload as CommentEvent)

    const target = targetFromEvent(event, payload, process.env.GITHUB_SHA ?? 'HEAD', inputs.base)
    if (target.pullNumber !== undefined) {
      const action = (payload as { action?: string }).action ?? ''
      if (!AUDITED_PR_ACTIONS.has(action)) return core.info(`dataset-audit: pull request ${action}: nothing to audit`)
      // pull_request_target runs with write access on the base: nothing of the PR is checked out, its files are read through the API.
      const mode = event === 'pull_request' && ctx.workspace ? { kind: 'git' as const, workspace: ctx.workspace } : { kind: 'api' as const }
      const { report } = await auditAndPublishPull(ctx, { number: target.pullNumber, baseSha: target.baseSha!, headSha: target.headSha, baseRef: target.baseBranch }, mode)
      if (!report.gate.passed) core.setFailed(`dataset-audit: the gate fails: ${report.gate.reasons.join('; ')}`)
      return
    }
    const { report } = await onRange(ctx, target)
    if (!report.gate.passed) core.setFailed(`dataset-audit: the gate fails: ${report.gate.reasons.join('; ')}`)
  } catch (error) {
    core.setOutput('conclusion', 'failure')
    core.setFailed(`dataset-audit could not audit: ${(error as Error).message}`)
  } finally {
    logThreads()
  }
}

/** Where the work ran: a debug line, and a warning when a worker failed and the main thread did its work. */
function logThreads(): void {
  const { signedBatches, offloadedPasses, hashedPasses, hashChunks, hashChunksHere, rerunPasses, sharedReads, sharedGroupings } = threadStats
  if (signedBatches + offloadedPasses > 0) {
    core.debug(
      `dataset-audit: worker threads signed ${signedBatches} batches, checked ${offloadedPasses} file sides, hashed ${hashedPasses} of them for the uniqueness checks (the main thread took ${hashChunksHere} of their ${hashChunks} chunks of records), read half the candidates of ${sharedReads} files again and grouped LSH bands for ${sharedGroupings} sides`
    )
  }
  if (rerunPasses > 0) core.warning(`dataset-audit: a worker thread failed; the main thread ran its checks on ${rerunPasses} file sides instead (same results, more time)`)
}
