import { ConfigError, unknownCheckIds } from '../config/load.js'
import { settingsFor } from '../config/paths.js'
import type { AuditConfig, FileSettings } from '../config/types.js'
import { TOOL_VERSION } from '../version.js'
import { ALL_CHECKS, checkCatalog } from './checks/registry.js'
import type { Check } from './checks/types.js'
import { diffRecords, HeadStatus, type RecordDiff } from './diff.js'
import { detectFormat } from './readers/index.js'
import type { ByteSource } from './readers/types.js'
import { RecordIndex } from './record-index.js'
import type { AuditReport, FileReport } from './report.js'
import { aggregateDimensions, evaluateGate, fileDimensionScores, findRegressions, overallScore } from './score.js'
import { runSidePass, type PreparedCheck, type SideResult } from './side-pass.js'
import type { FileStatus, Finding } from './types.js'

/** One dataset file to audit: its base and head bytes, either of which may be missing. */
export interface FileChange {
  /** Head path (base path for a removed file). */
  path: string
  status: Exclude<FileStatus, 'unchanged'>
  /** The base path of a renamed file. */
  previousPath?: string
  base?: ByteSource
  head?: ByteSource
}

export interface AuditProgress {
  file: string
  fileIndex: number
  fileCount: number
  side: 'base' | 'head'
  records: number
}

export interface AuditOptions {
  config: AuditConfig
  /** The checks to run; all registered ones by default. */
  checks?: readonly Check[]
  /** Run only these check ids (reading problems are always reported). */
  only?: readonly string[]
  /** Check ids a maintainer accepted for this change: their regressions do not fail the gate. */
  accepted?: readonly string[]
  /** Reads a JSON Schema file named by the config, from the trusted base (never the PR head). */
  loadSchema?: (path: string) => Promise<unknown>
  baseLabel?: string
  headLabel?: string
  onProgress?: (progress: AuditProgress) => void
  /** Where the config came from, for error messages (`.github/dataset-audit.yml at 1a2b3c`). */
  configSource?: string
  /** Notes for the report's reader from whoever gathered the files. */
  notes?: readonly string[]
}

/** How many added, removed and modified records a file report lists as examples. */
const EXAMPLES_PER_KIND = 20

/**
 * The engine's one public door: reads every file's base and head, diffs them record by record,
 * runs the checks on both sides, scores them, names the regressions and applies the gate.
 */
