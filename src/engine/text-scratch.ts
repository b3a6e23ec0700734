import { Buffer } from 'node:buffer'
import { writeLatin1, writeUtf8 } from './buffer-writes.js'
import { reserveMemory, type KernelMemory } from './wasm.js'

/**
 * Reusable byte copies of a text, for loops that read it bytes at a time rather than a
 * charCodeAt a character: into a typed array (Latin1Scratch, for conflicting-labels' hash of
 * normalised text), or into a WebAssembly kernel's memory (KernelText).
 */
// eslint-disable-next-line no-control-regex -- the Latin-1 range is the point
const NON_LATIN1 = /[^\x00-\xff]/

/** True when every character of `text` is U+00FF or below: one byte a character holds it. */
export function isLatin1(text: string): boolean {
  // Answered at once for the strings V8 stores one byte per character: no character of theirs can match.
  return !NON_LATIN1.test(text)
}

/** A high surrogate not followed by a low one, or a low one not after a high one. */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/

/** The largest scratch kept from one text to the next (1 MiB). */
const MAX_KEPT_SCRATCH = 1 << 20

/** True where a 32-bit word holds its bytes lowest first, as the four-bytes-at-a-time loops assume. */
export const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1

/**
 * A reusable byte copy of a text, for loops that read it four characters at a time as 32-bit
 * `words` (flags per byte in each byte's top bit, SWAR) rather than one `charCodeAt` at a time.
 */
export class Latin1Scratch {
  bytes = new Uint8Array(0)
  words = new Int32Array(0)
  private buffer = Buffer.alloc(0)

  /**
   * Copies `text` in, one byte per character; false, with nothing copied, when a character is
   * above U+00FF (so the bytes would not be the text).
   */
  write(text: string): boolean {
    if (!isLatin1(text)) return false
    this.reserve(text.length)
    writeLatin1(this.buffer, text)
    return true
  }

  /**
   * Copies `text` in as UTF-8, a lone surrogate as the three bytes UTF-8 would give its code
   * point (WTF-8; Buffer would write U+FFFD for it): distinct texts stay distinct bytes, and
   * bytes that are not the first byte of a character stay bytes that are not. Returns the
   * number of bytes.
   */
  writeUtf8(text: string): number {
    this.reserve(text.length * 3)
    if (!LONE_SURROGATE.test(text)) return writeUtf8(this.buffer, text)
    const bytes = this.bytes
    let length = 0
    for (let i = 0; i < text.length; i++) {
      let code = text.charCodeAt(i)
      const next = text.charCodeAt(i + 1)
      if (code >= 0xd800 && code <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
        code = 0x10000 + ((code - 0xd800) << 10) + (next - 0xdc00)
        i++
      }
      if (code < 0x80) bytes[length++] = code
      else if (code < 0x800) {
        bytes[length++] = 0xc0 | (code >> 6)
        bytes[length++] = 0x80 | (code & 0x3f)
      } else if (code < 0x10000) {
        bytes[length++] = 0xe0 | (code >> 12)
        bytes[length++] = 0x80 | ((code >> 6) & 0x3f)
        bytes[length++] = 0x80 | (code & 0x3f)
      } else {
        bytes[length++] = 0xf0 | (code >> 18)
        bytes[length++] = 0x80 | ((code >> 12) & 0x3f)
        bytes[length++] = 0x80 | ((code >> 6) & 0x3f)
        bytes[length++] = 0x80 | (code & 0x3f)
      }
    }
    return length
  }

  /** Makes room for `length` bytes and the padding of a step; a scratch grown for one huge text is not kept. */
  reserve(length: number): void {
    const needed = length + 16
    if (this.bytes.length >= needed && (this.bytes.length <= MAX_KEPT_SCRATCH || needed > MAX_KEPT_SCRATCH)) return
    let size = 1024
    while (size < needed) size *= 2
    const memory = new ArrayBuffer(size)
    this.bytes = new Uint8Array(memory)
    this.words = new Int32Array(memory)
    this.buffer = Buffer.from(memory)
  }

  /**
   * Fills the bytes after the first `length` with `byte`, up to a whole number of steps of
   * `wordsPerStep` words (loops read a few words a step: V8 checks the array once a step);
   * returns the number of words.
   */
  padToSteps(length: number, byte: number, wordsPerStep: 1 | 2 | 4): number {
    const stepBytes = 4 * wordsPerStep
    const end = Math.ceil(length / stepBytes) * stepBytes
    const bytes = this.bytes
    for (let i = length; i < end; i++) bytes[i] = byte
    return end >> 2
  }
}

/**
 * A WebAssembly kernel's memory as the place a text is copied into, from byte 0, for the
 * kernel to read: the Buffer over it is made again whenever the memory grows.
 */
export class KernelText {
  private bytes: Buffer

  constructor(private readonly memory: KernelMemory) {
    this.bytes = Buffer.from(memory.buffer)
  }

  /** Copies `text` in, a byte a character, with room for `room` bytes after it; false, with nothing copied, when a character is above U+00FF. */
  latin1(text: string, room: number): boolean {
    if (!isLatin1(text)) return false
    this.reserve(text.length + room)
    writeLatin1(this.bytes, text)
    return true
  }

  /** Copies `text` in as UTF-8 (room for the most it can take); returns the bytes. */
  utf8(text: string): number {
    this.reserve(3 * text.length)
    return writeUtf8(this.bytes, text)
  }

  /** Sets the bytes from `start` to `end` (exclusive, within what was reserved) to `byte`. */
  fill(byte: number, start: number, end: number): void {
    this.bytes.fill(byte, start, end)
  }

  private reserve(bytes: number): void {
    if (reserveMemory(this.memory, bytes)) this.bytes = Buffer.from(this.memory.buffer)
  }
}
