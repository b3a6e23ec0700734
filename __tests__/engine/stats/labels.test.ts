import { hash53 } from '../../../src/engine/hash.js'
import { labelKey, labelsOf, normalisedHash, normaliseText, spellingDifference } from '../../../src/engine/stats/labels.js'

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

describe('normalisedHash', () => {
  it('equals hashing the normalised text, for ASCII and non-ASCII text alike', () => {
    for (const text of ['  Hello   World\t\n', 'hello world', 'HELLO\u00a0world', 'Ｈｅｌｌｏ world', 'a', '', ' \n\t ', 'Crème  Brûlée']) {
      const normalised = normaliseText(text)
      expect(normalisedHash(text)).toBe(normalised === '' ? undefined : hash53(normalised))
    }
    expect(normalisedHash('Hello  World')).toBe(normalisedHash('hello world'))
    expect(normalisedHash('Ｈｅｌｌｏ world')).toBe(normalisedHash('hello world'))
  })
})
