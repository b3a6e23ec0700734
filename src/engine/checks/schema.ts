import { Ajv, type AnySchema, type ErrorObject, type ValidateFunction } from 'ajv'
import { Ajv2019 } from 'ajv/dist/2019.js'
import { Ajv2020 } from 'ajv/dist/2020.js'
import { errorMessage } from '../readers/context.js'
import { numberSetting } from '../stats/settings.js'
import { truncate } from '../text.js'
import type { FieldValue, RecordFields } from '../types.js'
import type { Check, Emit } from './types.js'

/** The JSON types a value can have, as JSON Schema names them. */
export type JsonType = 'string' | 'number' | 'boolean' | 'null' | 'array' | 'object'

/** How one top-level field appears across a side: in how many records, with which types. */
export interface FieldShape {
  /** Records that have the field (null counts as present). */
  present: number
  /** Records per JSON type of the value. */
  types: Partial<Record<JsonType, number>>
}

/** The observed shape of a side's records: the implicit schema when none is configured. */
export interface SchemaSummary {
  records: number
  /** Records that failed the configured JSON Schema (0 without one). */
  invalid: number
  /** Per top-level field; at most MAX_FIELDS fields are followed. */
  fields: Record<string, FieldShape>
}

const hasOwn = Object.prototype.hasOwnProperty

/** Fields followed per file: beyond this the records are not a table, and drift means little. */
const MAX_FIELDS = 500

/** The JSON type of a value. */
export function jsonType(value: FieldValue): JsonType {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'array'
  return typeof value as 'string' | 'number' | 'boolean' | 'object'
}

/** A plain object to read JSON Schema keywords from, if the schema is one. */
function schemaObjectOf(schema: unknown): Record<string, unknown> | undefined {
  return schema !== null && typeof schema === 'object' && !Array.isArray(schema) ? (schema as Record<string, unknown>) : undefined
}

/**
 * The validator of one record. A schema whose top level is an array with one `items` schema
 * describes the whole file (Alpaca's does): each record is checked against its `items`, through
 * a `$ref` so that references inside the schema still resolve.
 */
export function compileRecordValidator(schema: unknown): ValidateFunction {
  const root = schemaObjectOf(schema)
  const dialect = typeof root?.$schema === 'string' ? root.$schema : ''
  const options = { allErrors: true, strict: false, validateFormats: false }
  // ajv-formats is not installed, so `format` is not validated.
  const ajv = dialect.includes('2020-12') ? new Ajv2020(options) : dialect.includes('2019-09') ? new Ajv2019(options) : new Ajv(options)
  if (typeof schema !== 'boolean' && !root) throw new Error('the schema is neither an object nor a boolean')
  const type = root?.type
  const describesFile = (type === 'array' || (Array.isArray(type) && type.length === 1 && type[0] === 'array')) && schemaObjectOf(root?.items) !== undefined
  if (!describesFile) return ajv.compile(schema as AnySchema)
  const id = typeof root?.$id === 'string' ? root.$id : 'dataset-audit:file-schema'
  ajv.addSchema(schema as AnySchema, typeof root?.$id === 'string' ? undefined : id)
  return ajv.compile({ $ref: `${id.replace(/#$/, '')}#/items` })
}

/** `/instances/0/input` as the dotted path the rest of the report uses. */
function dottedPath(instancePath: string): string {
  return instancePath
    .split('/')
    .slice(1)
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
    .join('.')
}

function valueAtPointer(fields: RecordFields, instancePath: string): FieldValue | undefined {
  let current: FieldValue | undefined = fields
  for (const part of instancePath.split('/').slice(1)) {
    const key = part.replace(/~1/g, '/').replace(/~0/g, '~')
    if (current === null || typeof current !== 'object') return undefined
    current = Array.isArray(current) ? current[Number(key)] : current[key]
  }
  return current
}

const typeName = (value: FieldValue | undefined): string => (value === undefined ? 'missing' : jsonType(value))

