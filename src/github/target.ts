import { existsSync, readFileSync } from 'node:fs'

/** What one workflow run audits: two commits, and the pull request when there is one. */
export interface AuditTarget {
  event: string
  /** The commit compared against (the PR's base, a push's previous head). */
  baseSha?: string
  /** A ref to resolve when the event names no base SHA (`HEAD^`, a workflow_dispatch input). */
  baseRef?: string
  headSha: string
  /** The PR's base branch, for the report's labels. */
  baseBranch?: string
  pullNumber?: number
  /** The PR's head is in another repository: its token is read-only. */
  fromFork: boolean
}

/** The parts of a webhook payload the target is read from. */
export interface EventPayload {
  pull_request?: { number: number; base: { sha: string; ref?: string; repo?: { full_name?: string } }; head: { sha: string; repo?: { full_name?: string } | null } }
  merge_group?: { base_sha: string; head_sha: string }
  before?: string
  after?: string
  repository?: { full_name?: string }
  inputs?: Record<string, unknown>
}

/** The event payload the runner wrote to GITHUB_EVENT_PATH (an empty object when there is none). */
export function readEventPayload(path: string | undefined): EventPayload {
  if (!path || !existsSync(path)) return {}
  const payload: EventPayload = JSON.parse(readFileSync(path, 'utf8'))
  return payload
}

/** A push of a new branch names no previous commit: all zeros. */
const NULL_SHA = /^0+$/

/**
 * The audit target of an event. Pull requests compare the PR's base with its head; pushes their
 * previous head (or the parent) with the new one; merge groups the queue's base with its head;
 * other events the workspace's commit with its parent, or with the `base` input.
 */
export function targetFromEvent(event: string, payload: EventPayload, sha: string, baseInput?: string): AuditTarget {
  const pr = payload.pull_request
  if ((event === 'pull_request' || event === 'pull_request_target') && pr) {
    const headRepo = pr.head.repo?.full_name
    const fromFork = headRepo !== undefined && headRepo !== (pr.base.repo?.full_name ?? payload.repository?.full_name)
    return { event, baseSha: pr.base.sha, headSha: pr.head.sha, baseBranch: pr.base.ref, pullNumber: pr.number, fromFork }
  }
  if (event === 'merge_group' && payload.merge_group) {
    return { event, baseSha: payload.merge_group.base_sha, headSha: payload.merge_group.head_sha, fromFork: false }
  }
  if (event === 'push' && payload.after && !baseInput) {
    const before = payload.before && !NULL_SHA.test(payload.before) ? payload.before : undefined
    return { event, ...(before ? { baseSha: before } : { baseRef: `${payload.after}^` }), headSha: payload.after, fromFork: false }
  }
  const dispatchBase = typeof payload.inputs?.base === 'string' && payload.inputs.base !== '' ? payload.inputs.base : undefined
  return { event, baseRef: baseInput ?? dispatchBase ?? `${sha}^`, headSha: sha, fromFork: false }
}
