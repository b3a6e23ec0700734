/** Bands and rows of a MinHash-LSH index: `bands * rows <= permutations`. */
export interface LshParams {
  bands: number
  rows: number
}

/** The chance that two records with Jaccard similarity `s` share at least one band. */
export function candidateProbability(s: number, bands: number, rows: number): number {
  return 1 - Math.pow(1 - Math.pow(s, rows), bands)
}

/**
 * Composite Simpson integration. The curves are smooth: 200 intervals pick the same bands and
 * rows as 4,000 for every threshold from 0.5 to 0.95 at 64, 128 and 256 permutations, and the
 * whole search then takes about 30 ms instead of half a second.
 */
function integrate(f: (x: number) => number, from: number, to: number, intervals = 200): number {
  if (to <= from) return 0
  const step = (to - from) / intervals
  let sum = f(from) + f(to)
  for (let i = 1; i < intervals; i++) sum += f(from + i * step) * (i % 2 === 1 ? 4 : 2)
  return (sum * step) / 3
}

/**
 * The area under the candidate curve below the threshold: pairs that are not similar enough
 * but become candidates (false positives, which the exact check then drops).
 */
export function falsePositiveArea(threshold: number, bands: number, rows: number): number {
  return integrate((s) => candidateProbability(s, bands, rows), 0, threshold)
}

/** The area above the curve from the threshold up: similar pairs that are never candidates. */
export function falseNegativeArea(threshold: number, bands: number, rows: number): number {
  return integrate((s) => 1 - candidateProbability(s, bands, rows), threshold, 1)
}

/**
 * Bands and rows for a threshold, as datasketch's `MinHashLSH._optimal_param` picks them: of
 * every `bands x rows <= permutations`, the one with the least weighted sum of the false
 * positive and false negative areas. At 0.8 and 128 permutations, equal weights: 9 x 13.
 */
export function optimalParams(threshold: number, permutations: number, falsePositiveWeight = 0.5, falseNegativeWeight = 0.5): LshParams {
  let best: LshParams = { bands: 1, rows: 1 }
  let bestError = Infinity
  for (let bands = 1; bands <= permutations; bands++) {
    const maxRows = Math.floor(permutations / bands)
    for (let rows = 1; rows <= maxRows; rows++) {
      const error =
        falsePositiveArea(threshold, bands, rows) * falsePositiveWeight + falseNegativeArea(threshold, bands, rows) * falseNegativeWeight
      if (error < bestError) {
        bestError = error
        best = { bands, rows }
      }
    }
  }
  return best
}
