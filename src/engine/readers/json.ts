import { isUtf8 } from 'node:buffer'
import type { FieldValue, RecordFields } from '../types.js'
import { errorMessage, isRecordFields, jsonTypeName, parseJson, type ReadContext } from './context.js'

/*
 * Why a hand-written scanner: findings must point at source lines, and no streaming JSON
 * library reports where a value starts in the file (they hand out values, not positions).
 * So this scanner only does what is needed to cut the file into records: it tracks strings,
 * escapes, bracket depth and line feeds, cuts out each element of the records array as bytes,
 * and lets `JSON.parse` (fast, exact, with real error messages) parse each slice. Memory holds
 * one element at a time, whatever the file size.
 */

/** How reading a `.json` file ended. */
export type JsonOutcome =
  /** Read as one JSON document. */
  | 'document'
  /** The file holds several top-level values, one per line: read it again as JSON Lines. */
  | 'jsonLines'

/**
 * Reads a JSON document: an array of objects, an object holding such an array (`recordsPath`,
 * else its first array-valued field), or a single object (one record). Each record's line is
 * where its element starts. A malformed element is a finding and reading goes on with the next.
 *
 * Returns `'jsonLines'` without delivering anything when the file turns out to be JSON Lines.
 */
export async function readJson(chunks: AsyncIterable<Buffer>, context: ReadContext, recordsPath?: string): Promise<JsonOutcome> {
  const scanner = new JsonScanner(context, recordsPath)
  try {
    for await (const chunk of chunks) {
      if (!scanner.push(chunk)) break
    }
  } catch (error) {
    // The stream failed (gzip, I/O): what was read stays read; the caller reports the failure.
    scanner.commit()
    throw error
  }
  if (scanner.outcome === 'jsonLines') return 'jsonLines'
  scanner.end()
  return 'document'
}

const BOM = [0xef, 0xbb, 0xbf]
const LF = 0x0a
const CR = 0x0d
const SPACE = 0x20
const TAB = 0x09
const QUOTE = 0x22
const BACKSLASH = 0x5c
const COMMA = 0x2c
const COLON = 0x3a
const OPEN_BRACE = 0x7b
const CLOSE_BRACE = 0x7d
const OPEN_BRACKET = 0x5b
const CLOSE_BRACKET = 0x5d

/**
 * How many bytes may be read before the scanner decides, without having seen a line feed
 * inside the first value, that the file is one (minified) document rather than JSON Lines.
 * Until then what it reads is held back, so it bounds that memory.
 */
const UNDECIDED_BYTES_LIMIT = 32 * 1024 * 1024

// Where the scanner is at the top level.
const TOP_BEFORE = 0
/** Inside the top-level array or object. */
const TOP_INSIDE = 1
/** Inside a top-level scalar that is not a string (`42`, `true`, junk). */
const TOP_BARE = 2
/** After the top-level value (a top-level string ends straight here). */
const TOP_AFTER = 3

// Where the scanner is in the array of records, at its own depth.
const ARRAY_FIRST = 0
/** After a comma: an element must come. */
const ARRAY_NEXT = 1
/** Inside an element. */
const ARRAY_ELEMENT = 2
/** Inside a bare element (`42`, `true`). */
const ARRAY_BARE = 3
/** After an element: a comma or the end must come. */
const ARRAY_AFTER = 4

// Where the scanner is in the fields of a top-level object.
const OBJECT_FIRST = 10
/** After a comma: a field name must come. */
const OBJECT_NAME = 11
/** Inside the field name. */
const OBJECT_NAME_STRING = 12
const OBJECT_COLON = 13
const OBJECT_VALUE = 14
/** Inside a string, array or object value that is not the records. */
const OBJECT_SKIPPED = 15
/** Inside a bare value (`42`, `true`). */
const OBJECT_BARE = 16
const OBJECT_AFTER = 17

function isWhitespace(byte: number): boolean {
  return byte === SPACE || byte === LF || byte === CR || byte === TAB
}

/** Bytes that end a bare value (`12`, `true`). */
function endsBareValue(byte: number): boolean {
  return (
    isWhitespace(byte) ||
    byte === COMMA ||
    byte === CLOSE_BRACKET ||
    byte === CLOSE_BRACE ||
    byte === OPEN_BRACKET ||
    byte === OPEN_BRACE ||
    byte === QUOTE ||
    byte === COLON
  )
}

