import * as core from '@actions/core'
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { defaultConfig, parseConfig } from './config/load.js'
import { isDatasetPath } from './config/paths.js'
import type { AuditConfig } from './config/types.js'
import { runAudit } from './engine/audit.js'
import type { AuditReport } from './engine/report.js'
import { readInputs, type ActionInputs } from './github/inputs.js'
import { readEventPayload, targetFromEvent } from './github/target.js'
import { ensureCommits } from './github/workspace.js'
import { renderJson } from './report/json.js'
import { renderMarkdown } from './report/markdown.js'
import { gitFileChanges, readTextAt, resolveRef } from './sources/git.js'

/** GitHub's job summary takes at most 1 MiB per step. */
const SUMMARY_BUDGET = 1_000_000

/** The Action's orchestrator: typed inputs, the audit, the outputs; the one place that fails the step. */
export async function run(): Promise<void> {
  try {
    const inputs = readInputs()
    const report = await audit(inputs)
    await publish(report)
    if (!report.gate.passed) core.setFailed(`dataset-audit: the gate fails: ${report.gate.reasons.join('; ')}`)
  } catch (error) {
    core.setOutput('conclusion', 'failure')
    core.setFailed(`dataset-audit could not audit: ${(error as Error).message}`)
  }
}

async function audit(inputs: ActionInputs): Promise<AuditReport> {
  const workspace = process.env.GITHUB_WORKSPACE ?? process.cwd()
  const payload = readEventPayload(process.env.GITHUB_EVENT_PATH)
  const target = targetFromEvent(process.env.GITHUB_EVENT_NAME ?? '', payload, process.env.GITHUB_SHA ?? 'HEAD', inputs.base)
  await ensureCommits(workspace, [target.headSha, ...(target.baseSha ? [target.baseSha] : [])])
  const baseSha = target.baseSha ?? (await resolveRef(workspace, target.baseRef!))
  const config = await configAt(workspace, baseSha, inputs)
  const changes = await gitFileChanges(workspace, baseSha, target.headSha, (path) => isDatasetPath(config, path))
  core.info(`dataset-audit: ${changes.length} dataset ${changes.length === 1 ? 'file' : 'files'} changed between ${baseSha.slice(0, 7)} and ${target.headSha.slice(0, 7)}`)
  return runAudit(changes, {
    config,
    baseLabel: baseSha.slice(0, 7),
    headLabel: target.headSha.slice(0, 7),
    loadSchema: async (path) => {
      const text = await readTextAt(workspace, baseSha, path)
      if (text === undefined) throw new Error(`the schema ${path} named by the config is not in the base commit`)
      return JSON.parse(text) as unknown
    }
  })
}

/** The config from the base commit (a PR's head is untrusted), with the inputs' overrides. */
async function configAt(workspace: string, baseSha: string, inputs: ActionInputs): Promise<AuditConfig> {
  const text = await readTextAt(workspace, baseSha, inputs.configPath)
  const config = text === undefined ? defaultConfig() : parseConfig(text, inputs.configPath)
  if (inputs.failOn) config.failOn = inputs.failOn
  if (inputs.minScore !== undefined) config.minScore = inputs.minScore
  if (inputs.paths.length > 0) config.include = inputs.paths
  return config
}

async function publish(report: AuditReport): Promise<void> {
  const reportPath = join(process.env.RUNNER_TEMP ?? process.cwd(), 'dataset-audit-report.json')
  await writeFile(reportPath, renderJson(report))
  await core.summary.addRaw(renderMarkdown(report, { budget: SUMMARY_BUDGET })).write()
  const findings = report.files.reduce((n, f) => n + f.counts.reduce((m, c) => m + c.total, 0), 0)
  core.setOutput('score', report.score ?? '')
  core.setOutput('base-score', report.baseScore ?? '')
  core.setOutput('regressions', report.regressions.filter((r) => !r.accepted).length)
  core.setOutput('findings', findings)
  core.setOutput('conclusion', !report.gate.passed ? 'failure' : report.totals.introduced > 0 ? 'neutral' : 'success')
  core.setOutput('report', reportPath)
}
