import { deflateRawSync, deflateSync } from 'node:zlib'
import type { Check, CheckContext, CheckRun, Emit } from './types.js'
import type { DatasetRecord } from '../types.js'
import { textOf, valueAt } from '../text.js'
import { isBlank } from './prefix-diversity.js'
import { Reservoir } from '../stats/sampling.js'
import { numberSetting } from '../stats/settings.js'
import { grownTo } from '../typed-arrays.js'
import { writeUtf8 } from '../buffer-writes.js'

/** Token budgets at which distinct-n is measured, so two sides are compared on equal footing. */
export const TOKEN_BUDGETS = [1000, 10000, 100000] as const
/** Character budgets at which the compression ratio is measured. */
export const CHAR_BUDGETS = [10000, 100000, 1000000] as const

const WORD = /[\p{L}\p{N}]+/gu

/** Lower-cased words (runs of letters and digits). */
export function tokensOf(text: string): string[] {
  return text.toLowerCase().match(WORD) ?? []
}

/** distinct-n at one token budget. */
export interface DistinctAt {
  tokens: number
  distinct1: number
  distinct2: number
}

/** Compression ratio at one character budget. */
export interface CompressionAt {
  chars: number
  ratio: number
}

/**
 * distinct-1 and distinct-2 (unique unigrams, bigrams over all of them; bigrams do not cross
 * texts) of texts in order, measured after the first `budget` tokens for each budget reached, and
 * over all the texts. Distinct-n falls as text grows, so only equal budgets compare.
 *
 * No string is made per word or bigram. Words are told apart by a 64-bit hash of their characters,
 * read from the text in place (a false match among a sample's tens of thousands of words has odds
 * of about 1 in 10^10), and numbered as they come; a bigram is then a pair of word numbers, told
 * apart exactly, counted once the bigrams are grouped by their first word.
 */
export function distinctN(texts: readonly string[], budgets: readonly number[] = TOKEN_BUDGETS): { all: DistinctAt; at: DistinctAt[] } {
  const words = new WordNumbers()
  const bigrams = new BigramList()
  let tokens = 0
  // Where each budget was reached: the words and bigrams seen by then.
  const reached: Array<{ tokens: number; words: number; bigrams: number }> = []
  let next = 0
  for (const text of texts) {
    const count = hashWords(text)
    const { high, low } = wordScratch
    let previous = -1
    for (let k = 0; k < count; k++) {
      tokens++
      const word = words.numberOf(high[k], low[k])
      if (previous !== -1) bigrams.push(previous, word)
      previous = word
      if (next < budgets.length && tokens === budgets[next]) {
        reached.push({ tokens, words: words.size, bigrams: bigrams.length })
        next++
      }
    }
  }
  const cuts = [...reached.map((point) => point.bigrams), bigrams.length]
  const distinctBigrams = bigrams.distinctBefore(cuts, words.size)
  const measure = (tokenCount: number, wordCount: number, bigramCount: number, distinct: number): DistinctAt => ({
    tokens: tokenCount,
    distinct1: tokenCount === 0 ? 0 : wordCount / tokenCount,
    distinct2: bigramCount === 0 ? 0 : distinct / bigramCount
  })
  return {
    all: measure(tokens, words.size, bigrams.length, distinctBigrams[reached.length]),
    at: reached.map((point, i) => measure(point.tokens, point.words, point.bigrams, distinctBigrams[i]))
  }
}

/** distinctN by its definition: a string per word and per bigram, in Sets. */
export function distinctNOfStrings(texts: readonly string[], budgets: readonly number[] = TOKEN_BUDGETS): { all: DistinctAt; at: DistinctAt[] } {
  const unigrams = new Set<string>()
  const bigrams = new Set<string>()
  let tokens = 0
  let bigramCount = 0
  const at: DistinctAt[] = []
  let next = 0
  const snapshot = (): DistinctAt => ({ tokens, distinct1: tokens === 0 ? 0 : unigrams.size / tokens, distinct2: bigramCount === 0 ? 0 : bigrams.size / bigramCount })
  for (const text of texts) {
    let previous: string | undefined
    for (const token of tokensOf(text)) {
      tokens++
      unigrams.add(token)
      if (previous !== undefined) {
        bigramCount++
        bigrams.add(`${previous} ${token}`)
      }
      previous = token
      if (next < budgets.length && tokens === budgets[next]) {
        at.push(snapshot())
        next++
      }
    }
  }
  return { all: snapshot(), at }
}

