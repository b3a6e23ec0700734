import { Buffer } from 'node:buffer'
import { writeUtf16le } from '../buffer-writes.js'
import type { Check, CheckContext, CheckRun, Emit } from './types.js'
import type { DatasetRecord } from '../types.js'
import { textOf, truncate, valueAt } from '../text.js'
import { numberMapSetting, numberSetting } from '../stats/settings.js'
import { bucketShift, NgramFingerprints, RepeatedNgrams } from '../stats/repeated-ngrams.js'
import { KERNEL_MAX_N, RepetitionKernel, type KernelRules } from './repetition-kernel.js'

/**
 * Gopher's repetition rules (Rae et al. 2021, table A1), computed as datatrove's
 * GopherRepetitionFilter does: paragraphs split on 2+ newlines of the stripped text, lines on
 * 1+ newlines, fractions over the text's length. Words come from a tokenizer close to NLTK's for
 * prose (whitespace-separated, leading and trailing punctuation split off). Lines, paragraphs,
 * words and n-grams are compared exactly, by content, without making a string of any of them.
 *
 * Most of the cost is per character and per word, so the text is read as a typed array of UTF-16
 * units, its chunks found without a branch per character, and the n-gram rules bounded from
 * fingerprints first: a text whose bounds break no limit (nearly every text) needs no exact word
 * ids, and the others are computed exactly.
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

// Read once: under jest every access to the global `Math` goes through the test sandbox's global
// object, which made the loops below a hundred times slower there than in node.
const imul = Math.imul

/** FNV-1a over UTF-16 units: the running hash of a line or paragraph, one step per unit. */
const HASH_SEED = 0x811c9dc5 | 0
const HASH_PRIME = 0x01000193

/** What a UTF-16 unit is to the tokenizer: whitespace, part of a word, or punctuation (anything else). */
const SPACE = 1
const WORD = 2
const PUNCTUATION = 3

const WORD_CHAR = /[\p{L}\p{N}\p{M}_]/u

/** JavaScript's `\s` (and `trim()`'s whitespace): the separators of `split(/\s+/)`. */
function isSpace(code: number): boolean {
  return code === 32 || (code >= 9 && code <= 13) || code === 0xa0 || code === 0x1680 || (code >= 0x2000 && code <= 0x200a) || code === 0x2028 || code === 0x2029 || code === 0x202f || code === 0x205f || code === 0x3000 || code === 0xfeff
}

/** 1 for each whitespace UTF-16 unit, 0 for any other: read per character without a branch. */
const spaceBits = new Uint8Array(0x10000)
for (let code = 0; code < 0x10000; code++) spaceBits[code] = isSpace(code) ? 1 : 0

/**
 * The class of every UTF-16 unit, 0 until first met: the Unicode regex runs once per unit ever
 * seen. A unit is classed alone, so each half of a surrogate pair is punctuation, as
 * `WORD_CHAR.test(text[i])` has always judged it.
 */
const charClasses = new Uint8Array(0x10000)

/** What a UTF-16 unit is to the tokenizer: SPACE (1), WORD (2) or PUNCTUATION (3). */
export function classOf(code: number): number {
  const known = charClasses[code]
  if (known !== 0) return known
  const kind = spaceBits[code] === 1 ? SPACE : WORD_CHAR.test(String.fromCharCode(code)) ? WORD : PUNCTUATION
  charClasses[code] = kind
  return kind
}

/**
 * The UTF-16 units of the text being checked, copied in by one native call (reading a typed
 * array costs less than `charCodeAt`, and the copy less than either), then three spaces that end
 * the last chunk, and room to read four units from any position of the text: the kernel's view
 * of its memory, or `referenceUnits`.
 */
let units: Uint16Array = new Uint16Array(0)
/** Where the JavaScript reference loads a text. */
let referenceUnits = new Uint16Array(4096)
let referenceBytes = Buffer.from(referenceUnits.buffer)
/** `Buffer.write(…, 'utf16le')` lays units out little-endian; a big-endian machine copies them one by one. */
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1
const UNIT_SLACK = 4

