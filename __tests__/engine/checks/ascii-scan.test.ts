import { AsciiLiterals, isPlainAscii } from '../../../src/engine/checks/detectors/ascii-scan.js'
import { adversarialTexts, disagreements, realTexts } from './prefilter-corpus.js'
import { itReal } from '../../helpers/realdata.js'

/** Sets whose shortest literal has 7, 11, 14 and 17 characters: the scan looks at every 1st, 2nd, 2nd and 3rd word. */
const LITERAL_SETS = [
  ['as an a', 'language model', 'hope this helps', 'real-time', 'sorry, ', 'Mixed CASE literal'],
  ['hope this h', 'language model'],
  ['language model'],
  ['lorem ipsum dolor']
]

/** Characters whose low byte is an ASCII letter or space, which the scratch sees as that byte. */
const LOW_BYTE_LOOKALIKES = ['\u0141', '\u0161', '\u0120', '\u212a', '\u017f', '\u0130', '\u0131', '\u0161\u0120\u0161']

const regexOf = (literals: readonly string[]): RegExp => new RegExp(literals.map((literal) => literal.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')).join('|'), 'i')

describe.each(LITERAL_SETS)('AsciiLiterals of %p…', (...set: string[]) => {
  const literals = new AsciiLiterals(set)
  const regex = regexOf(set)

  it('finds what a case-insensitive regex alternating the literals finds, at every alignment, in every case', () => {
    const texts: string[] = []
    for (const literal of set) {
      for (let shift = 0; shift < 16; shift++) {
        const pad = 'x'.repeat(shift)
        for (const form of [literal, literal.toUpperCase(), literal.slice(0, -1), literal.slice(1)]) {
          texts.push(pad + form, form + pad, `${pad}${form}${pad}`, `${pad}${form}`.slice(0, -1))
          for (const lookalike of LOW_BYTE_LOOKALIKES) texts.push(pad + form.replace(/[a ]/, lookalike), pad + form.replace(/a/g, lookalike), lookalike + pad + form)
        }
      }
    }
    texts.push(...adversarialTexts(set))
    expect(disagreements(texts, (text) => literals.test(text), (text) => regex.test(text))).toEqual([])
    expect(texts.filter((text) => literals.test(text)).length).toBeGreaterThan(100)
  })

  it('finds a literal beyond the scratch, in a text of over 65,536 characters', () => {
    const long = 'word '.repeat(20_000)
    expect(literals.test(long)).toBe(false)
    expect(literals.test(long + set[0].toUpperCase())).toBe(true)
    expect(literals.test(set[0].toUpperCase() + long)).toBe(true)
  })

  itReal('agrees with the regex on the real vectors', () => {
    expect(disagreements(realTexts(), (text) => literals.test(text), (text) => regex.test(text))).toEqual([])
  })
})

describe('AsciiLiterals', () => {
  it('takes only ASCII literals of 7 characters or more', () => {
    expect(() => new AsciiLiterals(['short'])).toThrow()
    expect(() => new AsciiLiterals(['I don’t have'])).toThrow()
  })
})

const NOT_PLAIN = /[^\t\n\r\x20-\x7e]/

describe('isPlainAscii', () => {
  it('is false exactly where a character is not printable ASCII, tab, LF or CR, whatever its place in a word', () => {
    const texts: string[] = ['', 'a', 'abc', 'abcd', 'abcde', '\t\n\r', 'plain text, with punctuation! ~ and { } too\r\n']
    const odd = [0x00, 0x01, 0x08, 0x0b, 0x0c, 0x0e, 0x1f, 0x7f, 0x80, 0x85, 0x9f, 0xa0, 0xff, 0x100, 0x120, 0x141, 0x17f, 0x200b, 0xd83d, 0xde00, 0xfeff, 0xfffd]
    for (let at = 0; at < 9; at++) {
      for (const code of [...odd, 0x09, 0x0a, 0x0d, 0x20, 0x7e]) {
        const chars = 'abcdefghi'.split('')
        chars[at] = String.fromCharCode(code)
        texts.push(chars.join(''), chars.join('').repeat(3))
      }
    }
    texts.push('😀', 'Ã©', 'x'.repeat(70_000), 'x'.repeat(70_000) + '\u0007', '\u0007' + 'x'.repeat(70_000), 'x'.repeat(70_000) + 'é')
    texts.push(...adversarialTexts(['plain words', 'tab\there', 'line\r\nbreak']))
    expect(disagreements(texts, isPlainAscii, (text) => !NOT_PLAIN.test(text))).toEqual([])
  })

  itReal('agrees with the regex on the real vectors', () => {
    expect(disagreements(realTexts(), isPlainAscii, (text) => !NOT_PLAIN.test(text))).toEqual([])
  })
})

describe('the scans sharing one scratch', () => {
  // The scratch keeps the last text copied: a scan of the same text as Latin-1 after one as
  // UTF-8 (or the other way round) must copy it again whenever the two differ.
  const literals = new AsciiLiterals(['language model'])
  const regex = regexOf(['language model'])
  const texts = [
    'a language model wrote this',
    'plain ascii, no literal',
    // Characters whose low bytes spell the literal (U+016C, U+0161): as Latin-1 the scratch reads "language model".
    'a \u016canguage model',
    'l\u0161nguage model',
    'caf\u00e9 language model',
    'tab\tand\u0001control',
    'caf\u00e9'
  ]

  it('gives each scan its own answer whatever the other scan copied before it, in either order', () => {
    for (const first of texts) {
      for (const text of texts) {
        for (const order of ['literals first', 'plain first']) {
          isPlainAscii(first)
          literals.test(first)
          const answers =
            order === 'literals first' ? { literal: literals.test(text), plain: isPlainAscii(text) } : { plain: isPlainAscii(text), literal: literals.test(text) }
          expect([first, text, order, answers.literal, answers.plain]).toEqual([first, text, order, regex.test(text), /^[\t\n\r\x20-\x7e]*$/.test(text)])
          // And again on the same text, now found in the scratch.
          expect([text, literals.test(text), isPlainAscii(text)]).toEqual([text, regex.test(text), /^[\t\n\r\x20-\x7e]*$/.test(text)])
        }
      }
    }
  })
})
