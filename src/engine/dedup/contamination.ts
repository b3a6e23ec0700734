import { NgramTable } from './ngram-table.js'

/**
 * N-gram contamination of eval records by train records, as the GPT-3 paper and
 * lm-evaluation-harness measure it: an eval record is contaminated when any of its word
 * n-grams (13 by default) also occurs in a train record. The eval side's n-grams are kept
 * (eval sets are the small side); train records are streamed past them.
 */
export class ContaminationIndex {
  readonly table = new NgramTable()
  /** Per eval record: the file it is in (the caller's file id). */
  private evalFiles = new Int32Array(256)
  /** Per eval record: its line. */
  private evalLines = new Int32Array(256)
  /** Per eval record: 1 once a train n-gram matched it. */
  private marks = new Uint8Array(256)
  /** Eval records registered. */
  evalRecords = 0
  /** Grows with every eval record added: a train file scanned before the last change is scanned again. */
  version = 0
  /** Per train file: the eval records it matched (to name the train files when the eval file is not reported on). */
  private readonly hitsByTrainFile = new Map<number, Set<number>>()

  /** Registers one eval record of `file` with `count` n-grams. */
  addEval(file: number, line: number, low: Int32Array, high: Int32Array, count: number): void {
    if (this.evalRecords === this.evalFiles.length) this.grow()
    const record = this.evalRecords++
    this.evalFiles[record] = file
    this.evalLines[record] = line
    for (let i = 0; i < count; i++) this.table.add(low[i], high[i], record)
    this.version++
  }

  /** Looks the n-grams of one record of train file `file` up; marks the eval records they match. */
  scanTrain(file: number, low: Int32Array, high: Int32Array, count: number): void {
    const table = this.table
    let hits: Set<number> | undefined
    for (let i = 0; i < count; i++) {
      let entry = table.firstUnvisited(low[i], high[i], file + 1)
      while (entry !== -1) {
        const record = table.recordAt(entry)
        this.marks[record] = 1
        if (!hits) {
          hits = this.hitsByTrainFile.get(file)
          if (!hits) this.hitsByTrainFile.set(file, (hits = new Set()))
        }
        hits.add(record)
        entry = table.nextAfter(entry)
      }
    }
  }

  /** Per eval file: its contaminated records and the line of the first one. */
  contaminatedByFile(): Map<number, { count: number; firstLine: number }> {
    const result = new Map<number, { count: number; firstLine: number }>()
    for (let r = 0; r < this.evalRecords; r++) {
      if (this.marks[r] !== 1) continue
      const entry = result.get(this.evalFiles[r])
      if (entry) entry.count++
      else result.set(this.evalFiles[r], { count: 1, firstLine: this.evalLines[r] })
    }
    return result
  }

  /** How many records of `evalFile` train file `trainFile` matched. */
  hitsOf(trainFile: number, evalFile: number): number {
    let hits = 0
    for (const record of this.hitsByTrainFile.get(trainFile) ?? []) if (this.evalFiles[record] === evalFile) hits++
    return hits
  }

  private grow(): void {
    const size = this.evalFiles.length * 2
    const files = new Int32Array(size)
    files.set(this.evalFiles)
    this.evalFiles = files
    const lines = new Int32Array(size)
    lines.set(this.evalLines)
    this.evalLines = lines
    const marks = new Uint8Array(size)
    marks.set(this.marks)
    this.marks = marks
  }
}
