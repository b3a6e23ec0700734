/**
 * Which files are datasets, and what settings apply to each: the config's globs and rules
 * applied to one repository-relative path.
 */
import picomatch from 'picomatch'
import type { AuditConfig, CheckConfig, FileSettings, PathRule, Split } from './types.js'

type Matcher = (path: string) => boolean

// Compiled globs, keyed by the glob list itself: configs are built once and then only read
// (a glob list changed in place after its first use would keep its old matcher).
const matchers = new WeakMap<readonly string[], Matcher>()

function matcherFor(globs: readonly string[]): Matcher {
  let matcher = matchers.get(globs)
  if (matcher === undefined) {
    matcher = globs.length === 0 ? () => false : picomatch([...globs], { dot: true })
    matchers.set(globs, matcher)
  }
  return matcher
}

/** Forward slashes, no leading `./`: the form the globs are written against. */
function normalizePath(path: string): string {
  return path.replace(/\\/g, '/').replace(/^(\.\/)+/, '')
}

/**
 * True when the file is a dataset to audit: `include` matches it, `exclude` does not, and no
 * rule names it as its record `schema` (a JSON Schema is not data, whatever its name).
 */
export function isDatasetPath(config: AuditConfig, path: string): boolean {
  const file = normalizePath(path)
  if (!matcherFor(config.include)(file) || matcherFor(config.exclude)(file)) return false
  return !config.rules.some((rule) => rule.schema !== undefined && normalizePath(rule.schema) === file)
}

function ruleMatches(rule: PathRule, file: string): boolean {
  return matcherFor(rule.paths)(file)
}

function copyCheck(check: CheckConfig): CheckConfig {
  return check.fields === undefined ? { ...check } : { ...check, fields: [...check.fields] }
}

/**
 * The settings for one file: the rules whose `paths` match it, applied in order so that a later
 * rule overrides an earlier one option by option. Check settings merge per check id and per
 * setting: the top-level `checks` first, then each matching rule's. Without a rule that sets
 * `split`, the split is inferred from the path.
 */
export function settingsFor(config: AuditConfig, path: string): FileSettings {
  const file = normalizePath(path)
  const checks: Record<string, CheckConfig> = {}
  for (const [id, check] of Object.entries(config.checks)) checks[id] = copyCheck(check)
  const settings: FileSettings = { path: file, key: [], checks }

  for (const rule of config.rules) {
    if (!ruleMatches(rule, file)) continue
    if (rule.format !== undefined) settings.format = rule.format
    if (rule.key !== undefined) settings.key = [...rule.key]
    if (rule.textFields !== undefined) settings.textFields = [...rule.textFields]
    if (rule.labelField !== undefined) settings.labelField = rule.labelField
    if (rule.split !== undefined) settings.split = rule.split
    if (rule.purpose !== undefined) settings.purpose = rule.purpose
    if (rule.schema !== undefined) settings.schema = rule.schema
    if (rule.recordsPath !== undefined) settings.recordsPath = rule.recordsPath
    if (rule.delimiter !== undefined) settings.delimiter = rule.delimiter
    for (const [id, check] of Object.entries(rule.checks ?? {})) {
      checks[id] = { ...checks[id], ...copyCheck(check) }
    }
  }

  if (settings.split === undefined) {
    const inferred = inferSplit(file)
    if (inferred !== undefined) settings.split = inferred
  }
  return settings
}

/** The words that name a split, as whole tokens of a path segment. */
const SPLIT_WORDS = new Map<string, Split>([
  ['train', 'train'],
  ['training', 'train'],
  ['dev', 'validation'],
  ['val', 'validation'],
  ['valid', 'validation'],
  ['validation', 'validation'],
  ['test', 'test'],
  ['testing', 'test'],
  ['eval', 'test'],
  ['evaluation', 'test']
])

/**
 * The split a path names, if any. Each segment is cut into tokens on `.`, `_` and `-`, and only
 * whole tokens count (a trailing number is allowed: `val2017`), so `data/train-00000-of-00001.parquet`,
 * `gsm8k/test.jsonl`, `eval/questions.csv` and `my_validation_set.jsonl` name a split while
 * `contest.jsonl`, `interval.csv` and `evaluate_model.json` do not. The file name is read
 * first, then the folders from the nearest up; the first segment that names a split decides,
 * and one naming two (`train_test_overlap.jsonl`) is ambiguous and infers nothing.
 */
export function inferSplit(path: string): Split | undefined {
  const segments = normalizePath(path).split('/').filter((segment) => segment !== '')
  for (const segment of segments.reverse()) {
    const named = new Set<Split>()
    for (const token of segment.toLowerCase().split(/[._-]+/)) {
      const split = SPLIT_WORDS.get(token.replace(/\d+$/, ''))
      if (split !== undefined) named.add(split)
    }
    if (named.size > 1) return undefined
    const [split] = named
    if (split !== undefined) return split
  }
  return undefined
}
