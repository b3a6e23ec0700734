import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { gzipSync } from 'node:zlib'
import { fileSource, readDataset } from '../../../src/engine/readers/index.js'
import type { ReadOptions, ReadSummary } from '../../../src/engine/readers/types.js'
import type { DatasetRecord, Finding } from '../../../src/engine/types.js'

/** Shared helpers for the reader tests (not a test file: jest only runs *.test.ts). */

export const REALDATA = path.resolve(process.cwd(), '../shared/realdata')
export const real = (p: string): string => path.join(REALDATA, p)
export const itReal = fs.existsSync(REALDATA) ? it : it.skip

export interface Read {
  records: DatasetRecord[]
  findings: Finding[]
  summary: ReadSummary
}

/** Reads a file on disk and collects everything the reader delivers. */
export async function readPath(absPath: string, options?: ReadOptions, repoPath?: string): Promise<Read> {
  const records: DatasetRecord[] = []
  const findings: Finding[] = []
  const summary = await readDataset(
    fileSource(absPath, repoPath ?? path.basename(absPath)),
    { record: (record) => records.push(record), finding: (finding) => findings.push(finding) },
    options
  )
  return { records, findings, summary }
}

/** A fresh temporary directory under os.tmpdir(), removed by the returned function. */
export function makeTempDir(): { dir: string; cleanup: () => void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dataset-audit-readers-'))
  return { dir, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) }
}

/**
 * Writes `content` to `name` in `dir` and reads it back. Text is gzipped when the name ends in
 * .gz; a Buffer is written as it is.
 */
export async function readContent(dir: string, name: string, content: string | Buffer, options?: ReadOptions): Promise<Read> {
  const file = path.join(dir, name)
  fs.writeFileSync(file, typeof content !== 'string' ? content : name.endsWith('.gz') ? gzipSync(content) : content)
  return readPath(file, options, name)
}

/** The 1-based line at which `needle` first occurs in `text` (at or after `from`). */
export function lineOf(text: string, needle: string, from = 0): number {
  const at = text.indexOf(needle, from)
  if (at === -1) throw new Error(`not found: ${needle}`)
  return text.slice(0, at).split('\n').length
}
