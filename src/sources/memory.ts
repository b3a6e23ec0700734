import { writeFile } from 'node:fs/promises'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import type { ByteSource } from '../engine/readers/types.js'

/**
 * Bytes already in memory as a source: small files fetched through an API, and tests. Large
 * files should stream from disk or git instead.
 */
export function bufferSource(path: string, content: string | Uint8Array): ByteSource {
  const bytes = typeof content === 'string' ? Buffer.from(content, 'utf8') : Buffer.from(content)
  let spilled: Promise<string> | undefined
  return {
    path,
    open: () => Readable.from([bytes]),
    localFile: () => {
      spilled ??= (async () => {
        const file = join(mkdtempSync(join(tmpdir(), 'dataset-audit-buffer-')), path.replace(/[^\w.-]+/g, '_'))
        await writeFile(file, bytes)
        return file
      })()
      return spilled
    }
  }
}