// Read once: under jest every access to the global `Math` goes through the sandbox's global object.
const imul = Math.imul

/**
 * The two 32-bit hashes of each word of the last text hashWords read, and that text's UTF-8
 * bytes; grown to the longest text.
 */
const wordScratch = { high: new Int32Array(256), low: new Int32Array(256), bytes: Buffer.alloc(768) }

/** Makes room in wordScratch for `words` words. */
function reserveWords(words: number): void {
  if (wordScratch.high.length >= words) return
  wordScratch.high = new Int32Array(words)
  wordScratch.low = new Int32Array(words)
}

/** The two hash lanes of a word, from its (lower-cased) character codes; see hashWords. */
const HIGH_SEED = 0x811c9dc5
const LOW_SEED = 0x9747b28c
const stepHigh = (hash: number, code: number): number => imul(hash ^ code, 0x01000193)
const stepLow = (hash: number, code: number): number => {
  const mixed = imul(hash ^ code, 0x5bd1e995)
  return mixed ^ (mixed >>> 15)
}
const finishHigh = (hash: number): number => imul(hash ^ (hash >>> 16), 0x45d9f3b)
const finishLow = (hash: number): number => imul(hash ^ (hash >>> 13), 0x2c1b3c6d)

/**
 * Hashes the words of `text`, as tokensOf cuts them, into wordScratch; returns how many. An
 * ASCII text (one UTF-8 byte per character) is read from its bytes: its letters are A-Z and a-z,
 * its digits 0-9 (the only \p{L} and \p{N} of ASCII), and lower-casing maps only A-Z. Any
 * other text goes through tokensOf.
 */
function hashWords(text: string): number {
  // A UTF-16 unit takes at most 3 UTF-8 bytes.
  if (wordScratch.bytes.length < 3 * text.length) wordScratch.bytes = Buffer.alloc(3 * text.length)
  const bytes = wordScratch.bytes
  const length = writeUtf8(bytes, text)
  if (length !== text.length) return hashTokens(tokensOf(text))
  reserveWords(length)
  const { high: highs, low: lows } = wordScratch
  let count = 0
  let inWord = false
  let high = HIGH_SEED
  let low = LOW_SEED
  for (let i = 0; i < length; i++) {
    let code = bytes[i]
    // Digits, upper-case letters (lowered), lower-case letters: everything else ends a word.
    if (code >= 65 && code <= 90) code += 32
    else if (!((code >= 97 && code <= 122) || (code >= 48 && code <= 57))) {
      if (inWord) {
        highs[count] = finishHigh(high)
        lows[count] = finishLow(low)
        count++
        inWord = false
        high = HIGH_SEED
        low = LOW_SEED
      }
      continue
    }
    inWord = true
    high = stepHigh(high, code)
    low = stepLow(low, code)
  }
  if (inWord) {
    highs[count] = finishHigh(high)
    lows[count] = finishLow(low)
    count++
  }
  return count
}

/** hashWords for words already cut as strings. */
function hashTokens(tokens: readonly string[]): number {
  reserveWords(tokens.length)
  const { high: highs, low: lows } = wordScratch
  for (let k = 0; k < tokens.length; k++) {
    const token = tokens[k]
    let high = HIGH_SEED
    let low = LOW_SEED
    for (let i = 0; i < token.length; i++) {
      const code = token.charCodeAt(i)
      high = stepHigh(high, code)
      low = stepLow(low, code)
    }
    highs[k] = finishHigh(high)
    lows[k] = finishLow(low)
  }
  return tokens.length
}

/**
 * Numbers for words given as the two 32-bit halves of their 64-bit hash, 0, 1, 2... in order of
 * first sight: open addressing, linear probing, at most half full, a slot's halves and number
 * side by side so that a probe reads one cache line.
 */