function loadUnits(text: string): void {
  if (engine) {
    engine.load(text)
    units = engine.units
    return
  }
  const length = text.length
  if (length + UNIT_SLACK > referenceUnits.length) {
    let size = referenceUnits.length * 2
    while (size < length + UNIT_SLACK) size *= 2
    referenceUnits = new Uint16Array(size)
    referenceBytes = Buffer.from(referenceUnits.buffer)
  }
  units = referenceUnits
  if (LITTLE_ENDIAN) writeUtf16le(referenceBytes, text)
  else for (let i = 0; i < length; i++) units[i] = text.charCodeAt(i)
  units[length] = 32
  units[length + 1] = 32
  units[length + 2] = 32
}

/** The WebAssembly kernel, made on first use; null without WebAssembly SIMD. */
let kernel: RepetitionKernel | null | undefined

/**
 * The kernel the text being checked goes through, or null for the JavaScript reference. Only
 * on a little-endian machine: the rules in JavaScript read the kernel's units as native ones.
 */
let engine: RepetitionKernel | null = null

function useKernel(reference: boolean): void {
  if (kernel === undefined) kernel = LITTLE_ENDIAN ? RepetitionKernel.create(classOf) : null
  engine = reference ? null : kernel
}

/**
 * Scratch arrays shared by every call (JavaScript runs one at a time) and grown as needed, so
 * that checking a text allocates nothing per word: `edges` holds the start and end of each
 * whitespace-separated chunk in turn. Token i starts at starts[i] and has fingerprint
 * fingerprints[i], and prefix[i] counts the characters of the tokens before it; words[k] is the
 * word id of the k-th token that may repeat.
 */
const scratch: { edges: Int32Array; starts: Int32Array; fingerprints: Int32Array; prefix: Int32Array; words: Int32Array } = {
  edges: new Int32Array(1024),
  starts: new Int32Array(1024),
  fingerprints: new Int32Array(1024),
  prefix: new Int32Array(1025),
  words: new Int32Array(1024)
}

/** What `scanText` found in the text it last read. */
const scanned = {
  /** The text's length. */
  length: 0,
  /** Whitespace-separated words (chunks): `scratch.edges[0, 2 * words)`. */
  words: 0,
  /** Tokens made of the chunks by `readWords`. */
  tokens: 0
}

/** Loads `text` and finds its whitespace-separated chunks, in the kernel or in JavaScript. */
function scanText(text: string): void {
  loadUnits(text)
  if (engine) {
    scanned.length = text.length
    scanned.words = engine.scan()
    scanned.tokens = 0
    return
  }
  referenceScan(text.length)
}

/**
 * The chunks of the loaded text, in JavaScript, into `scratch.edges`: one pass with no branch on
 * the characters (where a chunk starts or ends is recorded by always writing the position and
 * moving on only at a change), since a branch per character mispredicts at every word boundary.
 */
function referenceScan(length: number): void {
  if (scratch.edges.length < length + 4) scratch.edges = new Int32Array(Math.max(length + 4, 2 * scratch.edges.length))
  const { edges } = scratch
  const text16 = units
  const spaces = spaceBits
  let edge = 0
  let previous = 1
  // Four units a step; the spaces after the text (units[length, length + 3)) close a last chunk
  // when the length is not a multiple of four.
  for (let i = 0; i < length; i += 4) {
    const first = spaces[text16[i]]
    const second = spaces[text16[i + 1]]
    const third = spaces[text16[i + 2]]
    const fourth = spaces[text16[i + 3]]
    edges[edge] = i
    edge += previous ^ first
    edges[edge] = i + 1
    edge += first ^ second
    edges[edge] = i + 2
    edge += second ^ third
    edges[edge] = i + 3
    edge += third ^ fourth
    previous = fourth
  }
  if (previous === 0) edges[edge++] = length
  scanned.length = length
  scanned.words = edge >> 1
  scanned.tokens = 0
}

