import type { CheckConfig, FileSettings } from '../../config/types.js'
import { labelKey } from '../stats/labels.js'
import { numberSetting, stringSetting } from '../stats/settings.js'
import { truncate, valueAt } from '../text.js'
import type { FieldValue } from '../types.js'
import type { Check } from './types.js'

/** Label counts of one side of a file. */
export interface LabelCounts {
  /** The field the labels were read from. */
  field: string
  /** Records per label; a multi-label record counts once for each of its labels. */
  labels: Record<string, number>
  /** Records that had a label. */
  labelled: number
  /** True when there were more distinct labels than MAX_LABELS and the rest were not counted. */
  truncated: boolean
}

/** Distinct labels counted per file: more than this is free text, not a label set. */
export const MAX_LABELS = 10000

/** The label field of a check: its own `field` setting, else the file's `labelField`. */
export function labelFieldOf(config: CheckConfig, settings: FileSettings): string | undefined {
  return stringSetting(config, 'field') ?? settings.labelField
}

/**
 * The labels a value holds: a string, number or boolean is one label; a list of them is a
 * multi-label record. Blank strings, nulls, objects and missing values hold none: an absent label
 * is for the completeness checks.
 */
export function labelsOf(value: FieldValue | undefined): string[] {
  if (typeof value === 'string') return value.trim() === '' ? [] : [value]
  if (typeof value === 'number' || typeof value === 'boolean') return [String(value)]
  if (Array.isArray(value)) return value.flatMap((item) => (Array.isArray(item) ? [] : labelsOf(item)))
  return []
}

/** Counts labels with a bound on distinct values. */
export class LabelCounter {
  readonly counts = new Map<string, number>()
  labelled = 0
  truncated = false

  /** Counts the labels of one record; returns them. */
  add(value: FieldValue | undefined): string[] {
    const found = labelsOf(value)
    // A record counts once per label: a multi-label record's repeats are dropped.
    const labels = found.length < 2 ? found : [...new Set(found)]
    if (labels.length > 0) this.labelled++
    for (const label of labels) {
      const count = this.counts.get(label)
      if (count !== undefined) this.counts.set(label, count + 1)
      else if (this.counts.size < MAX_LABELS) this.counts.set(label, 1)
      else this.truncated = true
    }
    return labels
  }

  summary(field: string): LabelCounts {
    return { field, labels: Object.fromEntries(this.counts), labelled: this.labelled, truncated: this.truncated }
  }
}

/** Labels longer than this are not remembered by LabelKeys: class labels are short, free text is not worth keeping. */
const MAX_REMEMBERED_LABEL_CHARS = 100

/**
 * `labelKey` with a memory, for checks that key every record's label: a label field takes a
 * handful of values, and labelKey normalises each and runs patterns over it. Up to MAX_LABELS short
 * labels are remembered; any other is keyed afresh each time.
 */
export class LabelKeys {
  private readonly known = new Map<string, string>()

  of(label: string): string {
    const known = this.known.get(label)
    if (known !== undefined) return known
    const key = labelKey(label)
    if (label.length <= MAX_REMEMBERED_LABEL_CHARS && this.known.size < MAX_LABELS) this.known.set(label, key)
    return key
  }
}

/** Levenshtein distance, giving up (returning `limit + 1`) once it must exceed `limit`. */
export function editDistance(a: string, b: string, limit: number): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j)
  for (let i = 1; i <= a.length; i++) {
    const current = [i]
    let best = i
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1))
      best = Math.min(best, current[j])
    }
    if (best > limit) return limit + 1
    previous = current
  }
  return previous[b.length]
}

const normalise = (label: string): string => label.trim().replace(/\s+/g, ' ').toLowerCase()

/** Candidates compared per label when looking for the one it was probably meant to be. */
const MAX_CANDIDATES = 2000

/**
 * What an odd label was probably meant to be: a known label equal but for case and spacing,
 * or one or two edits away (for labels of four characters or more).
 */
