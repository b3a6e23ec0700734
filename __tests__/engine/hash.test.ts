import { referenceTextHash53, textHash53, valueHash } from '../../src/engine/hash.js'
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

  it('gives what the JavaScript reference gives, short texts and long ones (hashed in WebAssembly), ASCII or not', () => {
    const random = seededRandom(21)
    const alphabet = ['a', 'b', ' ', '\u0000', '\u007f', '\u0080', '\u00e9', '\u0100', '\u4e2d', '\ud83d\ude00', '\ufffd']
    for (let i = 0; i < 5000; i++) {
      const length = i < 200 ? i : (random() >>> 0) % 3000
      let text = ''
      while (text.length < length) text += alphabet[(random() >>> 0) % alphabet.length]
      const seed = i % 4
      expect(textHash53(text, seed)).toBe(referenceTextHash53(text, seed))
    }
  })

  it('keeps a text with unpaired surrogates apart from the text with U+FFFD in their place, short or long', () => {
    for (const base of ['a', 'x'.repeat(40)]) {
      for (const [unpaired, replaced] of [[base + '\ud800', base + '\ufffd'], ['\udc00' + base, '\ufffd' + base], [base + '\ud800\ud800', base + '\ufffd\ufffd']]) {
        expect(textHash53(unpaired)).not.toBe(textHash53(replaced))
        expect(textHash53(unpaired)).toBe(referenceTextHash53(unpaired))
      }
    }
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