/** Newline characters in `text`, counted up to `cap` by native searches. */
function newlinesUpTo(text: string, cap: number): number {
  let count = 0
  for (let at = text.indexOf('\n'); at !== -1 && count < cap; at = text.indexOf('\n', at + 1)) count++
  return count
}

/** Newline characters in the loaded text. */
function newlineCount(text: string): number {
  let at = text.indexOf('\n')
  if (at === -1) return 0
  const text16 = units
  const length = scanned.length
  let newlines = 0
  for (; at < length; at++) if (text16[at] === 10) newlines++
  return newlines
}

/** The chunks `scanText` found, start and end of each: in the kernel's memory or in `scratch`. */
function chunkEdges(): Int32Array {
  return engine ? engine.edges() : scratch.edges
}

/** Lines of the loaded text holding something other than whitespace. */
function nonEmptyLines(): number {
  const edges = chunkEdges()
  const text16 = units
  let lines = 0
  let lastLine = -1
  let line = 0
  let at = 0
  // Each chunk lies within one line: count the lines that some chunk starts on.
  for (let chunk = 0; chunk < scanned.words; chunk++) {
    const start = edges[2 * chunk]
    for (; at < start; at++) if (text16[at] === 10) line++
    if (line !== lastLine) {
      lines++
      lastLine = line
    }
  }
  return lines
}

/**
 * Word keys: a token's first four units, exactly, in two 32-bit halves (masked to its length), so
 * that tokens of up to four units are told apart by their keys alone and longer ones are
 * compared only beyond them.
 */
const LOW_MASKS = new Int32Array([0, 0xffff, -1, -1, -1])
const HIGH_MASKS = new Int32Array([0, 0, 0, 0xffff, -1])
const KEYED_UNITS = 4

/**
 * The distinct ranges of one text (words, lines, paragraphs), compared by content: ranges with
 * the same keys and length are compared unit by unit beyond what the keys already prove, so no
 * two different ones are ever taken for each other. Each distinct range gets a dense id with a
 * count. One instance serves every text: it grows to the largest seen and is emptied in O(1) by
 * moving to a new generation.
 */
class RangeTable {
  private lowKeys = new Int32Array(0)
  private highKeys = new Int32Array(0)
  private generations = new Int32Array(0)
  private slotIds = new Int32Array(0)
  private firstStarts = new Int32Array(0)
  private lengths = new Int32Array(0)
  /** Occurrences of each distinct range, by id. */
  counts = new Int32Array(0)
  private mask = 0
  private shift = 0
  private generation = 0
  private distinct = 0

  /**
   * Empties the table and sizes it for `ranges` ranges: a quarter full at most, since a probe
   * past a taken slot costs more than the memory.
   */
  reset(ranges: number): void {
    let capacity = 16
    while (capacity < ranges * 4) capacity *= 2
    if (capacity > this.slotIds.length) {
      this.lowKeys = new Int32Array(capacity)
      this.highKeys = new Int32Array(capacity)
      this.generations = new Int32Array(capacity)
      this.slotIds = new Int32Array(capacity)
      this.firstStarts = new Int32Array(capacity)
      this.lengths = new Int32Array(capacity)
      this.counts = new Int32Array(capacity)
      this.generation = 0
    }
    this.mask = capacity - 1
    this.shift = Math.clz32(capacity - 1)
    this.generation++
    if (this.generation === 0x7fffffff) {
      this.generations.fill(0)
      this.generation = 1
    }
    this.distinct = 0
  }