class WordNumbers {
  /** Per slot: high half, low half, number + 1 (0: empty). */
  private slots = new Int32Array(3 * 1024)
  private mask = 1023
  /** Distinct words numbered. */
  size = 0

  numberOf(high: number, low: number): number {
    const slots = this.slots
    let slot = (low ^ imul(high, 0x9e3779b1)) & this.mask
    for (;;) {
      const at = 3 * slot
      const held = slots[at + 2]
      if (held === 0) break
      if (slots[at] === high && slots[at + 1] === low) return held - 1
      slot = (slot + 1) & this.mask
    }
    const number = this.size++
    slots[3 * slot] = high
    slots[3 * slot + 1] = low
    slots[3 * slot + 2] = number + 1
    if (this.size * 2 > this.mask + 1) this.grow()
    return number
  }

  private grow(): void {
    const old = this.slots
    const mask = 2 * (this.mask + 1) - 1
    const slots = new Int32Array(3 * (mask + 1))
    for (let at = 0; at < old.length; at += 3) {
      if (old[at + 2] === 0) continue
      let slot = (old[at + 1] ^ imul(old[at], 0x9e3779b1)) & mask
      while (slots[3 * slot + 2] !== 0) slot = (slot + 1) & mask
      slots.set(old.subarray(at, at + 3), 3 * slot)
    }
    this.slots = slots
    this.mask = mask
  }
}

/** Bigrams as pairs of word numbers, in order. */
class BigramList {
  private first: Int32Array = new Int32Array(1024)
  private second: Int32Array = new Int32Array(1024)
  length = 0

  push(first: number, second: number): void {
    if (this.length === this.first.length) {
      this.first = grownTo(this.first, 2 * this.first.length)
      this.second = grownTo(this.second, 2 * this.second.length)
    }
    this.first[this.length] = first
    this.second[this.length] = second
    this.length++
  }

  /**
   * For each cut (ascending bigram counts), the distinct bigrams among the first `cut`. Bigrams are
   * grouped by first word (a counting sort, which keeps their order), and within a group a second
   * word is new while it is not yet marked with that group's first word: no hashing, no probing.
   */
  distinctBefore(cuts: readonly number[], wordCount: number): number[] {
    const { first, second, length } = this
    const groupStart = new Int32Array(wordCount + 1)
    for (let i = 0; i < length; i++) groupStart[first[i] + 1]++
    for (let word = 0; word < wordCount; word++) groupStart[word + 1] += groupStart[word]
    const fill = groupStart.slice(0, wordCount)
    const grouped = new Int32Array(length)
    const positions = new Int32Array(length)
    for (let i = 0; i < length; i++) {
      const at = fill[first[i]]++
      grouped[at] = second[i]
      positions[at] = i
    }
    const markedAfter = new Int32Array(wordCount).fill(-1)
    const distinct = cuts.map(() => 0)
    for (let word = 0; word < wordCount; word++) {
      for (let at = groupStart[word]; at < groupStart[word + 1]; at++) {
        const follower = grouped[at]
        if (markedAfter[follower] === word) continue
        markedAfter[follower] = word
        // First sight of this bigram: it counts for every cut after it.
        const position = positions[at]
        for (let cut = 0; cut < cuts.length; cut++) if (position < cuts[cut]) distinct[cut]++
      }
    }
    return distinct
  }
}

/**
 * zlib compression ratio (raw bytes / compressed bytes; higher = more repetitive) of the texts
 * joined by newlines, after the first `budget` characters for each budget reached, and over all.
 *
 * The joined text is encoded once and each budget compressed from a view of it, raw deflate with
 * zlib's 2-byte header and 4-byte Adler-32 trailer counted rather than computed: the same lengths
 * as `deflateSync` of each cut, encoded anew.
 */
