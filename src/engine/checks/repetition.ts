import type { Check, CheckContext, CheckRun, Emit } from './types.js'
import type { DatasetRecord } from '../types.js'
import { textsOf, truncate } from '../text.js'
import { numberMapSetting, numberSetting } from '../stats/settings.js'

/**
 * Gopher's repetition rules (Rae et al. 2021, table A1), computed as datatrove's
 * GopherRepetitionFilter does: paragraphs split on 2+ newlines of the stripped text, lines on
 * 1+ newlines, fractions over the text's length. Words come from a tokenizer close to NLTK's for
 * prose (whitespace-separated, leading and trailing punctuation split off), and words and
 * n-grams are compared by 64-bit hashes, which makes a false match vanishingly unlikely.
 */

/** The limits of every rule; a value above its limit breaks the rule. */
export interface RepetitionLimits {
  dupParaFrac: number
  dupParaCharFrac: number
  dupLineFrac: number
  dupLineCharFrac: number
  /** n → limit of the top n-gram's character fraction (Gopher: 2, 3, 4). */
  topNgramCharFrac: ReadonlyMap<number, number>
  /** n → limit of the duplicated n-grams' character fraction (Gopher: 5 to 10). */
  dupNgramCharFrac: ReadonlyMap<number, number>
}

/** Gopher's limits. */
export const GOPHER_LIMITS: RepetitionLimits = {
  dupParaFrac: 0.3,
  dupParaCharFrac: 0.2,
  dupLineFrac: 0.3,
  dupLineCharFrac: 0.2,
  topNgramCharFrac: new Map([
    [2, 0.2],
    [3, 0.18],
    [4, 0.16]
  ]),
  dupNgramCharFrac: new Map([
    [5, 0.15],
    [6, 0.14],
    [7, 0.13],
    [8, 0.12],
    [9, 0.11],
    [10, 0.1]
  ])
}

/** One broken rule: datatrove's reason id, words for it, the value and the limit. */
export interface RepetitionHit {
  rule: string
  name: string
  value: number
  limit: number
}

/** Counts of repeated elements and of their characters (the first occurrence is not a repeat). */
function duplicates(elements: readonly string[]): { elements: number; chars: number } {
  const seen = new Set<string>()
  let repeated = 0
  let chars = 0
  for (const element of elements) {
    if (seen.has(element)) {
      repeated++
      chars += element.length
    } else seen.add(element)
  }
  return { elements: repeated, chars }
}

const WORD_CHAR = /[\p{L}\p{N}\p{M}_]/u

/** True for a letter, digit, mark or underscore; ASCII answered without the regex. */
function isWordChar(text: string, at: number): boolean {
  const code = text.charCodeAt(at)
  if (code < 128) return (code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122) || code === 95
  return WORD_CHAR.test(text[at])
}

/** JavaScript's `\s`: the separators of `split(/\s+/)`. */
function isSpace(code: number): boolean {
  return code === 32 || (code >= 9 && code <= 13) || code === 0xa0 || code === 0x1680 || (code >= 0x2000 && code <= 0x200a) || code === 0x2028 || code === 0x2029 || code === 0x202f || code === 0x205f || code === 0x3000 || code === 0xfeff
}

/**
 * Per-token scratch arrays, shared by every call (JavaScript runs one at a time) and grown as
 * needed, so that checking a text allocates no per-token memory: token i is
 * text[starts[i], ends[i]), with word codes high[i], low[i], and prefix[i] characters before it.
 */
const scratch = {
  starts: new Int32Array(1024),
  ends: new Int32Array(1024),
  high: new Int32Array(1024),
  low: new Int32Array(1024),
  prefix: new Float64Array(1025)
}

function growScratch(): void {
  const size = scratch.starts.length * 2
  const starts = new Int32Array(size)
  const ends = new Int32Array(size)
  starts.set(scratch.starts)
  ends.set(scratch.ends)
  scratch.starts = starts
  scratch.ends = ends
  scratch.high = new Int32Array(size)
  scratch.low = new Int32Array(size)
  scratch.prefix = new Float64Array(size + 1)
}

