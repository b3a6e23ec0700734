import { CohenTally, FleissTally, cohenKappa, fleissKappa, landisKochBand } from '../../../src/engine/stats/kappa.js'

describe('cohenKappa', () => {
  it('is 1 for identical labels and 0 when agreement is exactly what chance gives', () => {
    expect(cohenKappa(['a', 'b', 'a', 'b'], ['a', 'b', 'a', 'b'])).toBe(1)
    // Observed 50%, each annotator 50/50: expected 50%.
    expect(cohenKappa(['a', 'a', 'b', 'b'], ['a', 'b', 'a', 'b'])).toBe(0)
  })

  it('matches a hand-computed value', () => {
    // 20 items: 7 yes/yes, 5 yes/no, 3 no/yes, 5 no/no. po = 0.6, pe = 0.6*0.5 + 0.4*0.5 = 0.5, κ = 0.2.
    const a = [...Array(12).fill('yes'), ...Array(8).fill('no')]
    const b = [...Array(7).fill('yes'), ...Array(5).fill('no'), ...Array(3).fill('yes'), ...Array(5).fill('no')]
    expect(cohenKappa(a, b)).toBeCloseTo(0.2, 12)
  })

  it('is negative for systematic disagreement and NaN when one label is used throughout', () => {
    expect(cohenKappa(['a', 'b', 'a', 'b'], ['b', 'a', 'b', 'a'])).toBe(-1)
    expect(cohenKappa(['a', 'a'], ['a', 'a'])).toBeNaN()
  })

  it('rejects label lists of different lengths', () => {
    expect(() => cohenKappa(['a'], ['a', 'b'])).toThrow(RangeError)
  })

  it('reports observed and chance agreement from the streaming tally', () => {
    const tally = new CohenTally()
    tally.add('x', 'x')
    tally.add('x', 'y')
    tally.add('y', 'y')
    tally.add('y', 'y')
    const result = tally.result()
    expect(result.items).toBe(4)
    expect(result.observed).toBe(0.75)
    // Marginals: first x 2/4, y 2/4; second x 1/4, y 3/4 -> pe = 0.5*0.25 + 0.5*0.75 = 0.5.
    expect(result.expected).toBe(0.5)
    expect(result.kappa).toBe(0.5)
    expect(tally.categories).toBe(2)
  })
})

describe('fleissKappa', () => {
  it("gives 0.210 on Fleiss's worked example (Wikipedia: 10 items, 14 raters, 5 categories)", () => {
    const table = [
      [0, 0, 0, 0, 14],
      [0, 2, 6, 4, 2],
      [0, 0, 3, 5, 6],
      [0, 3, 9, 2, 0],
      [2, 2, 8, 1, 1],
      [7, 7, 0, 0, 0],
      [3, 2, 6, 3, 0],
      [2, 5, 3, 2, 2],
      [6, 5, 2, 1, 0],
      [0, 2, 2, 3, 7]
    ]
    expect(fleissKappa(table)).toBeCloseTo(0.20993070442195522, 12)
    expect(fleissKappa(table).toFixed(3)).toBe('0.210')
    const tally = new FleissTally()
    for (const row of table) tally.add(Object.fromEntries(row.map((count, j) => [`c${j}`, count])))
    expect(tally.result().observed).toBeCloseTo(0.378021978021978, 12)
    expect(tally.result().expected).toBeCloseTo(0.21275510204081632, 12)
  })

  it("with 2 raters equals Scott's pi: Cohen's kappa when both raters have the same marginals", () => {
    // Both raters say yes 6 times and no 4 times; they agree on 8 of 10 items.
    const a = ['y', 'y', 'y', 'y', 'y', 'y', 'n', 'n', 'n', 'n']
    const b = ['y', 'y', 'y', 'y', 'y', 'n', 'y', 'n', 'n', 'n']
    const table = a.map((label, i) => [Number(label === 'y') + Number(b[i] === 'y'), Number(label === 'n') + Number(b[i] === 'n')])
    expect(fleissKappa(table)).toBeCloseTo(cohenKappa(a, b), 12)
    expect(fleissKappa(table)).toBeCloseTo(1 - 0.2 / 0.48, 12)
  })

  it('with 2 raters is 1 on full agreement and -1 on full disagreement over two balanced categories', () => {
    expect(fleissKappa([[2, 0], [0, 2], [2, 0], [0, 2]])).toBe(1)
    expect(fleissKappa([[1, 1], [1, 1], [1, 1], [1, 1]])).toBe(-1)
  })

  it('rejects items with different numbers of ratings', () => {
    expect(() => fleissKappa([[2, 1], [1, 1]])).toThrow('every item needs 3 ratings; item 2 has 2')
  })
})

