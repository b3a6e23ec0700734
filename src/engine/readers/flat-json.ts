import type { FieldValue, RecordFields } from '../types.js'
import { JSON_SCAN_WASM_BASE64 } from './json-scan-wasm.js'
import { compileKernel, instantiateKernel, reserveMemory, type KernelMemory } from '../wasm.js'

interface ScanKernel {
  memory: KernelMemory
  scan(start: number, end: number): number
}

/** Where json-scan.wat puts the members it finds (six i32 each), its remembered keys' lengths, and the line. */
const TABLE_INTS = 6
const TABLE_BYTES = 6144
const KEY_LENGTHS_AT = 6656
const REMEMBERED_KEYS = 16
const LINE_AT = 8192
/** The scan reads whole blocks of 16 bytes, and two past an escape: what follows a line. */
const PADDING = 32

const STRING = 1
const NUMBER = 2
const TRUE = 3
const FALSE = 4
const NULL = 5
const NESTED = 6
const ESCAPED = 1 << 4
const NOT_ASCII = 2 << 4
/** A key's flag: the same bytes as the key at its position in the line before. */
const SAME_KEY = 4

/** Node's own decoders, which `toString` calls after choosing one by name (a third of the decoding time). */
interface Slices {
  latin1Slice(start: number, end: number): string
  utf8Slice(start: number, end: number): string
}

/**
 * Builds the record of a JSON Lines line from the spans json-scan.wat finds, instead of
 * decoding the line into a string for JSON.parse: the line's string is never made, and each
 * value is decoded from its bytes once. The record is the one JSON.parse gives, key order and
 * all: strings with escapes and nested values are still decoded by JSON.parse (of their
 * literal, of their span); a line the scan does not read, or whose pieces JSON.parse refuses,
 * gives `undefined`, and the caller parses it whole as before (and words its error). Only the
 * line's bytes are copied, into the kernel's memory.
 */
export class FlatJsonParser {
  // Views of the kernel's memory, made again when it grows.
  private bytes!: Buffer & Slices
  private table!: Int32Array
  private keyLengths!: Int32Array
  /** Bytes of the last line parsed that were in nested values (decoded by JSON.parse all the same). */
  nestedBytes = 0
  /** The keys the kernel remembers, decoded: `keys[i]` when it flags the key at position i the same. */
  private readonly keys: string[] = new Array<string>(REMEMBERED_KEYS).fill('')

  private constructor(private readonly kernel: ScanKernel) {
    this.viewMemory()
    this.keyLengths.fill(-1)
  }

  private viewMemory(): void {
    const buffer = this.kernel.memory.buffer
    this.bytes = Buffer.from(buffer) as Buffer & Slices
    this.table = new Int32Array(buffer, 0, TABLE_BYTES / 4)
    this.keyLengths = new Int32Array(buffer, KEY_LENGTHS_AT, REMEMBERED_KEYS)
  }

  /** A parser, or undefined where this runtime has no WebAssembly SIMD (JSON.parse does it all then). */
  static create(): FlatJsonParser | undefined {
    const module = compileKernel(JSON_SCAN_WASM_BASE64)
    const decoders = Buffer.prototype as Partial<Slices>
    if (!module || typeof decoders.latin1Slice !== 'function' || typeof decoders.utf8Slice !== 'function') return undefined
    return new FlatJsonParser(instantiateKernel<ScanKernel>(module))
  }

  /**
   * The record of `source[start, end)`, or undefined to have JSON.parse read it. The reader has
   * checked the bytes are UTF-8; where they are not (the file changed after the first read),
   * the invalid bytes become U+FFFD as in `toString`, and never take a quote or a bracket with them.
   */
  parse(source: Buffer, start: number, end: number): RecordFields | undefined {
    const length = end - start
    if (reserveMemory(this.kernel.memory, LINE_AT + length + PADDING)) this.viewMemory()
    source.copy(this.bytes, LINE_AT, start, end)
    const count = this.kernel.scan(LINE_AT, LINE_AT + length)
    const record = count < 0 ? undefined : this.build(count)
    // The kernel has remembered keys this parse did not decode: it must forget them all.
    if (record === undefined) this.keyLengths.fill(-1)
    return record
  }

  private build(count: number): RecordFields | undefined {
    const { table, keys } = this
    const record: RecordFields = {}
    this.nestedBytes = 0
    try {
      for (let i = 0, at = 0; i < count; i++, at += TABLE_INTS) {
        const keyFlags = table[at + 2]
        let key: string
        if ((keyFlags & SAME_KEY) !== 0) key = keys[i]
        else {
          key = this.text(STRING | ((keyFlags & 3) << 4), table[at], table[at + 1])
          // JSON.parse makes "__proto__" an own property; assigning it would set the prototype.
          if (key === '__proto__') return undefined
          if (i < REMEMBERED_KEYS) keys[i] = key
        }
        record[key] = this.valueAt(table[at + 3], table[at + 4], table[at + 5])
      }
    } catch {
      // An escape or a nested value JSON.parse refuses: the whole line goes to it, for the message.
      return undefined
    }
    return record
  }

  private valueAt(kind: number, start: number, end: number): FieldValue {
    switch (kind & 15) {
      case STRING:
        return this.text(kind, start, end)
      case NUMBER:
        return Number(this.bytes.latin1Slice(start, end))
      case TRUE:
        return true
      case FALSE:
        return false
      case NULL:
        return null
      case NESTED: {
        this.nestedBytes += end - start
        const value: FieldValue = JSON.parse(this.bytes.utf8Slice(start, end))
        return value
      }
      default:
        throw new Error(`json-scan.wat gave an unknown kind ${kind}`)
    }
  }

  /** A string's contents, `[start, end)` between its quotes. */
  private text(kind: number, start: number, end: number): string {
    if ((kind & ESCAPED) !== 0) {
      const value: unknown = JSON.parse(this.bytes.utf8Slice(start - 1, end + 1))
      return value as string
    }
    return (kind & NOT_ASCII) !== 0 ? this.bytes.utf8Slice(start, end) : this.bytes.latin1Slice(start, end)
  }
}

/** One parser a thread, made on first use (a parse is synchronous, so every reader can share it); undefined without WebAssembly SIMD. */
let shared: FlatJsonParser | undefined | null = null

export function flatJsonParser(): FlatJsonParser | undefined {
  if (shared === null) shared = FlatJsonParser.create()
  return shared
}
