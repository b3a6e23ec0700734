import { textOf } from './text.js'
import type { DatasetRecord } from './types.js'

/** Field names that identify a record, most telling first, for files with no configured key. */
const ID_FIELD_NAMES = ['id', '_id', 'uuid', 'guid', 'uid', 'task_id', 'example_id', 'sample_id', 'question_id', 'qid', 'doc_id', 'item_id']

/** A field this short on average, with no spaces, is a label or a code rather than text. */
const MIN_TEXT_LENGTH = 16

/**
 * Guesses the key of a file with none configured: the first id-like field that every sampled
 * record carries as a string or a number. The guess is checked once the whole file is read; a
 * key that repeats is dropped and records are matched by content instead.
 */
export function inferKeyFields(sample: readonly DatasetRecord[]): string[] {
  if (sample.length === 0) return []
  for (const name of ID_FIELD_NAMES) {
    const everyRecordHasIt = sample.every((record) => {
      const value = record.fields[name]
      return (typeof value === 'string' && value !== '') || typeof value === 'number'
    })
    if (everyRecordHasIt) return [name]
  }
  return []
}

/**
 * Guesses which fields hold text worth checking: fields present in at least half the sample
 * whose values are strings (or chat transcripts) long enough or spaced enough to be prose,
 * leaving out keys, labels and short codes.
 */
export function inferTextFields(sample: readonly DatasetRecord[], exclude: ReadonlySet<string>): string[] {
  const stats = new Map<string, { present: number; length: number; spaced: number }>()
  for (const record of sample) {
    for (const [name, value] of Object.entries(record.fields)) {
      if (exclude.has(name) || ID_FIELD_NAMES.includes(name)) continue
      const text = textOf(value)
      if (text === undefined) continue
      const stat = stats.get(name) ?? { present: 0, length: 0, spaced: 0 }
      stat.present++
      stat.length += text.length
      if (/\s/.test(text.trim())) stat.spaced++
      stats.set(name, stat)
    }
  }
  const fields: string[] = []
  for (const [name, stat] of stats) {
    if (stat.present * 2 < sample.length) continue
    const proseLike = stat.length / stat.present >= MIN_TEXT_LENGTH || stat.spaced * 2 >= stat.present
    if (proseLike) fields.push(name)
  }
  return fields
}
