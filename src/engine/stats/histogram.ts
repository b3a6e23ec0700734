/**
 * A fixed-size histogram sketch for non-negative lengths (characters, words).
 *
 * Why not a reservoir: a sample answers quantiles only approximately and cannot say how many
 * values in the whole file lie beyond a fence found at the end. This histogram keeps every value:
 * exact below 1024 (most instructions and answers), then in bins 0.5% wide (geometric), so a
 * quantile read from it is within 0.25% of the true one, its size is at most ~3,000 bins up to
 * 10^7 whatever the file's length, and two sides binned the same way give a two-sample
 * Kolmogorov–Smirnov statistic over the full distributions.
 */

/** Values below this are counted exactly, one bin each. */
export const EXACT_BINS = 1024
/** Width of the geometric bins above EXACT_BINS: each is 0.5% wider than the last. */
const GROWTH = 1.005
const LOG_GROWTH = Math.log(GROWTH)

/** The bin a non-negative value falls in. */
export function binOf(value: number): number {
  if (value < EXACT_BINS) return Math.max(0, Math.floor(value))
  return EXACT_BINS + Math.floor(Math.log(value / EXACT_BINS) / LOG_GROWTH)
}

/** The value a bin stands for: itself below EXACT_BINS, the geometric centre of the bin above. */
export function binValue(bin: number): number {
  if (bin < EXACT_BINS) return bin
  return EXACT_BINS * GROWTH ** (bin - EXACT_BINS + 0.5)
}

/** A histogram as plain data: `[bin, count]` pairs in bin order, and the number of values. */
export interface HistogramSummary {
  total: number
  bins: Array<[number, number]>
}

/** Counts values into bins; `summary()` gives the plain-data form the other functions read. */
export class Histogram {
  /** The exact bins, one counter each: most lengths land here, and an array index beats a Map. */
  private readonly exactCounts = new Float64Array(EXACT_BINS)
  /** The geometric bins from EXACT_BINS up (and NaN's). */
  private readonly otherCounts = new Map<number, number>()
  total = 0

  add(value: number): void {
    this.total++
    // binOf's bin below EXACT_BINS (negative values in bin 0), without its Math calls.
    if (value < EXACT_BINS) {
      this.exactCounts[value >= 0 ? value | 0 : 0]++
      return
    }
    const bin = binOf(value)
    this.otherCounts.set(bin, (this.otherCounts.get(bin) ?? 0) + 1)
  }

  summary(): HistogramSummary {
    const bins: Array<[number, number]> = []
    for (let bin = 0; bin < EXACT_BINS; bin++) if (this.exactCounts[bin] > 0) bins.push([bin, this.exactCounts[bin]])
    bins.push(...this.otherCounts)
    return { total: this.total, bins: bins.sort((a, b) => a[0] - b[0]) }
  }
}

/** The value at 0-based `rank` in sorted order. */
function orderStatistic(histogram: HistogramSummary, rank: number): number {
  let seen = 0
  for (const [bin, count] of histogram.bins) {
    seen += count
    if (rank < seen) return binValue(bin)
  }
  return binValue(histogram.bins[histogram.bins.length - 1][0])
}

/**
 * The q-quantile (0 ≤ q ≤ 1), interpolated between order statistics as numpy's default does;
 * `transform` (monotonic, e.g. `Math.log1p`) applies before the interpolation. NaN when empty.
 */
export function quantile(histogram: HistogramSummary, q: number, transform: (value: number) => number = (value) => value): number {
  if (histogram.total === 0) return Number.NaN
  const position = q * (histogram.total - 1)
  const low = Math.floor(position)
  const high = Math.ceil(position)
  const lowValue = transform(orderStatistic(histogram, low))
  if (high === low) return lowValue
  return lowValue + (transform(orderStatistic(histogram, high)) - lowValue) * (position - low)
}

/** How many values lie strictly below `low` or strictly above `high` (by bin value). */
export function countOutside(histogram: HistogramSummary, low: number, high: number): { below: number; above: number } {
  let below = 0
  let above = 0
  for (const [bin, count] of histogram.bins) {
    const value = binValue(bin)
    if (value < low) below += count
    else if (value > high) above += count
  }
  return { below, above }
}

/**
 * The two-sample Kolmogorov–Smirnov statistic: the largest gap between the two cumulative
 * distributions, in [0, 1]. 0 when either side is empty.
 */
export function ksStatistic(a: HistogramSummary, b: HistogramSummary): number {
  if (a.total === 0 || b.total === 0) return 0
  const bins = [...new Set([...a.bins.map(([bin]) => bin), ...b.bins.map(([bin]) => bin)])].sort((x, y) => x - y)
  const countsA = new Map(a.bins)
  const countsB = new Map(b.bins)
  let cumulativeA = 0
  let cumulativeB = 0
  let largest = 0
  for (const bin of bins) {
    cumulativeA += countsA.get(bin) ?? 0
    cumulativeB += countsB.get(bin) ?? 0
    largest = Math.max(largest, Math.abs(cumulativeA / a.total - cumulativeB / b.total))
  }
  return largest
}
