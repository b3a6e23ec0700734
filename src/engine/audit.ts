import { ConfigError, unknownCheckIds } from '../config/load.js'
import { settingsFor } from '../config/paths.js'
import type { AuditConfig, CheckConfig, FileSettings } from '../config/types.js'
import { TOOL_VERSION } from '../version.js'
import { ALL_CHECKS, checkCatalog } from './checks/registry.js'
import type { Check } from './checks/types.js'
import { diffRecords, HeadStatus, type RecordDiff } from './diff.js'
import { detectFormat, readDataset, readOptionsFor } from './readers/index.js'
import { BaseFindingsRecord } from './base-findings.js'
import { baseFindingsEntry, corpusEntry, packCorpus, packSide, sideCacheKey, sideEntry, unpackCorpus, unpackSide, type SideCache } from './side-cache.js'
import type { ByteSource } from './readers/types.js'
import type { AuditReport, FileReport } from './report.js'
import { aggregateDimensions, evaluateGate, fileDimensionScores, findRegressions, overallScore } from './score.js'
import { positionOfLine, runSidePass, type FieldPlan, type PreparedCheck, type SideResult } from './side-pass.js'
import { UNIQUENESS_CHECKS, UniquenessStage, type CachedCorpusFile, type CorpusFile, type SideFinding } from './uniqueness.js'
import { displayKey, RecordIndex } from './record-index.js'
import type { CandidateHelper } from './dedup/candidate-reader.js'
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
  /**
   * Unchanged dataset files at head to compare the change with (leakage into an unchanged eval
   * set, duplicates of an unchanged file of the same split); see `referencePaths`.
   */
  references?: readonly ByteSource[]
  /** Where the config came from, for error messages (`.github/dataset-audit.yml at 1a2b3c`). */
  configSource?: string
  /** Notes for the report's reader from whoever gathered the files. */
  notes?: readonly string[]
  /**
   * Base sides kept between runs, for sources that name their content (git blobs). `code`
   * names the running code (the bundle's hash); `stats` is filled in as the audit goes.
   */
  cache?: { store: SideCache; code: string; stats?: CacheStats }
}

/** What the base-side cache did in one audit. */
export interface CacheStats {
  hits: number
  misses: number
  stored: number
  /** Entries that could not be read or written (a full disk, an unreachable cache service): the audit went on without. */
  failures: number
}

/** A base side read and stored in this audit, whose part of the uniqueness index is stored once the audit is over. */
interface PendingStore {
  key: string
  path: string
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
  const stage = uniquenessStage(config, options.only)
  const audits: FileAudit[] = []
  const pendingStores: PendingStore[] = []
  // Head sides whose check worker may still be finishing its checks (its hashes are in): the uniqueness finish need not wait for them, the report does.
  const pendingChecks: Array<Promise<void>> = []
  try {
    for (const [fileIndex, change] of changes.entries()) {
      const progress = (side: 'base' | 'head') => (records: number) =>
        options.onProgress?.({ file: change.path, fileIndex, fileCount: changes.length, side, records })
      const lastPass = fileIndex === changes.length - 1 && (options.references ?? []).length === 0
      audits.push(await readChange(change, options, progress, stage, pendingStores, pendingChecks, lastPass))
    }
    if (stage) await finishStage(stage, audits, pendingStores, options)
  } finally {
    // A thread lent to a stage that never finished (an error on the way) is ended here.
    stage?.releaseHelper()
  }
  await Promise.all(pendingChecks)
  const files = audits.map(fileReport)
  return assembleReport(files, config, accepted, { base: options.baseLabel, head: options.headLabel, notes: options.notes })
}

