import type { Check, CheckRun, Emit } from './types.js'
import type { FieldValue } from '../types.js'
import { maskAll } from './detectors/mask.js'
import { FieldPaths, truncate } from '../text.js'

const DAY_MS = 86_400_000
const hasOwn = Object.prototype.hasOwnProperty

/** Epoch values outside 1980-2100 are ids, counts or durations, not timestamps. */
const EPOCH_MIN_S = Date.UTC(1980, 0, 1) / 1000
const EPOCH_MAX_S = Date.UTC(2100, 0, 1) / 1000

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec']
const ZONES: Readonly<Record<string, number>> = { gmt: 0, ut: 0, utc: 0, z: 0, est: -5, edt: -4, cst: -6, cdt: -5, mst: -7, mdt: -6, pst: -8, pdt: -7 }

/** Milliseconds since the epoch for a UTC calendar time, or undefined when a part is out of range. */
function utc(year: number, month: number, day: number, hour = 0, minute = 0, second = 0, millis = 0): number | undefined {
  if (month < 1 || month > 12 || day < 1 || hour > 24 || minute > 59 || second > 60) return undefined
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate()
  if (day > daysInMonth) return undefined
  const time = new Date(0)
  time.setUTCFullYear(year, month - 1, day)
  time.setUTCHours(hour, minute, second, millis)
  return time.getTime()
}

/** `Z`, `+02:00`, `-0500`, `GMT`, `PST` as minutes east of UTC; no zone means UTC. */
function zoneOffsetMinutes(zone: string | undefined): number | undefined {
  if (zone === undefined || zone === '') return 0
  const named = ZONES[zone.toLowerCase()]
  if (named !== undefined) return named * 60
  const offset = /^([+-])(\d{2}):?(\d{2})?$/.exec(zone)
  if (offset === null) return undefined
  return (offset[1] === '-' ? -1 : 1) * (Number(offset[2]) * 60 + Number(offset[3] ?? '0'))
}

const ISO_8601 = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)? ?(Z|[+-]\d{2}(?::?\d{2})?)?)?$/i
const RFC_2822 = /^(?:(?:mon|tue|wed|thu|fri|sat|sun),? *)?(\d{1,2}) +([a-z]{3}) +(\d{4}) +(\d{2}):(\d{2})(?::(\d{2}))? *([+-]\d{4}|[a-z]{1,3})?$/i

/** ISO 8601 (`2024-05-01`, `2024-05-01T12:00:00.5+02:00`) or RFC 2822 (`Wed, 01 May 2024 12:00:00 +0000`). */
function parseStrict(value: string): number | undefined {
  const iso = ISO_8601.exec(value)
  if (iso !== null) {
    const [, y, mo, d, h, mi, s, fraction, zone] = iso
    const time = utc(Number(y), Number(mo), Number(d), Number(h ?? 0), Number(mi ?? 0), Number(s ?? 0), Number((fraction ?? '0').padEnd(3, '0').slice(0, 3)))
    const offset = zoneOffsetMinutes(zone)
    return time === undefined || offset === undefined ? undefined : time - offset * 60_000
  }
  const rfc = RFC_2822.exec(value)
  if (rfc !== null) {
    const [, d, monthName, y, h, mi, s, zone] = rfc
    const month = MONTHS.indexOf(monthName.toLowerCase()) + 1
    const time = month === 0 ? undefined : utc(Number(y), month, Number(d), Number(h), Number(mi), Number(s ?? 0))
    const offset = zoneOffsetMinutes(zone)
    return time === undefined || offset === undefined ? undefined : time - offset * 60_000
  }
  return undefined
}

const SLASHED = /^(\d{1,4})[/.](\d{1,2})[/.](\d{1,4})(?:,? (\d{1,2}):(\d{2})(?::(\d{2}))?)?$/
const WRITTEN = /^(?:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*,? )?(?:([a-z]{3,9})\.? (\d{1,2})(?:st|nd|rd|th)?,? (\d{4})|(\d{1,2})(?:st|nd|rd|th)? ([a-z]{3,9})\.?,? (\d{4}))$/i

/** `2024/05/01`, `05/01/2024` (day first when the first number is over 12), `May 1, 2024`, `1 May 2024`. */
function parseWritten(value: string): number | undefined {
  const slashed = SLASHED.exec(value)
  if (slashed !== null) {
    const [, a, b, c, h, mi, s] = slashed
    const [y, mo, d] = a.length === 4 ? [a, b, c] : c.length === 4 ? (Number(a) > 12 ? [c, b, a] : [c, a, b]) : []
    return y === undefined ? undefined : utc(Number(y), Number(mo), Number(d), Number(h ?? 0), Number(mi ?? 0), Number(s ?? 0))
  }
  const written = WRITTEN.exec(value)
  if (written !== null) {
    const monthName = (written[1] ?? written[5]).toLowerCase()
    const month = MONTHS.indexOf(monthName.slice(0, 3)) + 1
    const fullNames = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december']
    if (month === 0 || !(monthName.length === 3 || monthName === 'sept' || fullNames[month - 1] === monthName)) return undefined
    return utc(Number(written[3] ?? written[6]), month, Number(written[2] ?? written[4]))
  }
  return undefined
}

