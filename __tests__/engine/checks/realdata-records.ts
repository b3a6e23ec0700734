/**
 * Loads files of /work/shared/realdata as records for the privacy and provenance check tests,
 * without the readers, so these tests depend only on the checks. JSONL records are numbered by
 * their line; records of a JSON array by their 1-based position (not their source line).
 */
import fs from 'node:fs'
import path from 'node:path'
import type { DatasetRecord, FieldValue, RecordFields } from '../../../src/engine/types.js'

export const REALDATA = path.resolve(process.cwd(), '../shared/realdata')
export const real = (p: string): string => path.join(REALDATA, p)
export const itReal = fs.existsSync(REALDATA) ? it : it.skip

function isFields(value: FieldValue): value is RecordFields {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
}

/** The records of a `.jsonl` file or of a `.json` file holding an array of objects. */
export function realRecords(file: string): DatasetRecord[] {
  const text = fs.readFileSync(real(file), 'utf8')
  if (file.endsWith('.jsonl')) {
    const records: DatasetRecord[] = []
    text.split('\n').forEach((line, index) => {
      if (line.trim() === '') return
      const value = JSON.parse(line) as FieldValue
      if (isFields(value)) records.push({ line: index + 1, index: records.length, fields: value })
    })
    return records
  }
  // MBPP+ writes Python's bare -Infinity/Infinity/NaN, which JSON.parse rejects.
  const parsed = JSON.parse(text.replace(/(?<=[[,:]\s*)-?(?:Infinity|NaN)(?=\s*[\],}])/g, 'null')) as FieldValue
  const rows = Array.isArray(parsed) ? parsed : [parsed]
  return rows.filter(isFields).map((fields, index) => ({ line: index + 1, index, fields }))
}

/** The string fields of the first record: what the runner would infer as text fields. */
export function stringFields(records: readonly DatasetRecord[]): string[] {
  const first = records[0]?.fields ?? {}
  return Object.keys(first).filter((name) => typeof first[name] === 'string')
}
