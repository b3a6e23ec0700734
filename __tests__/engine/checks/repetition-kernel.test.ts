import { RepetitionKernel } from '../../../src/engine/checks/repetition-kernel.js'
import { classOf, GOPHER_LIMITS, gopherRepetition } from '../../../src/engine/checks/repetition.js'
import { bucketShift } from '../../../src/engine/stats/repeated-ngrams.js'

/** The chunks JavaScript's `\S+` finds (its `\s` is the tokenizer's whitespace), as start, end pairs. */
function expectedEdges(text: string): number[] {
  return [...text.matchAll(/\S+/g)].flatMap((match) => [match.index, match.index + match[0].length])
}

/** Gopher's n-gram limits by n, as RepetitionRules lays them out for the kernel. */
function gopherRulesByN(): Float64Array {
  const byN = new Float64Array(20).fill(NaN)
  for (const [n, limit] of GOPHER_LIMITS.topNgramCharFrac) byN[2 * (n - 1)] = limit
  for (const [n, limit] of GOPHER_LIMITS.dupNgramCharFrac) byN[2 * (n - 1) + 1] = limit
  return byN
}

describe('repetition kernel (WebAssembly)', () => {
  // Node 20 has WebAssembly SIMD: the check must run the kernel here, not the fallback.
  const kernel = RepetitionKernel.create(classOf)!

  it('is available where WebAssembly SIMD is', () => {
    expect(kernel).not.toBeNull()
  })

  it('finds the whitespace-separated chunks of every length around its 16-unit blocks, with spaces beyond ASCII', () => {
    const pieces = ['a', 'bc', ' ', '  ', '\t', '\n', '\r\n', '\u00a0', '\u3000', '\u2028', '\ufeff', '\u2003', '\u0085', 'é', '日本', '𝐀', '\u200b', '.']
    let seed = 7
    const next = (): number => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32
    const texts = ['', ' ', 'x', ' x', 'x ']
    for (let length = 1; length <= 70; length++) {
      texts.push('w'.repeat(length), ' '.repeat(length), `${'w'.repeat(length)} `, ` ${'w'.repeat(length)}`)
      let text = ''
      while (text.length < length) text += pieces[Math.floor(next() * pieces.length)]
      texts.push(text)
    }
    for (const text of texts) {
      kernel.load(text)
      const chunks = kernel.scan()
      expect([text, [...kernel.edges()]]).toEqual([text, expectedEdges(text)])
      expect(chunks).toBe(expectedEdges(text).length / 2)
    }
  })

  it('proves varied prose clean by the bounds alone, and leaves a looping text to the exact rules', () => {
    const prose = 'The committee met on Tuesday to review the budget. After a long discussion about priorities, ' +
      'members agreed to fund the library renovation, postpone the new parking structure, and ask the city for a ' +
      'second estimate on the bridge repairs. Several residents spoke in favour of extending the opening hours of ' +
      'the swimming pool during the summer, and one asked why the recycling schedule had changed without notice.'
    const loop = Array(30).fill('the cat sat on the mat').join(' ')
    const rules = gopherRulesByN()
    for (const [text, clean] of [[prose, true], [loop, false]] as const) {
      kernel.load(text)
      const chunks = kernel.scan()
      expect(kernel.ngramsClean(rules, 10, bucketShift(chunks))).toBe(clean)
      expect(gopherRepetition(text).length === 0).toBe(clean)
    }
    // The buckets are left empty: the same prose is proven clean again, after the loop.
    kernel.load(prose)
    expect(kernel.ngramsClean(rules, 10, bucketShift(kernel.scan()))).toBe(true)
  })

  it('grows its memory for a text far longer than any before, and keeps its units readable', () => {
    const text = Array.from({ length: 60000 }, (_, i) => `w${i}`).join(' ')
    kernel.load(text)
    expect(kernel.scan()).toBe(60000)
    // Its work area grows here (the words' fingerprints share their buckets: w1234 and w1294
    // look alike to them, so the exact rules would decide).
    expect(kernel.ngramsClean(gopherRulesByN(), 10, bucketShift(60000))).toBe(false)
    expect(String.fromCharCode(...kernel.units.subarray(0, 8))).toBe('w0 w1 w2')
    expect(gopherRepetition(text, GOPHER_LIMITS)).toEqual(gopherRepetition(text, GOPHER_LIMITS, { reference: true }))
  })
})
