/**
 * Reads `.github/dataset-audit.yml` into an `AuditConfig`: YAML syntax first, then the JSON
 * Schema, then the few rules a schema cannot say. Every problem is reported, each with the
 * path of the bad option and its line, so one run tells the user everything to fix.
 */
import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv'
import { LineCounter, isMap, isNode, isScalar, isSeq, parseDocument } from 'yaml'
import type { DatasetFormat, Dimension, Severity } from '../engine/types.js'
import { DIMENSIONS } from '../engine/types.js'
import {
  DEFAULT_CONFIG_PATH,
  DEFAULT_EXCLUDE,
  DEFAULT_FAIL_ON,
  DEFAULT_INCLUDE,
  DEFAULT_TOLERANCE,
  DEFAULT_WEIGHT,
  configSchema
} from './schema.js'
import type { AuditConfig, CheckConfig, ConfigProblem, FailOn, PathRule, Purpose, Split } from './types.js'

export { DEFAULT_CONFIG_PATH }

/** The config file is invalid or unreadable; `problems` lists every reason, each with its path. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError'

  constructor(
    /** The file the problems are in. */
    readonly source: string,
    readonly problems: ConfigProblem[]
  ) {
    super(formatProblems(source, problems))
  }
}

/** One problem as a compiler would print it: `file:line:column: rules/0/split: message`. */
export function formatProblem(problem: ConfigProblem, source: string): string {
  const where = problem.line === undefined ? source : `${source}:${problem.line}:${problem.column ?? 1}`
  const option = problem.path.replace(/^\//, '')
  return option === '' ? `${where}: ${problem.message}` : `${where}: ${option}: ${problem.message}`
}

function formatProblems(source: string, problems: ConfigProblem[]): string {
  const count = problems.length === 1 ? '1 problem' : `${problems.length} problems`
  return [`Invalid dataset-audit config (${count}):`, ...problems.map((problem) => `  ${formatProblem(problem, source)}`)].join('\n')
}

/** The configuration used when there is no config file. A fresh object on every call. */
export function defaultConfig(): AuditConfig {
  return {
    include: [...DEFAULT_INCLUDE],
    exclude: [...DEFAULT_EXCLUDE],
    rules: [],
    checks: {},
    failOn: DEFAULT_FAIL_ON,
    weights: defaultWeights(),
    tolerance: DEFAULT_TOLERANCE
  }
}

function defaultWeights(): Record<Dimension, number> {
  // A literal rather than a loop over DIMENSIONS: the compiler then insists on every dimension.
  return {
    accuracy: DEFAULT_WEIGHT,
    completeness: DEFAULT_WEIGHT,
    consistency: DEFAULT_WEIGHT,
    diversity: DEFAULT_WEIGHT,
    freshness: DEFAULT_WEIGHT,
    uniqueness: DEFAULT_WEIGHT,
    privacy: DEFAULT_WEIGHT,
    provenance: DEFAULT_WEIGHT
  }
}

/** One check's settings as written in the file. */
interface RawCheck {
  enabled?: boolean
  severity?: Severity
  fields?: string | string[]
  [setting: string]: unknown
}

/** A rule as written in the file (kebab-case, strings for lists of one). */
interface RawRule {
  paths: string | string[]
  format?: DatasetFormat
  key?: string | string[]
  'text-fields'?: string | string[]
  'label-field'?: string
  split?: Split
  purpose?: Purpose
  schema?: string
  'records-path'?: string
  delimiter?: string
  checks?: Record<string, RawCheck>
}

/** The file's content once it satisfies `configSchema`. */
interface RawConfig {
  $schema?: string
  id?: string
  include?: string | string[]
  exclude?: string | string[]
  'fail-on'?: FailOn
  'min-score'?: number
  tolerance?: number
  weights?: Partial<Record<Dimension, number>>
  checks?: Record<string, RawCheck>
  rules?: RawRule[]
}

let compiledValidator: ValidateFunction<RawConfig> | undefined

function validator(): ValidateFunction<RawConfig> {
  // verbose: the messages quote the bad value and suggest option names from the schema.
  compiledValidator ??= new Ajv({ allErrors: true, allowUnionTypes: true, verbose: true }).compile<RawConfig>(configSchema)
  return compiledValidator
}

/** Where a JSON pointer into the config points in the file. */
type Locator = (pointer: string, preferKey?: boolean) => { line: number; column: number } | undefined

// Positions of the options of each parsed config, so `unknownCheckIds` can give lines too.
const locators = new WeakMap<AuditConfig, Locator>()

/**
 * Parses and validates the text of a config file.
 *
 * @param text the YAML text; empty or comments only means every default.
 * @param source the file's name, used in messages.
 * @throws ConfigError listing every YAML syntax error, or else every schema violation.
 */
export function parseConfig(text: string, source: string = DEFAULT_CONFIG_PATH): AuditConfig {
  const lineCounter = new LineCounter()
  const document = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true })
  const position = (offset: number) => {
    const { line, col } = lineCounter.linePos(offset)
    return { line, column: col }
  }
  if (document.errors.length > 0) {
    throw new ConfigError(
      source,
      document.errors.map((error) => ({
        path: '',
        message: `YAML syntax error: ${error.message.split('\n')[0]}`,
        ...position(error.pos[0])
      }))
    )
  }

  const locate: Locator = (pointer, preferKey = false) => {
    const offset = offsetOf(document.contents, pointerSegments(pointer), preferKey)
    return offset === undefined ? undefined : position(offset)
  }

  let data: unknown
  try {
    data = document.toJS() ?? {}
  } catch (error) {
    // Alias bombs and the like: yaml refuses them while building the value.
    throw new ConfigError(source, [{ path: '', message: `YAML error: ${errorMessage(error)}` }])
  }

  const validate = validator()
  if (!validate(data)) {
    throw new ConfigError(source, schemaProblems(validate.errors ?? [], locate))
  }
  const problems = semanticProblems(data, locate)
  if (problems.length > 0) throw new ConfigError(source, problems)

  const config = toConfig(data)
  locators.set(config, locate)
  return config
}

