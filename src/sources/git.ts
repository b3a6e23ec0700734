import { execFile, spawn } from 'node:child_process'
import { join } from 'node:path'
import { PassThrough, type Readable } from 'node:stream'
import { promisify } from 'node:util'
import type { FileChange } from '../engine/audit.js'
import type { ByteSource } from '../engine/readers/types.js'
import { lfsAwareSource } from './lfs.js'
import { streamSource } from './spill.js'

const execFileAsync = promisify(execFile)

/** Git's output can be large (a 3,000-file diff); the default 1 MiB buffer is not enough. */
const GIT_MAX_BUFFER = 256 * 1024 * 1024

/** An operational failure of git (a missing ref, not a repository): not a data problem. */
export class GitError extends Error {}

/** Runs git in `repo` and returns its standard output. */
export async function git(repo: string, args: readonly string[]): Promise<string> {
  try {
    const { stdout } = await execFileAsync('git', ['-C', repo, ...args], { maxBuffer: GIT_MAX_BUFFER, encoding: 'utf8' })
    return stdout
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr?.trim()
    throw new GitError(`git ${args.join(' ')} failed: ${stderr || (error as Error).message}`)
  }
}

/** The full SHA a ref names, or a GitError. */
export async function resolveRef(repo: string, ref: string): Promise<string> {
  return (await git(repo, ['rev-parse', '--verify', '--end-of-options', `${ref}^{commit}`])).trim()
}

/** The best common ancestor of two commits: what a pull request is compared against. */
export async function mergeBase(repo: string, base: string, head: string): Promise<string> {
  return (await git(repo, ['merge-base', base, head])).trim()
}

/** A file as git reports it between two commits. */
export interface ChangedPath {
  status: 'added' | 'removed' | 'modified' | 'renamed'
  path: string
  previousPath?: string
}

/** The files that differ between two commits, renames detected (`git diff -M`). */
export async function changedPaths(repo: string, from: string, to: string): Promise<ChangedPath[]> {
  const output = await git(repo, ['diff', '--name-status', '-z', '-M', '--no-ext-diff', from, to, '--'])
  const parts = output.split('\0')
  const changes: ChangedPath[] = []
  for (let i = 0; i < parts.length - 1; ) {
    const code = parts[i++]
    if (code.startsWith('R')) {
      const previousPath = parts[i++]
      changes.push({ status: 'renamed', path: parts[i++], previousPath })
    } else if (code.startsWith('C')) {
      i++
      changes.push({ status: 'added', path: parts[i++] })
    } else {
      const path = parts[i++]
      changes.push({ status: code === 'A' ? 'added' : code === 'D' ? 'removed' : 'modified', path })
    }
  }
  return changes
}

/** Every file path in a commit's tree. */
export async function listFilesAt(repo: string, commit: string): Promise<string[]> {
  return (await git(repo, ['ls-tree', '-r', '-z', '--name-only', commit])).split('\0').filter(Boolean)
}

/** The text of a file at a commit, or undefined when the commit has no such file. */
export async function readTextAt(repo: string, commit: string, path: string): Promise<string | undefined> {
  try {
    return await git(repo, ['show', `${commit}:${path}`])
  } catch {
    return undefined
  }
}

/**
 * A file as stored in a commit, streamed from `git cat-file`: no checkout needed, and the
 * file is never held in memory whole. A git failure surfaces as a stream error.
 */
export function gitBlobSource(repo: string, commit: string, path: string): ByteSource {
  const open = (): Readable => {
    const child = spawn('git', ['-C', repo, 'cat-file', 'blob', `${commit}:${path}`], { stdio: ['ignore', 'pipe', 'pipe'] })
    const output = new PassThrough()
    let stderr = ''
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
    child.stdout.pipe(output, { end: false })
    child.on('error', (error) => output.destroy(new GitError(`could not run git: ${error.message}`)))
    child.on('close', (code) => {
      if (code === 0) output.end()
      else output.destroy(new GitError(`git could not read ${path} at ${commit.slice(0, 12)}: ${stderr.trim()}`))
    })
    output.on('close', () => {
      if (child.exitCode === null) child.kill()
    })
    return output
  }
  // The blob id names the bytes: `git rev-parse` answers from the tree without reading the blob.
  return {
    ...streamSource(path, open),
    contentId: async () => (await git(repo, ['rev-parse', `${commit}:${path}`])).trim(),
    size: async () => Number((await git(repo, ['cat-file', '-s', `${commit}:${path}`])).trim())
  }
}

/**
 * A file at a commit from the repository's objects, following Git LFS pointers into the local
 * LFS store when the objects were fetched.
 */
export function repoFileSource(repo: string, commit: string, path: string): ByteSource {
  return lfsAwareSource(gitBlobSource(repo, commit, path), join(repo, '.git'))
}

/** What a pull request compares: the merge base of `base` and `head`, and `head`, as SHAs. */
export async function pullRequestRange(repo: string, baseRef: string, headRef: string): Promise<{ baseSha: string; headSha: string }> {
  const headSha = await resolveRef(repo, headRef)
  const baseSha = await mergeBase(repo, await resolveRef(repo, baseRef), headSha)
  return { baseSha, headSha }
}

/** The dataset files that differ between two commits, as audit input read from git objects. */
export async function gitFileChanges(repo: string, baseSha: string, headSha: string, isDataset: (path: string) => boolean): Promise<FileChange[]> {
  const changes: FileChange[] = []
  for (const changed of await changedPaths(repo, baseSha, headSha)) {
    const basePath = changed.previousPath ?? changed.path
    if (!isDataset(changed.path) && !isDataset(basePath)) continue
    changes.push({
      path: changed.path,
      status: changed.status,
      ...(changed.previousPath ? { previousPath: changed.previousPath } : {}),
      ...(changed.status !== 'added' ? { base: repoFileSource(repo, baseSha, basePath) } : {}),
      ...(changed.status !== 'removed' ? { head: repoFileSource(repo, headSha, changed.path) } : {})
    })
  }
  return changes
}
