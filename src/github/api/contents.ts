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
  return {
    ...streamSource(path, open),
    // The blob id, so the base side can be cached in API mode too (pull_request_target).
    contentId: async () => {
      const { data } = await client.rest.repos.getContent({ ...repo, path, ref })
      return !Array.isArray(data) && typeof data.sha === 'string' ? data.sha : undefined
    }
  }
}

/**
 * The text of a raw contents response. Octokit gives a string when the media type says
 * `charset=utf-8` (as github.com's does), bytes otherwise (octokit/request.js#751); a server
 * that ignores the raw media type answers with the JSON object and its base64 content.
 */
export function rawText(data: unknown): string {
  if (typeof data === 'string') return data
  if (data instanceof ArrayBuffer) return Buffer.from(data).toString('utf8')
  if (ArrayBuffer.isView(data)) return Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('utf8')
  const file = data as { content?: unknown; encoding?: unknown }
  if (typeof file?.content === 'string') return Buffer.from(file.content, file.encoding === 'base64' ? 'base64' : 'utf8').toString('utf8')
  throw new Error('the contents API answered with something that is not a file')
}

/** A small text file at a commit (the config, a schema), or undefined when there is none. */
export async function readTextViaApi(client: GitHubClient, repo: RepoRef, ref: string, path: string): Promise<string | undefined> {
  try {
    const { data } = await client.rest.repos.getContent({ ...repo, path, ref, mediaType: { format: 'raw' } })
    return rawText(data)
  } catch (error) {
    if ((error as { status?: number }).status === 404) return undefined
    throw error
  }
}

