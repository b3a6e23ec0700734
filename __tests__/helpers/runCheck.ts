import type { CheckConfig, FileSettings } from '../../src/config/types.js'
import type { Check, CheckContext, FindingDraft } from '../../src/engine/checks/types.js'
import type { DatasetRecord, RecordFields } from '../../src/engine/types.js'

export interface CheckRunResult<S> {
  findings: FindingDraft[]
  summary: S
}

export interface RunCheckOptions<S> {
  file?: string
  side?: 'base' | 'head'
  settings?: Partial<FileSettings>
  config?: CheckConfig
  textFields?: string[]
  /** The summary of the same check over the base side. */
  base?: S
  /** The side pass's estimate of the file's records. */
  expectedRecords?: number
}

/** Records from plain field objects, numbered as lines 1, 2, 3... */
export function recordsOf(rows: RecordFields[]): DatasetRecord[] {
  return rows.map((fields, index) => ({ fields, index, line: index + 1 }))
}

/**
 * A check's context as the runner would give it for `data/train.jsonl` on the head side, with no
 * settings, config or text fields: the defaults a test overrides with what it is about.
 */
export function checkContext(overrides: Partial<CheckContext> = {}): CheckContext {
  return {
    file: 'data/train.jsonl',
    side: 'head',
    settings: { path: 'data/train.jsonl', key: [], checks: {} },
    config: {},
    textFields: [],
    ...overrides
  }
}

/**
 * Runs one check over records the way the audit runner does: start, record by record, finish.
 * Config is merged over the check's defaults.
 */
export function runCheck<S>(check: Check<S>, records: DatasetRecord[], options: RunCheckOptions<S> = {}): CheckRunResult<S> {
  const file = options.file ?? 'data/train.jsonl'
  const settings: FileSettings = { path: file, key: [], checks: {}, ...options.settings }
  const run = check.start({
    file,
    side: options.side ?? 'head',
    settings,
    config: { ...check.defaults, ...options.config },
    textFields: options.textFields ?? settings.textFields ?? [],
    ...(options.expectedRecords !== undefined ? { expectedRecords: options.expectedRecords } : {})
  })
  const findings: FindingDraft[] = []
  const emit = (finding: FindingDraft): void => {
    findings.push(finding)
  }
  for (const record of records) run.record(record, emit)
  const summary = run.finish(emit, options.base)
  return { findings, summary }
}
