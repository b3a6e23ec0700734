import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ACTION_BUNDLE } from './spawn.js'

/** A token shaped like a real job token, to prove it never reaches the logs. */
export const TEST_TOKEN = 'ghs_TestTokenThatMustNeverBePrinted0123456789'

export interface ActionRun {
  status: number | null
  stdout: string
  stderr: string
  outputs: Record<string, string>
  summary: string
  report?: unknown
}

interface WebhookExample {
  name: string
  examples: Array<Record<string, unknown> & { action?: string }>
}

/** A real webhook payload from @octokit/webhooks-examples, to adapt per test. */
export function webhookExample(name: string, action?: string): Record<string, unknown> {
  const require = createRequire(import.meta.url)
  const index = require('@octokit/webhooks-examples/api.github.com/index.json') as WebhookExample[]
  const example = index.find((e) => e.name === name)?.examples.find((e) => action === undefined || e.action === action)
  if (!example) throw new Error(`no ${name}/${action} example in @octokit/webhooks-examples`)
  return structuredClone(example)
}

/**
 * Runs the bundled Action (dist/index.js) as its own process with the environment a runner
 * gives it, and reads back the step outputs, the job summary and the JSON report.
 */
export async function runAction(options: {
  event: string
  payload: unknown
  apiUrl: string
  workspace: string
  repository: string
  sha: string
  inputs?: Record<string, string>
  /** More runner environment (the cache service's URL and token). */
  env?: Record<string, string>
}): Promise<ActionRun> {
  const runnerDir = mkdtempSync(join(tmpdir(), 'dataset-audit-runner-'))
  const eventPath = join(runnerDir, 'event.json')
  const outputPath = join(runnerDir, 'output')
  const summaryPath = join(runnerDir, 'summary.md')
  writeFileSync(eventPath, JSON.stringify(options.payload))
  writeFileSync(outputPath, '')
  writeFileSync(summaryPath, '')
  const inputs = { 'github-token': TEST_TOKEN, config: '.github/dataset-audit.yml', comment: 'update', annotations: 'true', mode: 'audit', ...options.inputs }
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    GITHUB_ACTIONS: 'true',
    GITHUB_EVENT_NAME: options.event,
    GITHUB_EVENT_PATH: eventPath,
    GITHUB_REPOSITORY: options.repository,
    GITHUB_API_URL: options.apiUrl,
    GITHUB_WORKSPACE: options.workspace,
    GITHUB_SHA: options.sha,
    GITHUB_OUTPUT: outputPath,
    GITHUB_STEP_SUMMARY: summaryPath,
    RUNNER_TEMP: runnerDir,
    ...options.env,
    ...Object.fromEntries(Object.entries(inputs).map(([name, value]) => [`INPUT_${name.toUpperCase()}`, value]))
  }
  const child = spawn(process.execPath, [ACTION_BUNDLE], { cwd: options.workspace, env })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
  const status = await new Promise<number | null>((resolve) => child.on('close', resolve))
  const outputs = parseOutputs(readFileSync(outputPath, 'utf8'))
  let report: unknown
  try {
    report = JSON.parse(readFileSync(join(runnerDir, 'dataset-audit-report.json'), 'utf8'))
  } catch {
    report = undefined
  }
  return { status, stdout, stderr, outputs, summary: readFileSync(summaryPath, 'utf8'), report }
}

/** The GITHUB_OUTPUT file format: `name<<DELIMITER`, the value, `DELIMITER`. */
function parseOutputs(text: string): Record<string, string> {
  const outputs: Record<string, string> = {}
  const lines = text.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const match = lines[i].match(/^([^<]+)<<(.+)$/)
    if (!match) continue
    const [, name, delimiter] = match
    const value: string[] = []
    while (++i < lines.length && lines[i] !== delimiter) value.push(lines[i])
    outputs[name] = value.join('\n')
  }
  return outputs
}