  /**
   * Counts one occurrence of the loaded text's [start, start + length), keyed by `low` and
   * `high`, which prove equal the first `proven` units of ranges with equal keys; returns its id.
   */
  add(start: number, length: number, low: number, high: number, proven: number): number {
    const { generations, slotIds, lengths, generation } = this
    // Multiplicative hashing: the top bits of the product depend on every bit of the keys.
    let slot = (imul(low, 0x9e3779b1) + imul(high ^ length, 0x85ebca6b)) >>> this.shift
    while (generations[slot] === generation) {
      const id = slotIds[slot]
      if (this.lowKeys[slot] === low && this.highKeys[slot] === high && lengths[id] === length && (length <= proven || sameUnits(this.firstStarts[id] + proven, start + proven, length - proven))) {
        this.counts[id]++
        return id
      }
      slot = (slot + 1) & this.mask
    }
    const id = this.distinct++
    generations[slot] = generation
    this.lowKeys[slot] = low
    this.highKeys[slot] = high
    slotIds[slot] = id
    this.firstStarts[id] = start
    lengths[id] = length
    this.counts[id] = 1
    return id
  }
}

/**
 * True when the loaded text holds the same units at [first, first + length) and [second, second +
 * length). Compared four units at a time, masked to the length, so that the words of prose (up
 * to eight units) take one step whatever their length: a loop that stops at the length
 * mispredicts its exit.
 */
function sameUnits(first: number, second: number, length: number): boolean {
  const text16 = units
  for (let k = 0; k < length; k += KEYED_UNITS) {
    const left = length - k
    const keyed = left < KEYED_UNITS ? left : KEYED_UNITS
    const a = first + k
    const b = second + k
    const low = ((text16[a] | (text16[a + 1] << 16)) ^ (text16[b] | (text16[b + 1] << 16))) & LOW_MASKS[keyed]
    const high = ((text16[a + 2] | (text16[a + 3] << 16)) ^ (text16[b + 2] | (text16[b + 3] << 16))) & HIGH_MASKS[keyed]
    if ((low | high) !== 0) return false
  }
  return true
}

const wordTable = new RangeTable()
const ngrams = new RepeatedNgrams()
const ngramFingerprints = new NgramFingerprints()

/** Grows the per-token scratch arrays to hold `tokens` tokens. */
function growTokens(tokens: number): void {
  let size = scratch.starts.length
  while (size < tokens) size *= 2
  scratch.starts = new Int32Array(size)
  scratch.fingerprints = new Int32Array(size)
  scratch.prefix = new Int32Array(size + 1)
  scratch.words = new Int32Array(size)
}

/** The first two units of the token [start, start + length), as a word key. */
function lowKey(start: number, length: number): number {
  return (units[start] | (units[start + 1] << 16)) & LOW_MASKS[length < KEYED_UNITS ? length : KEYED_UNITS]
}

/** Its third and fourth units, as a word key. */
function highKey(start: number, length: number): number {
  return (units[start + 2] | (units[start + 3] << 16)) & HIGH_MASKS[length < KEYED_UNITS ? length : KEYED_UNITS]
}

/**
 * A token's fingerprint: its first two units (one if it has one), its last unit and its length,
 * mixed. Equal tokens have equal fingerprints, which is all the bounds need; the units chosen
 * are those the tokenizer has already read but one, and tell most words apart.
 */
function fingerprintOf(start: number, length: number): number {
  return imul(units[start] | ((units[start + 1] & ((1 - length) >> 31)) << 16), 0x2c1b3c6d) + imul((units[start + length - 1] << 8) ^ length, 0x297a2d39)
}

/**
 * Token `count` of the loaded text is [start, end): fingerprints it, counts the fingerprint and
 * sums the characters up to it. Returns the next token's index.
 */
function addToken(start: number, end: number, count: number): number {
  const { starts, fingerprints, prefix } = scratch
  const { buckets, shift } = ngramFingerprints
  const length = end - start
  const fingerprint = fingerprintOf(start, length)
  const seen = buckets[fingerprint >>> shift]
  buckets[fingerprint >>> shift] = seen + ((seen - 255) >>> 31)
  starts[count] = start
  fingerprints[count] = fingerprint
  prefix[count + 1] = prefix[count] + length
  return count + 1
}

/**
 * The tokens of a chunk that starts or ends with something other than a word character: a run
 * of punctuation at either end is a token of its own, a chunk of punctuation alone is one token.
 * Returns the next token's index.
 */
