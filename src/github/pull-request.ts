import { defaultConfig, parseConfig } from '../config/load.js'
import { isDatasetPath } from '../config/paths.js'
import type { AuditConfig } from '../config/types.js'
import { referencePaths, runAudit, type AuditOptions, type FileChange } from '../engine/audit.js'
import type { ByteSource } from '../engine/readers/types.js'
import type { AuditReport } from '../engine/report.js'
import { changedPaths, listFilesAt, repoFileSource, mergeBase, readTextAt, type ChangedPath } from '../sources/git.js'
import { apiFileSource, readTextViaApi } from './api/contents.js'
import { diffTreesViaApi, listPullFiles, listTreeViaApi, mergeBaseViaApi, PULL_FILES_LIMIT } from './api/pull-files.js'
import type { GitHubClient, RepoRef } from './client.js'
import type { ActionInputs } from './inputs.js'
import { ensureCommits } from './workspace.js'

/** Where file contents come from: the workspace's git objects, or the REST API. */
export type ReadMode = { kind: 'git'; workspace: string } | { kind: 'api' }

export interface PullRequestTarget {
  number: number
  /** The base branch's tip: the trusted commit the config comes from. */
  baseSha: string
  headSha: string
  baseRef?: string
}

/** Reads a repository's files at commits, through local git or the API. */
interface CommitReader {
  mergeBase(base: string, head: string): Promise<string>
  /** Every file path at a commit. */
  files(commit: string): Promise<string[]>
  text(commit: string, path: string): Promise<string | undefined>
  source(commit: string, path: string): ByteSource
}

function gitReader(workspace: string): CommitReader {
  return {
    mergeBase: (base, head) => mergeBase(workspace, base, head),
    files: (commit) => listFilesAt(workspace, commit),
    text: (commit, path) => readTextAt(workspace, commit, path),
    // A checkout with `lfs: true` has the objects behind LFS pointers: read those, not the pointers.
    source: (commit, path) => repoFileSource(workspace, commit, path)
  }
}

function commitReader(mode: ReadMode, client: GitHubClient, repo: RepoRef): CommitReader {
  if (mode.kind === 'git') return gitReader(mode.workspace)
  return {
    mergeBase: (base, head) => mergeBaseViaApi(client, repo, base, head),
    files: (commit) => listTreeViaApi(client, repo, commit),
    text: (commit, path) => readTextViaApi(client, repo, commit, path),
    source: (commit, path) => apiFileSource(client, repo, commit, path)
  }
}

/** The config from the trusted base commit (never the PR head, which a fork controls), with the inputs' overrides. */
export function applyInputs(text: string | undefined, source: string, inputs: ActionInputs): AuditConfig {
  const config = text === undefined ? defaultConfig() : parseConfig(text, source)
  if (inputs.failOn) config.failOn = inputs.failOn
  if (inputs.minScore !== undefined) config.minScore = inputs.minScore
  if (inputs.paths.length > 0) config.include = inputs.paths
  return config
}

/**
 * Audits a pull request: the files GitHub lists as changed (or, past its 3,000-file limit, the
 * full comparison, saying so), read at the merge base and the head.
 */
export async function auditPullRequest(
  client: GitHubClient,
  repo: RepoRef,
  pull: PullRequestTarget,
  config: AuditConfig,
  mode: ReadMode,
  accepted: readonly string[],
  cache?: AuditOptions['cache']
): Promise<AuditReport> {
  const reader = commitReader(mode, client, repo)
  const base = await reader.mergeBase(pull.baseSha, pull.headSha)
  const notes: string[] = []

  const listed = await listPullFiles(client, repo, pull.number)
  let changed: ChangedPath[] = listed.files
  if (!listed.complete) {
    changed = mode.kind === 'git' ? await changedPaths(mode.workspace, base, pull.headSha) : await diffTreesViaApi(client, repo, base, pull.headSha)
    notes.push(
      `GitHub lists at most ${PULL_FILES_LIMIT.toLocaleString('en-US')} changed files per pull request; this one changes more, so the files were found by comparing ${mode.kind === 'git' ? 'the commits with local git' : 'the two commits\' trees'} (${changed.length.toLocaleString('en-US')} files).`
    )
  }
  const changes = changesFrom(changed, config, reader, base, pull.headSha)
  return runAudit(changes, {
    config,
    accepted,
    cache,
    references: await referencesFor(reader, pull.headSha, changes, config),
    notes,
    baseLabel: pull.baseRef ?? base.slice(0, 7),
    headLabel: pull.headSha.slice(0, 7),
    loadSchema: async (path) => {
      const text = await reader.text(pull.baseSha, path)
      if (text === undefined) throw new Error(`the schema ${path} named by the config is not in the base commit`)
      return JSON.parse(text) as unknown
    }
  })
}

/**
 * The PR's config, read from the base branch's tip (trusted: a fork controls the head). With
 * local git, the commits are fetched first when the checkout lacks them.
 */
export async function loadPullConfig(client: GitHubClient, repo: RepoRef, pull: PullRequestTarget, inputs: ActionInputs, mode: ReadMode): Promise<AuditConfig> {
  if (mode.kind === 'git') await ensureCommits(mode.workspace, [pull.baseSha, pull.headSha])
  const text = await commitReader(mode, client, repo).text(pull.baseSha, inputs.configPath)
  return applyInputs(text, inputs.configPath, inputs)
}

/** Audits the commits of a push, merge group or dispatch: local git only, the workspace is the repository. */
export async function auditRange(
  workspace: string,
  baseSha: string,
  headSha: string,
  inputs: ActionInputs,
  baseLabel: string,
  cache?: AuditOptions['cache']
): Promise<{ report: AuditReport; config: AuditConfig }> {
  await ensureCommits(workspace, [baseSha, headSha])
  const reader = gitReader(workspace)
  const config = applyInputs(await reader.text(baseSha, inputs.configPath), inputs.configPath, inputs)
  const changes = changesFrom(await changedPaths(workspace, baseSha, headSha), config, reader, baseSha, headSha)
  const report = await runAudit(changes, {
    config,
    cache,
    references: await referencesFor(reader, headSha, changes, config),
    baseLabel,
    headLabel: headSha.slice(0, 7),
    loadSchema: async (path) => JSON.parse((await reader.text(baseSha, path)) ?? 'null') as unknown
  })
  return { report, config }
}

/** The unchanged dataset files of a split at head, for leakage and duplicates across files. */
async function referencesFor(reader: CommitReader, head: string, changes: readonly FileChange[], config: AuditConfig): Promise<ByteSource[]> {
  const paths = referencePaths(await reader.files(head), changes.map((c) => c.path), config, (path) => isDatasetPath(config, path))
  return paths.map((path) => reader.source(head, path))
}

function changesFrom(changed: readonly ChangedPath[], config: AuditConfig, reader: CommitReader, base: string, head: string): FileChange[] {
  const changes: FileChange[] = []
  for (const file of changed) {
    const basePath = file.previousPath ?? file.path
    if (!isDatasetPath(config, file.path) && !isDatasetPath(config, basePath)) continue
    changes.push({
      path: file.path,
      status: file.status,
      ...(file.previousPath ? { previousPath: file.previousPath } : {}),
      ...(file.status !== 'added' ? { base: reader.source(base, basePath) } : {}),
      ...(file.status !== 'removed' ? { head: reader.source(head, file.path) } : {})
    })
  }
  return changes
}