/**
 * Reads the config file.
 *
 * @param file the path given by the user, or undefined for the default
 *   (`.github/dataset-audit.yml`, else `.github/dataset-audit.yaml`), which may be absent.
 * @param root the directory relative paths are resolved from.
 * @throws ConfigError when a file given explicitly is missing, or the file is invalid.
 */
export async function loadConfigFile(file: string | undefined, root: string = process.cwd()): Promise<AuditConfig> {
  if (file === undefined) {
    for (const candidate of [DEFAULT_CONFIG_PATH, DEFAULT_CONFIG_PATH.replace(/\.yml$/, '.yaml')]) {
      const text = await readIfPresent(path.resolve(root, candidate), candidate)
      if (text !== undefined) return parseConfig(text, candidate)
    }
    return defaultConfig()
  }
  const text = await readIfPresent(path.resolve(root, file), file)
  if (text === undefined) throw new ConfigError(file, [{ path: '', message: 'config file not found' }])
  return parseConfig(text, file)
}

async function readIfPresent(absolute: string, source: string): Promise<string | undefined> {
  try {
    return await readFile(absolute, 'utf8')
  } catch (error) {
    // Duck-typed: errors from node: built-ins are not always `instanceof Error` (jest's VM realms).
    if (typeof error === 'object' && error !== null && 'code' in error && error.code === 'ENOENT') return undefined
    throw new ConfigError(source, [{ path: '', message: `cannot read the config file: ${errorMessage(error)}` }])
  }
}

/**
 * The check ids in `checks:` (top level and in rules) that are not among `knownIds`, each with
 * its path (`/rules/1/checks/pii-scan`) and a suggestion. Unknown ids are not an error when
 * parsing, because checks are registered outside the config layer.
 */
