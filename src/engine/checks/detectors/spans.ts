/** A detected value's place in a text: [start, end) offsets and what it is. */
export interface Span {
  kind: string
  start: number
  end: number
}

/**
 * Keeps, of any overlapping spans, the one whose kind comes first in `rank` (then the earlier
 * one), and returns the kept spans in text order.
 */
export function dropOverlaps<S extends Span>(spans: readonly S[], rank: readonly string[]): S[] {
  const ordered = [...spans].sort((a, b) => rank.indexOf(a.kind) - rank.indexOf(b.kind) || a.start - b.start)
  const kept: S[] = []
  for (const span of ordered) {
    if (!kept.some((other) => span.start < other.end && other.start < span.end)) kept.push(span)
  }
  return kept.sort((a, b) => a.start - b.start)
}
