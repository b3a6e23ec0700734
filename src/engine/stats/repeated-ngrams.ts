/**
 * The repeated n-grams of a sequence of word ids, found level by level: an n-gram can repeat only
 * where the two (n-1)-grams it is made of both repeat, so level n is built from the repeated
 * positions of level n-1 alone. In prose the repeated positions thin out fast (about half the
 * words repeat, a few 2-grams, rarely a 3-gram), so the work is a little more than one step per
 * word, whatever n is asked for. Ids are exact: no n-gram is ever confused with another.
 */

// Read once: under jest every access to the global `Math` goes through the test sandbox's global
// object, which made hot loops a hundred times slower there than in node.
const imul = Math.imul

/**
 * An open-addressing table of pairs of ids, giving each distinct pair a dense id with a count.
 * One table serves every level of every text: it grows to the largest level seen and is emptied
 * in O(1) by moving to a new generation.
 */
class PairTable {
  private firstKeys = new Int32Array(0)
  private secondKeys = new Int32Array(0)
  private generations = new Int32Array(0)
  private ids = new Int32Array(0)
  /** Occurrences of each pair, by its id. */
  counts = new Int32Array(0)
  private mask = 0
  private generation = 0
  private size = 0

  /** Empties the table and sizes it for `pairs` pairs. */
  reset(pairs: number): void {
    let capacity = 16
    while (capacity < pairs * 2) capacity *= 2
    if (capacity > this.ids.length) {
      this.firstKeys = new Int32Array(capacity)
      this.secondKeys = new Int32Array(capacity)
      this.generations = new Int32Array(capacity)
      this.ids = new Int32Array(capacity)
      this.counts = new Int32Array(capacity)
      this.generation = 0
    }
    this.mask = capacity - 1
    this.size = 0
    this.generation++
    if (this.generation === 0x7fffffff) {
      this.generations.fill(0)
      this.generation = 1
    }
  }

  /** Counts one occurrence of the pair (first, second); returns its id. */
  add(first: number, second: number): number {
    let slot = (imul(first, 0x9e3779b1) ^ imul(second, 0x85ebca6b)) >>> 0
    slot = (slot ^ (slot >>> 15)) & this.mask
    while (this.generations[slot] === this.generation) {
      if (this.firstKeys[slot] === first && this.secondKeys[slot] === second) {
        const id = this.ids[slot]
        this.counts[id]++
        return id
      }
      slot = (slot + 1) & this.mask
    }
    const id = this.size++
    this.generations[slot] = this.generation
    this.firstKeys[slot] = first
    this.secondKeys[slot] = second
    this.ids[slot] = id
    this.counts[id] = 1
    return id
  }
}

/**
 * The positions of the repeated n-grams of one sequence, for n = 1, 2, 3... in turn. One instance
 * serves every text (JavaScript runs one call at a time): its arrays grow to the longest sequence
 * seen, so a text allocates nothing.
 */
export class RepeatedNgrams {
  /** The current n. */
  n = 0
  /** How many repeated n-gram positions there are: `positions[0, size)`, ascending. */
  size = 0
  /** Start of each repeated n-gram occurrence, ascending. */
  positions = new Int32Array(0)
  /** The n-gram id of each of `positions`: equal ids, equal n-grams. */
  ids = new Int32Array(0)
  /** Occurrences of each n-gram, by id. */
  counts: Int32Array = new Int32Array(0)
  private nextPositions = new Int32Array(0)
  private nextIds = new Int32Array(0)
  private readonly pairs = new PairTable()
  private seen = new Int32Array(0)
  private generation = 0

  /**
   * Starts at n = 1 with the repeated words of `words[0, length)`, whose `wordCounts` say how
   * often each word id occurs in it.
   */
  start(words: Int32Array, wordCounts: Int32Array, length: number): void {
    if (this.positions.length < length) {
      const capacity = Math.max(length, this.positions.length * 2)
      this.positions = new Int32Array(capacity)
      this.ids = new Int32Array(capacity)
      this.nextPositions = new Int32Array(capacity)
      this.nextIds = new Int32Array(capacity)
      this.seen = new Int32Array(capacity)
      this.generation = 0
    }
    const { positions, ids } = this
    let size = 0
    // Written always, kept only for a repeated word: about half the words repeat, at random,
    // which a branch would mispredict.
    for (let i = 0; i < length; i++) {
      const word = words[i]
      positions[size] = i
      ids[size] = word
      size += (1 - wordCounts[word]) >>> 31
    }
    this.n = 1
    this.size = size
    this.counts = wordCounts
  }

  /** Moves from n to n + 1. Once no n-gram repeats, none of any longer n does: `size` stays 0. */
  advance(): void {
    this.n++
    if (this.size === 0) return
    const { positions, ids, nextPositions, nextIds, pairs } = this
    const size = this.size
    pairs.reset(size)
    let candidates = 0
    for (let k = 0; k + 1 < size; k++) {
      const at = positions[k]
      if (positions[k + 1] !== at + 1) continue
      // The n+1-gram at `at` is the n-gram at `at` followed by the one at `at + 1`.
      nextPositions[candidates] = at
      nextIds[candidates] = pairs.add(ids[k], ids[k + 1])
      candidates++
    }
    const counts = pairs.counts
    let repeated = 0
    for (let k = 0; k < candidates; k++) {
      if (counts[nextIds[k]] > 1) {
        nextPositions[repeated] = nextPositions[k]
        nextIds[repeated] = nextIds[k]
        repeated++
      }
    }
    this.nextPositions = positions
    this.nextIds = ids
    this.positions = nextPositions
    this.ids = nextIds
    this.counts = counts
    this.size = repeated
  }

  /** Where the top n-gram found by `topCount` first occurs. */
  topAt = 0

  /**
   * The count of the most frequent n-gram, its first position left in `topAt`; on a tie the one
   * seen first, as Python's `Counter.most_common(1)` picks it. With no repeat that is the first
   * n-gram, once.
   */
  topCount(): number {
    let best = 1
    let bestAt = 0
    const { positions, ids, counts } = this
    // Positions ascend and all occurrences of an n-gram share its count, so the first position
    // with the highest count is the first occurrence of the earliest-seen top n-gram.
    for (let k = 0; k < this.size; k++) {
      const count = counts[ids[k]]
      if (count > best) {
        best = count
        bestAt = positions[k]
      }
    }
    this.topAt = bestAt
    return best
  }

  /**
   * Characters in repeated n-grams, by datatrove's scan: left to right, an n-gram seen before (at
   * a position the scan stopped at) counts whole and is skipped, so overlapping repeats are not
   * counted twice. `prefix[i]` is the characters of the first i words. The positions the scan
   * stops at that hold an n-gram occurring once can never match, so only repeated ones are visited.
   */
  duplicatedChars(prefix: Int32Array): number {
    const { positions, ids, n } = this
    if (this.size === 0) return 0
    if (++this.generation === 0x7fffffff) {
      this.seen.fill(0)
      this.generation = 1
    }
    const { seen, generation } = this
    let repeated = 0
    let next = 0
    for (let k = 0; k < this.size; k++) {
      const at = positions[k]
      if (at < next) continue
      const id = ids[k]
      if (seen[id] === generation) {
        repeated += prefix[at + n] - prefix[at]
        next = at + n
      } else seen[id] = generation
    }
    return repeated
  }
}
