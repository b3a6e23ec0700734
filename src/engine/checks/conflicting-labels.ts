import { HashIndex } from '../hash-index.js'
import type { Check, CheckContext, CheckRun, Emit } from './types.js'
import type { DatasetRecord, FieldValue } from '../types.js'
import { FieldPaths, textOf, truncate } from '../text.js'
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

/** The most inputs the table is sized for ahead: 2^21 slots, 27 MB; a larger file grows it. */
const MAX_SIZED_INPUTS = 1 << 20

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
    const inputPaths = new FieldPaths(inputFields)
    // Each input is hashed with its field's name, hashed here once rather than per record.
    const inputNameHashes = inputFields.map((field) => hash53(field))
    const outputFields: readonly string[] = outputField ? [outputField] : OUTPUT_FIELDS
    const outputPaths = new FieldPaths(outputFields)
    const labelPath = new FieldPaths(labelField !== undefined ? [labelField] : [])
    // The (field name, text) hashes of one record's input, and a view of each length to combine.
    const parts = new Float64Array(2 * inputFields.length)
    const partsOfLength = Array.from({ length: parts.length + 1 }, (_, length) => parts.subarray(0, length))
    const labelKeys = new LabelKeyCache()

    // Sized for the file at once: growing it by doubling re-placed every input at each step (0.2 s
    // of a million-record pass). At most for a million: its slots are touched all over, so an
    // estimate far too high (short first lines in a large file) would hold memory for nothing.
    const firstOf = new HashIndex(Math.min(context.expectedRecords ?? 0, MAX_SIZED_INPUTS))
    const firstLines: number[] = []
    const firstValues: number[] = []
    // Labels are short and kept for the message; outputs are kept only as hashes.
    const firstShown: string[] = []
    let compared = 0
    let conflicts = 0

    return {
      record(record: DatasetRecord, emit: Emit): void {
        if (inputFields.length === 0) return
        const fields = record.fields
        let partCount = 0
        let excerpt = ''
        for (let i = 0; i < inputFields.length; i++) {
          const text = inputPaths.textAt(fields, i)
          if (text === undefined) continue
          const textHash = normalisedHash(text)
          if (textHash === undefined) continue
          parts[partCount++] = inputNameHashes[i]
          parts[partCount++] = textHash
          if (excerpt === '') excerpt = text
        }
        if (partCount === 0) return

        // The value compared: its field, its hash and, for labels, the labels as written.
        let field: string | undefined
        let hash = 0
        let labels: string[] = []
        if (labelField !== undefined) {
          labels = labelsOf(labelPath.valueAt(fields, 0))
          if (labels.length === 0) return
          field = labelField
          hash = hash53(labels.length === 1 ? labelKeys.keyOf(labels[0]) : [...new Set(labels.map((label) => labelKeys.keyOf(label)))].sort().join('\u0000'))
        } else {
          for (let i = 0; i < outputFields.length; i++) {
            const value = outputPaths.valueAt(fields, i)
            if (value === undefined) continue
            const text = textOrScalar(value)
            if (text === undefined) return
            field = outputFields[i]
            hash = normalisedHash(text) ?? 0
            break
          }
          if (field === undefined) return
        }
        compared++
        const inputHash = combineHashes(partsOfLength[partCount])
        const first = firstOf.getOrAdd(inputHash, firstLines.length)
        if (first === undefined) {
          firstLines.push(record.line)
          firstValues.push(hash)
          if (mode === 'label') firstShown.push(shownLabels(labels))
          return
        }
        if (firstValues[first] === hash) return
        conflicts++
        const firstLine = firstLines[first]
        const message =
          mode === 'label'
            ? `same input as line ${firstLine} but label ${JSON.stringify(shownLabels(labels))} where line ${firstLine} has ${JSON.stringify(firstShown[first])}`
            : `same input as line ${firstLine} but a different \`${field}\``
        emit({ line: record.line, field, message, excerpt: truncate(excerpt.slice(0, 200), 80), duplicateOf: { file: context.file, line: firstLine } })
      },

      finish(): ConflictingLabelsSummary {
        return { mode, compared, distinctInputs: firstOf.size, conflicts }
      }
    }
  }
}

/** Labels as the message shows them: cut short, in case the "label" is long text. */
function shownLabels(labels: readonly string[]): string {
  const display = labels.length === 1 ? labels[0].trim() : labels.map((label) => label.trim()).join(', ')
  return truncate(display.slice(0, 100), 40)
}

/** `labelKey` of labels seen before, looked up rather than normalised again: labels repeat. */
class LabelKeyCache {
  private readonly keys = new Map<string, string>()

  keyOf(label: string): string {
    let key = this.keys.get(label)
    if (key === undefined) {
      key = labelKey(label)
      // Free-text "labels" would grow the cache with the file: past a bound, they are normalised each time.
      if (this.keys.size < MAX_CACHED_LABELS) this.keys.set(label, key)
    }
    return key
  }
}

const MAX_CACHED_LABELS = 10_000


function textOrScalar(value: FieldValue): string | undefined {
  if (typeof value === 'number' || typeof value === 'boolean') return String(value)
  const text = textOf(value)
  return text === undefined || text.trim() === '' ? undefined : text
}