/**
 * Splits `text` as NLTK roughly splits prose: on whitespace, with a run of punctuation at the
 * start or end of a chunk split off as a token of its own (`"Quoted",` → `"`, `Quoted`, `",`).
 * Fills `scratch.starts` and `scratch.ends` without making a string per token; returns the
 * number of tokens.
 */
function scanWords(text: string): number {
  let count = 0
  const push = (from: number, to: number): void => {
    if (count === scratch.starts.length) growScratch()
    scratch.starts[count] = from
    scratch.ends[count] = to
    count++
  }
  let i = 0
  while (i < text.length) {
    while (i < text.length && isSpace(text.charCodeAt(i))) i++
    if (i === text.length) break
    const chunkStart = i
    while (i < text.length && !isSpace(text.charCodeAt(i))) i++
    const chunkEnd = i
    let start = chunkStart
    let end = chunkEnd
    while (start < end && !isWordChar(text, start)) start++
    if (start === end) {
      push(chunkStart, chunkEnd)
      continue
    }
    while (end > start && !isWordChar(text, end - 1)) end--
    if (start > chunkStart) push(chunkStart, start)
    push(start, end)
    if (end < chunkEnd) push(end, chunkEnd)
  }
  return count
}

/** The words the n-gram rules see (`scanWords` as strings), for tests and explanations. */
export function gopherWords(text: string): string[] {
  const count = scanWords(text)
  return Array.from({ length: count }, (_, i) => text.slice(scratch.starts[i], scratch.ends[i]))
}

// Read once: under jest every access to the global `Math` goes through the test sandbox's global
// object, which made the loops below a hundred times slower there than in node.
const imul = Math.imul

/**
 * An open-addressing table of n-gram windows keyed by two 32-bit hashes (64 bits: a false match
 * is vanishingly unlikely), with a count and the first position per window. One table serves
 * every call (JavaScript runs one call at a time): it grows to the largest text seen and is
 * emptied in O(1) by moving to a new generation, so the hot loop allocates nothing.
 */
class WindowTable {
  private first = new Int32Array(0)
  private second = new Int32Array(0)
  private generations = new Int32Array(0)
  counts = new Int32Array(0)
  firstAt = new Int32Array(0)
  private mask = 0
  private generation = 0

  /** Empties the table and sizes it for `windows` windows. */
  reset(windows: number): void {
    let capacity = 16
    while (capacity < windows * 2) capacity *= 2
    if (capacity > this.counts.length) {
      this.first = new Int32Array(capacity)
      this.second = new Int32Array(capacity)
      this.generations = new Int32Array(capacity)
      this.counts = new Int32Array(capacity)
      this.firstAt = new Int32Array(capacity)
      this.generation = 0
    }
    this.mask = capacity - 1
    this.generation++
    if (this.generation === 0x7fffffff) {
      this.generations.fill(0)
      this.generation = 1
    }
  }

  /** Counts one occurrence of the window at `at`; returns its slot (count in `counts[slot]`). */
  add(h1: number, h2: number, at: number): number {
    let slot = (h1 ^ imul(h2, 0x9e3779b1)) & this.mask
    while (this.generations[slot] === this.generation) {
      if (this.first[slot] === h1 && this.second[slot] === h2) {
        this.counts[slot]++
        return slot
      }
      slot = (slot + 1) & this.mask
    }
    this.generations[slot] = this.generation
    this.first[slot] = h1
    this.second[slot] = h2
    this.counts[slot] = 1
    this.firstAt[slot] = at
    return slot
  }
}

const table = new WindowTable()

/**
 * Two rolling polynomial hashes (mod 2^32, two odd bases) of the n-word windows of the word codes: a
 * step costs the same whatever n, where hashing each window afresh cost n.
 */
