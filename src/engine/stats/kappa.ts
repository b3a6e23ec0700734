/**
 * Chance-corrected agreement between annotators: Cohen's kappa for two, Fleiss' kappa for
 * three or more. Both come as streaming tallies (bounded memory: counts per category, not per
 * item) and as pure functions over whole arrays, which feed the same tallies.
 */

/** Kappa with the numbers behind it. */
export interface AgreementResult {
  /** Cohen's or Fleiss' kappa; NaN when chance agreement is 1 (a single category throughout). */
  kappa: number
  /** Observed agreement: the share of agreeing items (Cohen), or the mean pairwise agreement P̄ (Fleiss). */
  observed: number
  /** Agreement expected by chance. */
  expected: number
  /** Items counted. */
  items: number
}

/** Cohen's kappa over a stream of label pairs. Memory: two counts per label. */
export class CohenTally {
  /** A number per label of either annotator, in order of first sight, indexing the counts. */
  private readonly numbers = new Map<string, number>()
  private readonly first: number[] = []
  private readonly second: number[] = []
  private agreeing = 0
  private total = 0

  add(a: string, b: string): void {
    this.total++
    const numberOfA = this.numberOf(a)
    if (a === b) {
      this.agreeing++
      this.first[numberOfA]++
      this.second[numberOfA]++
      return
    }
    this.first[numberOfA]++
    this.second[this.numberOf(b)]++
  }

  /** Distinct labels seen from either annotator. */
  get categories(): number {
    return this.numbers.size
  }

  private numberOf(label: string): number {
    let number = this.numbers.get(label)
    if (number === undefined) {
      number = this.numbers.size
      this.numbers.set(label, number)
      this.first.push(0)
      this.second.push(0)
    }
    return number
  }

  result(): AgreementResult {
    const n = this.total
    if (n === 0) return { kappa: Number.NaN, observed: Number.NaN, expected: Number.NaN, items: 0 }
    let marginalProducts = 0
    for (let label = 0; label < this.first.length; label++) marginalProducts += this.first[label] * this.second[label]
    // sklearn's form, 1 - observed disagreement / expected disagreement, on integer counts, so the
    // result matches `cohen_kappa_score` to the last digits.
    const observedDisagreement = n - this.agreeing
    const expectedDisagreement = (n * n - marginalProducts) / n
    const kappa = expectedDisagreement === 0 ? Number.NaN : 1 - observedDisagreement / expectedDisagreement
    return { kappa, observed: this.agreeing / n, expected: marginalProducts / (n * n), items: n }
  }
}

/**
 * Fleiss' kappa over a stream of items, each given as the count of raters per category. Every
 * item must have the same number of raters. Memory: one total per category.
 */
export class FleissTally {
  private readonly totals = new Map<string, number>()
  private raters = 0
  private items = 0
  private sumAgreement = 0

  /** Adds one item: `counts` maps a category to the number of raters who chose it. */
  add(counts: ReadonlyMap<string, number> | Readonly<Record<string, number>>): void {
    const entries = counts instanceof Map ? [...counts] : Object.entries(counts)
    let raters = 0
    let squares = 0
    for (const [, count] of entries) {
      raters += count
      squares += count * count
    }
    this.checkRaters(raters)
    for (const [category, count] of entries) if (count > 0) this.totals.set(category, (this.totals.get(category) ?? 0) + count)
    this.sumAgreement += (squares - raters) / (raters * (raters - 1))
    this.items++
  }

  /**
   * Adds one item given as each rater's category (`['yes', 'no', 'yes']`): the same as `add` with
   * the count of each category, in the order of first choice, without building the counts.
   */
  addRatings(ratings: readonly string[]): void {
    const raters = ratings.length
    this.checkRaters(raters)
    let squares = 0
    for (let i = 0; i < raters; i++) {
      const category = ratings[i]
      if (ratings.indexOf(category) < i) continue
      let count = 1
      for (let j = i + 1; j < raters; j++) if (ratings[j] === category) count++
      squares += count * count
      this.totals.set(category, (this.totals.get(category) ?? 0) + count)
    }
    this.sumAgreement += (squares - raters) / (raters * (raters - 1))
    this.items++
  }

  private checkRaters(raters: number): void {
    if (this.items === 0) this.raters = raters
    else if (raters !== this.raters) throw new RangeError(`every item needs ${this.raters} ratings; item ${this.items + 1} has ${raters}`)
    if (raters < 2) throw new RangeError('Fleiss kappa needs at least 2 raters per item')
  }

  /** Distinct categories chosen at least once. */
  get categories(): number {
    return this.totals.size
  }

  result(): AgreementResult {
    if (this.items === 0) return { kappa: Number.NaN, observed: Number.NaN, expected: Number.NaN, items: 0 }
    const ratings = this.items * this.raters
    let expected = 0
    for (const total of this.totals.values()) expected += (total / ratings) ** 2
    const observed = this.sumAgreement / this.items
    const kappa = expected === 1 ? Number.NaN : (observed - expected) / (1 - expected)
    return { kappa, observed, expected, items: this.items }
  }
}

/**
 * Cohen's kappa of two annotators' labels for the same items (`a[i]` and `b[i]` label item i).
 * Same value as scikit-learn's `cohen_kappa_score(a, b)`; NaN when both use one label throughout.
 */
export function cohenKappa(a: readonly string[], b: readonly string[]): number {
  if (a.length !== b.length) throw new RangeError(`cohenKappa needs as many labels on each side (${a.length} vs ${b.length})`)
  const tally = new CohenTally()
  a.forEach((label, i) => tally.add(label, b[i]))
  return tally.result().kappa
}

/**
 * Fleiss' kappa (Fleiss 1971) of an items × categories table of rating counts: `table[i][j]` is
 * the number of raters who put item i in category j. Every row must sum to the same number of
 * raters (at least 2).
 */
export function fleissKappa(table: readonly (readonly number[])[]): number {
  const tally = new FleissTally()
  for (const row of table) tally.add(new Map(row.map((count, j) => [String(j), count])))
  return tally.result().kappa
}

/** Landis & Koch's (1977) words for a kappa value. */
export function landisKochBand(kappa: number): string {
  if (Number.isNaN(kappa)) return 'undefined'
  if (kappa < 0) return 'poor'
  if (kappa <= 0.2) return 'slight'
  if (kappa <= 0.4) return 'fair'
  if (kappa <= 0.6) return 'moderate'
  if (kappa <= 0.8) return 'substantial'
  return 'almost perfect'
}