export async function runAudit(changes: readonly FileChange[], options: AuditOptions): Promise<AuditReport> {
  const { config } = options
  const known = checkCatalog().map((c) => c.id)
  const unknown = unknownCheckIds(config, known)
  if (unknown.length > 0) throw new ConfigError(options.configSource ?? 'the configuration', unknown)
  const unknownOnly = (options.only ?? []).filter((id) => !known.includes(id))
  if (unknownOnly.length > 0) throw new Error(`unknown check ${unknownOnly.map((id) => `\`${id}\``).join(', ')} in --only; the checks are ${known.join(', ')}`)
  const accepted = new Set(options.accepted ?? [])
  const files: FileReport[] = []
  for (const [fileIndex, change] of changes.entries()) {
    const progress = (side: 'base' | 'head') => (records: number) =>
      options.onProgress?.({ file: change.path, fileIndex, fileCount: changes.length, side, records })
    files.push(await auditFile(change, options, progress))
  }

  return assembleReport(files, config, accepted, { base: options.baseLabel, head: options.headLabel, notes: options.notes })
}

/**
 * The whole report from the files' reports: dimension scores, overall scores, regressions, the
 * gate and the totals. Pure, so a report made elsewhere (a fork's artifact) can be judged again
 * by trusted code from its files alone.
 */
export function assembleReport(
  files: FileReport[],
  config: AuditConfig,
  accepted: ReadonlySet<string>,
  labels: { base?: string; head?: string; notes?: readonly string[] }
): AuditReport {
  const dimensions = aggregateDimensions(files)
  const score = overallScore(dimensions, config.weights, 'score')
  const regressions = findRegressions(files, dimensions, config, accepted)
  const sum = (pick: (file: FileReport) => number): number => files.reduce((n, f) => n + pick(f), 0)
  return {
    schemaVersion: 1,
    tool: { name: 'dataset-audit', version: TOOL_VERSION },
    base: labels.base,
    head: labels.head,
    score,
    baseScore: overallScore(dimensions, config.weights, 'baseScore'),
    patchScore: overallScore(dimensions, config.weights, 'patchScore'),
    dimensions,
    files,
    regressions,
    gate: evaluateGate(files, regressions, score, config, accepted),
    notes: [...(labels.notes ?? [])],
    totals: {
      files: files.length,
      records: sum((f) => (f.status === 'removed' ? 0 : f.records)),
      added: sum((f) => f.added),
      removed: sum((f) => f.removed),
      modified: sum((f) => f.modified),
      findings: sum((f) => f.counts.reduce((n, c) => n + c.total, 0)),
      introduced: sum((f) => f.counts.reduce((n, c) => n + c.introduced, 0)),
      errors: sum((f) => f.counts.reduce((n, c) => n + c.error, 0)),
      warnings: sum((f) => f.counts.reduce((n, c) => n + c.warning, 0))
    }
  }
}

async function auditFile(
  change: FileChange,
  options: AuditOptions,
  progress: (side: 'base' | 'head') => (records: number) => void
): Promise<FileReport> {
  const settings = settingsFor(options.config, change.path)
  const checks = await prepareChecks(settings, options)

  const base = change.base
    ? await runSidePass({ source: change.base, side: 'base', settings, checks, allIntroduced: false, onRecords: progress('base') })
    : undefined
  const head = change.head
    ? await runSidePass({ source: change.head, side: 'head', settings, checks, plan: base?.plan, base, allIntroduced: !change.base, onRecords: progress('head') })
    : undefined

  const plan = head?.plan ?? base?.plan
  if (plan?.keyInferred && ![base, head].every((side) => !side || side.index.hasUniqueKeys())) {
    base?.index.forgetKeys()
    head?.index.forgetKeys()
  }
  const emptyIndex = new RecordIndex(plan?.keyFields ?? [])
  const diff = diffRecords(base?.index ?? emptyIndex, head?.index ?? emptyIndex)
  if (head) reportDuplicateKeys(diff, head, change.path)

  const primary = head ?? base!
  if (base) {
    for (const count of base.collector.countList()) primary.collector.addBaseCount(count.check, count.dimension, count.total)
  }
  const { findings, omitted } = head ? head.collector.listed() : { findings: [] as Finding[], omitted: 0 }
  const detected = detectFormat(change.path)
  const isChanged = (position: number): boolean =>
    position < 0 ? head!.introducedSkipped.has(position) : diff.headStatus[position] !== HeadStatus.Unchanged
  const changedCount = diff.added.length + diff.modified.length + (head?.introducedSkipped.size ?? 0)
  const denominator = (side?: SideResult): number => (side ? side.summary.records + side.summary.skipped : 0)

  return {
    path: change.path,
    ...(change.previousPath ? { previousPath: change.previousPath } : {}),
    status: change.status,
    format: primary.summary.format ?? detected?.format ?? 'jsonl',
    compressed: primary.summary.compressed,
    records: primary.summary.records,
    baseRecords: base?.summary.records ?? 0,
    added: diff.added.length,
    removed: diff.removed.length,
    modified: diff.modified.length,
    unchanged: head ? diff.unchanged : 0,
    skipped: head?.summary.skipped ?? 0,
    baseSkipped: base?.summary.skipped ?? 0,
    keyFields: diff.keyFields,
    diffMode: diff.mode,
    reordered: diff.reordered,
    lfsPointer: primary.summary.lfsPointer,
    unreadable: primary.summary.unreadable,
    ...(primary.summary.columns ? { columns: primary.summary.columns } : {}),
    textFields: plan?.textFields ?? [],
    ...(settings.split ? { split: settings.split } : {}),
    ...(settings.purpose ? { purpose: settings.purpose } : {}),
    findings,
    counts: primary.collector.countList(),
    findingsOmitted: omitted,
    examples: {
      added: diff.added.slice(0, EXAMPLES_PER_KIND),
      removed: diff.removed.slice(0, EXAMPLES_PER_KIND),
      modified: diff.modified.slice(0, EXAMPLES_PER_KIND)
    },
    duplicateKeys: diff.duplicateKeys.slice(0, EXAMPLES_PER_KIND),
    dimensions: fileDimensionScores(head?.scorer, denominator(head), base?.scorer, denominator(base), isChanged, changedCount)
  }
}

/** The registered checks this file runs, with their settings merged and schemas loaded. */
async function prepareChecks(settings: FileSettings, options: AuditOptions): Promise<PreparedCheck[]> {
  const only = options.only ? new Set(options.only) : undefined
  const prepared: PreparedCheck[] = []
  for (const check of options.checks ?? ALL_CHECKS) {
    if (only && !only.has(check.id)) continue
    const config = { ...check.defaults, ...settings.checks[check.id] }
    if (config.enabled === false) continue
    if (check.id === 'schema' && settings.schema && options.loadSchema) {
      try {
        config.schemaObject = await options.loadSchema(settings.schema)
      } catch (error) {
        // A schema that cannot be read is the config's problem, reported on the file; the audit goes on.
        config.schemaError = (error as Error).message
      }
    }
    prepared.push({ check, config })
  }
  return prepared
}

/**
 * A key that repeats on head: every record after the first that carries it is a finding, the
 * PR's when that record is one it added or modified.
 */
function reportDuplicateKeys(diff: RecordDiff, head: SideResult, file: string): void {
  const headDuplicates = diff.duplicateKeys.filter((duplicate) => duplicate.side === 'head')
  if (headDuplicates.length === 0) return
  const positionOfLine = new Map(head.index.lines.map((line, position) => [line, position]))
  for (const duplicate of headDuplicates) {
    const [first, ...rest] = duplicate.lines
    for (const line of rest) {
      const position = positionOfLine.get(line)
      const finding: Finding = {
        check: 'duplicate-keys',
        dimension: 'uniqueness',
        severity: 'warning',
        file,
        line,
        key: duplicate.key,
        message: `key \`${duplicate.key}\` is also used by the record on line ${first}`,
        duplicateOf: { file, line: first },
        introduced: position !== undefined && diff.headStatus[position] !== HeadStatus.Unchanged
      }
      head.collector.add(finding)
      head.scorer.note('uniqueness', 'warning', position)
    }
  }
}