export function likelyIntended(label: string, known: Iterable<string>): { label: string; how: 'case/spacing' | 'typo' } | undefined {
  const normal = normalise(label)
  let typo: string | undefined
  let compared = 0
  for (const candidate of known) {
    if (candidate === label) continue
    if (normalise(candidate) === normal) return { label: candidate, how: 'case/spacing' }
    if (typo === undefined && normal.length >= 4 && compared < MAX_CANDIDATES) {
      compared++
      if (editDistance(normal, normalise(candidate), 2) <= 2) typo = candidate
    }
  }
  return typo === undefined ? undefined : { label: typo, how: 'typo' }
}

const quote = (label: string): string => `\`${truncate(label, 60)}\``

function hint(label: string, known: Iterable<string>): string {
  const intended = likelyIntended(label, known)
  if (!intended) return ''
  return intended.how === 'case/spacing' ? `; it differs from ${quote(intended.label)} only by case/spacing` : `; probably a typo of ${quote(intended.label)}`
}

/** Allowed labels from config: strings, numbers and booleans, compared as strings. */
function allowedOf(config: CheckConfig): string[] | undefined {
  const value = config.allowed
  if (!Array.isArray(value)) return undefined
  const labels = value.flatMap((item) => (typeof item === 'string' || typeof item === 'number' || typeof item === 'boolean' ? [String(item)] : []))
  return labels.length > 0 ? labels : undefined
}

/**
 * Labels outside `config.allowed` (errors); without such a list, labels base never had that
 * head has fewer than `minCount` times (warnings: probably typos).
 */
export const labelValuesCheck: Check<LabelCounts | undefined> = {
  id: 'label-values',
  dimension: 'accuracy',
  description: 'Labels outside the allowed list; without a list, rare labels that the base version never had (likely typos).',
  defaultSeverity: 'error',
  defaults: {
    /** A label new to head and seen fewer times than this is reported (when no `allowed` list is set). */
    minCount: 3,
    /** Records listed per rare label. */
    maxExamples: 20
  },
  start(context) {
    const field = labelFieldOf(context.config, context.settings)
    const allowed = allowedOf(context.config)
    const allowedSet = new Set(allowed)
    const minCount = numberSetting(context.config, 'minCount', 3)
    const maxExamples = Math.max(0, numberSetting(context.config, 'maxExamples', 20))
    const counter = new LabelCounter()
    // Lines of each label while it is still rare enough to be reported.
    const rareLines = new Map<string, number[]>()
    const shownAllowed = allowed ? allowed.slice(0, 10).map(quote).join(', ') + (allowed.length > 10 ? `, … (${allowed.length} in all)` : '') : ''

    return {
      record(record, emit) {
        if (field === undefined) return
        for (const label of counter.add(valueAt(record.fields, field))) {
          if (allowed) {
            if (!allowedSet.has(label)) {
              emit({ line: record.line, field, message: `label ${quote(label)} is not one of the allowed values (${shownAllowed})${hint(label, allowed)}` })
            }
            continue
          }
          const count = counter.counts.get(label)
          if (count === undefined || count >= minCount) {
            rareLines.delete(label)
            continue
          }
          const lines = rareLines.get(label) ?? []
          if (lines.length < maxExamples) lines.push(record.line)
          rareLines.set(label, lines)
        }
      },
      finish(emit, base) {
        if (field === undefined) return undefined
        if (!allowed && base && base.field === field && !base.truncated) {
          const baseLabels = new Map(Object.entries(base.labels))
          for (const [label, lines] of rareLines) {
            if (baseLabels.has(label)) continue
            const count = counter.counts.get(label) ?? 0
            const message = `label ${quote(label)} appears ${count === 1 ? 'once' : `${count} times`} and never in base${hint(label, baseLabels.keys())}`
            for (const line of lines) emit({ line, field, message, severity: 'warning' })
          }
        }
        return counter.summary(field)
      },
      applicable: () => field !== undefined
    }
  }
}