/** One ajv error in the user's terms, with the field it is about. */
export function describeSchemaError(error: ErrorObject, fields: RecordFields): { field?: string; message: string; excerpt?: string } {
  const at = dottedPath(error.instancePath)
  const where = (name: string): string => (at === '' ? name : `${at}.${name}`)
  const params = error.params as Record<string, unknown>
  const value = valueAtPointer(fields, error.instancePath)
  const excerpt = value === undefined ? undefined : truncate(typeof value === 'string' ? value : JSON.stringify(value), 80)
  switch (error.keyword) {
    case 'additionalProperties': {
      const name = where(String(params.additionalProperty))
      return { field: name, message: `field \`${name}\` is not allowed by the schema (additionalProperties is false)` }
    }
    case 'required': {
      const name = where(String(params.missingProperty))
      return { field: name, message: `required field \`${name}\` is missing` }
    }
    case 'type':
      return { field: at || undefined, message: `\`${at || '(record)'}\` must be ${[params.type].flat().join(' or ')}, not ${typeName(value)}`, excerpt }
    default:
      return { field: at || undefined, message: `\`${at || '(record)'}\` ${error.message ?? 'does not match the schema'} (${error.keyword})`, excerpt }
  }
}

interface Tally {
  count: number
  lines: number[]
}

/** One (field, type) pair of a side: how many records have it, and the first lines. */
interface TypeTally extends Tally {
  name: string
  type: JsonType
}

/** One top-level field as followed across a side. */
interface FieldTrack {
  name: string
  present: number
  /** The field's types in the order first seen (the order of the summary's `types`). */
  types: TypeTally[]
  /** The last type seen: most fields keep one type, found again without a search. */
  last: TypeTally | undefined
  /** The number of the last record that had the field, to find the records without it. */
  lastRecord: number
}

/**
 * Records against the configured JSON Schema (`settings.schema`, loaded into
 * `config.schemaObject`), every error with its path (errors). Without a schema, the base side's
 * field types are the schema, and head records whose types drift from them are reported
 * (warnings: a new field may well be intended).
 */
