import type { AuditProgress } from '../engine/audit.js'

const BAR_WIDTH = 20

/** What the bar needs of a terminal stream (process.stderr is one). */
export interface Terminal {
  write(text: string): unknown
  columns?: number
}

/**
 * A one-line progress bar on a terminal's stderr: files done, the file being read and the
 * records read so far. Redrawn at most ten times a second; cleared at the end.
 */
export class ProgressBar {
  private lastDraw = 0
  private drawn = false

  constructor(private readonly stream: Terminal) {}

  update(progress: AuditProgress): void {
    const now = Date.now()
    if (now - this.lastDraw < 100) return
    this.lastDraw = now
    const done = Math.round((progress.fileIndex / Math.max(1, progress.fileCount)) * BAR_WIDTH)
    const bar = '█'.repeat(done) + '░'.repeat(BAR_WIDTH - done)
    const text = `${bar} ${progress.fileIndex + 1}/${progress.fileCount} ${progress.file} (${progress.side}) ${progress.records.toLocaleString('en-US')} records`
    const width = this.stream.columns ?? 100
    this.stream.write('\r\x1b[2K' + text.slice(0, width - 1))
    this.drawn = true
  }

  clear(): void {
    if (this.drawn) this.stream.write('\r\x1b[2K')
    this.drawn = false
  }
}
