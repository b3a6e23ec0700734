import type { DatasetFormat, Dimension, Severity } from '../engine/types.js'

export const SPLITS = ['train', 'validation', 'test'] as const
export type Split = (typeof SPLITS)[number]

export const PURPOSES = ['lora', 'finetune', 'rag', 'eval', 'few-shot', 'pretrain'] as const
export type Purpose = (typeof PURPOSES)[number]

export const FAIL_ON = ['error', 'regression', 'warning', 'never'] as const
export type FailOn = (typeof FAIL_ON)[number]

/** One check's settings: the common switches plus the check's own thresholds. */
export interface CheckConfig {
  enabled?: boolean
  severity?: Severity
  /** The fields the check looks at; defaults to the file's text fields. */
  fields?: string[]
  [setting: string]: unknown
}

/** Settings for the files matching `paths`; later rules override earlier ones. */
export interface PathRule {
  /** picomatch globs, repository-relative. */
  paths: string[]
  format?: DatasetFormat
  /** Field(s) whose values identify a record across versions. */
  key?: string[]
  textFields?: string[]
  labelField?: string
  split?: Split
  purpose?: Purpose
  /** Repository-relative path of a JSON Schema every record must satisfy. */
  schema?: string
  /** For JSON files holding an object: the field with the records. */
  recordsPath?: string
  delimiter?: string
  checks?: Record<string, CheckConfig>
}

/** The whole configuration, defaults filled in. */
export interface AuditConfig {
  /** Suffix of the sticky comment's marker, so two workflows can each keep one comment. */
  id?: string
  /** Globs of the files that are datasets. */
  include: string[]
  /** Globs of files never audited, even when `include` matches. */
  exclude: string[]
  rules: PathRule[]
  /** Settings for every file, per check id; rules refine them per path. */
  checks: Record<string, CheckConfig>
  failOn: FailOn
  /** The gate also fails when the head score is below this. */
  minScore?: number
  /** Weights of the dimensions in the overall score. */
  weights: Record<Dimension, number>
  /** Points a dimension may drop before the drop is a regression. */
  tolerance: number
}

/** What applies to one file once the rules matching its path are merged. */
export interface FileSettings {
  path: string
  format?: DatasetFormat
  key: string[]
  textFields?: string[]
  labelField?: string
  /** From the config, else inferred from the path (`train`, `dev`, `valid`, `test`, `eval`...). */
  split?: Split
  purpose?: Purpose
  schema?: string
  recordsPath?: string
  delimiter?: string
  checks: Record<string, CheckConfig>
}

/** One problem with the config file, with the path of the bad option (`/rules/0/split`). */
export interface ConfigProblem {
  path: string
  message: string
  /** 1-based line of the bad option in the config file, when known (for annotations). */
  line?: number
  /** 1-based column of the bad option, when known. */
  column?: number
}
