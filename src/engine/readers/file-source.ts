import { createHash } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { stat } from 'node:fs/promises'
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
    localFile: () => Promise.resolve(absPath),
    contentId: () => gitBlobId(absPath),
    size: async () => (await stat(absPath)).size
  }
}

/**
 * The id git gives these bytes as a blob (`git hash-object`), so a file and the same file in a
 * commit share cache entries. A streamed SHA-1: a fraction of the time an audit takes to read.
 */
export async function gitBlobId(path: string): Promise<string> {
  const { size } = await stat(path)
  const hash = createHash('sha1').update(`blob ${size}\0`)
  for await (const chunk of createReadStream(path, { highWaterMark: READ_CHUNK_BYTES })) hash.update(chunk as Buffer)
  return hash.digest('hex')
}
