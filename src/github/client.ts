import * as core from '@actions/core'
import { retry } from '@octokit/plugin-retry'
import { throttling } from '@octokit/plugin-throttling'
import { Octokit } from '@octokit/rest'
import { TOOL_VERSION } from '../version.js'

const ResilientOctokit = Octokit.plugin(retry, throttling)

/** The REST client every GitHub call goes through. */
export type GitHubClient = InstanceType<typeof ResilientOctokit>

/** Owner and name of the repository the workflow runs in. */
export interface RepoRef {
  owner: string
  repo: string
}

/** How often a rate-limited request is tried again before the run gives up on it. */
const RATE_LIMIT_RETRIES = 2

/**
 * One Octokit with retries (5xx, with backoff) and throttling (primary and secondary rate
 * limits honoured, writes spaced as GitHub asks). `baseUrl` is GITHUB_API_URL, so GitHub
 * Enterprise Server works like github.com. Errors that retrying cannot fix are not retried.
 */
export function createClient(token: string, baseUrl: string, log: (message: string) => void): GitHubClient {
  return new ResilientOctokit({
    auth: token,
    baseUrl: baseUrl.replace(/\/+$/, ''),
    userAgent: `dataset-audit/${TOOL_VERSION}`,
    // Request lines are debug detail (shown with ACTIONS_STEP_DEBUG); the handlers say what matters.
    log: { debug: core.debug, info: core.debug, warn: (message: string) => core.warning(message), error: (message: string) => core.error(message) },
    retry: { doNotRetry: [400, 401, 403, 404, 410, 422, 451] },
    throttle: {
      onRateLimit: (retryAfter, options, _octokit, retryCount) => {
        log(`rate limit hit on ${options.method} ${options.url}; retrying in ${retryAfter}s`)
        return retryCount < RATE_LIMIT_RETRIES
      },
      onSecondaryRateLimit: (retryAfter, options, _octokit, retryCount) => {
        log(`secondary rate limit hit on ${options.method} ${options.url}; retrying in ${retryAfter}s`)
        return retryCount < RATE_LIMIT_RETRIES
      }
    }
  })
}

/** `owner/name` from GITHUB_REPOSITORY. */
export function repoFromEnv(fullName: string | undefined): RepoRef {
  const [owner, repo] = (fullName ?? '').split('/')
  if (!owner || !repo) throw new Error(`GITHUB_REPOSITORY must be owner/name, got "${fullName ?? ''}"`)
  return { owner, repo }
}

/** The HTTP status of an Octokit error, if it has one. */
export function statusOf(error: unknown): number | undefined {
  return typeof error === 'object' && error !== null && 'status' in error && typeof error.status === 'number' ? error.status : undefined
}