function splitChunk(chunkStart: number, chunkEnd: number, count: number): number {
  const text16 = units
  let start = chunkStart
  while (start < chunkEnd && classOf(text16[start]) !== WORD) start++
  if (start === chunkEnd) return addToken(chunkStart, chunkEnd, count)
  let end = chunkEnd
  while (classOf(text16[end - 1]) !== WORD) end--
  if (start > chunkStart) count = addToken(chunkStart, start, count)
  count = addToken(start, end, count)
  return end < chunkEnd ? addToken(end, chunkEnd, count) : count
}

/**
 * Splits the chunks `scanText` found as NLTK roughly splits prose, with a run of punctuation at
 * the start or end of a chunk split off as a token of its own (`"Quoted",` → `"`, `Quoted`,
 * `",`) and a chunk of punctuation alone kept whole, into `scratch`: each token's start,
 * fingerprint (counted into `ngramFingerprints`' buckets) and the characters before it.
 */
function readWords(): void {
  const chunks = scanned.words
  // A chunk makes three tokens at most (punctuation at both ends).
  if (scratch.starts.length < 3 * chunks) growTokens(3 * chunks)
  ngramFingerprints.prepare(chunks)
  const { starts, fingerprints, prefix } = scratch
  const edges = chunkEdges()
  const { buckets, shift } = ngramFingerprints
  const text16 = units
  const classes = charClasses
  prefix[0] = 0
  let count = 0
  let characters = 0
  for (let chunk = 0; chunk < chunks; chunk++) {
    const start = edges[2 * chunk]
    const end = edges[2 * chunk + 1]
    // Most chunks start and end with a word character: the whole chunk is the word (this is
    // addToken and fingerprintOf written out, so that the loop calls nothing and keeps its
    // arrays in registers).
    if (classes[text16[start]] !== WORD || classes[text16[end - 1]] !== WORD) {
      count = splitChunk(start, end, count)
      characters = prefix[count]
      continue
    }
    const length = end - start
    const first = text16[start]
    const last = text16[end - 1]
    // fingerprintOf; the second unit counts only in a token that has one.
    const fingerprint = imul(first | ((text16[start + 1] & ((1 - length) >> 31)) << 16), 0x2c1b3c6d) + imul((last << 8) ^ length, 0x297a2d39)
    // Counts up to 255 and stays there, without a branch.
    const seen = buckets[fingerprint >>> shift]
    buckets[fingerprint >>> shift] = seen + ((seen - 255) >>> 31)
    starts[count] = start
    fingerprints[count] = fingerprint
    characters += length
    prefix[++count] = characters
  }
  scanned.tokens = count
}

/**
 * Word ids for the tokens that may repeat (`ngramFingerprints.firstPositions`), in `scratch.words`:
 * equal ids, equal tokens, compared exactly.
 */
function identifyWords(): void {
  const { starts, prefix, words } = scratch
  const { firstPositions, firstSize } = ngramFingerprints
  wordTable.reset(firstSize)
  for (let k = 0; k < firstSize; k++) {
    const i = firstPositions[k]
    const start = starts[i]
    const length = prefix[i + 1] - prefix[i]
    words[k] = wordTable.add(start, length, lowKey(start, length), highKey(start, length), KEYED_UNITS)
  }
}

/** The words the n-gram rules see, for tests and explanations. */
export function gopherWords(text: string): string[] {
  useKernel(true)
  scanText(text)
  readWords()
  // Empties the buckets readWords counted into.
  ngramFingerprints.start(scratch.fingerprints, scanned.tokens)
  const { starts, prefix } = scratch
  return Array.from({ length: scanned.tokens }, (_, i) => text.slice(starts[i], starts[i] + prefix[i + 1] - prefix[i]))
}

