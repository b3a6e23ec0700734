import { joinNormalised } from '../../../src/engine/dedup/normalise.js'
import { jaccard, Shingler, shingleSet, to53 } from '../../../src/engine/dedup/shingles.js'
import { hashWordBytes, Tokens } from '../../../src/engine/dedup/tokens.js'

/** The hashes of the words of `joinNormalised(parts)`, computed the slow way: split the string, hash each word's UTF-8. */
function slowTokenHashes(parts: string[]): number[] {
  const joined = joinNormalised(parts)
  const out = new Int32Array(2)
  return joined === ''
    ? []
    : joined.split(' ').flatMap((word) => {
        const bytes = new TextEncoder().encode(word)
        hashWordBytes(bytes, 0, bytes.length, out, 0)
        return [out[0], out[1]]
      })
}

function tokenHashes(parts: string[]): { hashes: number[]; words: number } {
  const tokens = new Tokens()
  tokens.load(parts)
  return { hashes: Array.from(tokens.hashes.subarray(0, 2 * tokens.count)), words: tokens.words }
}

/** Naive word n-gram set of a normalised text, as strings. */
function naiveShingles(parts: string[], n: number): Set<string> {
  const words = joinNormalised(parts).split(' ')
  const set = new Set<string>()
  if (words.length < n) set.add(words.join(' '))
  for (let i = 0; i + n <= words.length; i++) set.add(words.slice(i, i + n).join(' '))
  return set
}

function naiveJaccard(a: Set<string>, b: Set<string>): number {
  let shared = 0
  for (const item of a) if (b.has(item)) shared++
  return shared / (a.size + b.size - shared)
}

describe('Tokens', () => {
  it.each([
    [['Hello, World! How are-you?']],
    [['ＨＥＬＬＯ wörld — «ça va?»', 'plain ASCII part', '']],
    [['', 'x y'], ['a b', '', 'c']],
    [['tab\tand\r\nnewline', '  spaced   out  ']]
  ])('hashes the words of %j as the normalised string split on spaces would', (...cases: string[][]) => {
    for (const parts of cases) expect(tokenHashes(parts).hashes).toEqual(slowTokenHashes(parts))
  })

  it('counts words, not part separators', () => {
    expect(tokenHashes(['one two', '', 'three']).words).toBe(3)
    expect(tokenHashes(['', '...']).words).toBe(0)
  })

  it('digests equal token sequences alike and different ones apart', () => {
    const digest = (parts: string[]): number[] => {
      const tokens = new Tokens()
      tokens.load(parts)
      const out = new Int32Array(2)
      tokens.digest(out)
      return Array.from(out)
    }
    expect(digest(['The cat, sat.'])).toEqual(digest(['the cat sat']))
    expect(digest(['a b', 'c'])).not.toEqual(digest(['a', 'b c']))
    expect(digest(['a b c'])).not.toEqual(digest(['a c b']))
  })
})

describe('word and character shingles', () => {
  it('makes one word n-gram per position, or one of all the words when there are fewer than n', () => {
    const tokens = new Tokens()
    tokens.load(['one two three four five six seven'])
    expect(tokens.ngrams(5).count).toBe(3)
    expect(tokens.shingleLows(5).count).toBe(3)
    tokens.load(['one two'])
    expect(tokens.ngrams(5).count).toBe(1)
  })

  it('makes character n-grams, one for a text shorter than n', () => {
    const shingler = new Shingler()
    expect(shingler.characters('hello world', 5)).toBe(7)
    expect(shingler.characters('hi', 5)).toBe(1)
  })

  it('gives word shingle sets whose Jaccard equals the naive string computation', () => {
    const texts = [
      'the quick brown fox jumps over the lazy dog and runs far away into the forest',
      'the quick brown fox jumps over the lazy cat and runs far away into the forest',
      'The quick brown fox, jumps over the lazy dog and runs FAR away into the forest!',
      'a completely different sentence about nothing at all in particular today'
    ]
    const tokens = new Tokens()
    const sets = texts.map((text) => {
      tokens.load([text])
      const { low, high, count } = tokens.ngrams(5)
      return shingleSet(low, high, count)
    })
    for (let i = 0; i < texts.length; i++) {
      for (let j = 0; j < texts.length; j++) {
        expect(jaccard(sets[i], sets[j])).toBeCloseTo(naiveJaccard(naiveShingles([texts[i]], 5), naiveShingles([texts[j]], 5)), 12)
      }
    }
    expect(jaccard(sets[0], sets[2])).toBe(1)
  })
})

describe('jaccard and shingleSet', () => {
  it('computes |A ∩ B| / |A ∪ B| on sets of 64-bit hashes, in any order', () => {
    const set = (...hashes: Array<[number, number]>): Int32Array => {
      const low = Int32Array.from(hashes, ([l]) => l)
      const high = Int32Array.from(hashes, ([, h]) => h)
      return shingleSet(low, high, hashes.length)
    }
    expect(jaccard(set([1, 0], [2, 0], [3, 0], [4, 0]), set([3, 0], [4, 0], [5, 0]))).toBe(2 / 5)
    expect(jaccard(set(), set())).toBe(1)
    expect(jaccard(set([4, 0], [3, 0], [1, 9], [1, 0]), set([1, 9], [5, 0], [3, 0]))).toBe(2 / 5)
    // Hashes whose low halves agree share a slot, and are still told apart; repeats count once.
    expect(jaccard(set([7, 0], [7, 1], [7, 2], [7, 1]), set([7, 1]))).toBe(1 / 3)
    expect(set([7, 1], [7, 1], [-1, -1]).length).toBe(4)
  })

  it('de-duplicates the shingles of a text that repeats itself', () => {
    const tokens = new Tokens()
    tokens.load(['a b c d e a b c d e a b c d e'])
    const { low, high, count } = tokens.ngrams(5)
    expect(count).toBe(11)
    const set = shingleSet(low, high, count)
    expect(set.length / 2).toBe(5)
    expect(jaccard(set, set)).toBe(1)
  })

  it('keeps every set as it was made while thousands more are made after it, small ones and one larger than a chunk', () => {
    const made: Array<{ set: Int32Array; expected: number[] }> = []
    for (let n = 0; n < 3000; n++) {
      // Record n: 1 + n % 300 shingles, one repeated; record 1,500 has 400,000.
      const count = n === 1500 ? 400_000 : 1 + (n % 300)
      const low = Int32Array.from({ length: count }, (_, i) => (i === count - 1 && count > 1 ? n * 7919 : n * 7919 + i * 104729) | 0)
      const high = Int32Array.from({ length: count }, (_, i) => (i === count - 1 && count > 1 ? n : n + i) | 0)
      const expected = Array.from({ length: count > 1 ? count - 1 : 1 }, (_, i) => [low[i], high[i]]).flat()
      made.push({ set: shingleSet(low, high, count), expected })
    }
    for (const { set, expected } of made) expect(Array.from(set)).toEqual(expected)
  })

  it('keeps 53 bits of a 64-bit hash exactly', () => {
    expect(to53(-1, -1)).toBe(2 ** 53 - 1)
    expect(to53(0, 0x200000)).toBe(0)
  })
})
