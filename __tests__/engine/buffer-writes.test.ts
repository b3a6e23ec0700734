import { Buffer } from 'node:buffer'
import { writeLatin1, writeUtf16le, writeUtf8 } from '../../src/engine/buffer-writes.js'

const TEXTS = ['', 'ascii', 'caf\u00e9', '\u017e\u0161 above Latin-1', 'emoji \ud83d\ude00', 'lone \ud800 high', 'lone \udc00 low', 'x'.repeat(300)]
const ENCODINGS = [
  ['latin1', writeLatin1],
  ['utf8', writeUtf8],
  ['utf16le', writeUtf16le]
] as const

describe('native buffer writes', () => {
  it.each(ENCODINGS)('write %s bytes as Buffer.write does, at offsets and into buffers too small', (encoding, write) => {
    for (const text of TEXTS) {
      for (const size of [0, 1, 5, 7, 1024]) {
        for (const offset of [0, 1, 3].filter((at) => at <= size)) {
          const expected = Buffer.alloc(size, 0xaa)
          const actual = Buffer.alloc(size, 0xaa)
          const written = expected.write(text, offset, encoding)
          expect([text, size, offset, write(actual, text, offset)]).toEqual([text, size, offset, written])
          expect(actual.equals(expected)).toBe(true)
        }
      }
    }
  })
})
