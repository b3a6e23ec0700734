import { spawnSync } from 'node:child_process'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'

export const CLI_BUNDLE = resolve(process.cwd(), 'dist/cli/index.js')
export const ACTION_BUNDLE = resolve(process.cwd(), 'dist/index.js')

export interface ProcessResult {
  status: number | null
  stdout: string
  stderr: string
}

/** The CLI's cache folder in tests: one per test file, never the user's. */
const TEST_CACHE = mkdtempSync(join(tmpdir(), 'dataset-audit-test-cache-'))

/** Runs the bundled CLI as its own process, the way a user's shell does. */
export function runCliProcess(args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): ProcessResult {
  const result = spawnSync(process.execPath, [CLI_BUNDLE, ...args], {
    cwd: options.cwd ?? process.cwd(),
    env: { DATASET_AUDIT_CACHE: TEST_CACHE, ...process.env, ...options.env },
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024
  })
  return { status: result.status, stdout: result.stdout, stderr: result.stderr }
}