/** Limits read once into the shape the hot loop wants: the n-gram rules by ascending n, with their ids and names. */
class RepetitionRules {
  readonly topNs: number[]
  readonly topLimits: number[]
  readonly topRules: string[]
  readonly topNames: string[]
  readonly topChars: Float64Array
  readonly duplicatedNs: number[]
  readonly duplicatedLimits: number[]
  readonly duplicatedRules: string[]
  readonly duplicatedNames: string[]
  readonly duplicatedChars: Float64Array
  readonly longestN: number
  /** With no negative limit, a text of one line (one paragraph) breaks no line or paragraph rule. */
  readonly oneLineBreaksNone: boolean
  /** The limits by n as the kernel reads them; undefined when n goes beyond what it holds. */
  readonly kernelRules: KernelRules | undefined

  constructor(readonly limits: RepetitionLimits) {
    const top = [...limits.topNgramCharFrac].sort((a, b) => a[0] - b[0])
    const duplicated = [...limits.dupNgramCharFrac].sort((a, b) => a[0] - b[0])
    this.topNs = top.map(([n]) => n)
    this.topLimits = top.map(([, limit]) => limit)
    this.topRules = this.topNs.map((n) => `top_${n}_gram`)
    this.topNames = this.topNs.map((n) => `top ${n}-gram character fraction`)
    this.topChars = new Float64Array(top.length)
    this.duplicatedNs = duplicated.map(([n]) => n)
    this.duplicatedLimits = duplicated.map(([, limit]) => limit)
    this.duplicatedRules = this.duplicatedNs.map((n) => `duplicated_${n}_n_grams`)
    this.duplicatedNames = this.duplicatedNs.map((n) => `duplicated ${n}-gram character fraction`)
    this.duplicatedChars = new Float64Array(duplicated.length)
    this.longestN = Math.max(0, ...this.topNs, ...this.duplicatedNs)
    this.oneLineBreaksNone = Math.min(limits.dupParaFrac, limits.dupParaCharFrac, limits.dupLineFrac, limits.dupLineCharFrac) >= 0
    this.kernelRules = this.longestN <= KERNEL_MAX_N ? this.limitsByN() : undefined
  }

  /** Each n's two limits, NaN where it has none, met as `ngramRules` meets them: in ascending order. */
  private limitsByN(): KernelRules {
    const longest = Math.floor(this.longestN)
    const byN = new Float64Array(2 * longest).fill(NaN)
    let top = 0
    let duplicated = 0
    for (let n = 1; n <= longest; n++) {
      if (top < this.topNs.length && this.topNs[top] === n) byN[2 * (n - 1)] = this.topLimits[top++]
      if (duplicated < this.duplicatedNs.length && this.duplicatedNs[duplicated] === n) byN[2 * (n - 1) + 1] = this.duplicatedLimits[duplicated++]
    }
    return byN
  }
}

function report(hits: RepetitionHit[], rule: string, name: string, value: number, limit: number): void {
  if (value > limit) hits.push({ rule, name, value, limit })
}

/**
 * Repeats among the lines or paragraphs of the loaded text, as datatrove's `find_duplicates`
 * counts them: an element equal to an earlier one is a repeat, and its characters are repeated
 * characters.
 */
class Repeats {
  private readonly table = new RangeTable()
  elements = 0
  repeated = 0
  repeatedChars = 0

  /** Starts over for at most `elements` elements. */
  reset(elements: number): void {
    this.table.reset(elements)
    this.elements = 0
    this.repeated = 0
    this.repeatedChars = 0
  }

  /** Adds the element [start, end), whose FNV hash is `hash`. */
  add(start: number, end: number, hash: number): void {
    this.elements++
    if (this.table.counts[this.table.add(start, end - start, hash, 0, 0)] > 1) {
      this.repeated++
      this.repeatedChars += end - start
    }
  }
}

const lineRepeats = new Repeats()

