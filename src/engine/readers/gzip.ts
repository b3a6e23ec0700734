import { createWriteStream } from 'node:fs'
import { Readable, pipeline } from 'node:stream'
import { pipeline as pipelineAsync } from 'node:stream/promises'
import { createGunzip } from 'node:zlib'
import { guardedChunks, SourceReadError } from './sniff.js'

/** Bigger output chunks than zlib's 16 KiB default: fewer, larger buffers for the line splitters. */
const GUNZIP_CHUNK_BYTES = 256 * 1024

/** True when the bytes start with the gzip magic number (the file name is not trusted for this). */
export function isGzip(head: Buffer): boolean {
  return head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b
}

/**
 * The decompressed chunks of a gzip stream. A truncated or corrupt stream makes the iteration
 * throw a SourceReadError('gzip') once everything before the damage has been yielded.
 */
export function gunzipChunks(compressed: AsyncIterable<Buffer>): AsyncIterable<Buffer> {
  const gunzip = createGunzip({ chunkSize: GUNZIP_CHUNK_BYTES })
  // The callback only keeps the error from going unhandled: it reaches the reader through
  // `gunzip`, which pipeline destroys with it.
  pipeline(Readable.from(compressed), gunzip, () => undefined)
  return guardedChunks(gunzip, 'gzip')
}

/** Decompresses a gzip stream into a file (Parquet needs random access). */
export async function gunzipToFile(compressed: AsyncIterable<Buffer>, destination: string): Promise<void> {
  const gunzip = createGunzip({ chunkSize: GUNZIP_CHUNK_BYTES })
  try {
    await pipelineAsync(Readable.from(compressed), gunzip, createWriteStream(destination))
  } catch (error) {
    throw error instanceof SourceReadError ? error : new SourceReadError('gzip', error)
  }
}