/** The bytes of one value being cut out of the stream, possibly across chunks. */
class Capture {
  private readonly parts: Buffer[] = []

  constructor(
    /** Where the value starts in the current chunk (0 once it has spanned a chunk). */
    private start: number,
    /** The line where the value starts. */
    readonly line: number
  ) {}

  /** At the end of a chunk: keep what the chunk holds of the value. */
  carry(chunk: Buffer): void {
    this.parts.push(chunk.subarray(this.start))
    this.start = 0
  }

  /** The value's bytes, ending at `end` in the current chunk. Copies only when it spans chunks. */
  finish(chunk: Buffer, end: number): Buffer {
    if (this.parts.length === 0) return chunk.subarray(this.start, end)
    this.parts.push(chunk.subarray(this.start, end))
    return Buffer.concat(this.parts)
  }

  /** The value's bytes when the file ended inside it (already carried). */
  finishCarried(): Buffer {
    return Buffer.concat(this.parts)
  }
}

/**
 * The JSON byte scanner. `careDepth` is the one nesting depth whose grammar it follows: 0 at
 * the top level, 1 in the fields of a top-level object or the elements of a top-level array, 2
 * in the elements of an array held by a top-level object. Deeper than that it only follows
 * strings and brackets, to find where the value ends.
 */
class JsonScanner {
  outcome: JsonOutcome = 'document'

  private line = 1
  /** How many bytes of a leading byte order mark have been skipped (3 once past the start). */
  private bomBytesSeen = 0
  /** The open brackets, innermost last. */
  private readonly stack: number[] = []
  private inString = false
  private escaped = false
  private top = TOP_BEFORE
  private topLine = 1
  private careDepth = 0
  /** The depth of the records array's elements; -1 when not inside it. */
  private recordsDepth = -1
  private recordsFound = false
  private slot = ARRAY_FIRST
  private fieldName: string | undefined
  /** The element (or top-level scalar) being cut out. */
  private element: Capture | undefined
  /** The field name being cut out. */
  private name: Capture | undefined
  /** The whole top-level object, kept until a records array is found in it: it may be the one record. */
  private whole: Capture | undefined
  /** Reading stopped early (broken structure); nothing more is reported at the end. */
  private stopped = false
  /**
   * What was read while it is not yet known whether the file is one document or JSON Lines
   * (the first value has not seen a line feed); undefined once that is decided.
   */
  private undecided: (() => void)[] | undefined = []
  private undecidedBytes = 0

  constructor(
    private readonly context: ReadContext,
    private readonly recordsPath: string | undefined
  ) {}

  /** Scans one chunk; false when reading should stop. */
  push(chunk: Buffer): boolean {
    if (this.stopped || this.outcome === 'jsonLines') return false
    let i = 0
    // Skip a byte order mark, even one split across chunks.
    while (this.bomBytesSeen < BOM.length && i < chunk.length) {
      if (chunk[i] !== BOM[this.bomBytesSeen]) {
        this.bomBytesSeen = BOM.length
        break
      }
      this.bomBytesSeen++
      i++
    }
    if (this.undecided !== undefined) {
      this.undecidedBytes += chunk.length
      if (this.undecidedBytes > UNDECIDED_BYTES_LIMIT) this.commit()
    }
    const stack = this.stack
    const length = chunk.length
    for (; i < length; i++) {
      const byte = chunk[i]
      if (byte === LF) {
        this.line++
        if (this.undecided !== undefined && (stack.length > 0 || this.inString)) this.commit()
        if (this.inString) {
          // A raw line feed in a string is invalid JSON; JSON.parse will say so.
          this.escaped = false
          continue
        }
      }
      if (this.inString) {
        if (this.escaped) this.escaped = false
        else if (byte === BACKSLASH) this.escaped = true
        else if (byte === QUOTE) {
          this.inString = false
          if (stack.length === this.careDepth) this.stringEnded(chunk, i)
        }
        continue
      }
      if (stack.length > this.careDepth) {
        if (byte === QUOTE) this.inString = true
        else if (byte === OPEN_BRACE || byte === OPEN_BRACKET) stack.push(byte)
        else if (byte === CLOSE_BRACE || byte === CLOSE_BRACKET) {
          this.close(byte)
          if (stack.length === this.careDepth) this.valueEnded(chunk, i + 1)
        }
        continue
      }
      if (!this.structural(chunk, i, byte)) return false
    }
    this.element?.carry(chunk)
    this.name?.carry(chunk)
    this.whole?.carry(chunk)
    return true
  }

