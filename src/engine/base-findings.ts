import { deserialize, serialize } from 'node:v8'
import type { Dimension, Finding, Severity } from './types.js'

/** Bumped whenever what is stored changes shape: older entries then simply miss. */
const FORMAT = 1

/**
 * The base side's uniqueness findings as the audit took them in, kept so that a later run over
 * the same base files (a PR run with its base cached) gives them again without the base side's
 * uniqueness finish: LSH buckets, re-reading the candidates and verifying them, some 4 s of a
 * 1M-record PR. The base side's findings depend on its files and settings alone, never on the
 * head. Most are only counted (a file lists the first 100 of a check): those are kept as five
 * numbers, and only the listed ones whole.
 */
export class BaseFindingsRecord {
  /** Files, checks, dimensions and severities, each named once. */
  private readonly names: string[] = []
  private readonly nameIds = new Map<string, number>()
  /** Five numbers a finding: its file, check, dimension and severity (as names), and its line (-1 for none). */
  private readonly numbers: number[] = []
  /** The findings that were listed, by their place in the record. */
  private readonly listed = new Map<number, Finding>()

  get size(): number {
    return this.numbers.length / 5
  }

  /** Keeps one finding in the order the audit took it in; `listed` when the audit listed it, not only counted it. */
  add(finding: Finding, listed: boolean): void {
    if (listed) this.listed.set(this.size, finding)
    this.numbers.push(this.nameId(finding.file), this.nameId(finding.check), this.nameId(finding.dimension), this.nameId(finding.severity), finding.line ?? -1)
  }

  /**
   * The findings in the order they were added: the listed ones as they were, the others with
   * what counting them reads (check, dimension, severity, file and line) and no message.
   */
  *findings(): Generator<Finding> {
    const { names, numbers } = this
    for (let i = 0; i < this.size; i++) {
      const whole = this.listed.get(i)
      if (whole) {
        yield whole
        continue
      }
      const line = numbers[5 * i + 4]
      yield {
        file: names[numbers[5 * i]],
        check: names[numbers[5 * i + 1]],
        dimension: names[numbers[5 * i + 2]] as Dimension,
        severity: names[numbers[5 * i + 3]] as Severity,
        ...(line === -1 ? {} : { line }),
        message: ''
      }
    }
  }

  /** The record as chunks for the cache. */
  pack(): Uint8Array[] {
    return [serialize({ format: FORMAT, names: this.names, numbers: Int32Array.from(this.numbers), listed: [...this.listed] })]
  }

  /** A packed record back, or undefined for anything this code did not write whole. */
  static unpack(data: Uint8Array): BaseFindingsRecord | undefined {
    try {
      const entry = deserialize(data) as { format?: unknown; names?: unknown; numbers?: unknown; listed?: unknown }
      const { names, numbers, listed } = entry
      // By tag, not instanceof: an array deserialized in another realm (a VM context) is no instance of this one's.
      const isInt32Array = (value: unknown): value is Int32Array => Object.prototype.toString.call(value) === '[object Int32Array]'
      if (entry.format !== FORMAT || !Array.isArray(names) || !isInt32Array(numbers) || !Array.isArray(listed)) return undefined
      if (numbers.length % 5 !== 0 || !names.every((name) => typeof name === 'string')) return undefined
      for (let i = 0; i < numbers.length; i++) if (i % 5 !== 4 && (numbers[i] < 0 || numbers[i] >= names.length)) return undefined
      const record = new BaseFindingsRecord()
      record.names.push(...(names as string[]))
      names.forEach((name: string, id) => record.nameIds.set(name, id))
      for (const value of numbers) record.numbers.push(value)
      for (const pair of listed as unknown[]) {
        if (!Array.isArray(pair) || typeof pair[0] !== 'number' || typeof pair[1] !== 'object' || pair[1] === null) return undefined
        record.listed.set(pair[0], pair[1] as Finding)
      }
      return record
    } catch {
      return undefined
    }
  }

  private nameId(name: string): number {
    let id = this.nameIds.get(name)
    if (id === undefined) {
      id = this.names.length
      this.names.push(name)
      this.nameIds.set(name, id)
    }
    return id
  }
}
