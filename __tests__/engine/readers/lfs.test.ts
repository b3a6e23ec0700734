import { lfsPointerMessage, parseLfsPointer } from '../../../src/engine/readers/lfs.js'

const OID = '4d7a214614ab2935c943f9e0ff69d22eadbb8f32b1258daaa5e2ca24d17e2393'

describe('parseLfsPointer', () => {
  it('reads the oid and size of a pointer, LF or CRLF', () => {
    const pointer = `version https://git-lfs.github.com/spec/v1\noid sha256:${OID}\nsize 133169\n`
    expect(parseLfsPointer(Buffer.from(pointer), true)).toEqual({ oid: OID, size: 133169 })
    expect(parseLfsPointer(Buffer.from(pointer.replace(/\n/g, '\r\n')), true)).toEqual({ oid: OID, size: 133169 })
  })

  it('does not take data for a pointer', () => {
    const pointer = `version https://git-lfs.github.com/spec/v1\noid sha256:${OID}\nsize 133169\n`
    // Not the whole file, or too long to be a pointer.
    expect(parseLfsPointer(Buffer.from(pointer), false)).toBeUndefined()
    expect(parseLfsPointer(Buffer.from(pointer + 'x'.repeat(1024)), true)).toBeUndefined()
    // The prefix without an oid or a size.
    expect(parseLfsPointer(Buffer.from('version https://git-lfs.github.com/spec/v1\nsize 12\n'), true)).toBeUndefined()
    expect(parseLfsPointer(Buffer.from(`version https://git-lfs.github.com/spec/v1\noid sha256:${OID}\n`), true)).toBeUndefined()
    // A record that merely mentions it.
    expect(parseLfsPointer(Buffer.from(`{"text": "version https://git-lfs oid sha256:${OID} size 1"}\n`), true)).toBeUndefined()
  })

  it('says how to get the data', () => {
    expect(lfsPointerMessage('data/train.parquet', { oid: OID, size: 5 })).toBe(
      `data/train.parquet is a Git LFS pointer, not the data (oid sha256:${OID}, size 5 bytes). ` +
        'Check the file out with LFS: `lfs: true` on actions/checkout, or `git lfs pull`.'
    )
  })
})
