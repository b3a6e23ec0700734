import type { CheckConfig, FileSettings } from '../../config/types.js'
import type { DatasetRecord, Dimension, Finding, Severity } from '../types.js'

/** A finding as a check emits it: the runner fills in check, dimension, file and severity. */
export type FindingDraft = Omit<Finding, 'check' | 'dimension' | 'file' | 'severity' | 'introduced'> & {
  severity?: Severity
}

export type Emit = (finding: FindingDraft) => void

/** What a check is told about the file it is looking at. */
export interface CheckContext {
  /** Repository-relative path. */
  file: string
  side: 'base' | 'head'
  settings: FileSettings
  /** This check's merged settings (defaults, then config, then path rules). */
  config: CheckConfig
  /** The string fields worth reading as text: configured, else inferred from the first records. */
  textFields: string[]
  /** About how many records the file has (see record-estimate.ts), for tables sized once; undefined when not known. */
  expectedRecords?: number
}

/** One pass of a check over one side of one file. */
export interface CheckRun<Summary = unknown> {
  /** Called once per record, in file order. */
  record(record: DatasetRecord, emit: Emit): void
  /**
   * Called after the last record. May emit file-level findings (distribution shift against
   * `base`, which is the summary of the same check over the base side, when there is one).
   * Returns this side's summary.
   */
  finish(emit: Emit, base?: Summary): Summary
  /**
   * Called after finish: false when the file had nothing for this check to look at (no
   * timestamp field, no label field configured). The dimension then gets no score from this
   * check, rather than a perfect one. Absent means true.
   */
  applicable?(): boolean
}

/** A rule-based check: one file under engine/checks/, registered in the registry. */
export interface Check<Summary = unknown> {
  id: string
  dimension: Dimension
  /** One line: what it looks for (shown by `/audit explain`). */
  description: string
  defaultSeverity: Severity
  /** Default thresholds and settings, documented by `/audit explain`. */
  defaults: CheckConfig
  start(context: CheckContext): CheckRun<Summary>
}
