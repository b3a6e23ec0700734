import { isUtf8 } from 'node:buffer'

const LF = 0x0a

/** How many line feeds `bytes` holds between `start` and `end`. */
export function countLineFeeds(bytes: Buffer, start = 0, end = bytes.length): number {
  let count = 0
  let at = bytes.indexOf(LF, start)
  while (at !== -1 && at < end) {
    count++
    at = bytes.indexOf(LF, at + 1)
  }
  return count
}

/**
 * Finds the lines of a byte stream that are not valid UTF-8, for readers whose parser would
 * otherwise decode bad bytes to U+FFFD without a word. Fed the stream chunk by chunk; checks
 * line-aligned regions (a line feed never occurs inside a multi-byte sequence), and only splits
 * a region into lines when the whole region fails, so valid text costs one `isUtf8` per chunk.
 */
export class Utf8LineChecker {
  /** The line number of the first byte not yet checked. */
  private line = 1
  /** The unchecked end of the stream so far: the start of a line that has not ended yet. */
  private partial: Buffer[] = []

  constructor(private readonly onInvalidLine: (line: number) => void) {}

  push(chunk: Buffer): void {
    const lastLineFeed = chunk.lastIndexOf(LF)
    if (lastLineFeed === -1) {
      this.partial.push(chunk)
      return
    }
    let start = 0
    if (this.partial.length > 0) {
      // Only the line that straddles the chunk boundary is copied.
      const firstLineFeed = chunk.indexOf(LF)
      this.check(Buffer.concat([...this.partial, chunk.subarray(0, firstLineFeed + 1)]))
      this.partial = []
      start = firstLineFeed + 1
    }
    if (start <= lastLineFeed) this.check(chunk.subarray(start, lastLineFeed + 1))
    if (lastLineFeed + 1 < chunk.length) this.partial.push(chunk.subarray(lastLineFeed + 1))
  }

  /** Checks the last line, which has no line feed after it. */
  end(): void {
    if (this.partial.length > 0) this.check(Buffer.concat(this.partial))
    this.partial = []
  }

  /** Checks whole lines: `region` starts a line and ends with a line feed or the stream. */
  private check(region: Buffer): void {
    if (isUtf8(region)) {
      this.line += countLineFeeds(region)
      return
    }
    let start = 0
    while (start < region.length) {
      const lineFeed = region.indexOf(LF, start)
      const end = lineFeed === -1 ? region.length : lineFeed
      if (!isUtf8(region.subarray(start, end))) this.onInvalidLine(this.line)
      if (lineFeed === -1) break
      this.line++
      start = lineFeed + 1
    }
  }
}
