import { createReadStream } from 'node:fs'
import type { ByteSource } from './types.js'

/** Large reads: fewer chunks for the line splitters to stitch together. */
const READ_CHUNK_BYTES = 1024 * 1024

/**
 * A dataset file on local disk. `repoPath` is the repository-relative path that findings name
 * (defaults to `absPath`).
 */
export function fileSource(absPath: string, repoPath: string = absPath): ByteSource {
  return {
    path: repoPath,
    open: () => createReadStream(absPath, { highWaterMark: READ_CHUNK_BYTES }),
    localFile: () => Promise.resolve(absPath)
  }
}