/** Epoch seconds or milliseconds in 1980-2100, or a `YYYYMMDD` number. */
function parseNumber(value: number): number | undefined {
  if (!Number.isFinite(value) || value <= 0) return undefined
  if (Number.isInteger(value) && value >= 19000101 && value <= 21001231) {
    return utc(Math.floor(value / 10000), Math.floor(value / 100) % 100, value % 100)
  }
  if (value >= EPOCH_MIN_S && value < EPOCH_MAX_S) return Math.round(value * 1000)
  if (value >= EPOCH_MIN_S * 1000 && value < EPOCH_MAX_S * 1000) return Math.round(value)
  return undefined
}

/**
 * A field value as milliseconds since the epoch (UTC; times without a zone are read as UTC), or
 * undefined when it is not a date. `strict` accepts only ISO 8601 and RFC 2822 strings, the
 * formats that identify a date field by its values alone; otherwise written dates (`May 1,
 * 2024`, `2024/05/01`), epoch seconds or milliseconds (numbers or digit strings) and MongoDB's
 * `{"$date": ...}` are read too.
 */
export function parseTimestamp(value: FieldValue | undefined, strict = false): number | undefined {
  if (typeof value === 'string') {
    const trimmed = value.trim()
    const parsed = parseStrict(trimmed)
    if (parsed !== undefined || strict) return parsed
    if (/^\d{8,13}(?:\.\d+)?$/.test(trimmed)) return parseNumber(Number(trimmed))
    return parseWritten(trimmed)
  }
  if (strict) return undefined
  if (typeof value === 'number') return parseNumber(value)
  if (value !== null && typeof value === 'object' && !Array.isArray(value) && '$date' in value) {
    const inner = value.$date
    return typeof inner === 'object' && inner !== null && !Array.isArray(inner) ? parseTimestamp(inner.$numberLong) : parseTimestamp(inner)
  }
  return undefined
}

/** Field names that say the field holds a point in time. */
export function looksLikeTimestampName(name: string): boolean {
  return (
    /^(?:timestamp|date|time|datetime|created|updated|modified|published|ts)$/i.test(name) ||
    /_(?:at|date|time|ts|timestamp|datetime)$/i.test(name) ||
    /[a-z](?:At|Date|Time|Timestamp)$/.test(name)
  )
}

/** How a field came to be read as a timestamp field. */
type FieldState = 'configured' | 'named' | 'named-pending' | 'value' | 'value-pending' | 'not'

/** What the freshness check counted on one side of a file. */
export interface FreshnessSummary {
  /** The fields read as timestamps. */
  fields: string[]
  records: number
  /** Values read as dates. */
  dates: number
  /** Values of timestamp fields that are not dates. */
  unparseable: number
  /** Dates more than `futureSlackDays` after now. */
  future: number
  /** Dates older than `maxAgeDays` (0 when it is not set). */
  older: number
  /** ISO 8601 instants. */
  min?: string
  max?: string
  /** The median date, to the day. */
  median?: string
  /** older / dates, when `maxAgeDays` is set. */
  shareOlder?: number
}

function iso(ms: number): string {
  return new Date(ms).toISOString().replace('.000Z', 'Z')
}

function days(ms: number): string {
  const count = Math.floor(ms / DAY_MS)
  return `${count.toLocaleString('en-US')} ${count === 1 ? 'day' : 'days'}`
}

/** Days with dates, for the median; bounded to 1900-2200 so the map stays small. */
const HISTOGRAM_MIN = Date.UTC(1900, 0, 1)
const HISTOGRAM_MAX = Date.UTC(2200, 0, 1)
/** At most this many fields are tracked, so a file with free-form keys cannot grow the state. */
const MAX_FIELDS = 1000

/**
 * Timestamps: dates in the future, records older than `maxAgeDays`, unparseable dates in a
 * timestamp field. Timestamp fields are the configured `fields`, else the fields named like one
 * (`created_at`, `date`, `*_at`, `*At`...) whose first value is a date, and the fields whose
 * first value is an ISO 8601 or RFC 2822 string.
 */
