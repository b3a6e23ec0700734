import * as core from '@actions/core'
import { FAIL_ON, type FailOn } from '../config/types.js'

/** The Action's inputs as one typed object; nothing else reads `core.getInput`. */
export interface ActionInputs {
  /** Token for the REST API; masked in logs. */
  token: string
  /** Repository-relative path of the config file, read from the base commit. */
  configPath: string
  /** Overrides the config's `fail-on` when set. */
  failOn?: FailOn
  /** Overrides the config's `min-score` when set. */
  minScore?: number
  /** `update` keeps one sticky comment, `new` posts one per run, `off` posts none. */
  comment: 'update' | 'new' | 'off'
  /** Line annotations on the check run. */
  annotations: boolean
  /** Globs that override the config's `include`. */
  paths: string[]
  /** A base ref or SHA for push and workflow_dispatch runs (default: the parent commit). */
  base?: string
  /** `audit` (default) audits and publishes; `publish` publishes a report another workflow made (fork PRs). */
  mode: 'audit' | 'publish'
  /** In publish mode: the JSON report downloaded from the auditing workflow's artifact. */
  reportFile?: string
  /** Keep what reading a base file gave in the Actions cache, by blob id, for the next run. */
  cache: boolean
}

/** Reads and validates the inputs; a bad value is an error naming the input. */
export function readInputs(): ActionInputs {
  const token = core.getInput('github-token')
  if (token) core.setSecret(token)
  const failOn = core.getInput('fail-on')
  if (failOn && !(FAIL_ON as readonly string[]).includes(failOn)) throw new Error(`input fail-on must be one of ${FAIL_ON.join(', ')}, got "${failOn}"`)
  const minScoreText = core.getInput('min-score')
  const minScore = minScoreText === '' ? undefined : Number(minScoreText)
  if (minScore !== undefined && (!Number.isFinite(minScore) || minScore < 0 || minScore > 100)) throw new Error(`input min-score must be a number from 0 to 100, got "${minScoreText}"`)
  const comment = core.getInput('comment') || 'update'
  if (comment !== 'update' && comment !== 'new' && comment !== 'off') throw new Error(`input comment must be update, new or off, got "${comment}"`)
  const annotations = (core.getInput('annotations') || 'true').toLowerCase()
  if (annotations !== 'true' && annotations !== 'false') throw new Error(`input annotations must be true or false, got "${annotations}"`)
  const cache = (core.getInput('cache') || 'true').toLowerCase()
  if (cache !== 'true' && cache !== 'false') throw new Error(`input cache must be true or false, got "${cache}"`)
  const mode = core.getInput('mode') || 'audit'
  if (mode !== 'audit' && mode !== 'publish') throw new Error(`input mode must be audit or publish, got "${mode}"`)
  const reportFile = core.getInput('report-file') || undefined
  if (mode === 'publish' && !reportFile) throw new Error('input report-file is required with mode: publish (the JSON report from the audit workflow\'s artifact)')
  return {
    mode,
    reportFile,
    token,
    configPath: core.getInput('config') || '.github/dataset-audit.yml',
    failOn: (failOn || undefined) as FailOn | undefined,
    minScore,
    comment,
    annotations: annotations === 'true',
    cache: cache === 'true',
    paths: core.getMultilineInput('paths').flatMap((line) => line.split(',')).map((p) => p.trim()).filter(Boolean),
    base: core.getInput('base') || undefined
  }
}
