import { seededRandom } from '../../../src/engine/dedup/minhash.js'
import { ASCII_BREAK_CODES, joinNormalised } from '../../../src/engine/dedup/normalise.js'
import { hashWordBytes, Tokens } from '../../../src/engine/dedup/tokens.js'

/** Everything both engines say about one record's parts. */
function facts(tokens: Tokens, parts: string[]): { hashes: number[]; count: number; words: number; digest: number[]; shingles: number[][] } {
  tokens.load(parts)
  const digest = new Int32Array(2)
  tokens.digest(digest)
  const hashes = Array.from(tokens.hashes.subarray(0, 2 * tokens.count))
  const shingles = [1, 5, 13].flatMap((n) => {
    const lows = tokens.shingleLows(n)
    const first = Array.from(lows.low.subarray(0, lows.count))
    const { low, high, count } = tokens.ngrams(n)
    // The n-grams' low halves are the MinHash shingles.
    expect(Array.from(low.subarray(0, count))).toEqual(first)
    return [first, Array.from(high.subarray(0, count))]
  })
  return { hashes, count: tokens.count, words: tokens.words, digest: Array.from(digest), shingles }
}

const kernel = new Tokens()
const reference = new Tokens({ reference: true })

/** Both engines agree on `parts`; on a difference, the parts and the first fact that differs (a diff of whole arrays would take minutes to print). */
function expectSame(parts: string[]): void {
  const fromKernel = facts(kernel, parts)
  const fromReference = facts(reference, parts)
  const differs = (Object.keys(fromKernel) as Array<keyof typeof fromKernel>).find((name) => JSON.stringify(fromKernel[name]) !== JSON.stringify(fromReference[name]))
  expect(differs === undefined ? 'the same' : `${differs} differs for ${JSON.stringify(parts).slice(0, 300)}`).toBe('the same')
}

/** Texts over an alphabet made to hit every path: ASCII breaks and symbols, upper case, controls, Latin-1, CJK, emoji, lone surrogates, NFKC forms. */
function randomText(random: () => number, length: number): string {
  const alphabet = [
    'a', 'b', 'Z', 'Q', '0', '9', ' ', ' ', ' ', '\t', '\n', '\r', '.', ',', '-', "'", '_', '$', '+', '^', '`', '|', '~', '<', '=', '@', '#',
    '\u0000', '\u0001', '\u007f', '\u00a0', '\u00e9', 'É', 'ß', '中', '文', '😀', '\ud800', '\udfff', 'ﬁ', 'Ｈ', '\u200b', '\u2014', '«'
  ]
  let text = ''
  for (let i = 0; i < length; i++) text += alphabet[(random() >>> 0) % alphabet.length]
  return text
}

describe('Tokens in WebAssembly', () => {
  it('runs on the WebAssembly kernel here, so the comparisons below compare two engines', () => {
    expect(kernel.simd).toBe(true)
    expect(reference.simd).toBe(false)
  })

  it('gives the reference tokens, digest and shingles for 3,000 random records', () => {
    const random = seededRandom(11)
    for (let i = 0; i < 3000; i++) {
      const parts = Array.from({ length: 1 + ((random() >>> 0) % 3) }, () => randomText(random, (random() >>> 0) % (i % 50 === 0 ? 3000 : 200)))
      expectSame(parts)
    }
  })

  it('hashes ASCII words of every length from 1 to 40, at every offset around the 16- and 64-byte blocks', () => {
    for (let length = 1; length <= 40; length++) {
      const word = 'abcdefghijklmnopqrstuvwxyz0123456789ABCD'.slice(0, length)
      for (const lead of [0, 1, 3, 13, 14, 15, 16, 17, 60, 63, 64, 65]) {
        expectSame([' '.repeat(lead) + word])
        expectSame(['x'.repeat(lead) + ' ' + word + ' y'])
      }
    }
  })

  it('breaks exactly at the ASCII characters normalisation turns into spaces', () => {
    for (let code = 0; code < 128; code++) {
      const char = String.fromCharCode(code)
      const parts = [`left${char}right ${char} ${char}${char}x`]
      expectSame(parts)
      kernel.load([`left${char}right`])
      expect(kernel.words).toBe(ASCII_BREAK_CODES[code] === 1 ? 2 : 1)
    }
  })

  it('hashes a word as its UTF-8 bytes, lower case: the words of joinNormalised split on spaces', () => {
    const parts = ['Hello, WORLD! Ça va? ＦＵＬＬ width', '', 'tab\tand\r\nnewline']
    const words = joinNormalised(parts).split(' ')
    const out = new Int32Array(2)
    const expected = words.flatMap((word) => {
      const bytes = new TextEncoder().encode(word)
      hashWordBytes(bytes, 0, bytes.length, out, 0)
      return [out[0], out[1]]
    })
    kernel.load(parts)
    expect(Array.from(kernel.hashes.subarray(0, 2 * kernel.count))).toEqual(expected)
  })

  it('keeps its results as the memory grows for a long text, and after it', () => {
    const random = seededRandom(5)
    const long = randomText(random, 400000)
    expectSame([long, 'after the long one'])
    expectSame(['small again', 'and ok'])
  })

  it('tells texts apart that differ in one word, and digests equal word sequences alike', () => {
    const digest = (parts: string[]): number[] => facts(kernel, parts).digest
    expect(digest(['The cat, sat.'])).toEqual(digest(['the cat sat']))
    expect(digest(['the cat sat'])).not.toEqual(digest(['the cat sag']))
    expect(digest(['a b', 'c'])).not.toEqual(digest(['a', 'b c']))
  })
})