/** The uniqueness stage's part once every change is read: references, the finish, the base findings recorded. */
async function finishStage(stage: UniquenessStage, audits: FileAudit[], pendingStores: PendingStore[], options: AuditOptions): Promise<void> {
  // Unchanged files of a split matter for leakage and duplicates across files: read for the index only.
  for (const reference of options.references ?? []) await readReference(reference, options, stage)
  // The base's part of the index is stored as soon as it is complete, before the head's finish needs the memory.
  // A base side made only of cached files gives the findings an earlier run recorded for it.
  const baseKey = await baseFindingsKey(audits, options)
  const recorded = baseKey ? await restoreBaseFindings(baseKey, options) : undefined
  const recorder = baseKey && !recorded ? new BaseFindingsRecord() : undefined
  const sink = uniquenessSink(audits, recorder)
  if (recorded) for (const finding of recorded.findings()) sink({ side: 'base', finding })
  await stage.finish({
    skipBase: recorded !== undefined,
    onBaseFinished: async () => {
      await storeBases(pendingStores, stage, options)
      if (baseKey && recorder) await storeEntry(baseFindingsEntry(baseKey), recorder.pack(), options)
    },
    onFinding: sink
  })
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

/** One changed file, read on both sides and diffed, before its report is written. */
interface FileAudit {
  change: FileChange
  /** The base side's cache key, when the cache is on and the base's content has a name. */
  baseCacheKey?: string
  settings: FileSettings
  base?: SideResult
  head?: SideResult
  diff: RecordDiff
}

async function readChange(
  change: FileChange,
  options: AuditOptions,
  progress: (side: 'base' | 'head') => (records: number) => void,
  stage: UniquenessStage | undefined,
  pendingStores: PendingStore[],
  pendingChecks: Array<Promise<void>>,
  lendsWorker: boolean
): Promise<FileAudit> {
  const settings = settingsFor(options.config, change.path)
  const checks = await prepareChecks(settings, options)
  // The stage asks which head records the PR brought once the diff knows; the diff comes after both reads.
  const known: { diff?: RecordDiff; previous?: CorpusFile['previous'] } = {}
  const corpusFile = (side: 'base' | 'head', plan: FieldPlan, source: ByteSource, expectedRecords?: number): CorpusFile => ({
    path: source.path,
    side,
    reference: false,
    split: settings.split,
    textFields: plan.textFields,
    settings,
    source,
    ...(expectedRecords !== undefined ? { expectedRecords } : {}),
    ...(side === 'head'
      ? { isNew: (index: number) => known.diff !== undefined && known.diff.headStatus[index] !== HeadStatus.Unchanged, previous: known.previous }
      : {})
  })
  const corpus = (side: 'base' | 'head') => (stage ? (plan: FieldPlan, source: ByteSource, expectedRecords?: number) => stage.openFile(corpusFile(side, plan, source, expectedRecords)) : undefined)
  const deferredCorpus = (side: 'base' | 'head') => (stage ? (plan: FieldPlan, source: ByteSource) => stage.openDeferred(corpusFile(side, plan, source)) : undefined)

  let base: SideResult | undefined
  let baseCacheKey: string | undefined
  if (change.base) {
    const cacheKey = (baseCacheKey = await baseCacheKeyOf(change.base, settings, checks, stage, options))
    const cached = cacheKey ? await restoreBase(change.base, cacheKey, settings, stage, options, corpusFile) : undefined
    if (cached) base = cached
    else {
      base = await runSidePass({ source: change.base, side: 'base', settings, checks, allIntroduced: false, onRecords: progress('base'), corpus: corpus('base'), deferredCorpus: deferredCorpus('base') })
      if (cacheKey && (await storeSide(cacheKey, base, options))) {
        if (stage) pendingStores.push({ key: cacheKey, path: change.base.path })
      }
    }
  }
  if (base && stage) {
    // Head records equal to base ones take their hashes from the base index: only what the PR changed is hashed.
    await stage.settle()
    known.previous = { path: change.base!.path, positionOf: (contentHash) => base!.index.positionOfContent(contentHash) }
  }
  let headChecks: Promise<void> | undefined
  const head = change.head
    ? await runSidePass({
        source: change.head,
        side: 'head',
        settings,
        checks,
        plan: base?.plan,
        base,
        allIntroduced: !change.base,
        onRecords: progress('head'),
        corpus: corpus('head'),
        deferredCorpus: deferredCorpus('head'),
        settleLater: (pending) => pendingChecks.push((headChecks = pending)),
        // The last pass before the stage's finish lends it the check worker for its re-reads; an earlier one's would sit idle through the passes between.
        ...(stage && lendsWorker ? { lendWorker: (helper: CandidateHelper) => stage.lendHelper(helper) } : {})
      })
    : undefined

  const plan = head?.plan ?? base?.plan
  if (plan?.keyInferred && ![base, head].every((side) => !side || side.index.hasUniqueKeys())) {
    // The worker's findings still to come take their record's key from the index, as every other finding did.
    await headChecks
    base?.index.forgetKeys()
    head?.index.forgetKeys()
  }
  const emptyIndex = new RecordIndex(plan?.keyFields ?? [])
  const diff = diffRecords(base?.index ?? emptyIndex, head?.index ?? emptyIndex, { examples: EXAMPLES_PER_KIND })
  known.diff = diff
  if (head) reportDuplicateKeys(diff, head, change.path)
  // The diff was the field hashes' one reader: what follows (the uniqueness finish) runs without them.
  base?.index.releaseFieldHashes()
  head?.index.releaseFieldHashes()
  return { change, settings, base, head, diff, baseCacheKey }
}

/** The cache key of a change's base side, or undefined when there is no cache or the source cannot name its content. */
async function baseCacheKeyOf(
  source: ByteSource,
  settings: FileSettings,
  checks: readonly PreparedCheck[],
  stage: UniquenessStage | undefined,
  options: AuditOptions
): Promise<string | undefined> {
  if (!options.cache) return undefined
  const blob = await contentIdOf(source)
  if (!blob) return undefined
  const inputs = { settings, checks: checks.map(({ check, config }) => [check.id, config]), uniqueness: stage?.fingerprint ?? null }
  return sideCacheKey({ blob, path: source.path, code: options.cache.code, inputs })
}

/**
 * A base side from the cache, its part of the uniqueness index put back; undefined on a miss.
 * A file of a split is read once more for leakage's n-grams alone (see `restoreFile`).
 */
async function restoreBase(
  source: ByteSource,
  key: string,
  settings: FileSettings,
  stage: UniquenessStage | undefined,
  options: AuditOptions,
  corpusFile: (side: 'base', plan: FieldPlan, source: ByteSource) => CorpusFile
): Promise<SideResult | undefined> {
  const cache = options.cache!
  const stats = cache.stats
  let side: SideResult | undefined
  let corpus: CachedCorpusFile | undefined
  try {
    const sideData = await cache.store.get(sideEntry(key))
    side = sideData ? unpackSide(sideData) : undefined
    const corpusData = side && stage ? await cache.store.get(corpusEntry(key)) : undefined
    corpus = corpusData ? unpackCorpus(corpusData) : undefined
  } catch {
    if (stats) stats.failures++
    side = undefined
  }
  if (!side || (stage && !corpus)) {
    if (stats) stats.misses++
    return undefined
  }
  if (stats) stats.hits++
  if (stage && corpus) {
    const contamination = stage.restoreFile(corpusFile('base', side.plan, source), corpus)
    if (contamination) await readDataset(source, { record: (record) => contamination(record), finding: () => undefined }, readOptionsFor(settings))
  }
  return side
}

/** Stores a base side as soon as its pass ends; true when it was stored. */
async function storeSide(key: string, side: SideResult, options: AuditOptions): Promise<boolean> {
  const cache = options.cache!
  const packed = packSide(side)
  if (!packed || !(await storeEntry(sideEntry(key), packed, options))) return false
  if (cache.stats) cache.stats.stored++
  return true
}

/** Writes one cache entry; false, counted as a failure, when the store fails. A failure costs the next run time, never this one its report. */
async function storeEntry(name: string, chunks: readonly Uint8Array[], options: AuditOptions): Promise<boolean> {
  const cache = options.cache!
  try {
    await cache.store.set(name, chunks)
    return true
  } catch {
    if (cache.stats) cache.stats.failures++
    return false
  }
}

/** Stores the uniqueness-index part of the base sides stored in this audit, now complete. */
async function storeBases(pending: readonly PendingStore[], stage: UniquenessStage | undefined, options: AuditOptions): Promise<void> {
  if (!options.cache || !stage) return
  for (const { key, path } of pending) {
    const corpus = stage.exportFile('base', path)
    if (corpus) await storeEntry(corpusEntry(key), packCorpus(corpus), options)
  }
}

/**
 * The key of the base side's uniqueness findings: every changed file's base key (each names
 * its content, settings, checks and the code) and every reference file's content and
 * settings, in the order the stage took them. Undefined when one of them cannot be named.
 */
async function baseFindingsKey(audits: readonly FileAudit[], options: AuditOptions): Promise<string | undefined> {
  const cache = options.cache
  const bases = audits.filter((audit) => audit.change.base !== undefined)
  if (!cache || bases.length === 0 || bases.some((audit) => audit.baseCacheKey === undefined)) return undefined
  const references: Array<{ path: string; blob: string; settings: FileSettings }> = []
  for (const reference of options.references ?? []) {
    const blob = await contentIdOf(reference)
    if (!blob) return undefined
    references.push({ path: reference.path, blob, settings: settingsFor(options.config, reference.path) })
  }
  return sideCacheKey({ blob: bases.map((audit) => audit.baseCacheKey).join(' '), path: '(the base side)', code: cache.code, inputs: references })
}

/** The base side's findings an earlier run recorded under `key`; undefined on a miss, a damaged entry or a failing store (counted). */
async function restoreBaseFindings(key: string, options: AuditOptions): Promise<BaseFindingsRecord | undefined> {
  try {
    const data = await options.cache!.store.get(baseFindingsEntry(key))
    return data ? BaseFindingsRecord.unpack(data) : undefined
  } catch {
    if (options.cache!.stats) options.cache!.stats.failures++
    return undefined
  }
}

/** The content id a source names (a git blob id), or undefined when it names none or cannot be asked. */
async function contentIdOf(source: ByteSource): Promise<string | undefined> {
  try {
    return (await source.contentId?.()) || undefined
  } catch {
    return undefined
  }
}

/**
 * An unchanged dataset file of a split, read only into the uniqueness index (both sides, since
 * it is the same on both), so a change can be compared with it: no findings are reported on it.
 */
async function readReference(source: ByteSource, options: AuditOptions, stage: UniquenessStage): Promise<void> {
  const settings = settingsFor(options.config, source.path)
  await runSidePass({
    source,
    side: 'head',
    settings,
    checks: [],
    allIntroduced: false,
    corpus: (plan) => stage.openReference({ path: source.path, split: settings.split, textFields: plan.textFields, settings, source })
  })
}

/** Puts each uniqueness finding, as the stage makes it, on its file and side, where it counts like any other finding. */
function uniquenessSink(audits: readonly FileAudit[], baseRecord?: BaseFindingsRecord): (finding: SideFinding) => void {
  for (const audit of audits) {
    for (const side of [audit.base, audit.head]) side?.scorer.markLooked('uniqueness')
  }
  return ({ side, finding, excerpt, message }) => {
    const audit = audits.find((a) => (side === 'head' ? a.change.head?.path : a.change.base?.path) === finding.file)
    const result = side === 'head' ? audit?.head : audit?.base
    if (!audit || !result) return
    const position = finding.line !== undefined ? positionOfLine(result.index.lines, finding.line) : undefined
    const introduced =
      side === 'head' && (finding.introduced ?? (position === undefined || audit.diff.headStatus[position] !== HeadStatus.Unchanged))
    result.scorer.note(finding.dimension, finding.severity, position)
    const listed = result.collector.count(finding.check, finding.dimension, finding.severity, introduced)
    // Only a listed finding gets its message, and its record read again for its excerpt.
    if (listed && message) finding.message = message()
    if (listed && excerpt) finding.excerpt = excerpt()
    if (side === 'base') baseRecord?.add(finding, listed)
    if (!listed) return
    const key = position !== undefined ? result.index.keyAt(position) : undefined
    result.collector.list({ ...finding, introduced, ...(finding.key === undefined && key !== undefined ? { key: displayKey(key) } : {}) })
  }
}

function fileReport({ change, settings, base, head, diff }: FileAudit): FileReport {
  const plan = head?.plan ?? base?.plan
  const primary = head ?? base!
  if (base) {
    for (const count of base.collector.countList()) primary.collector.addBaseCount(count.check, count.dimension, count.total)
  }
  const { findings, omitted } = head ? head.collector.listed() : { findings: [] as Finding[], omitted: 0 }
  const detected = detectFormat(change.path)
  const isChanged = (position: number): boolean =>
    position < 0 ? head!.introducedSkipped.has(position) : diff.headStatus[position] !== HeadStatus.Unchanged
  const changedCount = diff.addedCount + diff.modified.length + (head?.introducedSkipped.size ?? 0)
  const denominator = (side?: SideResult): number => (side ? side.summary.records + side.summary.skipped : 0)

  return {
    path: change.path,
    ...(change.previousPath ? { previousPath: change.previousPath } : {}),
    status: change.status,
    format: primary.summary.format ?? detected?.format ?? 'jsonl',
    compressed: primary.summary.compressed,
    records: primary.summary.records,
    baseRecords: base?.summary.records ?? 0,
    added: diff.addedCount,
    removed: diff.removedCount,
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

/**
 * The uniqueness stage, unless every one of its checks is off (or left out by `--only`).
 * Its settings are the global ones; path rules refine them per file inside the stage.
 */
function uniquenessStage(config: AuditConfig, only: readonly string[] | undefined): UniquenessStage | undefined {
  const settings: Record<string, CheckConfig> = {}
  let any = false
  for (const check of UNIQUENESS_CHECKS) {
    const enabled = config.checks[check.id]?.enabled !== false && (!only || only.includes(check.id))
    settings[check.id] = { ...config.checks[check.id], enabled }
    any ||= enabled
  }
  return any ? new UniquenessStage(settings) : undefined
}

/**
 * The unchanged dataset files a change should be compared with: those with a split (leakage
 * crosses splits; duplicates cross the files of one split). Files without a split only matter
 * to themselves.
 */
export function referencePaths(allPaths: readonly string[], changed: readonly string[], config: AuditConfig, isDataset: (path: string) => boolean): string[] {
  const changedSet = new Set(changed)
  return allPaths.filter((path) => !changedSet.has(path) && isDataset(path) && settingsFor(config, path).split !== undefined)
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
  const lines = head.index.lines
  for (const duplicate of headDuplicates) {
    const [first, ...rest] = duplicate.lines
    for (const line of rest) {
      // The lines are the records' own: the search lands on the record itself.
      const position = positionOfLine(lines, line)
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