/** The paragraph and line rules: `text.trim().split(/\n{2,}/)` and `text.split(/\n+/)`, in place. */
function lineAndParagraphRules(text: string, limits: RepetitionLimits, hits: RepetitionHit[]): void {
  const length = text.length
  const repeats = lineRepeats
  const text16 = units
  const elements = newlineCount(text) + 1
  let from = 0
  let to = length
  while (from < to && spaceBits[text16[from]] === 1) from++
  while (to > from && spaceBits[text16[to - 1]] === 1) to--
  repeats.reset(elements)
  let start = from
  let hash = HASH_SEED
  let i = from
  while (i < to) {
    const code = text16[i]
    // The trimmed text ends in a non-space, so a newline in it is never its last character.
    if (code === 10 && text16[i + 1] === 10) {
      repeats.add(start, i, hash)
      i += 2
      while (text16[i] === 10) i++
      start = i
      hash = HASH_SEED
      continue
    }
    hash = imul(hash ^ code, HASH_PRIME)
    i++
  }
  repeats.add(start, to, hash)
  report(hits, 'dup_para_frac', 'duplicate paragraph fraction', repeats.repeated / repeats.elements, limits.dupParaFrac)
  report(hits, 'dup_para_char_frac', 'duplicate paragraph character fraction', repeats.repeatedChars / length, limits.dupParaCharFrac)

  repeats.reset(elements)
  start = 0
  hash = HASH_SEED
  i = 0
  while (i < length) {
    const code = text16[i]
    if (code === 10) {
      repeats.add(start, i, hash)
      i++
      while (i < length && text16[i] === 10) i++
      start = i
      hash = HASH_SEED
      continue
    }
    hash = imul(hash ^ code, HASH_PRIME)
    i++
  }
  repeats.add(start, length, hash)
  report(hits, 'dup_line_frac', 'duplicate line fraction', repeats.repeated / repeats.elements, limits.dupLineFrac)
  report(hits, 'dup_line_char_frac', 'duplicate line character fraction', repeats.repeatedChars / length, limits.dupLineCharFrac)
}

/** The top and duplicated n-gram rules over the words of the text `scanText` last read. */
function ngramRules(text: string, rules: RepetitionRules, hits: RepetitionHit[]): void {
  if (engine && rules.kernelRules) {
    // The kernel bounds the rules as the code below does; the rare text it cannot prove clean
    // goes on to the exact rules, over the chunks the kernel found (its memory may have grown:
    // `units` is then a new view of it).
    if (engine.ngramsClean(rules.kernelRules, Math.floor(rules.longestN), bucketShift(scanned.words))) return
    units = engine.units
  }
  readWords()
  const count = scanned.tokens
  const { fingerprints, prefix } = scratch
  const length = text.length
  const { topNs, topLimits, topChars, duplicatedNs, duplicatedLimits, duplicatedChars } = rules
  const last = Math.min(rules.longestN, count)

  // Bounds from fingerprints first: if none breaks its limit, no rule is broken, and most texts
  // end here without an exact word id.
  let top = 0
  let duplicated = 0
  let clean = true
  ngramFingerprints.start(fingerprints, count)
  for (let n = 1; n <= last && clean; n++) {
    if (n > 1) ngramFingerprints.advance()
    if (top < topNs.length && topNs[top] === n) clean = ngramFingerprints.topBound(prefix) / length <= topLimits[top++]
    if (duplicated < duplicatedNs.length && duplicatedNs[duplicated] === n) clean &&= ngramFingerprints.duplicatedBound(prefix) / length <= duplicatedLimits[duplicated++]
  }
  if (clean) return

  // The rules of each n, exactly, for n up to the longest asked for and the words there are;
  // once no n-gram repeats, each further level costs nothing.
  identifyWords()
  top = 0
  duplicated = 0
  ngrams.start(ngramFingerprints.firstPositions, scratch.words, ngramFingerprints.firstSize, wordTable.counts)
  for (let n = 1; n <= last; n++) {
    if (n > 1) ngrams.advance()
    if (top < topNs.length && topNs[top] === n) {
      // Characters of the n-gram joined by single spaces, times its count (datatrove counts a
      // top n-gram seen once too).
      const best = ngrams.topCount()
      const at = ngrams.topAt
      topChars[top++] = (prefix[at + n] - prefix[at] + (n - 1)) * best
    }
    if (duplicated < duplicatedNs.length && duplicatedNs[duplicated] === n) duplicatedChars[duplicated++] = ngrams.duplicatedChars(prefix)
  }
  for (let k = 0; k < top; k++) report(hits, rules.topRules[k], rules.topNames[k], topChars[k] / length, topLimits[k])
  for (let k = 0; k < duplicated; k++) report(hits, rules.duplicatedRules[k], rules.duplicatedNames[k], duplicatedChars[k] / length, duplicatedLimits[k])
}

