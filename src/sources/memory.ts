import { Readable } from 'node:stream'
import type { ByteSource } from '../engine/readers/types.js'
import { streamSource } from './spill.js'

/**
 * Bytes already in memory as a source: small files fetched through an API, and tests. Large
 * files should stream from disk or git instead.
 */
export function bufferSource(path: string, content: string | Uint8Array): ByteSource {
  const bytes = typeof content === 'string' ? Buffer.from(content, 'utf8') : Buffer.from(content)
  return streamSource(path, () => Readable.from([bytes]))
}