  /** The file is one document: deliver what was held back, and deliver from now on. */
  commit(): void {
    const held = this.undecided
    if (held === undefined) return
    this.undecided = undefined
    for (const deliver of held) deliver()
  }

  /** Called when the file has been read to its end. */
  end(): void {
    this.commit()
    if (this.stopped) return
    if (this.top === TOP_BEFORE) {
      this.context.report('info', 'The file holds no JSON value.')
    } else if (this.top === TOP_BARE) {
      this.topScalarEnded(this.element?.finishCarried() ?? Buffer.alloc(0))
    } else if (this.element !== undefined && this.top === TOP_INSIDE) {
      const line = this.element.line
      this.context.reject(
        line,
        `The JSON is unterminated: the file ends inside the element that starts at line ${line}. ` +
          `The ${this.context.records} records before it were read.`
      )
    } else if (this.top === TOP_INSIDE) {
      this.context.report(
        'error',
        `The JSON is unterminated: the file ends before the value that opens at line ${this.topLine} is closed. ` +
          `The ${this.context.records} records before it were read.`,
        this.line
      )
    } else if (this.inString) {
      this.context.reject(this.topLine, `The JSON is unterminated: the file ends inside the string that starts at line ${this.topLine}.`)
    }
  }

  /** Handles a byte at `careDepth`, outside strings. False when reading should stop. */
  private structural(chunk: Buffer, i: number, byte: number): boolean {
    if (this.careDepth === 0) return this.topLevel(chunk, i, byte)
    if (this.careDepth === this.recordsDepth) return this.inRecords(chunk, i, byte)
    return this.inObject(chunk, i, byte)
  }

  private topLevel(chunk: Buffer, i: number, byte: number): boolean {
    if (this.top === TOP_BARE) {
      if (!endsBareValue(byte)) return true
      this.topScalarEnded(this.takeElement(chunk, i))
    }
    if (isWhitespace(byte)) return true
    if (this.top === TOP_AFTER) {
      if (this.undecided !== undefined) {
        // A second value on a later line, while the first never spanned lines: JSON Lines.
        this.undecided = undefined
        this.outcome = 'jsonLines'
        return false
      }
      return this.stop(`Unexpected content at line ${this.line}, after the end of the JSON value that starts at line ${this.topLine}; the rest of the file is not read.`)
    }
    this.topLine = this.line
    if (byte === OPEN_BRACKET) {
      this.stack.push(byte)
      this.top = TOP_INSIDE
      this.careDepth = 1
      this.recordsDepth = 1
      this.slot = ARRAY_FIRST
    } else if (byte === OPEN_BRACE) {
      this.stack.push(byte)
      this.top = TOP_INSIDE
      this.careDepth = 1
      this.slot = OBJECT_FIRST
      this.whole = new Capture(i, this.line)
    } else if (byte === QUOTE) {
      this.inString = true
      this.top = TOP_AFTER
      this.element = new Capture(i, this.line)
    } else {
      this.top = TOP_BARE
      this.element = new Capture(i, this.line)
    }
    return true
  }

  private inRecords(chunk: Buffer, i: number, byte: number): boolean {
    if (this.slot === ARRAY_BARE) {
      if (!endsBareValue(byte)) return true
      this.elementEnded(this.element?.line ?? this.line, this.takeElement(chunk, i))
      this.slot = ARRAY_AFTER
    }
    if (isWhitespace(byte)) return true
    const line = this.line
    switch (byte) {
      case CLOSE_BRACKET:
        if (this.slot === ARRAY_NEXT) this.deferReport(line, `Trailing comma before the ']' at line ${line}.`)
        this.stack.pop()
        this.recordsEnded()
        return true
      case COMMA:
        if (this.slot === ARRAY_AFTER) this.slot = ARRAY_NEXT
        else this.deferReport(line, `Unexpected ',' at line ${line}: an element is missing.`)
        return true
      case CLOSE_BRACE:
      case COLON:
        this.deferReport(line, `Unexpected '${String.fromCharCode(byte)}' at line ${line}, between elements; it is ignored.`)
        return true
    }
    if (this.slot === ARRAY_AFTER) this.deferReport(line, `Missing ',' before the element that starts at line ${line}.`)
    this.element = new Capture(i, line)
    if (byte === OPEN_BRACE || byte === OPEN_BRACKET) {
      this.stack.push(byte)
      this.slot = ARRAY_ELEMENT
    } else if (byte === QUOTE) {
      this.inString = true
      this.slot = ARRAY_ELEMENT
    } else {
      this.slot = ARRAY_BARE
    }
    return true
  }

