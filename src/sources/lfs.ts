import { stat } from 'node:fs/promises'
import { createReadStream, existsSync } from 'node:fs'
import { join } from 'node:path'
import { PassThrough, type Readable } from 'node:stream'
import { parseLfsPointer } from '../engine/readers/lfs.js'
import type { ByteSource } from '../engine/readers/types.js'

/** Git LFS never stores a pointer over 1 KiB; reading this much tells a pointer from data. */
const POINTER_PEEK = 1025

/**
 * A source that follows Git LFS pointers into the checkout's LFS store: a blob that is a
 * pointer whose object `.git/lfs/objects/ab/cd/abcd…` is on disk (checked out with `lfs: true`)
 * reads as the real file. A pointer with no object stays a pointer, which the readers report
 * with how to fetch it.
 */
export function lfsAwareSource(source: ByteSource, gitDir: string): ByteSource {
  const objectPath = (oid: string): string => join(gitDir, 'lfs', 'objects', oid.slice(0, 2), oid.slice(2, 4), oid)

  /** The LFS object behind the source, when the source is a pointer and the object is here. */
  const resolveObject = async (): Promise<string | undefined> => {
    const chunks: Buffer[] = []
    let length = 0
    let complete = true
    const stream = source.open()
    for await (const chunk of stream) {
      chunks.push(chunk as Buffer)
      length += (chunk as Buffer).length
      if (length >= POINTER_PEEK) {
        complete = false
        stream.destroy()
        break
      }
    }
    const pointer = parseLfsPointer(Buffer.concat(chunks), complete)
    return pointer && existsSync(objectPath(pointer.oid)) ? objectPath(pointer.oid) : undefined
  }
  let resolved: Promise<string | undefined> | undefined
  const object = () => (resolved ??= resolveObject())

  return {
    path: source.path,
    // The pointer's blob id names the object too: a pointer changes whenever its object does.
    ...(source.contentId ? { contentId: source.contentId } : {}),
    // The object's size when it is here: the pointer's is a hundred bytes.
    size: async () => {
      const file = await object()
      if (file) return (await stat(file)).size
      return source.size ? source.size() : 0
    },
    open: (): Readable => {
      const output = new PassThrough()
      object()
        .then((file) => {
          const input: Readable = file ? createReadStream(file) : source.open()
          input.on('error', (error: Error) => output.destroy(error)).pipe(output)
        })
        .catch((error: Error) => output.destroy(error))
      return output
    },
    localFile: async () => (await object()) ?? source.localFile()
  }
}