/** The rules the text `scanText` last read breaks, appended to `hits` in datatrove's order. */
function repetitionHits(text: string, rules: RepetitionRules, lineRules: boolean, ngramRulesToo: boolean, hits: RepetitionHit[]): void {
  if (text.length === 0) return
  // One line is one paragraph: nothing repeats, every line and paragraph fraction is 0.
  if (lineRules && !(rules.oneLineBreaksNone && text.indexOf('\n') === -1)) lineAndParagraphRules(text, rules.limits, hits)
  if (ngramRulesToo) ngramRules(text, rules, hits)
}

/**
 * The Gopher repetition rules `text` breaks, in datatrove's order (paragraphs, lines, top n-grams,
 * duplicated n-grams). `lineRules` and `ngramRules` switch the two families, for texts too short
 * for one of them to mean anything.
 */
export function gopherRepetition(text: string, limits: RepetitionLimits = GOPHER_LIMITS, options: { lineRules?: boolean; ngramRules?: boolean; reference?: boolean } = {}): RepetitionHit[] {
  const hits: RepetitionHit[] = []
  useKernel(options.reference === true)
  scanText(text)
  repetitionHits(text, new RepetitionRules(limits), options.lineRules !== false, options.ngramRules !== false, hits)
  return hits
}

/** Per field: texts checked, texts flagged, and how often each rule was the first broken. */
export interface RepetitionSummary {
  fields: Record<string, { checked: number; flagged: number; byRule: Record<string, number> }>
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
    const rules = new RepetitionRules({
      dupParaFrac: numberSetting(config, 'dupParaFrac', GOPHER_LIMITS.dupParaFrac),
      dupParaCharFrac: numberSetting(config, 'dupParaCharFrac', GOPHER_LIMITS.dupParaCharFrac),
      dupLineFrac: numberSetting(config, 'dupLineFrac', GOPHER_LIMITS.dupLineFrac),
      dupLineCharFrac: numberSetting(config, 'dupLineCharFrac', GOPHER_LIMITS.dupLineCharFrac),
      topNgramCharFrac: numberMapSetting(config, 'topNgramCharFrac', GOPHER_LIMITS.topNgramCharFrac),
      dupNgramCharFrac: numberMapSetting(config, 'dupNgramCharFrac', GOPHER_LIMITS.dupNgramCharFrac)
    })
    const summary: RepetitionSummary = { fields: {} }
    const hits: RepetitionHit[] = []

    return {
      record(record: DatasetRecord, emit: Emit): void {
        useKernel(false)
        for (const field of fields) {
          const text = textOf(valueAt(record.fields, field))
          if (text === undefined) continue
          // Too short for any rule, told without reading it: a word and a separator take two
          // characters, and a non-empty line holds a word.
          const mostWords = Math.ceil(text.length / 2)
          if (mostWords < minWords && mostWords < minNgramWords && Math.min(mostWords, newlinesUpTo(text, minLines) + 1) < minLines) continue
          scanText(text)
          const words = scanned.words
          // No word: empty or whitespace only (what `text.trim() === ''` tells).
          if (words === 0) continue
          // A non-empty line holds a word, so there are no more of them than words or lines.
          const lineRules = words >= minWords || (Math.min(words, newlineCount(text) + 1) >= minLines && nonEmptyLines() >= minLines)
          const ngramRulesToo = words >= minNgramWords
          if (!lineRules && !ngramRulesToo) continue
          const stats = (summary.fields[field] ??= { checked: 0, flagged: 0, byRule: {} })
          stats.checked++
          hits.length = 0
          repetitionHits(text, rules, lineRules, ngramRulesToo, hits)
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
