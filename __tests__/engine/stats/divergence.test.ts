import { biggestMovers, jensenShannon } from '../../../src/engine/stats/divergence.js'

describe('jensenShannon', () => {
  it('matches scipy (jensenshannon(p, q, base=2) ** 2)', () => {
    expect(jensenShannon({ a: 0.5, b: 0.5 }, { a: 0.9, b: 0.1 })).toBeCloseTo(0.14679310243605215, 12)
    // Counts are normalised; a category missing on one side is zero there.
    expect(jensenShannon({ a: 10, b: 20 }, { b: 20, c: 10 })).toBeCloseTo(1 / 3, 12)
  })

  it('is 0 for the same distribution, 1 for disjoint ones, and symmetric', () => {
    expect(jensenShannon(new Map([['x', 3], ['y', 1]]), { x: 30, y: 10 })).toBe(0)
    expect(jensenShannon({ x: 1 }, { y: 5 })).toBe(1)
    expect(jensenShannon({ x: 1, y: 3 }, { x: 2, y: 1 })).toBeCloseTo(jensenShannon({ x: 2, y: 1 }, { x: 1, y: 3 }), 15)
  })

  it('rejects an empty or negative distribution', () => {
    expect(() => jensenShannon({}, { a: 1 })).toThrow(RangeError)
    expect(() => jensenShannon({ a: -1, b: 2 }, { a: 1 })).toThrow(RangeError)
  })
})

describe('biggestMovers', () => {
  it('lists the categories whose share moved most, largest first', () => {
    expect(biggestMovers({ a: 50, b: 50 }, { a: 10, b: 80, c: 10 }, 2)).toEqual([
      { category: 'a', before: 0.5, after: 0.1 },
      { category: 'b', before: 0.5, after: 0.8 }
    ])
  })
})
