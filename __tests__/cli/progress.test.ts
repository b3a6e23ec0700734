import type { AuditProgress } from '../../src/engine/audit.js'
import { ProgressBar, type Terminal } from '../../src/cli/progress.js'

/** A terminal stand-in that records what was written. */
function fakeTerminal(columns = 80): { stream: Terminal; written: string[] } {
  const written: string[] = []
  const stream: Terminal = { columns, write: (text: string) => written.push(text) }
  return { stream, written }
}

const progress = (fileIndex: number, records: number): AuditProgress => ({ file: 'data/train.jsonl', fileIndex, fileCount: 4, side: 'head', records })

describe('ProgressBar', () => {
  it('draws files done, the file and the records read on one redrawn line, and clears it', () => {
    const { stream, written } = fakeTerminal()
    const bar = new ProgressBar(stream)
    bar.update(progress(2, 120000))
    expect(written[0]).toBe('\r\x1b[2K' + '██████████░░░░░░░░░░ 3/4 data/train.jsonl (head) 120,000 records')
    bar.clear()
    expect(written[1]).toBe('\r\x1b[2K')
  })

  it('redraws at most ten times a second and never wider than the terminal', () => {
    const { stream, written } = fakeTerminal(30)
    const bar = new ProgressBar(stream)
    for (let i = 0; i < 100; i++) bar.update(progress(0, i * 10000))
    expect(written).toHaveLength(1)
    expect(written[0].length - '\r\x1b[2K'.length).toBeLessThanOrEqual(29)
  })
})
