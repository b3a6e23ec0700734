/** A Git LFS pointer: what a repository holds in place of a large file not checked out with LFS. */
export interface LfsPointer {
  /** The sha256 of the real file. */
  oid: string
  /** The real file's size in bytes. */
  size: number
}

const LFS_PREFIX = Buffer.from('version https://git-lfs')
/** Git LFS itself never treats a blob over 1 KiB as a pointer. */
const MAX_POINTER_BYTES = 1024

/**
 * Recognises an LFS pointer from a file's first bytes (`wholeFile` says whether `head` is all of
 * it), before any parser sees it and reports it as malformed data.
 */
export function parseLfsPointer(head: Buffer, wholeFile: boolean): LfsPointer | undefined {
  if (!wholeFile || head.length > MAX_POINTER_BYTES) return undefined
  if (!head.subarray(0, LFS_PREFIX.length).equals(LFS_PREFIX)) return undefined
  const text = head.toString('utf8')
  const oid = /^oid sha256:([0-9a-f]{64})\r?$/m.exec(text)
  const size = /^size (\d+)\r?$/m.exec(text)
  if (oid === null || size === null) return undefined
  return { oid: oid[1], size: Number(size[1]) }
}

/** The finding's message: what the file is, and how to get the data instead. */
export function lfsPointerMessage(file: string, pointer: LfsPointer): string {
  return (
    `${file} is a Git LFS pointer, not the data (oid sha256:${pointer.oid}, size ${pointer.size} bytes). ` +
    'Check the file out with LFS: `lfs: true` on actions/checkout, or `git lfs pull`.'
  )
}
