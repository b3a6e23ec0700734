import { spawnSync } from 'node:child_process'
import { resolve } from 'node:path'

export const CLI_BUNDLE = resolve(process.cwd(), 'dist/cli/index.js')
export const ACTION_BUNDLE = resolve(process.cwd(), 'dist/index.js')

export interface ProcessResult {
  status: number | null
  stdout: string
  stderr: string
}

/** Runs the bundled CLI as its own process, the way a user's shell does. */
export function runCliProcess(args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): ProcessResult {
  const result = spawnSync(process.execPath, [CLI_BUNDLE, ...args], {
    cwd: options.cwd ?? process.cwd(),
    env: { ...process.env, ...options.env },
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024
  })
  return { status: result.status, stdout: result.stdout, stderr: result.stderr }
}
