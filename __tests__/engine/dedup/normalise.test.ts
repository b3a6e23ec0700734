import { ASCII_BREAK_CODES, comparisonParts, joinNormalised, normaliseText, PART_SEPARATOR, rawText } from '../../../src/engine/dedup/normalise.js'

describe('normaliseText', () => {
  it('lower-cases, turns punctuation into spaces and collapses whitespace', () => {
    expect(normaliseText('  Hello,   World!\n\tHow are-you?  ')).toBe('hello world how are you')
  })

  it("makes `don't` and `don t` agree, and `end.Start` and `end. Start`", () => {
    expect(normaliseText("Don't")).toBe(normaliseText('don t'))
    expect(normaliseText('end.Start')).toBe(normaliseText('end. Start'))
  })

  it('keeps symbols (category S), so `2+2=4` and `2-2=4` stay apart; hyphen and slash are punctuation', () => {
    expect(normaliseText('2+2=4')).toBe('2+2=4')
    expect(normaliseText('2-2=4')).toBe('2 2=4')
    expect(normaliseText('2/2=4')).toBe('2 2=4')
  })

  it('folds full-width and ligature forms (NFKC) and drops zero-width characters', () => {
    expect(normaliseText('ＨＥＬＬＯ ｗｏｒｌｄ')).toBe('hello world')
    expect(normaliseText('ﬁne')).toBe('fine')
    expect(normaliseText('hel\u200blo')).toBe('hello')
  })

  it('strips punctuation of any script, and non-breaking spaces', () => {
    expect(normaliseText('«Bonjour», dit-il\u00a0— «ça va?»')).toBe('bonjour dit il ça va')
    expect(normaliseText('你好，世界。')).toBe('你好 世界')
  })

  it('gives an empty string for text that is only punctuation and space', () => {
    expect(normaliseText(' ...!? \n')).toBe('')
  })

  it('breaks ASCII text on exactly the codes ASCII_BREAK_CODES lists', () => {
    for (let code = 0; code < 128; code++) {
      const char = String.fromCharCode(code)
      const breaks = normaliseText(`a${char}b`) === 'a b'
      expect([code, breaks]).toEqual([code, ASCII_BREAK_CODES[code] === 1])
    }
  })
})

describe('comparisonParts', () => {
  it('takes the configured fields in order, a missing one as empty, chat transcripts as their contents', () => {
    const record = { q: 'Why?', chat: [{ role: 'user', content: 'hi' }, { role: 'assistant', content: 'hello' }], meta: { src: 'web' } }
    expect(comparisonParts(record, ['q', 'missing', 'chat', 'meta.src'])).toEqual(['Why?', '', 'hi\nhello', 'web'])
  })

  it('reads the whole record without its key when no field is given, keys sorted', () => {
    const a = comparisonParts({ id: 1, b: 'x', a: { n: 2, t: [true, null] } }, [], new Set(['id']))
    const b = comparisonParts({ a: { t: [true, null], n: 2 }, b: 'x', id: 2 }, [], new Set(['id']))
    expect(a).toEqual(['a.n 2', 'a.t.0 true', 'b x'])
    expect(b).toEqual(a)
  })
})

describe('joinNormalised', () => {
  it('joins normalised parts with a separator token that keeps field boundaries', () => {
    expect(joinNormalised(['A b', '', 'C!'])).toBe(`a b ${PART_SEPARATOR} ${PART_SEPARATOR} c`)
    expect(joinNormalised(['', 'x'])).toBe(`${PART_SEPARATOR} x`)
    expect(joinNormalised(['a b', 'c'])).not.toBe(joinNormalised(['a', 'b c']))
  })

  it('is empty when every part is', () => {
    expect(joinNormalised(['', ' ', '...'])).toBe('')
  })
})

describe('rawText', () => {
  it('joins the non-empty parts with their spacing collapsed', () => {
    expect(rawText(['a\n\nb', '', ' c '])).toBe('a b | c')
  })

  it('copies only the start of long parts, enough for an excerpt of the asked length', () => {
    const long = 'word '.repeat(10000)
    const text = rawText([long, 'second part'], 120)
    expect(text.length).toBeGreaterThanOrEqual(120)
    expect(text.length).toBeLessThan(400)
    expect(text.startsWith('word word')).toBe(true)
    expect(rawText(['short', 'parts'], 120)).toBe('short | parts')
  })
})