class RollingHash {
  high = 0
  low = 0
  private powerHigh = 1
  private powerLow = 1
  private static readonly BASE_HIGH = 0x01000193
  private static readonly BASE_LOW = 0x5bd1e995

  /** Hashes the window [from, from + n) and prepares to roll it by one word. */
  start(codesHigh: Int32Array, codesLow: Int32Array, from: number, n: number): void {
    let high = 0
    let low = 0
    let powerHigh = 1
    let powerLow = 1
    for (let k = from; k < from + n; k++) {
      high = (imul(high, RollingHash.BASE_HIGH) + codesHigh[k]) | 0
      low = (imul(low, RollingHash.BASE_LOW) + codesLow[k]) | 0
      if (k > from) {
        powerHigh = imul(powerHigh, RollingHash.BASE_HIGH)
        powerLow = imul(powerLow, RollingHash.BASE_LOW)
      }
    }
    this.high = high
    this.low = low
    // The weight of the window's first word: BASE^(n-1).
    this.powerHigh = powerHigh
    this.powerLow = powerLow
  }

  /** Moves the window [i, i + n) to [i + 1, i + n + 1). */
  roll(codesHigh: Int32Array, codesLow: Int32Array, i: number, n: number): void {
    this.high = (imul(this.high - imul(codesHigh[i], this.powerHigh), RollingHash.BASE_HIGH) + codesHigh[i + n]) | 0
    this.low = (imul(this.low - imul(codesLow[i], this.powerLow), RollingHash.BASE_LOW) + codesLow[i + n]) | 0
  }
}

/**
 * The Gopher repetition rules `text` breaks, in datatrove's order (paragraphs, lines, top n-grams,
 * duplicated n-grams). `lineRules` and `ngramRules` switch the two families, for texts too short
 * for one of them to mean anything.
 */
