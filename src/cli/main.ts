import { createHash } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { readdir, readFile, stat, writeFile } from 'node:fs/promises'
import { join, relative, resolve, sep } from 'node:path'
import { parseArgs } from 'node:util'
import { ConfigError, DEFAULT_CONFIG_PATH, defaultConfig, loadConfigFile, parseConfig } from '../config/load.js'
import { isDatasetPath } from '../config/paths.js'
import { FAIL_ON, type AuditConfig, type FailOn } from '../config/types.js'
import { runAudit, type AuditOptions, type FileChange } from '../engine/audit.js'
import { fileSource } from '../engine/readers/index.js'
import type { AuditReport } from '../engine/report.js'
import { renderJson } from '../report/json.js'
import { renderMarkdown } from '../report/markdown.js'
import { gitFileChanges, pullRequestRange, readTextAt } from '../sources/git.js'
import { TOOL_VERSION } from '../version.js'
import { ProgressBar } from './progress.js'

/** A mistake in how the command was called: exit code 2 with a one-line reason. */
export class UsageError extends Error {}

/** Where the CLI writes; a parameter so tests can run it in-process too. */
export interface CliIO {
  stdout: NodeJS.WritableStream
  stderr: NodeJS.WriteStream
  cwd: string
}

const USAGE = `dataset-audit ${TOOL_VERSION}: audits dataset files record by record.

Usage:
  dataset-audit diff OLD NEW              two versions of one dataset file
  dataset-audit scan PATH...              dataset files or folders, with no base
  dataset-audit pr --repo DIR --base REF --head REF
                                          the dataset files changed between the merge
                                          base of REF and head, read from git objects

Options:
  --format markdown|json   report format (default: markdown)
  --out FILE               write the report to FILE instead of standard output
  --config FILE            configuration (default: ${DEFAULT_CONFIG_PATH}; for pr, read from the base commit)
  --only CHECK[,CHECK...]  run only these checks
  --fail-on LEVEL          error | regression | warning | never (overrides the config)
  --min-score N            fail when the score is under N (overrides the config)
  --no-progress            no progress bar on a terminal
  -h, --help               this help
  -v, --version            the version

Exit status: 0 the gate passes, 1 it fails, 2 usage or operational error.`

const OPTIONS = {
  format: { type: 'string' },
  out: { type: 'string' },
  config: { type: 'string' },
  only: { type: 'string' },
  'fail-on': { type: 'string' },
  'min-score': { type: 'string' },
  repo: { type: 'string' },
  base: { type: 'string' },
  head: { type: 'string' },
  'no-progress': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'v' }
} as const

/** Runs the CLI with `args` (without node and the script) and returns the exit code. */
export async function runCli(args: readonly string[], io: CliIO): Promise<number> {
  try {
    return await dispatch(args, io)
  } catch (error) {
    const reason = error instanceof ConfigError ? error.message.replace(/\s*\n\s*/g, '; ') : (error as Error).message
    io.stderr.write(`dataset-audit: ${error instanceof UsageError ? '' : 'could not audit: '}${reason}\n`)
    return 2
  }
}

