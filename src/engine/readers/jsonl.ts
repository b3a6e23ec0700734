import { isUtf8 } from 'node:buffer'
import type { FieldValue } from '../types.js'
import { errorMessage, isRecordFields, jsonTypeName, parseJson, type ReadContext } from './context.js'
import { flatJsonParser } from './flat-json.js'
import { hasBom } from './sniff.js'

const LF = 0x0a
const CR = 0x0d

/**
 * Reads JSON Lines: one JSON object per line. Hot path for big files, so it works on bytes:
 * lines are found with `indexOf(10)` on each Buffer, checked for UTF-8 one chunk at a time
 * (line by line only in a chunk that fails), and made into records from their bytes by the
 * flat JSON scan; a line it leaves is decoded with one `toString` and given to JSON.parse.
 * Only the line that spans two chunks is ever joined. Blank lines are skipped without a finding.
 */
export async function readJsonl(chunks: AsyncIterable<Buffer>, context: ReadContext, options: { places?: boolean } = {}): Promise<void> {
  const reader = new JsonlLineReader(context, options.places ?? false)
  for await (const chunk of chunks) reader.push(chunk)
  reader.end()
}

/**
 * Lines read before the reader decides whether the flat scan pays: where most of a file's bytes
 * are in nested values (chat transcripts as arrays of messages), JSON.parse decodes them anyway
 * and the scan only adds to it (5-10% slower reading), so such a file is read with JSON.parse alone.
 */
const FLAT_TRIAL_LINES = 256

class JsonlLineReader {
  private flat = flatJsonParser()
  private trialBytes = 0
  private trialNestedBytes = 0

  /** The number of the line most recently handled. */
  private line = 0
  /** The start of a line that continues in the next chunk. */
  private partial: Buffer[] = []
  /** Bytes of the file before the chunk in hand. */
  private consumed = 0
  /** Where the line being handled starts in the file. */
  private lineStart = 0

  /** With `places`, records say where their lines are in the file (the bytes are the file's own, not gunzipped). */
  constructor(
    private readonly context: ReadContext,
    private readonly places: boolean
  ) {}

  push(chunk: Buffer): void {
    let start = 0
    let lineFeed = chunk.indexOf(LF)
    if (this.partial.length > 0) {
      if (lineFeed === -1) {
        this.partial.push(chunk)
        this.consumed += chunk.length
        return
      }
      this.partial.push(chunk.subarray(0, lineFeed))
      const joined = Buffer.concat(this.partial)
      this.partial = []
      this.handleLine(joined, 0, joined.length, true)
      start = lineFeed + 1
      lineFeed = chunk.indexOf(LF, start)
    }
    if (lineFeed !== -1) {
      const lastLineFeed = chunk.lastIndexOf(LF)
      // One check for all the whole lines of the chunk; lines are checked one by one only
      // when it fails.
      const checkEachLine = !isUtf8(chunk.subarray(start, lastLineFeed))
      while (lineFeed !== -1) {
        this.lineStart = this.consumed + start
        this.handleLine(chunk, start, lineFeed, checkEachLine)
        start = lineFeed + 1
        lineFeed = chunk.indexOf(LF, start)
      }
    }
    if (start < chunk.length) {
      // The next line starts here and ends in a later chunk.
      this.lineStart = this.consumed + start
      this.partial.push(chunk.subarray(start))
    }
    this.consumed += chunk.length
  }

  /** Handles the last line when the file does not end with a line feed. */
  end(): void {
    if (this.partial.length === 0) return
    const joined = Buffer.concat(this.partial)
    this.partial = []
    this.handleLine(joined, 0, joined.length, true)
  }

  private handleLine(bytes: Buffer, start: number, end: number, checkUtf8: boolean): void {
    const line = ++this.line
    const bytesOfLine = end - start
    if (line === 1 && hasBom(bytes, start)) start += 3
    if (end > start && bytes[end - 1] === CR) end--
    if (end === start) return
    if (checkUtf8 && !isUtf8(bytes.subarray(start, end))) {
      this.context.reject(line, `Line ${line} is not valid UTF-8; the line is skipped.`, bytes.toString('utf8', start, end))
      return
    }
    const flat = this.flat
    const fields = flat?.parse(bytes, start, end)
    if (flat && line <= FLAT_TRIAL_LINES) {
      this.trialBytes += end - start
      if (fields !== undefined) this.trialNestedBytes += flat.nestedBytes
      // At the last trial line the scan is kept only if under half the bytes were in nested values.
      if (line === FLAT_TRIAL_LINES && 2 * this.trialNestedBytes > this.trialBytes) this.flat = undefined
    }
    if (fields !== undefined) {
      if (this.places) this.context.recordAt(line, fields, this.lineStart, bytesOfLine)
      else this.context.record(line, fields)
      return
    }
    const text = bytes.toString('utf8', start, end)
    let value: FieldValue
    try {
      value = parseJson(text)
    } catch (error) {
      // Whitespace-only lines are blank lines too; checked only here, off the hot path.
      if (text.trim() === '') return
      this.context.reject(line, `Line ${line} is not valid JSON: ${errorMessage(error)}`, text)
      return
    }
    if (!isRecordFields(value)) this.context.reject(line, `Line ${line} is valid JSON but ${jsonTypeName(value)}, not an object.`, text)
    else if (this.places) this.context.recordAt(line, value, this.lineStart, bytesOfLine)
    else this.context.record(line, value)
  }
}
