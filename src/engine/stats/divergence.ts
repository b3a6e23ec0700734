/** A discrete distribution as counts or weights per category (normalised before use). */
export type Distribution = Readonly<Record<string, number>> | ReadonlyMap<string, number>

function entriesOf(distribution: Distribution): Array<[string, number]> {
  return distribution instanceof Map ? [...distribution] : Object.entries(distribution)
}

function normalised(distribution: Distribution): Map<string, number> {
  const entries = entriesOf(distribution)
  let total = 0
  for (const [, weight] of entries) {
    if (!(weight >= 0) || !Number.isFinite(weight)) throw new RangeError(`weights must be finite and non-negative, got ${weight}`)
    total += weight
  }
  if (total === 0) throw new RangeError('a distribution needs a positive total weight')
  return new Map(entries.map(([category, weight]) => [category, weight / total]))
}

/**
 * Jensen–Shannon divergence of two distributions, in bits (log base 2), so always in [0, 1]:
 * 0 for identical distributions, 1 for distributions with no category in common. Counts are
 * normalised first; categories missing on one side count as zero there.
 */
export function jensenShannon(p: Distribution, q: Distribution): number {
  const pn = normalised(p)
  const qn = normalised(q)
  let divergence = 0
  for (const category of new Set([...pn.keys(), ...qn.keys()])) {
    const a = pn.get(category) ?? 0
    const b = qn.get(category) ?? 0
    const m = (a + b) / 2
    if (a > 0) divergence += 0.5 * a * Math.log2(a / m)
    if (b > 0) divergence += 0.5 * b * Math.log2(b / m)
  }
  return Math.min(1, Math.max(0, divergence))
}

/**
 * The categories whose share moved most between `before` and `after`, largest move first
 * (ties in category order). Shares are fractions of each side's total.
 */
export function biggestMovers(before: Distribution, after: Distribution, limit: number): Array<{ category: string; before: number; after: number }> {
  const b = normalised(before)
  const a = normalised(after)
  const moves = [...new Set([...b.keys(), ...a.keys()])].map((category) => ({ category, before: b.get(category) ?? 0, after: a.get(category) ?? 0 }))
  moves.sort((x, y) => Math.abs(y.after - y.before) - Math.abs(x.after - x.before) || (x.category < y.category ? -1 : x.category > y.category ? 1 : 0))
  return moves.slice(0, limit)
}
