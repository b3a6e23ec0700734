import type { AuditConfig } from '../config/types.js'
import { assembleReport } from '../engine/audit.js'
import { FindingCollector } from '../engine/findings.js'
import type { AuditReport, DimensionScore, FileReport, FindingCount } from '../engine/report.js'
import { DIMENSIONS, FORMATS, SEVERITIES, type Dimension, type Finding, type ModifiedRecord, type RecordRef } from '../engine/types.js'

/**
 * A report read from another workflow's artifact (a fork PR's `pull_request` run) is untrusted:
 * the fork controlled that workflow. Only known fields of the right types are kept, strings are
 * cut, lists capped, and the verdict (scores, regressions, gate) is computed again here from the
 * files with the trusted config. Dataset text in it is escaped by the renderers like any other.
 */
export function reportFromUntrusted(value: unknown, config: AuditConfig, accepted: ReadonlySet<string>): AuditReport {
  const root = asObject(value)
  if (!root || !Array.isArray(root.files)) throw new Error('the report file is not a dataset-audit JSON report (no files list)')
  const files = root.files.slice(0, MAX_FILES).map(fileFrom).filter((f): f is FileReport => f !== undefined)
  const notes = (Array.isArray(root.notes) ? root.notes : []).slice(0, 5).map((n) => text(n, 500)).filter(Boolean)
  return assembleReport(files, config, accepted, { base: text(root.base, 100) || undefined, head: text(root.head, 100) || undefined, notes })
}

const MAX_FILES = 3000
const MAX_FINDINGS_PER_FILE = 1000
const STATUSES = ['added', 'removed', 'modified', 'renamed', 'unchanged', 'scanned'] as const
const CHECK_ID = /^[a-z][a-z0-9-]{0,63}$/

type Loose = Record<string, unknown>

function asObject(value: unknown): Loose | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Loose) : undefined
}

function text(value: unknown, max: number): string {
  return typeof value === 'string' ? value.slice(0, max) : ''
}

function count(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? Math.floor(value) : 0
}

function oneOf<T extends string>(value: unknown, allowed: readonly T[], fallback: T): T {
  return typeof value === 'string' && (allowed as readonly string[]).includes(value) ? (value as T) : fallback
}

function score(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? Math.max(0, Math.min(100, value)) : null
}

function strings(value: unknown, maxItems: number, maxLength: number): string[] {
  return Array.isArray(value) ? value.slice(0, maxItems).map((v) => text(v, maxLength)).filter(Boolean) : []
}

function fileFrom(value: unknown): FileReport | undefined {
  const file = asObject(value)
  const path = text(file?.path, 500)
  if (!file || !path) return undefined
  const dimensions = {} as Record<Dimension, DimensionScore>
  const rawDimensions = asObject(file.dimensions) ?? {}
  for (const dimension of DIMENSIONS) {
    const d = asObject(rawDimensions[dimension]) ?? {}
    dimensions[dimension] = { score: score(d.score), baseScore: score(d.baseScore), patchScore: score(d.patchScore) }
  }
  const examples = asObject(file.examples) ?? {}
  const findings = (Array.isArray(file.findings) ? file.findings : []).slice(0, MAX_FINDINGS_PER_FILE).map((f) => findingFrom(f, path)).filter((f): f is Finding => f !== undefined)
  return {
    path,
    ...(file.previousPath ? { previousPath: text(file.previousPath, 500) } : {}),
    status: oneOf(file.status, STATUSES, 'modified'),
    format: oneOf(file.format, FORMATS, 'jsonl'),
    compressed: file.compressed === true,
    records: count(file.records),
    baseRecords: count(file.baseRecords),
    added: count(file.added),
    removed: count(file.removed),
    modified: count(file.modified),
    unchanged: count(file.unchanged),
    skipped: count(file.skipped),
    baseSkipped: count(file.baseSkipped),
    keyFields: strings(file.keyFields, 10, 100),
    diffMode: oneOf(file.diffMode, ['key', 'content'] as const, 'content'),
    reordered: file.reordered === true,
    lfsPointer: file.lfsPointer === true,
    unreadable: file.unreadable === true,
    textFields: strings(file.textFields, 50, 100),
    findings,
    counts: reconcileCounts((Array.isArray(file.counts) ? file.counts : []).slice(0, 200).map(countFrom).filter((c): c is FindingCount => c !== undefined), findings),
    findingsOmitted: count(file.findingsOmitted),
    examples: {
      added: refs(examples.added),
      removed: refs(examples.removed),
      modified: (Array.isArray(examples.modified) ? examples.modified : []).slice(0, 20).map(modifiedFrom).filter((m): m is ModifiedRecord => m !== undefined)
    },
    duplicateKeys: [],
    dimensions
  }
}

