import type { Annotation } from '../../report/annotations.js'
import type { GitHubClient, RepoRef } from '../client.js'

/** The checks API takes at most 50 annotations per request. */
export const ANNOTATIONS_PER_REQUEST = 50
/** Summary and text are cut by the API at 65,535 characters. */
const OUTPUT_LIMIT = 65_000

export interface CheckRunOutput {
  name: string
  headSha: string
  conclusion: 'success' | 'neutral' | 'failure'
  title: string
  summary: string
  text?: string
  annotations: readonly Annotation[]
  detailsUrl?: string
}

/**
 * Creates the completed check run on the head SHA with the first batch of annotations, then adds
 * the rest 50 at a time, as the API requires.
 */
export async function publishCheckRun(client: GitHubClient, repo: RepoRef, check: CheckRunOutput): Promise<{ id: number; url?: string }> {
  const output = (annotations: readonly Annotation[]) => ({
    title: check.title,
    summary: check.summary.slice(0, OUTPUT_LIMIT),
    ...(check.text ? { text: check.text.slice(0, OUTPUT_LIMIT) } : {}),
    annotations: [...annotations]
  })
  const [first, ...rest] = batches(check.annotations, ANNOTATIONS_PER_REQUEST)
  const { data } = await client.rest.checks.create({
    ...repo,
    name: check.name,
    head_sha: check.headSha,
    status: 'completed',
    conclusion: check.conclusion,
    completed_at: new Date().toISOString(),
    ...(check.detailsUrl ? { details_url: check.detailsUrl } : {}),
    output: output(first ?? [])
  })
  for (const batch of rest) await client.rest.checks.update({ ...repo, check_run_id: data.id, output: output(batch) })
  return { id: data.id, url: data.html_url ?? undefined }
}

function batches<T>(items: readonly T[], size: number): T[][] {
  const result: T[][] = []
  for (let i = 0; i < items.length; i += size) result.push(items.slice(i, i + size))
  return result
}