export const schemaCheck: Check<SchemaSummary> = {
  id: 'schema',
  dimension: 'accuracy',
  description: 'Records that break the configured JSON Schema; without one, fields whose type drifts from the base version (new, missing or retyped fields).',
  defaultSeverity: 'error',
  defaults: {
    /** Schema errors reported per record; the rest are counted in one more finding. */
    maxErrorsPerRecord: 10,
    /** Records listed per kind of type drift (per field and type); the rest are counted in one file-level finding. */
    maxExamples: 20
  },
  start(context) {
    const maxErrors = Math.max(1, numberSetting(context.config, 'maxErrorsPerRecord', 10))
    const maxExamples = Math.max(0, numberSetting(context.config, 'maxExamples', 20))
    const configured = context.config.schemaObject
    let validate: ValidateFunction | undefined
    // The runner puts the reason here when the schema file named by the config could not be read.
    let compileError: string | undefined = typeof context.config.schemaError === 'string' ? context.config.schemaError : undefined
    if (configured !== undefined) {
      try {
        validate = compileRecordValidator(configured)
      } catch (error) {
        compileError = errorMessage(error)
      }
    }

    let records = 0
    let invalid = 0
    let compared = false
    const tracks = new Map<string, FieldTrack>()
    const trackList: FieldTrack[] = []
    // For drift against base, known only at the end: where each (field, type) and each absence occurs.
    const typed: TypeTally[] = []
    const absent = new Map<string, Tally>()
    // The first records' lines, so a field first seen late can list the records before it as lacking it.
    const firstLines: number[] = []
    const note = (tallies: Map<string, Tally>, key: string, line: number): void => {
      const tally = tallies.get(key) ?? { count: 0, lines: [] }
      tally.count++
      if (tally.lines.length < maxExamples) tally.lines.push(line)
      tallies.set(key, tally)
    }

    const validateRecord = (fields: RecordFields, line: number, emit: Emit): void => {
      if (!validate || validate(fields)) return
      invalid++
      const errors = validate.errors ?? []
      for (const error of errors.slice(0, maxErrors)) emit({ line, ...describeSchemaError(error, fields) })
      if (errors.length > maxErrors) emit({ line, message: `${errors.length - maxErrors} more schema errors in this record` })
    }

    return {
      record(record, emit) {
        records++
        const line = record.line
        if (firstLines.length < maxExamples) firstLines.push(line)
        validateRecord(record.fields, line, emit)
        const fields = record.fields
        let seen = 0
        // for-in with an own-property test: the keys of Object.keys without the array it builds.
        for (const name in fields) {
          if (!hasOwn.call(fields, name)) continue
          let track = tracks.get(name)
          if (!track) {
            if (tracks.size >= MAX_FIELDS) continue
            track = { name, present: 0, types: [], last: undefined, lastRecord: 0 }
            tracks.set(name, track)
            trackList.push(track)
            if (records > 1) absent.set(name, { count: records - 1, lines: firstLines.slice(0, Math.min(maxExamples, records - 1)) })
          }
          track.lastRecord = records
          seen++
          track.present++
          const type = jsonType(fields[name])
          let tally = track.last
          if (tally === undefined || tally.type !== type) {
            tally = track.types.find((each) => each.type === type)
            if (tally === undefined) {
              tally = { name, type, count: 0, lines: [] }
              track.types.push(tally)
              typed.push(tally)
            }
            track.last = tally
          }
          tally.count++
          if (tally.lines.length < maxExamples) tally.lines.push(line)
        }
        if (seen < trackList.length) for (const track of trackList) if (track.lastRecord !== records) note(absent, track.name, line)
      },
      finish(emit, base) {
        if (compileError !== undefined) {
          const problem = context.config.schemaError !== undefined ? 'could not be read' : 'could not be compiled'
          emit({ message: `the JSON Schema${context.settings.schema ? ` \`${context.settings.schema}\`` : ''} ${problem}, so records were not validated: ${compileError}` })
        }
        const fieldShapes = trackList.map((track): [string, FieldShape] => [track.name, { present: track.present, types: Object.fromEntries(track.types.map((tally) => [tally.type, tally.count])) }])
        const summary: SchemaSummary = { records, invalid, fields: Object.fromEntries(fieldShapes) }
        if (!base || validate || base.records === 0) return summary
        compared = true

        const baseFields = new Map(Object.entries(base.fields))
        const report = (tally: Tally, message: string, field: string): void => {
          for (const line of tally.lines) emit({ line, field, message, severity: 'warning' })
          const rest = tally.count - tally.lines.length
          if (rest > 0) emit({ field, message: `${rest} more records like the ${tally.lines.length} listed: ${message}`, severity: 'warning' })
        }
        for (const tally of typed) {
          const { name, type } = tally
          const baseShape = baseFields.get(name)
          if (!baseShape) {
            report(tally, `new field \`${name}\` (${type}): no base record has it`, name)
          } else if (!baseShape.types[type]) {
            const before = Object.keys(baseShape.types).join(' or ')
            report(tally, `\`${name}\` is ${type === 'null' ? 'null' : `${/^[ao]/.test(type) ? 'an' : 'a'} ${type}`}; in base it was always ${before}`, name)
          }
        }
        for (const [name, tally] of absent) {
          const baseShape = baseFields.get(name)
          if (baseShape && baseShape.present === base.records) report(tally, `field \`${name}\` is missing; every base record has it`, name)
        }
        // Fields never seen on head at all are absent from every record.
        for (const [name, baseShape] of baseFields) {
          if (tracks.has(name) || baseShape.present !== base.records || records === 0) continue
          emit({ field: name, message: `field \`${name}\` is gone: every base record has it, no head record does`, severity: 'warning' })
        }
        return summary
      },
      // Without a schema or a base to take the field types from, nothing was checked.
      applicable: () => validate !== undefined || compileError !== undefined || compared
    }
  }
}
