import * as core from '@actions/core'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { createClient, repoFromEnv, type GitHubClient, type RepoRef } from '../client.js'
import type { ActionInputs } from '../inputs.js'

/** What every handler needs: the inputs, the client, the repository and the workspace. */
export interface RunContext {
  inputs: ActionInputs
  client: GitHubClient
  repo: RepoRef
  /** The checkout, when it is a git repository. */
  workspace?: string
}

/** The run's context from the runner's environment (GITHUB_API_URL for GitHub Enterprise Server). */
export function runContext(inputs: ActionInputs, env: NodeJS.ProcessEnv): RunContext {
  if (!inputs.token) throw new Error('input github-token is empty: pass ${{ github.token }} or a token with the permissions in the README')
  const client = createClient(inputs.token, env.GITHUB_API_URL || 'https://api.github.com', (message) => core.info(message))
  const workspaceDir = env.GITHUB_WORKSPACE ?? process.cwd()
  const workspace = existsSync(join(workspaceDir, '.git')) ? workspaceDir : undefined
  return { inputs, client, repo: repoFromEnv(env.GITHUB_REPOSITORY), workspace }
}
