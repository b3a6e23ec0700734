import { createWriteStream, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import type { ByteSource } from '../engine/readers/types.js'

let spillDirectory: string | undefined
let spilledFiles = 0

/** One folder per process for bytes that must be on disk, removed when the process exits. */
function spillDir(): string {
  if (!spillDirectory) {
    const dir = mkdtempSync(join(tmpdir(), 'dataset-audit-'))
    spillDirectory = dir
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }))
  }
  return spillDirectory
}

/**
 * A source that lives in a stream (a git object, an API download, memory): `open` streams it,
 * and `localFile` writes it to a temporary file once, for formats that need random access
 * (Parquet reads its footer first).
 */
export function streamSource(path: string, open: () => Readable): ByteSource {
  let spilled: Promise<string> | undefined
  return {
    path,
    open,
    localFile: () => {
      spilled ??= (async () => {
        const file = join(spillDir(), `${++spilledFiles}-${path.replace(/[^\w.-]+/g, '_')}`)
        await pipeline(open(), createWriteStream(file))
        return file
      })()
      return spilled
    }
  }
}
