import { hashOfNormalised, labelKey, labelsOf, normalisedHash, normaliseText, spellingDifference } from '../../../src/engine/stats/labels.js'
import { Latin1Scratch } from '../../../src/engine/text-scratch.js'

describe('label helpers', () => {
  it('reads labels from strings, numbers, booleans and lists, and none from blanks', () => {
    expect(labelsOf('pos ')).toEqual(['pos '])
    expect(labelsOf('  ')).toEqual([])
    expect(labelsOf(null)).toEqual([])
    expect(labelsOf(undefined)).toEqual([])
    expect(labelsOf(3)).toEqual(['3'])
    expect(labelsOf(false)).toEqual(['false'])
    expect(labelsOf(['a', 2, '', { x: 'y' }])).toEqual(['a', '2'])
  })

  it('keys labels without case, spacing, punctuation or width, keeping numbers apart by value and sign', () => {
    expect(new Set(['Positive', 'positive ', 'POSITIVE.', ' Posi tive', 'Ｐｏｓｉｔｉｖｅ'].map(labelKey))).toEqual(new Set(['positive']))
    expect(labelKey('-1')).not.toBe(labelKey('1'))
    expect(labelKey('1.0')).toBe(labelKey('1'))
    expect(labelKey('?')).toBe('?')
    expect(labelKey('not_entailment')).toBe('notentailment')
  })

  it('says how two spellings differ', () => {
    expect(spellingDifference('Positive', 'positive')).toBe('case')
    expect(spellingDifference('positive ', 'positive')).toBe('spacing')
    expect(spellingDifference('positive.', 'positive')).toBe('punctuation')
    expect(spellingDifference('POSITIVE.', 'positive')).toBe('case and punctuation')
    expect(spellingDifference(' Pos-itive', 'pos itive')).toBe('case, spacing and punctuation')
    expect(spellingDifference('1.0', '1')).toBe('number format')
    expect(spellingDifference('Ｐositive', 'Positive')).toBe('Unicode form')
  })

  it('normalises inputs for comparison', () => {
    expect(normaliseText('  What IS\n\tthe ｃapital?  ')).toBe('what is the capital?')
  })
})