describe('landisKochBand', () => {
  it('names the bands of Landis & Koch (1977)', () => {
    expect([-0.1, 0, 0.2, 0.21, 0.4, 0.5, 0.6, 0.7, 0.8, 0.81, 1].map(landisKochBand)).toEqual([
      'poor',
      'slight',
      'slight',
      'fair',
      'fair',
      'moderate',
      'moderate',
      'substantial',
      'substantial',
      'almost perfect',
      'almost perfect'
    ])
    expect(landisKochBand(Number.NaN)).toBe('undefined')
  })
})

describe('the tallies against their plain forms', () => {
  /** Seeded labels from a small set, with spelling-like variants so that some are rare. */
  function labels(count: number, seed: number, values: readonly string[]): string[] {
    let state = seed
    return Array.from({ length: count }, () => {
      state = (Math.imul(state, 1103515245) + 12345) >>> 0
      return values[Math.floor((state / 4294967296) ** 2 * values.length)]
    })
  }

  it("gives Cohen's kappa as counting each annotator's labels in Maps does", () => {
    const values = ['yes', 'no', 'maybe', 'Yes', '', 'n/a', '1', 'é']
    const a = labels(3000, 1, values)
    const b = labels(3000, 2, values).map((label, i) => (i % 3 === 0 ? a[i] : label))
    const tally = new CohenTally()
    a.forEach((label, i) => tally.add(label, b[i]))
    // The plain form: marginal counts per annotator, products summed over the first's labels.
    const count = (list: string[]): Map<string, number> => list.reduce((counts, label) => counts.set(label, (counts.get(label) ?? 0) + 1), new Map<string, number>())
    const first = count(a)
    const second = count(b)
    let products = 0
    for (const [label, n] of first) products += n * (second.get(label) ?? 0)
    const n = a.length
    const agreeing = a.filter((label, i) => label === b[i]).length
    expect(tally.result()).toEqual({ kappa: 1 - (n - agreeing) / ((n * n - products) / n), observed: agreeing / n, expected: products / (n * n), items: n })
    expect(tally.categories).toBe(new Set([...a, ...b]).size)
  })

  it("adds ratings as their counts per category, in the order first chosen: the same Fleiss' kappa to the last digit", () => {
    for (const raters of [2, 3, 5]) {
      const values = ['a', 'b', 'c', 'd']
      const streams = Array.from({ length: raters }, (_, r) => labels(2000, r + 7, values))
      const byRatings = new FleissTally()
      const byCounts = new FleissTally()
      for (let item = 0; item < 2000; item++) {
        const ratings = streams.map((stream) => stream[item])
        byRatings.addRatings(ratings)
        byCounts.add(ratings.reduce((counts, label) => counts.set(label, (counts.get(label) ?? 0) + 1), new Map<string, number>()))
      }
      expect(byRatings.result()).toEqual(byCounts.result())
      expect(byRatings.categories).toBe(byCounts.categories)
    }
    const tally = new FleissTally()
    tally.addRatings(['x', 'x', 'y'])
    expect(() => tally.addRatings(['x', 'y'])).toThrow('every item needs 3 ratings; item 2 has 2')
    expect(() => new FleissTally().addRatings(['x'])).toThrow('at least 2 raters')
  })
})