export function unknownCheckIds(config: AuditConfig, knownIds: string[]): ConfigProblem[] {
  const locate = locators.get(config)
  const known = new Set(knownIds)
  const problems: ConfigProblem[] = []
  const report = (checks: Record<string, CheckConfig> | undefined, prefix: string) => {
    for (const id of Object.keys(checks ?? {})) {
      if (known.has(id)) continue
      const pointer = `${prefix}/checks/${escapePointer(id)}`
      const suggestion = closest(id, knownIds)
      const message = suggestion
        ? `unknown check \`${id}\`; did you mean \`${suggestion}\`?`
        : `unknown check \`${id}\`; the checks are ${[...knownIds].sort().join(', ')}`
      problems.push({ path: pointer, message, ...locate?.(pointer, true) })
    }
  }
  report(config.checks, '')
  config.rules.forEach((rule, index) => report(rule.checks, `/rules/${index}`))
  return problems
}

// ---------------------------------------------------------------------------------------------
// From the file's shape to AuditConfig

function toConfig(raw: RawConfig): AuditConfig {
  const config: AuditConfig = {
    include: raw.include === undefined ? [...DEFAULT_INCLUDE] : asList(raw.include),
    exclude: raw.exclude === undefined ? [...DEFAULT_EXCLUDE] : asList(raw.exclude),
    rules: (raw.rules ?? []).map(toRule),
    checks: toChecks(raw.checks),
    failOn: raw['fail-on'] ?? DEFAULT_FAIL_ON,
    weights: defaultWeights(),
    tolerance: raw.tolerance ?? DEFAULT_TOLERANCE
  }
  for (const dimension of DIMENSIONS) {
    const weight = raw.weights?.[dimension]
    if (weight !== undefined) config.weights[dimension] = weight
  }
  if (raw.id !== undefined) config.id = raw.id
  if (raw['min-score'] !== undefined) config.minScore = raw['min-score']
  return config
}

function toRule(raw: RawRule): PathRule {
  const rule: PathRule = { paths: asList(raw.paths) }
  if (raw.format !== undefined) rule.format = raw.format
  if (raw.key !== undefined) rule.key = asList(raw.key)
  if (raw['text-fields'] !== undefined) rule.textFields = asList(raw['text-fields'])
  if (raw['label-field'] !== undefined) rule.labelField = raw['label-field']
  if (raw.split !== undefined) rule.split = raw.split
  if (raw.purpose !== undefined) rule.purpose = raw.purpose
  if (raw.schema !== undefined) rule.schema = raw.schema
  if (raw['records-path'] !== undefined) rule.recordsPath = raw['records-path']
  if (raw.delimiter !== undefined) rule.delimiter = toDelimiter(raw.delimiter)
  if (raw.checks !== undefined) rule.checks = toChecks(raw.checks)
  return rule
}

/** `'\t'` in single quotes is a backslash and a t in YAML, not a tab: take what was meant. */
function toDelimiter(delimiter: string): string {
  return delimiter === '\\t' || delimiter.toLowerCase() === 'tab' ? '\t' : delimiter
}

function toChecks(raw: Record<string, RawCheck> | undefined): Record<string, CheckConfig> {
  const checks: Record<string, CheckConfig> = {}
  for (const [id, settings] of Object.entries(raw ?? {})) {
    // The check id stays as written; its setting names become camelCase like every option.
    const check: CheckConfig = {}
    for (const [name, value] of Object.entries(settings)) {
      if (name !== 'fields') check[camelCase(name)] = value
    }
    if (settings.fields !== undefined) check.fields = asList(settings.fields)
    checks[id] = check
  }
  return checks
}

function asList(value: string | string[]): string[] {
  return typeof value === 'string' ? [value] : [...value]
}

function camelCase(name: string): string {
  return name.replace(/-([a-z0-9])/g, (_match, letter: string) => letter.toUpperCase())
}

// ---------------------------------------------------------------------------------------------
// Problems

