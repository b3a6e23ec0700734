import { git } from '../sources/git.js'

/** True when the repository has the commit. */
async function hasCommit(repo: string, sha: string): Promise<boolean> {
  try {
    await git(repo, ['cat-file', '-e', `${sha}^{commit}`])
    return true
  } catch {
    return false
  }
}

/**
 * Makes sure the workspace has the commits to compare: actions/checkout fetches one commit by
 * default, so the base (and for pull_request, the real head behind the merge commit) is fetched
 * when missing.
 */
export async function ensureCommits(repo: string, shas: readonly string[]): Promise<void> {
  const missing: string[] = []
  for (const sha of shas) if (!(await hasCommit(repo, sha))) missing.push(sha)
  if (missing.length === 0) return
  try {
    await git(repo, ['fetch', '--no-tags', '--quiet', 'origin', ...missing])
  } catch (error) {
    throw new Error(
      `the workspace lacks ${missing.map((s) => s.slice(0, 12)).join(', ')} and fetching failed (${(error as Error).message}); check out with fetch-depth: 0`
    )
  }
}