  private inObject(chunk: Buffer, i: number, byte: number): boolean {
    if (this.slot === OBJECT_BARE) {
      if (!endsBareValue(byte)) return true
      this.slot = OBJECT_AFTER
    }
    if (isWhitespace(byte)) return true
    const line = this.line
    switch (this.slot) {
      case OBJECT_FIRST:
      case OBJECT_NAME:
        if (byte === QUOTE) {
          this.inString = true
          this.name = new Capture(i, line)
          this.slot = OBJECT_NAME_STRING
          return true
        }
        if (byte === CLOSE_BRACE) {
          if (this.slot === OBJECT_NAME) this.deferReport(line, `Trailing comma before the '}' at line ${line}.`)
          this.objectEnded(chunk, i)
          return true
        }
        return this.stop(`Expected a field name in double quotes at line ${line}; the rest of the file is not read.`)
      case OBJECT_COLON:
        if (byte === COLON) {
          this.slot = OBJECT_VALUE
          return true
        }
        return this.stop(`Expected ':' after the field name at line ${line}; the rest of the file is not read.`)
      case OBJECT_VALUE:
        if (byte === OPEN_BRACKET && this.holdsRecords(this.fieldName)) {
          this.stack.push(byte)
          this.recordsFound = true
          this.whole = undefined
          this.recordsDepth = 2
          this.careDepth = 2
          this.slot = ARRAY_FIRST
        } else if (byte === OPEN_BRACE || byte === OPEN_BRACKET) {
          this.stack.push(byte)
          this.slot = OBJECT_SKIPPED
        } else if (byte === QUOTE) {
          this.inString = true
          this.slot = OBJECT_SKIPPED
        } else if (byte === COMMA || byte === COLON || byte === CLOSE_BRACE || byte === CLOSE_BRACKET) {
          return this.stop(`Expected a value at line ${line}; the rest of the file is not read.`)
        } else {
          this.slot = OBJECT_BARE
        }
        return true
      default:
        // OBJECT_AFTER
        if (byte === COMMA) {
          this.slot = OBJECT_NAME
          return true
        }
        if (byte === CLOSE_BRACE) {
          this.objectEnded(chunk, i)
          return true
        }
        return this.stop(`Expected ',' or '}' at line ${line}; the rest of the file is not read.`)
    }
  }

  /** Whether the value of this top-level field is the array of records. */
  private holdsRecords(field: string | undefined): boolean {
    if (this.recordsPath !== undefined) return field === this.recordsPath
    return !this.recordsFound
  }

  /** A string closed at `careDepth`: the closing quote is at `i`. */
  private stringEnded(chunk: Buffer, i: number): void {
    if (this.careDepth === 0) {
      this.topScalarEnded(this.takeElement(chunk, i + 1))
    } else if (this.careDepth === this.recordsDepth) {
      this.elementEnded(this.element?.line ?? this.line, this.takeElement(chunk, i + 1))
      this.slot = ARRAY_AFTER
    } else if (this.slot === OBJECT_NAME_STRING) {
      const bytes = this.name?.finish(chunk, i + 1) ?? Buffer.alloc(0)
      this.name = undefined
      this.fieldName = fieldNameOf(bytes)
      this.slot = OBJECT_COLON
    } else {
      this.slot = OBJECT_AFTER
    }
  }

  /** A nested array or object closed, back at `careDepth`; `end` is just past its last byte. */
  private valueEnded(chunk: Buffer, end: number): void {
    if (this.careDepth === this.recordsDepth) {
      this.elementEnded(this.element?.line ?? this.line, this.takeElement(chunk, end))
      this.slot = ARRAY_AFTER
    } else {
      this.slot = OBJECT_AFTER
    }
  }

  /**
   * Pops the bracket that `closer` closes. A closer that doesn't match the innermost opener
   * closes the nearest one it matches within the current value (`{"a": [1}` closes the object),
   * else just the innermost: either way the value is cut there and JSON.parse reports it, and
   * the scanner stays in step for the elements after it.
   */
  private close(closer: number): void {
    const opener = closer === CLOSE_BRACE ? OPEN_BRACE : OPEN_BRACKET
    const stack = this.stack
    let at = stack.length - 1
    while (at >= this.careDepth && stack[at] !== opener) at--
    stack.length = at >= this.careDepth ? at : stack.length - 1
  }

