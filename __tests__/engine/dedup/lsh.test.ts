import { candidateProbability, falseNegativeArea, falsePositiveArea, optimalParams } from '../../../src/engine/dedup/lsh.js'

describe('optimalParams (datasketch _optimal_param)', () => {
  it('picks 9 bands x 13 rows for threshold 0.8 at 128 permutations', () => {
    expect(optimalParams(0.8, 128)).toEqual({ bands: 9, rows: 13 })
  })

  it("agrees with the examples of datasketch's docs: (0.75, 256) -> 21 x 12, weights 0.1/0.9 -> 28 x 9", () => {
    expect(optimalParams(0.75, 256)).toEqual({ bands: 21, rows: 12 })
    expect(optimalParams(0.75, 256, 0.1, 0.9)).toEqual({ bands: 28, rows: 9 })
  })

  it('trades extra candidates for recall when false negatives weigh more', () => {
    const { bands, rows } = optimalParams(0.8, 128, 0.1, 0.9)
    expect({ bands, rows }).toEqual({ bands: 14, rows: 9 })
    expect(candidateProbability(0.8, bands, rows)).toBeGreaterThan(candidateProbability(0.8, 9, 13))
  })
})

describe('candidate curve', () => {
  it('is the S-curve 1 - (1 - s^r)^b: at 9 x 13, 40% of pairs at Jaccard 0.8 become candidates, 99.8% at 0.95', () => {
    expect(candidateProbability(0.8, 9, 13)).toBeCloseTo(0.399, 3)
    expect(candidateProbability(0.95, 9, 13)).toBeCloseTo(0.998, 3)
    expect(candidateProbability(0.5, 9, 13)).toBeLessThan(0.002)
  })

  it('integrates the areas on each side of the threshold', () => {
    // One band of one row: P(s) = s, so the areas are t^2/2 and (1-t)^2/2.
    expect(falsePositiveArea(0.8, 1, 1)).toBeCloseTo(0.32, 10)
    expect(falseNegativeArea(0.8, 1, 1)).toBeCloseTo(0.02, 10)
  })
})
