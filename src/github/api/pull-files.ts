import type { ChangedPath } from '../../sources/git.js'
import type { GitHubClient, RepoRef } from '../client.js'

/** GitHub's pulls/files endpoint lists at most this many files; past it the list is cut. */
export const PULL_FILES_LIMIT = 3000

/** The files a pull request changes, as GitHub lists them, and whether the list is whole. */
export async function listPullFiles(client: GitHubClient, repo: RepoRef, pullNumber: number): Promise<{ files: ChangedPath[]; complete: boolean }> {
  const listed = await client.paginate(client.rest.pulls.listFiles, { ...repo, pull_number: pullNumber, per_page: 100 })
  const files: ChangedPath[] = listed.map((file) => {
    if (file.status === 'renamed' && file.previous_filename) return { status: 'renamed', path: file.filename, previousPath: file.previous_filename }
    if (file.status === 'added' || file.status === 'copied') return { status: 'added', path: file.filename }
    if (file.status === 'removed') return { status: 'removed', path: file.filename }
    return { status: 'modified', path: file.filename }
  })
  return { files, complete: listed.length < PULL_FILES_LIMIT }
}

/** The merge base of two commits, as GitHub's compare API sees it. */
export async function mergeBaseViaApi(client: GitHubClient, repo: RepoRef, base: string, head: string): Promise<string> {
  const { data } = await client.rest.repos.compareCommitsWithBasehead({ ...repo, basehead: `${base}...${head}`, per_page: 1 })
  return data.merge_base_commit.sha
}

/**
 * The files that differ between two commits, from their full trees: the fallback when a PR
 * changes more files than pulls/files lists. Blob ids tell changed files apart; renames show
 * as a removal and an addition.
 */
export async function diffTreesViaApi(client: GitHubClient, repo: RepoRef, baseSha: string, headSha: string): Promise<ChangedPath[]> {
  const [base, head] = await Promise.all([treeBlobs(client, repo, baseSha), treeBlobs(client, repo, headSha)])
  const changes: ChangedPath[] = []
  for (const [path, sha] of head) {
    const baseBlob = base.get(path)
    if (baseBlob === undefined) changes.push({ status: 'added', path })
    else if (baseBlob !== sha) changes.push({ status: 'modified', path })
  }
  for (const path of base.keys()) if (!head.has(path)) changes.push({ status: 'removed', path })
  return changes.sort((a, b) => a.path.localeCompare(b.path))
}

/** A commit's files and their blob ids, from the recursive trees API. */
async function treeBlobs(client: GitHubClient, repo: RepoRef, sha: string): Promise<Map<string, string>> {
  const { data } = await client.rest.git.getTree({ ...repo, tree_sha: sha, recursive: 'true' })
  if (data.truncated) throw new Error(`the tree of ${sha.slice(0, 12)} is too large for the API; check out with fetch-depth: 0 so local git can be used`)
  return new Map(data.tree.filter((e) => e.type === 'blob' && e.path && e.sha).map((e) => [e.path!, e.sha!]))
}

/** Every file path at a commit, through the API. */
export async function listTreeViaApi(client: GitHubClient, repo: RepoRef, sha: string): Promise<string[]> {
  return [...(await treeBlobs(client, repo, sha)).keys()]
}
