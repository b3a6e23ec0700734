/**
 * The real public datasets of /work/shared/realdata, for the tests that run on them. Every path
 * taken here is relative to that folder; tests that read it use `itReal`, so they skip cleanly
 * on a machine without it.
 */
import fs from 'node:fs'
import path from 'node:path'
import { parse } from 'csv-parse/sync'
import { fileSource, readDataset } from '../../src/engine/readers/index.js'
import type { DatasetRecord, FieldValue, RecordFields } from '../../src/engine/types.js'

/** Where the real datasets live: beside the project, not in it. */
export const REALDATA = path.resolve(process.cwd(), '../shared/realdata')

/** The absolute path of a file of the real datasets. */
export const real = (p: string): string => path.join(REALDATA, p)

/** `it` where the real datasets are present, `it.skip` where they are not. */
export const itReal = fs.existsSync(REALDATA) ? it : it.skip

/** The text of a real file. */
export function readText(file: string): string {
  return fs.readFileSync(real(file), 'utf8')
}

/** A real JSON file, parsed; `T` is what the caller knows the file holds. */
export function readJson<T = unknown>(file: string): T {
  return JSON.parse(readText(file)) as T
}

/** The objects of a real `.jsonl` file, one a non-blank line. */
export function readJsonl(file: string): RecordFields[] {
  return readText(file)
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as RecordFields)
}

/** Rows of a real CSV file as objects keyed by header (multi-line quoted cells included). */
export function readCsv(file: string): Array<Record<string, string>> {
  return parse(readText(file), { columns: true, skip_empty_lines: true, relax_column_count: true })
}

/** The records of a real file as the project's readers give them (any format, lines as they count them). */
export async function readDatasetRecords(file: string): Promise<DatasetRecord[]> {
  const records: DatasetRecord[] = []
  await readDataset(fileSource(real(file)), { record: (record) => records.push(record), finding: () => undefined })
  return records
}

function isFields(value: FieldValue): value is RecordFields {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
}

/**
 * The records of a real `.jsonl` file, or of a `.json` file holding an array of objects, parsed
 * here rather than by the readers, so that what the privacy and provenance check tests see
 * depends only on the checks.
 * JSONL records are numbered by their line; records of a JSON array by their 1-based position
 * (not their source line).
 */
export function realRecords(file: string): DatasetRecord[] {
  const text = readText(file)
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
