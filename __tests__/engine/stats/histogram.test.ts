import { EXACT_BINS, Histogram, binOf, binValue, countOutside, ksStatistic, quantile } from '../../../src/engine/stats/histogram.js'

const histogramOf = (values: number[]) => {
  const histogram = new Histogram()
  for (const value of values) histogram.add(value)
  return histogram.summary()
}

describe('length histogram sketch', () => {
  it('is exact below 1024 and interpolates quantiles as numpy does', () => {
    const h = histogramOf([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 40, 63])
    // numpy.percentile([1..10, 40, 63], [25, 50, 75]) = [3.75, 6.5, 9.25]
    expect(quantile(h, 0.25)).toBe(3.75)
    expect(quantile(h, 0.5)).toBe(6.5)
    expect(quantile(h, 0.75)).toBe(9.25)
    expect(quantile(h, 1)).toBe(63)
    expect(quantile(histogramOf([]), 0.5)).toBeNaN()
  })

  it('stays within 0.25% of large values with at most a few thousand bins', () => {
    for (const value of [1024, 1100, 12345, 1e6, 1e7]) {
      expect(Math.abs(binValue(binOf(value)) - value) / value).toBeLessThan(0.0025)
    }
    expect(binOf(1e7) - EXACT_BINS).toBeLessThan(1850)
    expect(binOf(1023)).toBe(1023)
    expect(binValue(1023)).toBe(1023)
    expect(binOf(1024)).toBe(1024)
  })

  it('bins as binOf does, exact bins and geometric ones, in bin order', () => {
    const values = [0, 0.5, 1, 1023, 1023.9, 1024, 1024.5, 5000, 5000, 1e7, -1, -0.5, -Infinity, 3, 3, 3, 2e6, 1030]
    const byBin = new Map<number, number>()
    for (const value of values) byBin.set(binOf(value), (byBin.get(binOf(value)) ?? 0) + 1)
    expect(histogramOf(values)).toEqual({ total: values.length, bins: [...byBin].sort((a, b) => a[0] - b[0]) })
  })

  it('counts values beyond fences', () => {
    expect(countOutside(histogramOf([0, 1, 5, 6, 7, 30, 31]), 2, 29)).toEqual({ below: 2, above: 2 })
  })

  it('gives the two-sample KS statistic of scipy.stats.ks_2samp', () => {
    const a = histogramOf([1, 2, 3, 4, 5, 6, 7, 8, 9, 10])
    const b = histogramOf([3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14])
    expect(ksStatistic(a, b)).toBeCloseTo(1 / 3, 12)
    expect(ksStatistic(a, a)).toBe(0)
    expect(ksStatistic(histogramOf([1, 2]), histogramOf([50, 60]))).toBe(1)
  })
})