/** A reproducible stream of numbers in [0, 1) (mulberry32), for random texts the tests can replay. */
function randomStream(seed: number): () => number {
  let state = seed
  return () => {
    state = (state + 0x6d2b79f5) | 0
    let t = Math.imul(state ^ (state >>> 15), 1 | state)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** `count` random texts of up to `maxLength` characters drawn from `alphabet`. */
function randomTexts(alphabet: string[], count: number, maxLength: number, seed: number): string[] {
  const random = randomStream(seed)
  return Array.from({ length: count }, () => Array.from({ length: Math.floor(random() * maxLength) }, () => alphabet[Math.floor(random() * alphabet.length)]).join(''))
}

/** Texts each path of normalisedHash takes: simple ASCII, ASCII with whitespace to fold, Latin-1, other Unicode. */
const TRICKY_TEXTS = [
  '',
  'a',
  'A',
  ' ',
  ' \n\t ',
  'hello world',
  'Hello World',
  '  Hello   World\t\n',
  'hello  world',
  ' hello',
  'hello ',
  'line one\r\nline two',
  'tab\tseparated\tvalues',
  'vertical\u000btab and form\u000cfeed',
  'control \u0001 characters \u001f stay \u007f',
  'nul \u0000 byte',
  '@[\\]^_ and `{|}~',
  'HELLO\u00a0world',
  'Crème  Brûlée',
  'µ and ß and ÿ',
  'C1 controls \u0085 and \u0090',
  'Ｈｅｌｌｏ world',
  'ﬁne ligature',
  'cafe\u0301 combining',
  'emoji 😀 pair',
  'lone \ud800 high and \udc00 low',
  'ideographic\u3000space and nbsp\u00a0',
  'x'.repeat(5000),
  'Word '.repeat(3000).trim(),
  ...Array.from({ length: 20 }, (_, length) => 'Ab c'.repeat(8).slice(0, length))
]

describe('normalisedHash', () => {
  it('is the hash of the normalised text, whichever path a text takes', () => {
    for (const text of TRICKY_TEXTS) {
      const normalised = normaliseText(text)
      expect([text, normalisedHash(text)]).toEqual([text, normalised === '' ? undefined : hashOfNormalised(normalised)])
    }
  })

  it('agrees with the general path on random ASCII text with spaces, controls and both cases', () => {
    const alphabet = ['a', 'b', 'Z', 'Q', ' ', ' ', '\t', '\n', '\r', '\u0000', '\u001f', '\u007f', '@', '`', '[', '{', '_', '.', '0']
    for (const text of randomTexts(alphabet, 3000, 40, 7)) {
      const normalised = normaliseText(text)
      expect([text, normalisedHash(text)]).toEqual([text, normalised === '' ? undefined : hashOfNormalised(normalised)])
    }
  })

  it('agrees with the general path on random text mixing ASCII, Latin-1 and other characters', () => {
    const alphabet = ['a', 'B', ' ', '\n', 'é', 'É', 'ß', '\u0085', '\u009f', '\u00a0', '\u00b5', 'Ｂ', '😀', '\ud83d', '\ude00', '\ufffd', '\u0301', '\u2028', '\u3000']
    for (const text of randomTexts(alphabet, 1000, 30, 11)) {
      const normalised = normaliseText(text)
      expect([text, normalisedHash(text)]).toEqual([text, normalised === '' ? undefined : hashOfNormalised(normalised)])
    }
  })

  it('gives the same hash to texts that normalise alike and different ones otherwise', () => {
    expect(normalisedHash('Hello  World')).toBe(normalisedHash('hello world'))
    expect(normalisedHash('Ｈｅｌｌｏ world')).toBe(normalisedHash('hello world'))
    expect(normalisedHash('\tHELLO\r\nWORLD ')).toBe(normalisedHash('hello world'))
    expect(normalisedHash(' \n ')).toBeUndefined()
    // Characters a case fold by one bit would confuse, and characters that are not whitespace.
    const apart = [['@', '`'], ['[', '{'], ['\\', '|'], [']', '}'], ['^', '~'], ['_', '\u007f'], ['a\u0001b', 'a b'], ['a\u0000b', 'a b'], ['ab', 'a b'], ['a', 'aa'], ['abcd', 'abcda']]
    // Lone surrogates are kept apart from each other and from U+FFFD, which UTF-8 would write for them.
    apart.push(['a\ud800', 'a\ufffd'], ['a\ud800', 'a\ud801'], ['\udc00b', '\ufffdb'], ['\ud800\udc00', '\ud800 \udc00'], ['😀', '\ufffd\ufffd'])
    for (const [a, b] of apart) expect([a, b, normalisedHash(a) === normalisedHash(b)]).toEqual([a, b, false])
  })
})

describe('Latin1Scratch', () => {
  it('copies Latin-1 text one byte a character, refuses other text, and grows for long text', () => {
    const scratch = new Latin1Scratch()
    expect(scratch.write('é!')).toBe(true)
    expect([scratch.bytes[0], scratch.bytes[1]]).toEqual([0xe9, 0x21])
    expect(scratch.write('Łódź')).toBe(false)
    const long = 'ab'.repeat(40000)
    expect(scratch.write(long)).toBe(true)
    expect(scratch.bytes.length).toBeGreaterThanOrEqual(long.length + 16)
    expect(scratch.bytes[long.length - 1]).toBe(0x62)
    expect(scratch.padToSteps(5, 0x20, 2)).toBe(2)
    expect(Array.from(scratch.bytes.subarray(5, 8))).toEqual([0x20, 0x20, 0x20])
    // UTF-8, and a lone surrogate as the bytes of its code point rather than U+FFFD's.
    const mixed = 'é😀\ud800x'
    expect(Array.from(scratch.bytes.subarray(0, scratch.writeUtf8(mixed)))).toEqual([0xc3, 0xa9, 0xf0, 0x9f, 0x98, 0x80, 0xed, 0xa0, 0x80, 0x78])
    expect(Array.from(scratch.bytes.subarray(0, scratch.writeUtf8('é😀x')))).toEqual([...Buffer.from('é😀x')])
  })
})