  private recordsEnded(): void {
    this.recordsDepth = -1
    if (this.stack.length === 0) {
      this.careDepth = 0
      this.top = TOP_AFTER
    } else {
      this.careDepth = 1
      this.slot = OBJECT_AFTER
    }
  }

  /** The top-level object closed at `i`. */
  private objectEnded(chunk: Buffer, i: number): void {
    this.stack.pop()
    this.careDepth = 0
    this.top = TOP_AFTER
    const whole = this.whole
    this.whole = undefined
    if (this.recordsFound) return
    if (this.recordsPath !== undefined) {
      const message = `The top-level object has no field "${this.recordsPath}" holding an array of records (recordsPath); no records were read.`
      this.defer(() => this.context.report('error', message, this.topLine))
      return
    }
    // No array in it: the object is the one record.
    if (whole !== undefined) this.elementEnded(whole.line, whole.finish(chunk, i + 1))
  }

  private takeElement(chunk: Buffer, end: number): Buffer {
    const bytes = this.element?.finish(chunk, end) ?? Buffer.alloc(0)
    this.element = undefined
    return bytes
  }

  /** An element of the records (or the top-level object itself) was cut out: parse it. */
  private elementEnded(line: number, bytes: Buffer): void {
    if (!isUtf8(bytes)) {
      const message = `The element at line ${line} is not valid UTF-8; it is skipped.`
      const text = bytes.toString('utf8')
      this.defer(() => this.context.reject(line, message, text))
      return
    }
    const text = bytes.toString('utf8')
    let value: FieldValue
    try {
      value = parseJson(text)
    } catch (error) {
      const message = `The element at line ${line} is not valid JSON: ${describeParseError(error, text, line)}`
      this.defer(() => this.context.reject(line, message, text))
      return
    }
    if (isRecordFields(value)) {
      const fields: RecordFields = value
      this.defer(() => this.context.record(line, fields))
    } else {
      const message = `The element at line ${line} is valid JSON but ${jsonTypeName(value)}, not an object.`
      this.defer(() => this.context.reject(line, message, text))
    }
  }

  /** A top-level value that is not an array or object. */
  private topScalarEnded(bytes: Buffer): void {
    this.top = TOP_AFTER
    const line = this.topLine
    const text = bytes.toString('utf8')
    let message: string
    try {
      const value = parseJson(text)
      message = `The file holds ${jsonTypeName(value)}, not an array or object of records.`
    } catch (error) {
      message = `The file is not valid JSON: ${describeParseError(error, text, line)}`
    }
    this.defer(() => this.context.reject(line, message, text))
  }

  private defer(deliver: () => void): void {
    if (this.undecided === undefined) deliver()
    else this.undecided.push(deliver)
  }

  private deferReport(line: number, message: string): void {
    this.defer(() => this.context.report('error', message, line))
  }

  /** The structure is broken past recovery: report it and stop reading. */
  private stop(message: string): boolean {
    if (this.undecided !== undefined) {
      // Still on the first line: more likely JSON Lines with a bad first line than a broken
      // one-line document, and reading it as JSON Lines reports a one-line document the same way.
      this.undecided = undefined
      this.outcome = 'jsonLines'
      return false
    }
    this.context.report('error', message, this.line)
    this.stopped = true
    return false
  }
}

/** A field name's text (its bytes include the quotes). */
function fieldNameOf(bytes: Buffer): string {
  const text = bytes.toString('utf8')
  try {
    const value = parseJson(text)
    return typeof value === 'string' ? value : text
  } catch {
    return text
  }
}

/**
 * JSON.parse's message, with the file line it points at: its positions count from the start
 * of the element, which the reader of a finding can't see.
 */
function describeParseError(error: unknown, text: string, firstLine: number): string {
  const message = errorMessage(error)
  const position = /at position (\d+)/.exec(message)
  if (position === null) return message
  const before = text.slice(0, Number(position[1]))
  let line = firstLine
  for (let at = before.indexOf('\n'); at !== -1; at = before.indexOf('\n', at + 1)) line++
  return line === firstLine ? message : `${message} (line ${line})`
}
