import { Buffer } from 'node:buffer'

/**
 * Node's own string writers, which `Buffer.write` calls once it has sorted out its arguments
 * and looked its encoding up by name. The checks copy every text of every record into scratch
 * buffers, and for texts of a few hundred bytes that dispatch cost about as much as the copy:
 * in a 1M-record profile, `Buffer.write`'s JavaScript took 0.5 s of the writes' 1.0 s on the
 * two threads. Not documented, but on Buffer.prototype in every Node release (flat-json.ts
 * reads its decoders the same way); where one is missing, `Buffer.write` does the work.
 */
interface NativeWriters {
  latin1Write(text: string, offset: number, length: number): number
  utf8Write(text: string, offset: number, length: number): number
  ucs2Write(text: string, offset: number, length: number): number
}

const prototype = Buffer.prototype as Partial<NativeWriters>
const native = typeof prototype.latin1Write === 'function' && typeof prototype.utf8Write === 'function' && typeof prototype.ucs2Write === 'function'

/** Writes the low byte of each of `text`'s UTF-16 units at `offset` (Latin-1 text exactly), as far as `buffer` goes; returns the bytes written. */
export function writeLatin1(buffer: Buffer, text: string, offset = 0): number {
  return native ? (buffer as unknown as NativeWriters).latin1Write(text, offset, buffer.length - offset) : buffer.write(text, offset, 'latin1')
}

/** Writes `text` as UTF-8 at `offset` (a lone surrogate as U+FFFD), whole characters as far as `buffer` goes; returns the bytes written. */
export function writeUtf8(buffer: Buffer, text: string, offset = 0): number {
  return native ? (buffer as unknown as NativeWriters).utf8Write(text, offset, buffer.length - offset) : buffer.write(text, offset, 'utf8')
}

/** Writes `text`'s UTF-16 units little-endian at `offset`, as far as `buffer` goes; returns the bytes written. */
export function writeUtf16le(buffer: Buffer, text: string, offset = 0): number {
  return native ? (buffer as unknown as NativeWriters).ucs2Write(text, offset, buffer.length - offset) : buffer.write(text, offset, 'utf16le')
}