export function compressionRatios(texts: readonly string[], budgets: readonly number[] = CHAR_BUDGETS): { all: CompressionAt; at: CompressionAt[] } {
  const joined = texts.join('\n')
  const bytes = Buffer.from(joined, 'utf8')
  const ratio = (chars: number): number => {
    const cut = cutBytes(joined, bytes, chars)
    return cut.length === 0 ? 0 : cut.length / (deflateRawSync(cut, { chunkSize: deflateChunk(cut.length) }).length + ZLIB_FRAMING_BYTES)
  }
  const at = budgets.filter((budget) => joined.length >= budget).map((budget) => ({ chars: budget, ratio: ratio(budget) }))
  return { all: { chars: joined.length, ratio: ratio(joined.length) }, at }
}

/** compressionRatios by its definition: each cut of the joined text encoded and deflateSync'ed anew. */
export function compressionRatiosOfCuts(texts: readonly string[], budgets: readonly number[] = CHAR_BUDGETS): { all: CompressionAt; at: CompressionAt[] } {
  const joined = texts.join('\n')
  const ratio = (text: string): number => {
    const raw = Buffer.byteLength(text, 'utf8')
    return raw === 0 ? 0 : raw / deflateSync(Buffer.from(text, 'utf8')).length
  }
  const at = budgets.filter((budget) => joined.length >= budget).map((budget) => ({ chars: budget, ratio: ratio(joined.slice(0, budget)) }))
  return { all: { chars: joined.length, ratio: ratio(joined) }, at }
}

/** zlib's header (2 bytes: no preset dictionary) and Adler-32 trailer (4 bytes) around raw deflate. */
const ZLIB_FRAMING_BYTES = 6

/** One output chunk for the whole compressed text (text rarely compresses to more than its size), so zlib is called once. */
const deflateChunk = (inputBytes: number): number => Math.max(64, Math.min(inputBytes + 1024, 16 << 20))

/**
 * The UTF-8 bytes of joined.slice(0, chars): a view of `bytes` (all of `joined`, encoded), unless
 * the cut splits a surrogate pair, whose half the slice would encode on its own as U+FFFD.
 */
function cutBytes(joined: string, bytes: Buffer, chars: number): Buffer {
  if (chars >= joined.length) return bytes
  // As many bytes as characters: all ASCII, one byte each.
  if (bytes.length === joined.length) return bytes.subarray(0, chars)
  const last = joined.charCodeAt(chars - 1)
  const slice = joined.slice(0, chars)
  if (last >= 0xd800 && last <= 0xdbff) return Buffer.from(slice, 'utf8')
  return bytes.subarray(0, Buffer.byteLength(slice, 'utf8'))
}

/** One field's lexical diversity. */
export interface FieldDiversity {
  /** Texts seen, and kept in the sample. */
  texts: number
  sampled: number
  distinct1: number
  distinct2: number
  compressionRatio: number
  distinctAt: DistinctAt[]
  compressionAt: CompressionAt[]
}

export interface LexicalDiversitySummary {
  fields: Record<string, FieldDiversity>
}

/** The largest budget both sides reached, with both sides' measures there. */
function atCommonBudget<T extends { tokens: number } | { chars: number }>(before: T[], after: T[], size: (item: T) => number): [T, T] | undefined {
  for (let i = Math.min(before.length, after.length) - 1; i >= 0; i--) {
    const b = before.find((item) => size(item) === size(after[i]))
    if (b) return [b, after[i]]
  }
  return undefined
}

/**
 * `lexical-diversity`: distinct-1, distinct-2 and the zlib compression ratio of each text field,
 * on a reservoir sample of `sampleSize` texts (each cut at `maxCharsPerText`), so memory is
 * bounded. Against base, a relative drop of distinct-2 beyond `maxDrop` or a rise of the
 * compression ratio beyond `maxCompressionRise` is a warning; both are compared at the largest
 * token or character budget both sides reached, as both measures depend on the amount of text.
 */
