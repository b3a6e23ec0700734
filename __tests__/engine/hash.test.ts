import { textHash53, valueHash } from '../../src/engine/hash.js'
import { seededRandom } from '../../src/engine/dedup/minhash.js'

/** Random strings over an alphabet mixing ASCII, Latin-1, wide BMP characters and surrogates. */
function randomStrings(count: number, seed: number): string[] {
  const random = seededRandom(seed)
  const alphabet = ['a', 'b', 'c', ' ', '\u0000', '\u00e9', '\u00ff', '\u0100', '\u4e2d', '\ud83d\ude00', 'Z', '9']
  const strings: string[] = []
  for (let i = 0; i < count; i++) {
    const length = (random() >>> 0) % 24
    let text = ''
    for (let j = 0; j < length; j++) text += alphabet[(random() >>> 0) % alphabet.length]
    strings.push(text)
  }
  return strings
}

describe('textHash53', () => {
  it('gives equal strings equal hashes and 200,000 distinct strings distinct ones', () => {
    const distinct = [...new Set(randomStrings(300000, 7))]
    expect(distinct.length).toBeGreaterThan(200000)
    const hashes = new Set(distinct.map((text) => textHash53(text)))
    expect(hashes.size).toBe(distinct.length)
    for (const text of distinct.slice(0, 1000)) expect(textHash53(text.slice())).toBe(textHash53(text))
  })

  it('tells apart strings whose narrow and wide steps could line up', () => {
    const tricky = ['', '\u0000', 'ab', 'ab\u0000', 'ab\u0000\u0000', 'abcd', 'abcd\u0000', '\u0100abc', 'a\u0100bc', '\u6261\u6463', 'abcdabcd', 'ab\u0000\u0000cd', '\u0061\u0062\u0063\u0064\u0100\u0000\u0000\u0000']
    expect(new Set(tricky.map((text) => textHash53(text))).size).toBe(tricky.length)
  })

  it('depends on the seed, and stays a safe integer', () => {
    for (const text of randomStrings(1000, 3)) {
      const hash = textHash53(text, 1)
      expect(Number.isSafeInteger(hash) && hash >= 0).toBe(true)
      if (text !== '') expect(textHash53(text, 2)).not.toBe(hash)
    }
  })
})

describe('valueHash', () => {
  it('keeps the string "1", the number 1, true and null apart', () => {
    expect(new Set([valueHash('1'), valueHash(1), valueHash(true), valueHash(null), valueHash(undefined), valueHash([1]), valueHash({ a: 1 })]).size).toBe(7)
  })

  it('hashes objects canonically, whatever their key order', () => {
    expect(valueHash({ a: 1, b: [2, 'x'] })).toBe(valueHash({ b: [2, 'x'], a: 1 }))
    expect(valueHash({ a: 1, b: 2 })).not.toBe(valueHash({ a: 2, b: 1 }))
  })
})
