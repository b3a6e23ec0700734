import type { GitHubClient, RepoRef } from '../client.js'

/** A PR comment as this module needs it. */
export interface IssueComment {
  id: number
  body: string
  authorIsBot: boolean
  createdAt: string
}

/** The hidden marker that makes a comment ours; a config `id` gives each workflow its own. */
export function stickyMarker(id?: string): string {
  return id ? `<!-- dataset-audit:${id.replace(/[^\w.-]/g, '_')} -->` : '<!-- dataset-audit -->'
}

/** Every comment on an issue or PR, across all pages. */
export async function listComments(client: GitHubClient, repo: RepoRef, issue: number): Promise<IssueComment[]> {
  const comments = await client.paginate(client.rest.issues.listComments, { ...repo, issue_number: issue, per_page: 100 })
  return comments.map((c) => ({ id: c.id, body: c.body ?? '', authorIsBot: c.user?.type === 'Bot', createdAt: c.created_at }))
}

/**
 * Our sticky comments: the marker on the first line and a bot as the author (a person quoting
 * the marker does not make their comment ours). Oldest first.
 */
export function findSticky(comments: readonly IssueComment[], marker: string): IssueComment[] {
  return comments.filter((c) => c.authorIsBot && c.body.startsWith(marker)).sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id - b.id)
}

export type StickyResult = { action: 'created' | 'updated' | 'unchanged'; id: number } | { action: 'skipped' }

/**
 * Keeps one comment with `body` (which starts with the marker): updated in place, left alone
 * when unchanged (no notification noise), created when missing. Duplicates that concurrent runs
 * left behind are deleted. `new` posts a fresh comment every run.
 */
export async function upsertSticky(
  client: GitHubClient,
  repo: RepoRef,
  issue: number,
  marker: string,
  body: string,
  mode: 'update' | 'new' | 'off',
  existing?: readonly IssueComment[]
): Promise<StickyResult> {
  if (mode === 'off') return { action: 'skipped' }
  if (mode === 'new') {
    const { data } = await client.rest.issues.createComment({ ...repo, issue_number: issue, body })
    return { action: 'created', id: data.id }
  }
  const [keep, ...duplicates] = findSticky(existing ?? (await listComments(client, repo, issue)), marker)
  for (const duplicate of duplicates) await client.rest.issues.deleteComment({ ...repo, comment_id: duplicate.id })
  if (!keep) {
    const { data } = await client.rest.issues.createComment({ ...repo, issue_number: issue, body })
    return { action: 'created', id: data.id }
  }
  if (keep.body === body) return { action: 'unchanged', id: keep.id }
  await client.rest.issues.updateComment({ ...repo, comment_id: keep.id, body })
  return { action: 'updated', id: keep.id }
}

/** A short reply on the PR (command answers). */
export async function reply(client: GitHubClient, repo: RepoRef, issue: number, body: string): Promise<void> {
  await client.rest.issues.createComment({ ...repo, issue_number: issue, body })
}

export type Reaction = 'eyes' | 'rocket' | 'confused' | '+1' | '-1'

/** A reaction on a comment (👀 on receipt, 🚀 when done, 😕 when refused). */
export async function react(client: GitHubClient, repo: RepoRef, commentId: number, content: Reaction): Promise<void> {
  await client.rest.reactions.createForIssueComment({ ...repo, comment_id: commentId, content })
}

/** Whether a user may give commands: write, maintain or admin, from the collaborator permission API. */
export async function canWrite(client: GitHubClient, repo: RepoRef, username: string): Promise<boolean> {
  try {
    const { data } = await client.rest.repos.getCollaboratorPermissionLevel({ ...repo, username })
    // `permission` folds maintain into write and triage into read; role_name keeps custom roles.
    return data.permission === 'admin' || data.permission === 'write' || ['admin', 'maintain', 'write'].includes(data.role_name ?? '')
  } catch (error) {
    if ((error as { status?: number }).status === 404) return false
    throw error
  }
}
