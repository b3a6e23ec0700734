/**
 * The repeated n-grams of a sequence of words, found level by level: an n-gram can repeat only
 * where the two (n-1)-grams it is made of both repeat, so level n is built from the repeated
 * positions of level n-1 alone. In prose the repeated positions thin out fast (a third of the
 * words repeat, a few 2-grams, rarely a 3-gram), so the work is a little more than one step per
 * word, whatever n is asked for. `RepeatedNgrams` works on exact word ids; `NgramFingerprints`
 * on fingerprints, which cost less and bound the repetition rules from above.
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
   * Starts at n = 1 with the words at `wordPositions[0, candidates)` (ascending; any word left
   * out must occur once), whose ids are `words[0, candidates)` and whose `wordCounts` say how
   * often each id occurs: keeps those that occur more than once.
   */
  start(wordPositions: Int32Array, words: Int32Array, candidates: number, wordCounts: Int32Array): void {
    if (this.positions.length < candidates) {
      const capacity = Math.max(candidates, this.positions.length * 2)
      this.positions = new Int32Array(capacity)
      this.ids = new Int32Array(capacity)
      this.nextPositions = new Int32Array(capacity)
      this.nextIds = new Int32Array(capacity)
      this.seen = new Int32Array(capacity)
      this.generation = 0
    }
    const { positions, ids } = this
    let size = 0
    // Written always, kept only for a repeated word: whether a word repeats is random, which a
    // branch would mispredict.
    for (let k = 0; k < candidates; k++) {
      const word = words[k]
      positions[size] = wordPositions[k]
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
    // The n+1-gram at positions[k] is the n-gram there followed by the one at positions[k] + 1,
    // which repeats only if that is positions[k + 1]. Whether it is, is random: the indices k
    // are gathered without a branch (written always, kept on a match), then paired.
    let candidates = 0
    for (let k = 0; k + 1 < size; k++) {
      const gap = positions[k + 1] - positions[k] - 1
      nextIds[candidates] = k
      candidates += ((gap | -gap) >>> 31) ^ 1
    }
    pairs.reset(candidates)
    for (let c = 0; c < candidates; c++) {
      const k = nextIds[c]
      nextPositions[c] = positions[k]
      nextIds[c] = pairs.add(ids[k], ids[k + 1])
    }
    const counts = pairs.counts
    let repeated = 0
    for (let c = 0; c < candidates; c++) {
      const id = nextIds[c]
      nextPositions[repeated] = nextPositions[c]
      nextIds[repeated] = id
      repeated += (1 - counts[id]) >>> 31
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

/** The most fingerprint buckets (one byte each) `bucketShift` sizes for. */
export const MAX_NGRAM_BUCKETS = 1 << 22

/**
 * The bucket shift `NgramFingerprints.prepare` picks for about `tokens` tokens: sixteen buckets
 * a token, at least 64 and at most `MAX_NGRAM_BUCKETS` (a fingerprint's bucket is `fingerprint >>> shift`).
 */
export function bucketShift(tokens: number): number {
  let buckets = 64
  while (buckets < tokens * 16 && buckets < MAX_NGRAM_BUCKETS) buckets *= 2
  return Math.clz32(buckets - 1)
}

/**
 * Where n-grams may repeat, for n = 1, 2, 3... in turn, told by 32-bit fingerprints instead of
 * exact ids: equal n-grams have equal fingerprints, so every occurrence of a repeated n-gram is
 * among the windows kept, and the count of a window's bucket is at least the count of its n-gram.
 * That bounds every repetition rule from above, and most texts are proven clean by the bounds
 * alone; a text that is not goes on to `RepeatedNgrams` and exact ids. A level costs a few passes
 * over the windows kept, with no lookup, no comparison and no branch on the data.
 */
export class NgramFingerprints {
  /** The current n. */
  n = 0
  /** Windows kept: `positions[0, size)`, ascending. */
  size = 0
  /** Start of each window kept. */
  positions = new Int32Array(0)
  /** Fingerprint of the n-gram at each window. */
  fingerprints = new Int32Array(0)
  /**
   * At least how often the n-gram at each window occurs: its bucket's count, or the number of
   * tokens once the bucket's count stops at 255.
   */
  counts = new Int32Array(0)
  /** The windows kept at n = 1, which `advance` leaves as they are: `firstPositions[0, firstSize)`. */
  firstPositions = new Int32Array(0)
  firstSize = 0
  /** Windows per bucket, up to 255: all zeros between levels. */
  buckets = new Uint8Array(1024)
  /** A fingerprint's bucket is its top bits: `fingerprint >>> shift`. */
  shift = Math.clz32(1023)
  private tokens = 0
  private laterPositions = new Int32Array(0)
  private pairAt = new Int32Array(0)
  private pairFingerprints = new Int32Array(0)

  /**
   * Sizes the buckets for a text of about `tokens` tokens, sixteen a token (up to 2^22), so that
   * few windows share one by chance.
   */
  prepare(tokens: number): void {
    this.shift = bucketShift(tokens)
    const buckets = 2 ** (32 - this.shift)
    if (buckets > this.buckets.length) this.buckets = new Uint8Array(buckets)
  }

  /**
   * Starts at n = 1 from the fingerprints of `length` tokens, already counted into `buckets`
   * (by the tokenizer, which has each one at hand): keeps the tokens whose bucket holds another,
   * then empties the buckets.
   */
  start(tokenFingerprints: Int32Array, length: number): void {
    if (this.firstPositions.length < length) {
      const capacity = Math.max(length, this.firstPositions.length * 2)
      this.firstPositions = new Int32Array(capacity)
      this.fingerprints = new Int32Array(capacity)
      this.counts = new Int32Array(capacity)
      this.laterPositions = new Int32Array(capacity)
      this.pairAt = new Int32Array(capacity)
      this.pairFingerprints = new Int32Array(capacity)
    }
    const { buckets, shift, firstPositions, fingerprints, counts } = this
    let size = 0
    // Written always, kept when the bucket is shared: which are is random, which a branch would
    // mispredict. A bucket of one is emptied on the way; the shared ones after.
    for (let i = 0; i < length; i++) {
      const fingerprint = tokenFingerprints[i]
      const bucket = fingerprint >>> shift
      const count = buckets[bucket]
      const shared = (count + 254) >>> 8
      buckets[bucket] = count & -shared
      firstPositions[size] = i
      fingerprints[size] = fingerprint
      // A full bucket (255) bounds by the number of tokens instead, without a branch.
      counts[size] = count + (-((count + 1) >>> 8) & (length - 255))
      size += shared
    }
    for (let k = 0; k < size; k++) buckets[fingerprints[k] >>> shift] = 0
    this.n = 1
    this.size = size
    this.firstSize = size
    this.positions = firstPositions
    this.tokens = length
  }

  /** Moves from n to n + 1. Once no window is kept, none is at any longer n: `size` stays 0. */
  advance(): void {
    this.n++
    if (this.size === 0) return
    const { positions, fingerprints, counts, buckets, shift, pairAt, pairFingerprints, tokens } = this
    const size = this.size
    // Level 1 is kept for `firstPositions`; later levels are written over the one before, which
    // is safe as the window read is never behind the one written.
    const nextPositions = positions === this.firstPositions ? this.laterPositions : positions
    // The n+1-gram at positions[k] is the n-gram there followed by the one at positions[k] + 1:
    // kept only if that is positions[k + 1].
    let pairs = 0
    for (let k = 0; k + 1 < size; k++) {
      const gap = positions[k + 1] - positions[k] - 1
      pairAt[pairs] = k
      pairs += ((gap | -gap) >>> 31) ^ 1
    }
    for (let p = 0; p < pairs; p++) {
      const k = pairAt[p]
      const second = fingerprints[k + 1]
      const fingerprint = imul(fingerprints[k], 0x9e3779b1) + imul(second ^ (second >>> 15), 0x85ebca6b)
      pairFingerprints[p] = fingerprint
      const bucket = fingerprint >>> shift
      const seen = buckets[bucket]
      buckets[bucket] = seen + ((seen - 255) >>> 31)
    }
    let kept = 0
    for (let p = 0; p < pairs; p++) {
      const fingerprint = pairFingerprints[p]
      const bucket = fingerprint >>> shift
      const count = buckets[bucket]
      const shared = (count + 254) >>> 8
      buckets[bucket] = count & -shared
      nextPositions[kept] = positions[pairAt[p]]
      fingerprints[kept] = fingerprint
      counts[kept] = count + (-((count + 1) >>> 8) & (tokens - 255))
      kept += shared
    }
    for (let k = 0; k < kept; k++) buckets[fingerprints[k] >>> shift] = 0
    this.positions = nextPositions
    this.size = kept
  }

  /**
   * At least count × (characters + n - 1) of the most frequent n-gram, what datatrove's top
   * n-gram fraction has over the text's length: the largest such product over the windows kept,
   * or that of the first n-gram (the top one when none repeats). `prefix[i]` is the characters
   * of the first i words.
   */
  topBound(prefix: Int32Array): number {
    const { positions, counts, n } = this
    let bound = prefix[n] - prefix[0] + (n - 1)
    for (let k = 0; k < this.size; k++) {
      const at = positions[k]
      const product = counts[k] * (prefix[at + n] - prefix[at] + (n - 1))
      if (product > bound) bound = product
    }
    return bound
  }

  /** At least datatrove's duplicated characters for n: the characters of every window kept. */
  duplicatedBound(prefix: Int32Array): number {
    const { positions, n } = this
    let bound = 0
    for (let k = 0; k < this.size; k++) bound += prefix[positions[k] + n] - prefix[positions[k]]
    return bound
  }
}
