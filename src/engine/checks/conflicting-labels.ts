import type { Check, CheckContext, CheckRun, Emit } from './types.js'
import type { DatasetRecord, FieldValue } from '../types.js'
import { textOf, truncate, valueAt } from '../text.js'
import { combineHashes, hash53 } from '../hash.js'
import { labelKey, labelsOf, normalisedHash } from '../stats/labels.js'
import { stringListSetting, stringSetting } from '../stats/settings.js'

/** Fields taken for the output, in this order, when no label field and no `outputField` is set. */
export const OUTPUT_FIELDS = ['output', 'response', 'completion', 'answer'] as const

/** What the check compared and how many conflicts it found. */
export interface ConflictingLabelsSummary {
  /** `label` when a label field was compared, `output` otherwise. */
  mode: 'label' | 'output'
  /** Records with an input and a label (or output). */
  compared: number
  /** Distinct normalised inputs. */
  distinctInputs: number
  /** Records whose label (or output) differs from the first record with the same input. */
  conflicts: number
}

/**
 * `conflicting-labels`: the same input (normalised: NFKC, lower case, whitespace collapsed) with
 * a different label, or, without a label field, a different output. Memory: per distinct input,
 * one hash, the first record's line and the first label (outputs are kept as hashes).
 */
export const conflictingLabelsCheck: Check<ConflictingLabelsSummary> = {
  id: 'conflicting-labels',
  dimension: 'consistency',
  description: 'The same input with different labels (or, without a label field, different outputs).',
  defaultSeverity: 'warning',
  defaults: {
    /** The fields that make up the input; default: the text fields but the label field, or, without one, but the output fields. */
    inputFields: undefined,
    /** Compared when there is no label field; default: the first of output, response, completion, answer. */
    outputField: undefined,
    /** The label field; defaults to the file's `labelField`. */
    field: undefined
  },
  start(context: CheckContext): CheckRun<ConflictingLabelsSummary> {
    const labelField = stringSetting(context.config, 'field') ?? context.settings.labelField
    const outputField = stringSetting(context.config, 'outputField')
    // With a label, the whole record but the label is what was labelled (a response rated good or
    // bad is part of the input); without one, the outputs are what is compared.
    const notInput = new Set<string>(labelField ? [labelField] : [...OUTPUT_FIELDS, ...(outputField ? [outputField] : [])])
    const inputFields = stringListSetting(context.config, 'inputFields') ?? (context.config.fields ?? context.textFields).filter((field) => !notInput.has(field))
    const mode: ConflictingLabelsSummary['mode'] = labelField ? 'label' : 'output'

    // Per distinct input: the index of its first record in the parallel arrays.
    const firstOf = new Map<number, number>()
    const firstLines: number[] = []
    const firstValues: number[] = []
    const firstShown: string[] = []
    let compared = 0
    let conflicts = 0

    /** The text of the value being compared and the field it came from. */
    function valueOf(record: DatasetRecord): { field: string; shown: string; hash: number } | undefined {
      if (labelField) {
        const labels = labelsOf(valueAt(record.fields, labelField))
        if (labels.length === 0) return undefined
        const keys = [...new Set(labels.map(labelKey))].sort()
        const display = labels.length === 1 ? labels[0].trim() : labels.map((label) => label.trim()).join(', ')
        // Kept per distinct input for the message: cut short, in case the "label" is long text.
        return { field: labelField, shown: truncate(display.slice(0, 100), 40), hash: hash53(keys.join('\u0000')) }
      }
      const candidates = outputField ? [outputField] : OUTPUT_FIELDS
      for (const field of candidates) {
        const value = valueAt(record.fields, field)
        if (value === undefined) continue
        const text = textOrScalar(value)
        if (text === undefined) return undefined
        return { field, shown: '', hash: normalisedHash(text) ?? 0 }
      }
      return undefined
    }

    return {
      record(record: DatasetRecord, emit: Emit): void {
        if (inputFields.length === 0) return
        const parts: number[] = []
        let excerpt = ''
        for (const field of inputFields) {
          const text = textOf(valueAt(record.fields, field))
          if (text === undefined) continue
          const textHash = normalisedHash(text)
          if (textHash === undefined) continue
          parts.push(hash53(field), textHash)
          if (excerpt === '') excerpt = text
        }
        if (parts.length === 0) return
        const value = valueOf(record)
        if (value === undefined) return
        compared++
        const inputHash = combineHashes(parts)
        const first = firstOf.get(inputHash)
        if (first === undefined) {
          firstOf.set(inputHash, firstLines.length)
          firstLines.push(record.line)
          firstValues.push(value.hash)
          // Labels are short and kept for the message; outputs are kept only as hashes.
          firstShown.push(mode === 'label' ? value.shown : '')
          return
        }
        if (firstValues[first] === value.hash) return
        conflicts++
        const firstLine = firstLines[first]
        const message =
          mode === 'label'
            ? `same input as line ${firstLine} but label ${JSON.stringify(value.shown)} where line ${firstLine} has ${JSON.stringify(firstShown[first])}`
            : `same input as line ${firstLine} but a different \`${value.field}\``
        emit({ line: record.line, field: value.field, message, excerpt: truncate(excerpt.slice(0, 200), 80), duplicateOf: { file: context.file, line: firstLine } })
      },

      finish(): ConflictingLabelsSummary {
        return { mode, compared, distinctInputs: firstOf.size, conflicts }
      }
    }
  }
}

function textOrScalar(value: FieldValue): string | undefined {
  if (typeof value === 'number' || typeof value === 'boolean') return String(value)
  const text = textOf(value)
  return text === undefined || text.trim() === '' ? undefined : text
}