export function gopherRepetition(text: string, limits: RepetitionLimits = GOPHER_LIMITS, options: { lineRules?: boolean; ngramRules?: boolean } = {}): RepetitionHit[] {
  const hits: RepetitionHit[] = []
  const length = text.length
  if (length === 0) return hits
  const check = (rule: string, name: string, value: number, limit: number): void => {
    if (value > limit) hits.push({ rule, name, value, limit })
  }

  // One line is one paragraph: nothing repeats, every line and paragraph fraction is 0 and
  // breaks no limit (limits are not negative): the splits and their sets are skipped.
  const oneLine = text.indexOf('\n') === -1 && Math.min(limits.dupParaFrac, limits.dupParaCharFrac, limits.dupLineFrac, limits.dupLineCharFrac) >= 0
  if (options.lineRules !== false && !oneLine) {
    const paragraphs = text.trim().split(/\n{2,}/)
    const paragraphRepeats = duplicates(paragraphs)
    check('dup_para_frac', 'duplicate paragraph fraction', paragraphRepeats.elements / paragraphs.length, limits.dupParaFrac)
    check('dup_para_char_frac', 'duplicate paragraph character fraction', paragraphRepeats.chars / length, limits.dupParaCharFrac)
    const lines = text.split(/\n+/)
    const lineRepeats = duplicates(lines)
    check('dup_line_frac', 'duplicate line fraction', lineRepeats.elements / lines.length, limits.dupLineFrac)
    check('dup_line_char_frac', 'duplicate line character fraction', lineRepeats.chars / length, limits.dupLineCharFrac)
  }
  if (options.ngramRules === false) return hits

  // Each word is coded by two independent 32-bit hashes of its characters (64 bits together),
  // computed from the text in place: no string per word, no Map of words.
  const count = scanWords(text)
  const { starts, ends, high: codesHigh, low: codesLow, prefix } = scratch
  prefix[0] = 0
  for (let i = 0; i < count; i++) {
    let high = 0x811c9dc5
    let low = 0x9747b28c
    for (let k = starts[i]; k < ends[i]; k++) {
      const code = text.charCodeAt(k)
      high = imul(high ^ code, 0x01000193)
      low = imul(low ^ code, 0x5bd1e995)
      low ^= low >>> 15
    }
    codesHigh[i] = imul(high ^ (high >>> 16), 0x45d9f3b)
    codesLow[i] = imul(low ^ (low >>> 13), 0x2c1b3c6d)
    prefix[i + 1] = prefix[i] + (ends[i] - starts[i])
  }

  const rolling = new RollingHash()
  // A text with no repeated n-gram has no repeated longer one either: from the smallest such n
  // on, the passes below have a known answer and are skipped (most clean texts stop at 4 or 5).
  let noRepeatsFrom = Number.POSITIVE_INFINITY
  for (const [n, limit] of [...limits.topNgramCharFrac].sort((a, b) => a[0] - b[0])) {
    if (count < n) continue
    // The most frequent n-gram; on a tie the one seen first, as Counter.most_common(1) picks it.
    let best = 1
    let bestAt = 0
    if (n < noRepeatsFrom) {
      table.reset(count - n + 1)
      rolling.start(codesHigh, codesLow, 0, n)
      for (let i = 0; i + n <= count; i++) {
        if (i > 0) rolling.roll(codesHigh, codesLow, i - 1, n)
        const slot = table.add(rolling.high, rolling.low, i)
        const seen = table.counts[slot]
        if (seen > best || (seen === best && table.firstAt[slot] < bestAt)) {
          best = seen
          bestAt = table.firstAt[slot]
        }
      }
      if (best === 1) noRepeatsFrom = n
    }
    // Characters of the n-gram joined by single spaces, times its count (datatrove counts a
    // top n-gram seen once too).
    const chars = (prefix[bestAt + n] - prefix[bestAt] + (n - 1)) * best
    check(`top_${n}_gram`, `top ${n}-gram character fraction`, chars / length, limit)
  }

  for (const [n, limit] of [...limits.dupNgramCharFrac].sort((a, b) => a[0] - b[0])) {
    if (count < n) continue
    let repeated = 0
    if (n < noRepeatsFrom) {
      table.reset(count - n + 1)
      let i = 0
      rolling.start(codesHigh, codesLow, 0, n)
      while (i + n <= count) {
        if (table.counts[table.add(rolling.high, rolling.low, i)] > 1) {
          // A repeat is counted whole and skipped, so overlapping repeats are not counted twice.
          repeated += prefix[i + n] - prefix[i]
          i += n
          if (i + n <= count) rolling.start(codesHigh, codesLow, i, n)
        } else {
          if (i + n + 1 <= count) rolling.roll(codesHigh, codesLow, i, n)
          i++
        }
      }
      if (repeated === 0) noRepeatsFrom = n
    }
    check(`duplicated_${n}_n_grams`, `duplicated ${n}-gram character fraction`, repeated / length, limit)
  }
  return hits
}

/** Per field: texts checked, texts flagged, and how often each rule was the first broken. */
export interface RepetitionSummary {
  fields: Record<string, { checked: number; flagged: number; byRule: Record<string, number> }>
}

/** Non-empty lines and whitespace-separated words, in one pass, to tell whether a text is long enough. */
function size(text: string): { lines: number; words: number } {
  let lines = 0
  let words = 0
  let lineHasText = false
  let inWord = false
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i)
    if (code === 10) {
      if (lineHasText) lines++
      lineHasText = false
      inWord = false
      continue
    }
    if (isSpace(code)) inWord = false
    else {
      lineHasText = true
      if (!inWord) {
        inWord = true
        words++
      }
    }
  }
  if (lineHasText) lines++
  return { lines, words }
}

/**
 * `repetition`: degenerate repetition inside one text (a model looping, a scrape gone wrong),
 * by Gopher's repetition rules. Line and paragraph rules apply from `minLines` non-empty lines
 * or `minWords` words; the n-gram rules only from `minNgramWords` words, because in a short list
 * one repeated phrase is already a large share of the text.
 */
