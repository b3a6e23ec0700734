/** The part a record's file plays in a leakage comparison: no split, train, or eval (validation or test). */
export const SplitKind = { None: 0, Train: 1, Eval: 2 } as const
export type SplitKind = (typeof SplitKind)[keyof typeof SplitKind]

/**
 * What the duplicate search needs to know about the records it finds, by slot (a record's
 * number on its side): which ones may be compared, which one is the original, and which one a
 * leakage finding goes on.
 */
export interface SlotRelations {
  /**
   * Records are duplicates of each other only within one group: the files of one split, or a
   * single file with no split.
   */
  groupOf(slot: number): number
  kindOf(slot: number): SplitKind
  /** Negative when `a` is the original of the two (the one with no finding). */
  compare(a: number, b: number): number
  /** Of a train record and an eval record that match: the one a leakage finding goes on. */
  blame(train: number, evalRecord: number): number
}

/** A leakage pair: the record the finding goes on, the other one, and their similarity (1 when exact). */
export interface LeakPair {
  other: number
  jaccard: number
  exact: boolean
}