/** What the schema cannot say. */
function semanticProblems(raw: RawConfig, locate: Locator): ConfigProblem[] {
  const problems: ConfigProblem[] = []
  if (raw.weights !== undefined) {
    const total = DIMENSIONS.reduce((sum, dimension) => sum + (raw.weights?.[dimension] ?? DEFAULT_WEIGHT), 0)
    if (total === 0) {
      problems.push({ path: '/weights', message: 'at least one dimension must weigh more than 0', ...locate('/weights') })
    }
  }
  return problems
}

/** Ajv's errors in the user's terms, one per problem, in file order. */
function schemaProblems(errors: ErrorObject[], locate: Locator): ConfigProblem[] {
  const problems: ConfigProblem[] = []
  const missing: ConfigProblem[] = []
  const suggested = new Set<string>()
  for (const error of errors) {
    if (error.keyword === 'additionalProperties') {
      const unknownName = String(param(error, 'additionalProperty'))
      const pointer = `${error.instancePath}/${escapePointer(unknownName)}`
      const suggestion = closest(unknownName, schemaPropertyNames(error.parentSchema))
      if (suggestion !== undefined) suggested.add(`${error.instancePath}/${escapePointer(suggestion)}`)
      problems.push({ path: pointer, message: unknownOptionMessage(error.instancePath, unknownName, suggestion), ...locate(pointer, true) })
    } else if (error.keyword === 'required') {
      const name = String(param(error, 'missingProperty'))
      missing.push({
        path: `${error.instancePath}/${escapePointer(name)}`,
        message: name === 'paths' ? 'is missing: every rule needs the globs of the files it applies to' : 'is missing',
        ...locate(error.instancePath)
      })
    } else {
      problems.push({ path: error.instancePath, message: describeError(error), ...locate(error.instancePath) })
    }
  }
  // `path: x` in a rule already says "did you mean `paths`?"; that `paths` is then missing is noise.
  problems.push(...missing.filter((problem) => !suggested.has(problem.path)))
  return problems.sort((a, b) => (a.line ?? Infinity) - (b.line ?? Infinity) || (a.column ?? 0) - (b.column ?? 0))
}

const RULE_OPTIONS = Object.keys(configSchema.properties.rules.items.properties)
const TOP_LEVEL_OPTIONS = Object.keys(configSchema.properties)

function unknownOptionMessage(parentPointer: string, name: string, suggestion: string | undefined): string {
  const isTopLevel = parentPointer === ''
  const isRule = /^\/rules\/\d+$/.test(parentPointer)
  if (isTopLevel && RULE_OPTIONS.includes(name) && name !== 'checks') {
    return `unknown option \`${name}\`; \`${name}\` is set per path: put it in a rule under \`rules:\``
  }
  if (isRule && TOP_LEVEL_OPTIONS.includes(name)) {
    return `unknown option \`${name}\`; \`${name}\` applies to the whole config: move it out of \`rules:\``
  }
  const what = parentPointer === '/weights' ? 'dimension' : 'option'
  const hint = suggestion === undefined ? '' : `; did you mean \`${suggestion}\`?`
  return `unknown ${what} \`${name}\`${hint}`
}

function describeError(error: ErrorObject): string {
  const got = `, got ${describeValue(error.data)}`
  switch (error.keyword) {
    case 'type': {
      const expected: unknown = error.params.type
      const types = Array.isArray(expected) ? expected.map(String) : [String(expected)]
      const wanted =
        types.includes('string') && types.includes('array') ? 'a string or a list of strings' : types.map(typeName).join(' or ')
      return error.instancePath === '' ? `the config must be a mapping of options${got}` : `must be ${wanted}${got}`
    }
    case 'enum': {
      const allowed: unknown = error.params.allowedValues
      return `must be one of ${Array.isArray(allowed) ? allowed.join(', ') : String(allowed)}${got}`
    }
    case 'minimum':
      return `must be at least ${String(error.params.limit)}${got}`
    case 'maximum':
      return `must be at most ${String(error.params.limit)}${got}`
    case 'minItems':
      return 'must not be an empty list'
    case 'minLength':
      return 'must not be empty'
    case 'maxLength':
      return `must be at most ${String(error.params.limit)} characters long`
    case 'pattern':
      return `must start with a letter or digit and hold only letters, digits, \`.\`, \`_\` and \`-\`${got}`
    default:
      return error.message ?? `fails ${error.keyword}`
  }
}