export const repetitionCheck: Check<RepetitionSummary> = {
  id: 'repetition',
  dimension: 'diversity',
  description: "Texts that repeat themselves (Gopher's repetition rules: duplicate lines, paragraphs and n-grams).",
  defaultSeverity: 'warning',
  defaults: {
    /** Line and paragraph rules apply to texts with at least this many non-empty lines... */
    minLines: 5,
    /** ...or at least this many words. */
    minWords: 50,
    /** The n-gram rules apply to texts with at least this many words. */
    minNgramWords: 100,
    /** Limits (Gopher's): duplicate paragraph and line fractions, by count and by characters. */
    dupParaFrac: 0.3,
    dupParaCharFrac: 0.2,
    dupLineFrac: 0.3,
    dupLineCharFrac: 0.2,
    /** n → limit of the most frequent n-gram's share of the characters. */
    topNgramCharFrac: { 2: 0.2, 3: 0.18, 4: 0.16 },
    /** n → limit of the share of characters in repeated n-grams. */
    dupNgramCharFrac: { 5: 0.15, 6: 0.14, 7: 0.13, 8: 0.12, 9: 0.11, 10: 0.1 }
  },
  start(context: CheckContext): CheckRun<RepetitionSummary> {
    const config = context.config
    const fields = config.fields ?? context.textFields
    const minLines = numberSetting(config, 'minLines', 5)
    const minWords = numberSetting(config, 'minWords', 50)
    const minNgramWords = numberSetting(config, 'minNgramWords', 100)
    const limits: RepetitionLimits = {
      dupParaFrac: numberSetting(config, 'dupParaFrac', GOPHER_LIMITS.dupParaFrac),
      dupParaCharFrac: numberSetting(config, 'dupParaCharFrac', GOPHER_LIMITS.dupParaCharFrac),
      dupLineFrac: numberSetting(config, 'dupLineFrac', GOPHER_LIMITS.dupLineFrac),
      dupLineCharFrac: numberSetting(config, 'dupLineCharFrac', GOPHER_LIMITS.dupLineCharFrac),
      topNgramCharFrac: numberMapSetting(config, 'topNgramCharFrac', GOPHER_LIMITS.topNgramCharFrac),
      dupNgramCharFrac: numberMapSetting(config, 'dupNgramCharFrac', GOPHER_LIMITS.dupNgramCharFrac)
    }
    const summary: RepetitionSummary = { fields: {} }

    return {
      record(record: DatasetRecord, emit: Emit): void {
        for (const [field, text] of textsOf(record.fields, fields)) {
          if (text.trim() === '') continue
          const { lines, words } = size(text)
          const lineRules = lines >= minLines || words >= minWords
          const ngramRules = words >= minNgramWords
          if (!lineRules && !ngramRules) continue
          const stats = (summary.fields[field] ??= { checked: 0, flagged: 0, byRule: {} })
          stats.checked++
          const hits = gopherRepetition(text, limits, { lineRules, ngramRules })
          if (hits.length === 0) continue
          stats.flagged++
          const [first] = hits
          stats.byRule[first.rule] = (stats.byRule[first.rule] ?? 0) + 1
          const others = hits.length > 1 ? `; ${hits.length - 1} more repetition rule${hits.length > 2 ? 's' : ''} broken` : ''
          emit({
            line: record.line,
            field,
            message: `\`${field}\` repeats itself: ${first.name} ${first.value.toFixed(2)} > ${first.limit.toFixed(2)} (Gopher)${others}`,
            // truncate() reads the whole string; 300 UTF-16 units always hold more than 120 characters.
            excerpt: truncate(text.trimStart().slice(0, 300).trimEnd(), 120)
          })
        }
      },

      finish(): RepetitionSummary {
        return summary
      }
    }
  }
}
