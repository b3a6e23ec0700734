import { errorMessage } from './context.js'

/** How many leading bytes are looked at before a file is read: binary check, LFS pointer. */
export const SNIFF_BYTES = 8192

/** Where a failed read went wrong: the bytes themselves, their gzip compression, the Parquet structure. */
export type SourceFailure = 'io' | 'gzip' | 'parquet'

/**
 * An error while pulling bytes from a file (I/O, gzip), as opposed to one in the code that
 * reads them. Only these become an `unreadable` finding; anything else is a bug and is thrown.
 */
export class SourceReadError extends Error {
  constructor(
    readonly failure: SourceFailure,
    cause: unknown
  ) {
    super(errorMessage(cause), { cause })
    this.name = 'SourceReadError'
  }
}

/** A chunk from a byte stream as a Buffer (streams without an encoding yield Buffers). */
function asBuffer(chunk: unknown): Buffer {
  if (Buffer.isBuffer(chunk)) return chunk
  if (chunk instanceof Uint8Array) return Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength)
  return Buffer.from(String(chunk))
}

/**
 * The chunks of a byte stream, with the stream's own errors turned into SourceReadError.
 * Errors thrown by the consumer never pass through here: a `for await` consumer that fails
 * only calls `return()`, which closes the stream.
 */
export async function* guardedChunks(source: AsyncIterable<unknown>, failure: SourceFailure): AsyncGenerator<Buffer> {
  try {
    for await (const chunk of source) yield asBuffer(chunk)
  } catch (error) {
    throw error instanceof SourceReadError ? error : new SourceReadError(failure, error)
  }
}

/** The first bytes of a stream, and the whole stream still to be read. */
export interface Peeked {
  /** At least `bytes` bytes, unless the stream was shorter. */
  head: Buffer
  /** True when `head` is the whole stream. */
  ended: boolean
  /** Every chunk of the stream, `head` first. Iterate at most once. */
  chunks: AsyncIterable<Buffer>
  /** Closes the stream when `chunks` will not be read. */
  cancel(): Promise<void>
}

/** Reads the start of a stream without losing it. Throws SourceReadError if the stream fails. */
export async function peek(source: AsyncIterable<unknown>, bytes: number, failure: SourceFailure): Promise<Peeked> {
  const iterator = guardedChunks(source, failure)
  const parts: Buffer[] = []
  let size = 0
  let ended = false
  while (size < bytes) {
    const next = await iterator.next()
    if (next.done === true) {
      ended = true
      break
    }
    parts.push(next.value)
    size += next.value.length
  }
  const head = parts.length === 1 ? parts[0] : Buffer.concat(parts)
  async function* all(): AsyncGenerator<Buffer> {
    if (head.length > 0) yield head
    if (!ended) yield* iterator
  }
  return {
    head,
    ended,
    chunks: all(),
    cancel: async () => {
      await iterator.return(undefined)
    }
  }
}

/** Text formats never hold NUL bytes; binary files (and UTF-16 text) almost always do early on. */
export function looksBinary(head: Buffer): boolean {
  return head.subarray(0, SNIFF_BYTES).includes(0)
}

/** The UTF-8 byte order mark some editors put at the start of a file. */
export function hasBom(bytes: Buffer, start = 0): boolean {
  return bytes.length >= start + 3 && bytes[start] === 0xef && bytes[start + 1] === 0xbb && bytes[start + 2] === 0xbf
}

/** True when the bytes are only whitespace (after an optional byte order mark). */
export function isBlank(bytes: Buffer): boolean {
  for (let i = hasBom(bytes) ? 3 : 0; i < bytes.length; i++) {
    const byte = bytes[i]
    if (byte !== 0x20 && byte !== 0x0a && byte !== 0x0d && byte !== 0x09) return false
  }
  return true
}