export const lexicalDiversityCheck: Check<LexicalDiversitySummary> = {
  id: 'lexical-diversity',
  dimension: 'diversity',
  description: 'Drops of lexical diversity (distinct-n) and rises of redundancy (compression ratio) against base.',
  defaultSeverity: 'warning',
  defaults: {
    /** Texts sampled per field (reservoir sampling, seeded so runs repeat). */
    sampleSize: 5000,
    /** Characters kept of each sampled text. */
    maxCharsPerText: 1000,
    /** Relative drop of distinct-2 against base beyond which it is a warning (0.15 = 15%). */
    maxDrop: 0.15,
    /** Relative rise of the compression ratio against base beyond which it is a warning. */
    maxCompressionRise: 0.15
  },
  start(context: CheckContext): CheckRun<LexicalDiversitySummary> {
    const config = context.config
    const fields = config.fields ?? context.textFields
    const sampleSize = numberSetting(config, 'sampleSize', 5000)
    const maxChars = numberSetting(config, 'maxCharsPerText', 1000)
    const maxDrop = numberSetting(config, 'maxDrop', 0.15)
    const maxRise = numberSetting(config, 'maxCompressionRise', 0.15)
    // One sample per field name, made when the field first has text: the summary lists fields in that order.
    const samples = new Map<string, Reservoir<string>>()
    const fieldSamples: Array<Reservoir<string> | undefined> = fields.map(() => undefined)
    const sampleOf = (index: number): Reservoir<string> => {
      let sample = samples.get(fields[index])
      if (sample === undefined) {
        sample = new Reservoir<string>(sampleSize)
        samples.set(fields[index], sample)
      }
      fieldSamples[index] = sample
      return sample
    }

    return {
      record(record: DatasetRecord): void {
        for (let index = 0; index < fields.length; index++) {
          const text = textOf(valueAt(record.fields, fields[index]))
          if (text === undefined || isBlank(text)) continue
          const sample = fieldSamples[index] ?? sampleOf(index)
          const slot = sample.slotForNext()
          if (slot === -1) continue
          // A V8 slice can keep its whole parent string alive; a Buffer round trip makes a real copy.
          sample.items[slot] = text.length > maxChars ? Buffer.from(text.slice(0, maxChars), 'utf8').toString('utf8') : text
        }
      },

      finish(emit: Emit, base?: LexicalDiversitySummary): LexicalDiversitySummary {
        const summary: LexicalDiversitySummary = { fields: {} }
        for (const [field, sample] of samples) {
          const distinct = distinctN(sample.items)
          const compression = compressionRatios(sample.items)
          const current: FieldDiversity = {
            texts: sample.seen,
            sampled: sample.items.length,
            distinct1: distinct.all.distinct1,
            distinct2: distinct.all.distinct2,
            compressionRatio: compression.all.ratio,
            distinctAt: distinct.at,
            compressionAt: compression.at
          }
          summary.fields[field] = current
          const before = base?.fields[field]
          if (before === undefined) continue

          const distinctPair = atCommonBudget(before.distinctAt, current.distinctAt, (item) => item.tokens)
          if (distinctPair) {
            const [b, a] = distinctPair
            const drop = b.distinct2 > 0 ? (b.distinct2 - a.distinct2) / b.distinct2 : 0
            if (drop > maxDrop) {
              emit({
                field,
                message: `\`${field}\` is less varied than in base: distinct-2 ${b.distinct2.toFixed(3)} → ${a.distinct2.toFixed(3)} (−${(drop * 100).toFixed(0)}%, limit ${(maxDrop * 100).toFixed(0)}%), distinct-1 ${b.distinct1.toFixed(3)} → ${a.distinct1.toFixed(3)}, over the first ${a.tokens.toLocaleString('en-US')} sampled words`
              })
            }
          }
          const compressionPair = atCommonBudget(before.compressionAt, current.compressionAt, (item) => item.chars)
          if (compressionPair) {
            const [b, a] = compressionPair
            const rise = b.ratio > 0 ? (a.ratio - b.ratio) / b.ratio : 0
            if (rise > maxRise) {
              emit({
                field,
                message: `\`${field}\` is more repetitive than in base: compression ratio ${b.ratio.toFixed(2)} → ${a.ratio.toFixed(2)} (+${(rise * 100).toFixed(0)}%, limit ${(maxRise * 100).toFixed(0)}%), over the first ${a.chars.toLocaleString('en-US')} sampled characters`
              })
            }
          }
        }
        return summary
      }
    }
  }
}
