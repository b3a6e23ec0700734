import { PassThrough, Readable } from 'node:stream'
import type { ReadableStream as WebReadableStream } from 'node:stream/web'
import type { ByteSource } from '../../engine/readers/types.js'
import { streamSource } from '../../sources/spill.js'
import type { GitHubClient, RepoRef } from '../client.js'

/**
 * A file at a commit, streamed from the contents API in its raw media type (up to 100 MB, the
 * API's limit): how data is read when nothing from the PR may be checked out
 * (`pull_request_target`) or the workspace lacks the commits.
 */
export function apiFileSource(client: GitHubClient, repo: RepoRef, ref: string, path: string): ByteSource {
  const open = (): Readable => {
    const output = new PassThrough()
    client.rest.repos
      .getContent({ ...repo, path, ref, mediaType: { format: 'raw' }, request: { parseSuccessResponseBody: false } })
      .then((response) => {
        // With parseSuccessResponseBody off, data is the response body stream, whatever the typings say.
        const body = response.data as unknown
        if (body instanceof ReadableStream) Readable.fromWeb(body as WebReadableStream<Uint8Array>).pipe(output)
        else output.end(typeof body === 'string' ? body : JSON.stringify(body))
      })
      .catch((error: Error) => output.destroy(new Error(`could not download ${path} at ${ref.slice(0, 12)}: ${error.message}`)))
    return output
  }
  return streamSource(path, open)
}

/** A small text file at a commit (the config, a schema), or undefined when there is none. */
export async function readTextViaApi(client: GitHubClient, repo: RepoRef, ref: string, path: string): Promise<string | undefined> {
  try {
    const { data } = await client.rest.repos.getContent({ ...repo, path, ref, mediaType: { format: 'raw' } })
    return typeof data === 'string' ? data : JSON.stringify(data)
  } catch (error) {
    if ((error as { status?: number }).status === 404) return undefined
    throw error
  }
}