function typeName(type: string): string {
  const names: Record<string, string> = {
    string: 'a string',
    array: 'a list',
    object: 'a mapping',
    number: 'a number',
    integer: 'a whole number',
    boolean: 'true or false',
    null: 'null'
  }
  return names[type] ?? type
}

function describeValue(value: unknown): string {
  if (value === null || value === undefined) return 'an empty value'
  if (Array.isArray(value)) return 'a list'
  if (typeof value === 'object') return 'a mapping'
  const text = JSON.stringify(value)
  return text.length > 40 ? `${text.slice(0, 37)}...` : text
}

function param(error: ErrorObject, name: string): unknown {
  const value: unknown = error.params[name]
  return value
}

function schemaPropertyNames(schema: unknown): string[] {
  if (typeof schema !== 'object' || schema === null || !('properties' in schema)) return []
  const properties: unknown = schema.properties
  return typeof properties === 'object' && properties !== null ? Object.keys(properties) : []
}

/** The candidate a misspelt name most likely meant: same letters ignoring case and `-`/`_`, or a typo away. */
function closest(name: string, candidates: readonly string[]): string | undefined {
  const squash = (text: string) => text.toLowerCase().replace(/[-_\s]/g, '')
  const exact = candidates.find((candidate) => squash(candidate) === squash(name))
  if (exact !== undefined) return exact
  const budget = name.length <= 4 ? 1 : 2
  let best: { candidate: string; distance: number } | undefined
  for (const candidate of candidates) {
    const distance = editDistance(squash(name), squash(candidate))
    if (distance <= budget && (best === undefined || distance < best.distance)) best = { candidate, distance }
  }
  return best?.candidate
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index)
  for (let i = 1; i <= a.length; i++) {
    const current = [i]
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1))
    }
    previous = current
  }
  return previous[b.length]
}

// ---------------------------------------------------------------------------------------------
// JSON pointers and YAML positions

function escapePointer(segment: string): string {
  return segment.replace(/~/g, '~0').replace(/\//g, '~1')
}

function pointerSegments(pointer: string): string[] {
  if (pointer === '') return []
  return pointer
    .slice(1)
    .split('/')
    .map((segment) => segment.replace(/~1/g, '/').replace(/~0/g, '~'))
}

/**
 * The source offset of the node a pointer names: its value, or its key when `preferKey` (an
 * unknown option is best shown at its name) or when the value is empty. Stops at the deepest
 * node that exists, so a missing option points at the mapping that lacks it.
 */
function offsetOf(root: unknown, segments: string[], preferKey: boolean): number | undefined {
  let node: unknown = root
  let key: unknown
  for (const segment of segments) {
    if (isMap(node)) {
      const pair = node.items.find((item) => isScalar(item.key) && String(item.key.value) === segment)
      if (pair === undefined) break
      key = pair.key
      node = pair.value
    } else if (isSeq(node)) {
      const item: unknown = node.items[Number(segment)]
      if (item === undefined) break
      key = undefined
      node = item
    } else {
      break
    }
  }
  const keyOffset = isNode(key) ? key.range?.[0] : undefined
  const valueOffset = isNode(node) ? node.range?.[0] : undefined
  // `option:` with nothing after it: the key is where the user looks.
  const isEmpty = isScalar(node) && node.value === null
  if (preferKey || isEmpty) return keyOffset ?? valueOffset
  return valueOffset ?? keyOffset
}

function errorMessage(error: unknown): string {
  if (typeof error === 'object' && error !== null && 'message' in error) return String(error.message)
  return String(error)
}