export const freshnessCheck: Check<FreshnessSummary> = {
  id: 'freshness',
  dimension: 'freshness',
  description: 'Timestamps: future dates, records older than a maximum age, unparseable dates.',
  defaultSeverity: 'warning',
  defaults: {
    /** Records older than this many days get a warning; unset, age is not checked. */
    maxAgeDays: undefined,
    /** Dates up to this many days after now are fine (clock skew, time zones). */
    futureSlackDays: 1,
    /** "Now" as an ISO 8601 string, for reproducible audits; unset (or not a date), the current time. */
    now: undefined
  },
  start(context): CheckRun<FreshnessSummary> {
    const configuredNow = typeof context.config.now === 'string' ? parseTimestamp(context.config.now) : undefined
    const now = configuredNow ?? Date.now()
    const maxAgeDays = typeof context.config.maxAgeDays === 'number' && context.config.maxAgeDays > 0 ? context.config.maxAgeDays : undefined
    const slackDays = typeof context.config.futureSlackDays === 'number' ? context.config.futureSlackDays : 1
    const configured = context.config.fields
    const states = new Map<string, FieldState>(configured?.map((field) => [field, 'configured']))
    const configuredPaths = new FieldPaths(configured ?? [])
    const summary: FreshnessSummary = { fields: [], records: 0, dates: 0, unparseable: 0, future: 0, older: 0 }
    const histogram = new Map<number, number>()
    let min = Infinity
    let max = -Infinity

    function use(field: string, state: FieldState): void {
      states.set(field, state)
      if (!summary.fields.includes(field)) summary.fields.push(field)
    }

    function check(line: number, field: string, time: number, emit: Emit): void {
      summary.dates++
      min = Math.min(min, time)
      max = Math.max(max, time)
      if (time >= HISTOGRAM_MIN && time < HISTOGRAM_MAX) {
        const day = Math.floor(time / DAY_MS)
        histogram.set(day, (histogram.get(day) ?? 0) + 1)
      }
      if (time > now + slackDays * DAY_MS) {
        summary.future++
        emit({ line, field, message: `\`${field}\` is in the future: ${iso(time)} is ${days(time - now)} after now (${iso(now)})` })
      } else if (maxAgeDays !== undefined && now - time > maxAgeDays * DAY_MS) {
        summary.older++
        emit({ line, field, message: `\`${field}\` ${iso(time)} is ${days(now - time)} old, past the ${maxAgeDays}-day limit (maxAgeDays)` })
      }
    }

    function unparseable(line: number, field: string, value: FieldValue, emit: Emit): void {
      summary.unparseable++
      const shown = typeof value === 'string' ? value : JSON.stringify(value)
      emit({ line, field, message: `\`${field}\` is not a date: \`${truncate(maskAll(shown), 40)}\`` })
    }

    /** One field of a record: its state decided by the first value, then its dates checked. */
    function visit(line: number, field: string, value: FieldValue | undefined, emit: Emit): void {
      let state = states.get(field)
      if (state === undefined) {
        if (states.size >= MAX_FIELDS) return
        state = looksLikeTimestampName(field) ? 'named-pending' : 'value-pending'
        states.set(field, state)
      }
      if (state === 'not' || value === undefined || value === null || value === '') return
      // A field is confirmed by its first value: `time: "30 minutes"` is a duration field.
      if (state === 'named-pending' || state === 'value-pending') {
        const time = parseTimestamp(value, state === 'value-pending')
        if (time === undefined) {
          states.set(field, 'not')
          return
        }
        use(field, state === 'named-pending' ? 'named' : 'value')
        check(line, field, time, emit)
        return
      }
      if (state === 'configured' && !summary.fields.includes(field)) summary.fields.push(field)
      const time = parseTimestamp(value)
      if (time !== undefined) check(line, field, time, emit)
      // Fields found by their values alone may hold other things too: count, do not warn.
      else if (state === 'value') summary.unparseable++
      else unparseable(line, field, value, emit)
    }

    return {
      record(record, emit) {
        summary.records++
        const fields = record.fields
        if (configured !== undefined) {
          for (let i = 0; i < configuredPaths.length; i++) visit(record.line, configuredPaths.paths[i], configuredPaths.valueAt(fields, i), emit)
        } else {
          // for-in with an own-property test: the keys of Object.keys without the array it builds.
          for (const field in fields) if (hasOwn.call(fields, field)) visit(record.line, field, fields[field], emit)
        }
      },
      finish() {
        if (summary.dates > 0) {
          summary.min = iso(min)
          summary.max = iso(max)
          let seen = 0
          const half = Array.from(histogram.values()).reduce((total, count) => total + count, 0) / 2
          for (const day of [...histogram.keys()].sort((a, b) => a - b)) {
            seen += histogram.get(day) ?? 0
            if (seen >= half) {
              summary.median = iso(day * DAY_MS).slice(0, 10)
              break
            }
          }
          if (maxAgeDays !== undefined) summary.shareOlder = summary.older / summary.dates
        }
        return summary
      },
      applicable: () => summary.fields.length > 0
    }
  }
}