async function dispatch(args: readonly string[], io: CliIO): Promise<number> {
  let parsed
  try {
    parsed = parseArgs({ args: [...args], options: OPTIONS, allowPositionals: true, strict: true })
  } catch (error) {
    throw new UsageError(`${(error as Error).message} (see --help)`)
  }
  const { values, positionals } = parsed
  if (values.help) {
    io.stdout.write(USAGE + '\n')
    return 0
  }
  if (values.version) {
    io.stdout.write(TOOL_VERSION + '\n')
    return 0
  }
  const [command, ...paths] = positionals
  const format = values.format ?? 'markdown'
  if (format !== 'markdown' && format !== 'json') throw new UsageError(`--format must be markdown or json, not ${format}`)

  let prepared: { changes: FileChange[]; config: AuditConfig; options: Partial<AuditOptions> }
  switch (command) {
    case 'diff':
      prepared = await prepareDiff(paths, values.config, io)
      break
    case 'scan':
      prepared = await prepareScan(paths, values.config, io)
      break
    case 'pr':
      if (paths.length > 0) throw new UsageError(`pr takes no paths (got ${paths[0]}); use --repo, --base and --head`)
      prepared = await preparePr(values.repo, values.base, values.head, values.config, io)
      break
    case undefined:
      throw new UsageError('a command is needed: diff, scan or pr (see --help)')
    default:
      throw new UsageError(`unknown command ${command}: use diff, scan or pr (see --help)`)
  }

  const config = applyOverrides(prepared.config, values['fail-on'], values['min-score'])
  const only = values.only?.split(',').map((id) => id.trim()).filter(Boolean)
  const progress = io.stderr.isTTY && !values['no-progress'] ? new ProgressBar(io.stderr) : undefined
  let report: AuditReport
  try {
    report = await runAudit(prepared.changes, { ...prepared.options, config, only, onProgress: (p) => progress?.update(p) })
  } finally {
    progress?.clear()
  }

  const output = format === 'json' ? renderJson(report) : renderMarkdown(report, { budget: Number.POSITIVE_INFINITY }) + '\n'
  if (values.out) {
    await writeFile(resolve(io.cwd, values.out), output)
    io.stderr.write(`dataset-audit: report written to ${values.out}\n`)
  } else io.stdout.write(output)
  if (!report.gate.passed) io.stderr.write(`dataset-audit: the gate fails: ${report.gate.reasons.join('; ')}\n`)
  return report.gate.passed ? 0 : 1
}

function applyOverrides(config: AuditConfig, failOn: string | undefined, minScore: string | undefined): AuditConfig {
  const result = { ...config }
  if (failOn !== undefined) {
    if (!(FAIL_ON as readonly string[]).includes(failOn)) throw new UsageError(`--fail-on must be one of ${FAIL_ON.join(', ')}, not ${failOn}`)
    result.failOn = failOn as FailOn
  }
  if (minScore !== undefined) {
    const value = Number(minScore)
    if (!Number.isFinite(value) || value < 0 || value > 100) throw new UsageError(`--min-score must be a number from 0 to 100, not ${minScore}`)
    result.minScore = value
  }
  return result
}

/** A config file from the working tree (the CLI's own files are trusted). */
async function localConfig(file: string | undefined, io: CliIO): Promise<{ config: AuditConfig; loadSchema: (path: string) => Promise<unknown> }> {
  const config = await loadConfigFile(file, io.cwd)
  return { config, loadSchema: async (path) => JSON.parse(await readFile(resolve(io.cwd, path), 'utf8')) as unknown }
}

async function prepareDiff(paths: string[], configFile: string | undefined, io: CliIO) {
  if (paths.length !== 2) throw new UsageError('diff takes two files or two folders: OLD NEW')
  const [oldPath, newPath] = paths.map((p) => resolve(io.cwd, p))
  const [oldInfo, newInfo] = await Promise.all([oldPath, newPath].map((p) => stat(p).catch(() => undefined)))
  if (!oldInfo || !newInfo) throw new UsageError(`no such file or folder: ${!oldInfo ? paths[0] : paths[1]}`)
  const labels = { baseLabel: displayPath(oldPath, io.cwd), headLabel: displayPath(newPath, io.cwd) }
  if (oldInfo.isDirectory() && newInfo.isDirectory()) {
    // Two snapshots of a dataset repository: the config comes from the old one, as a PR's comes from its base.
    const { config, loadSchema } = await localConfig(configFile ?? (await existing(join(oldPath, DEFAULT_CONFIG_PATH))), io)
    const changes = await folderChanges(oldPath, newPath, (path) => isDatasetPath(config, path))
    return { changes, config, options: { loadSchema, ...labels } }
  }
  if (!oldInfo.isFile() || !newInfo.isFile()) throw new UsageError('diff takes two files or two folders, not one of each')
  const { config, loadSchema } = await localConfig(configFile, io)
  const display = displayPath(newPath, io.cwd)
  const change: FileChange = { path: display, status: 'modified', base: fileSource(oldPath, display), head: fileSource(newPath, display) }
  return { changes: [change], config, options: { loadSchema, ...labels } }
}