/**
 * Counts never below what the listed findings show: a report that lists an error but counts
 * none must not slip it past the gate.
 */
function reconcileCounts(counts: FindingCount[], findings: readonly Finding[]): FindingCount[] {
  const byCheck = new Map(counts.map((c) => [c.check, c]))
  // Counted the way the audit counts them.
  const collector = new FindingCollector()
  for (const finding of findings) collector.add(finding)
  const listed = new Map(collector.countList().map((c) => [c.check, c]))
  for (const [check, seen] of listed) {
    const claimed = byCheck.get(check)
    if (!claimed) {
      byCheck.set(check, seen)
      continue
    }
    for (const key of ['total', 'introduced', 'error', 'warning', 'info', 'introducedErrors', 'introducedWarnings'] as const) claimed[key] = Math.max(claimed[key], seen[key])
  }
  return [...byCheck.values()]
}

function findingFrom(value: unknown, filePath: string): Finding | undefined {
  const f = asObject(value)
  const check = text(f?.check, 64)
  if (!f || !CHECK_ID.test(check)) return undefined
  const line = count(f.line)
  const duplicateOf = asObject(f.duplicateOf)
  return {
    check,
    dimension: oneOf(f.dimension, DIMENSIONS, 'accuracy'),
    severity: oneOf(f.severity, SEVERITIES, 'warning'),
    // A finding names the file it belongs to: no pointing annotations at other paths.
    file: filePath,
    ...(line > 0 ? { line } : {}),
    ...(f.key !== undefined ? { key: text(f.key, 200) } : {}),
    ...(f.field !== undefined ? { field: text(f.field, 100) } : {}),
    message: text(f.message, 1000),
    ...(f.excerpt !== undefined ? { excerpt: text(f.excerpt, 300) } : {}),
    introduced: f.introduced === true,
    ...(duplicateOf ? { duplicateOf: { file: text(duplicateOf.file, 500), ...(count(duplicateOf.line) > 0 ? { line: count(duplicateOf.line) } : {}) } } : {})
  }
}

function countFrom(value: unknown): FindingCount | undefined {
  const c = asObject(value)
  const check = text(c?.check, 64)
  if (!c || !CHECK_ID.test(check)) return undefined
  return {
    check,
    dimension: oneOf(c.dimension, DIMENSIONS, 'accuracy'),
    total: count(c.total),
    introduced: count(c.introduced),
    error: count(c.error),
    warning: count(c.warning),
    info: count(c.info),
    introducedErrors: count(c.introducedErrors),
    introducedWarnings: count(c.introducedWarnings),
    base: count(c.base)
  }
}

function refs(value: unknown): RecordRef[] {
  return (Array.isArray(value) ? value : []).slice(0, 20).map((r) => ({ key: text(asObject(r)?.key, 200), line: count(asObject(r)?.line) }))
}

function modifiedFrom(value: unknown): ModifiedRecord | undefined {
  const m = asObject(value)
  if (!m) return undefined
  return { key: text(m.key, 200), baseLine: count(m.baseLine), headLine: count(m.headLine), changedFields: strings(m.changedFields, 50, 200) }
}
