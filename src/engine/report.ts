import type { FailOn } from '../config/types.js'
import type { DuplicateKey } from './diff.js'
import type { DatasetFormat, Dimension, FileStatus, Finding, ModifiedRecord, RecordRef, Severity } from './types.js'

/** A score from 0 to 100, or null where nothing could be scored (no records, no applicable check). */
export type Score = number | null

export interface DimensionScore {
  /** Head. */
  score: Score
  baseScore: Score
  /** The records the PR added or modified, scored alone (as coverage tools score a patch). */
  patchScore: Score
}

/** Per check: how many findings, how many the PR brought, by severity. */
export interface FindingCount {
  check: string
  dimension: Dimension
  total: number
  introduced: number
  error: number
  warning: number
  info: number
  /** Of the introduced ones, how many are errors and warnings. */
  introducedErrors: number
  introducedWarnings: number
  /** Findings of this check on the base side (what the PR started from). */
  base: number
}

/** What the audit found in one dataset file. */
export interface FileReport {
  path: string
  /** The base path, when the file was renamed. */
  previousPath?: string
  status: FileStatus
  format: DatasetFormat
  compressed: boolean
  /** Records in head (or in base, for a removed file). */
  records: number
  baseRecords: number
  added: number
  removed: number
  modified: number
  unchanged: number
  /** Lines or rows that could not be read as records, each with a `parse` finding. */
  skipped: number
  baseSkipped: number
  /** How records were matched: by these key fields, or by content when empty. */
  keyFields: string[]
  diffMode: 'key' | 'content'
  /** The matched records changed places: not counted as a change. */
  reordered: boolean
  lfsPointer: boolean
  unreadable: boolean
  columns?: string[]
  /** The text fields the checks read (configured or inferred). */
  textFields: string[]
  split?: string
  purpose?: string
  /** Findings on head, at most `findingsLimit` per check (introduced ones first); counts are complete. */
  findings: Finding[]
  counts: FindingCount[]
  /** Findings counted but not listed, because of the per-check limit. */
  findingsOmitted: number
  /** A few of the changed records, for the report. */
  examples: {
    added: RecordRef[]
    removed: RecordRef[]
    modified: ModifiedRecord[]
  }
  duplicateKeys: DuplicateKey[]
  dimensions: Record<Dimension, DimensionScore>
}

/** Something the PR made worse, named for the reviewer. */
export interface Regression {
  kind: 'new-findings' | 'score-drop' | 'shift'
  check?: string
  dimension: Dimension
  severity: Severity
  message: string
  file?: string
  count: number
  examples: Finding[]
  /** A maintainer accepted it (`/audit accept CHECK`): it no longer fails the gate. */
  accepted?: boolean
}

export interface GateResult {
  passed: boolean
  failOn: FailOn
  minScore?: number
  /** Why it failed, one sentence each; empty when it passed. */
  reasons: string[]
}

/** The audit's whole result: plain data, serialised as the JSON report. */
export interface AuditReport {
  schemaVersion: 1
  tool: { name: 'dataset-audit'; version: string }
  /** Labels of what was compared (`main`, a SHA, a path). */
  base?: string
  head?: string
  score: Score
  baseScore: Score
  patchScore: Score
  dimensions: Record<Dimension, DimensionScore>
  files: FileReport[]
  regressions: Regression[]
  gate: GateResult
  /** The pull request audited, when there is one: lets a publishing workflow find it again. */
  pullRequest?: { number: number; headSha: string }
  /** What the reader of the report should know about how it was made (a file list that was cut, a fallback taken). */
  notes: string[]
  totals: {
    files: number
    records: number
    added: number
    removed: number
    modified: number
    findings: number
    introduced: number
    errors: number
    warnings: number
  }
}