/** The dataset files that differ between two folders, paired by relative path. */
async function folderChanges(oldDir: string, newDir: string, isDataset: (path: string) => boolean): Promise<FileChange[]> {
  const relativeFiles = async (dir: string) => new Set((await walk(dir)).map((f) => relative(dir, f).split(sep).join('/')).filter(isDataset))
  const [oldFiles, newFiles] = await Promise.all([relativeFiles(oldDir), relativeFiles(newDir)])
  const changes: FileChange[] = []
  for (const path of [...new Set([...oldFiles, ...newFiles])].sort()) {
    const oldFile = join(oldDir, path)
    const newFile = join(newDir, path)
    if (!newFiles.has(path)) changes.push({ path, status: 'removed', base: fileSource(oldFile, path) })
    else if (!oldFiles.has(path)) changes.push({ path, status: 'added', head: fileSource(newFile, path) })
    else if (!(await sameBytes(oldFile, newFile))) changes.push({ path, status: 'modified', base: fileSource(oldFile, path), head: fileSource(newFile, path) })
  }
  return changes
}

async function sameBytes(a: string, b: string): Promise<boolean> {
  const [sa, sb] = await Promise.all([stat(a), stat(b)])
  if (sa.size !== sb.size) return false
  const [ha, hb] = await Promise.all([a, b].map(sha256File))
  return ha === hb
}

function sha256File(path: string): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    const hash = createHash('sha256')
    createReadStream(path)
      .on('data', (chunk) => hash.update(chunk))
      .on('error', reject)
      .on('end', () => resolvePromise(hash.digest('hex')))
  })
}

async function existing(path: string): Promise<string | undefined> {
  return (await stat(path).catch(() => undefined))?.isFile() ? path : undefined
}

async function prepareScan(paths: string[], configFile: string | undefined, io: CliIO) {
  if (paths.length === 0) throw new UsageError('scan takes at least one file or folder')
  const { config, loadSchema } = await localConfig(configFile, io)
  const changes: FileChange[] = []
  for (const path of paths) {
    const absolute = resolve(io.cwd, path)
    const info = await stat(absolute).catch(() => undefined)
    if (!info) throw new UsageError(`no such file or folder: ${path}`)
    // A file named on the command line is scanned whatever its name; a folder's files when they are datasets.
    const files = info.isDirectory() ? (await walk(absolute)).filter((f) => isDatasetPath(config, displayPath(f, io.cwd))) : [absolute]
    for (const file of files) {
      const display = displayPath(file, io.cwd)
      changes.push({ path: display, status: 'scanned', head: fileSource(file, display) })
    }
  }
  return { changes, config, options: { loadSchema } }
}

async function preparePr(repo: string | undefined, base: string | undefined, head: string | undefined, configFile: string | undefined, io: CliIO) {
  if (!repo || !base || !head) throw new UsageError('pr needs --repo DIR, --base REF and --head REF')
  const repoDir = resolve(io.cwd, repo)
  const { baseSha, headSha } = await pullRequestRange(repoDir, base, head)
  // The config and schemas come from the base commit: the head is what is under review.
  const local = configFile ? await localConfig(configFile, io) : undefined
  const configText = local ? undefined : await readTextAt(repoDir, baseSha, DEFAULT_CONFIG_PATH)
  const config = local?.config ?? (configText === undefined ? defaultConfig() : parseConfig(configText, `${DEFAULT_CONFIG_PATH} at ${baseSha.slice(0, 12)}`))
  const loadSchema =
    local?.loadSchema ??
    (async (path: string) => {
      const text = await readTextAt(repoDir, baseSha, path)
      if (text === undefined) throw new Error(`the schema ${path} named by the config is not in the base commit ${baseSha.slice(0, 12)}`)
      return JSON.parse(text) as unknown
    })
  const changes = await gitFileChanges(repoDir, baseSha, headSha, (path) => isDatasetPath(config, path))
  return { changes, config, options: { loadSchema, baseLabel: base, headLabel: `${head} (${headSha.slice(0, 7)})` } }
}

/** Every file below a folder, skipping VCS and dependency folders. */
async function walk(dir: string): Promise<string[]> {
  const files: string[] = []
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    if (entry.name === '.git' || entry.name === 'node_modules') continue
    const full = join(dir, entry.name)
    if (entry.isDirectory()) files.push(...(await walk(full)))
    else if (entry.isFile()) files.push(full)
  }
  return files.sort()
}

/** A path as the user thinks of it: relative to where they ran the command, with forward slashes. */
function displayPath(absolute: string, cwd: string): string {
  const rel = relative(cwd, absolute)
  return (rel.startsWith('..') ? absolute : rel).split(sep).join('/')
}
