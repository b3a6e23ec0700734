/**
 * The words of a record's compared texts as pairs of 32-bit hashes: what exact duplicates,
 * word shingles and contamination n-grams are made of. In WebAssembly SIMD (tokens.wat) where
 * the runtime has it, else in JavaScript (the reference): the same hashes either way.
 *
 * A record's parts (one text per compared field) are tokenised one after another with a
 * separator token between each two, so the tokens are exactly the words of
 * `joinNormalised(parts)` split on spaces, each hashed by `hashWordBytes` over its UTF-8 bytes.
 * ASCII text is read as it is (lower-cased, broken at the characters normalisation turns into
 * spaces); other text is normalised first (`normaliseText`: NFKC and the rest).
 */
import { Buffer } from 'node:buffer'
import { writeUtf8 } from '../buffer-writes.js'
import { compileKernel, instantiateKernel, reserveMemory, type KernelMemory } from '../wasm.js'
import { fmix32, mixBlock } from './murmur.js'
import { ASCII_BREAK_CODES, normaliseText, PART_SEPARATOR } from './normalise.js'
import { TOKENS_WASM_BASE64 } from './tokens-wasm.js'

const imul = Math.imul

const WORD_SEED_LOW = 0x9747b28c
const WORD_SEED_HIGH = 0x5bd1e995
const LENGTH_MULTIPLIER = 0x27d4eb2f
const DIGEST_SEED_LOW = 0x243f6a88
const DIGEST_SEED_HIGH = 0x13198a2e
/** The bases of the shingles' polynomial hashes: of the tokens' low halves, and of their high halves. */
const SHINGLE_BASE_LOW = 0x9e3779b1
const SHINGLE_BASE_HIGH = 0x85ebca77

/** Bytes `[from, from + 4)` of a word ending at `end`, little-endian, zero past the end. */
function block(bytes: Uint8Array, from: number, end: number): number {
  let value = 0
  for (let k = 0; k < 4 && from + k < end; k++) value |= bytes[from + k] << (8 * k)
  return value
}

/** xxHash32's round: folds the 32-bit block `lane` into `acc`. */
function round(acc: number, lane: number): number {
  const sum = (acc + imul(lane, 0x85ebca77)) | 0
  return imul((sum << 13) | (sum >>> 19), 0x9e3779b1)
}

/**
 * The hash of the word `bytes[start, end)` (UTF-8, lower case), as tokens.wat computes it:
 * xxHash32's round over the bytes four at a time (zero-padded, at least two blocks) from two
 * seeds, then MurmurHash3's finaliser with the length mixed in. `out[at]` gets the low half,
 * `out[at + 1]` the high half.
 */
export function hashWordBytes(bytes: Uint8Array, start: number, end: number, out: Int32Array, at: number): void {
  const length = end - start
  const first = block(bytes, start, end)
  const second = block(bytes, start + 4, end)
  let h1 = round(round(WORD_SEED_LOW, first), second)
  let h2 = round(round(WORD_SEED_HIGH, first), second)
  for (let q = start + 8; q < end; q += 4) {
    const next = block(bytes, q, end)
    h1 = round(h1, next)
    h2 = round(h2, next)
  }
  out[at] = fmix32(h1 ^ length)
  out[at + 1] = fmix32((h2 ^ imul(length, LENGTH_MULTIPLIER)) + h1)
}

/** The separator token's hashes: the word PART_SEPARATOR, which no text can hold. */
const SEPARATOR = (() => {
  const out = new Int32Array(2)
  hashWordBytes(new TextEncoder().encode(PART_SEPARATOR), 0, 1, out, 0)
  return out
})()

const encoder = new TextEncoder()

/** The exports of tokens.wat; addresses are in bytes. */
interface TokensKernel {
  memory: KernelMemory
  tokenize(text: number, length: number, bitmap: number, tokens: number, count: number): number
  digest(tokens: number, count: number, out: number): void
  shingleLows(tokens: number, count: number, n: number, out: number): number
  ngrams(tokens: number, count: number, n: number, low: number, high: number): number
}

/** How the tokens of a record are computed: tokens.wat, or the JavaScript reference. */
interface TokenEngine {
  /** Token pairs, valid until the next call. */
  readonly hashes: Int32Array
  /** Appends the words of one part (any text); returns the token count. */
  addPart(text: string, count: number): number
  /** Appends the separator token; returns the token count. */
  addSeparator(count: number): number
  digest(count: number, out: Int32Array): void
  /**
   * The MinHash hashes of the word `n`-gram shingles of the tokens (see `Tokens.shingleLows`),
   * in a buffer valid until the next call.
   */
  shingleLows(count: number, n: number): { low: Int32Array; count: number }
  /** Both halves of the word `n`-gram shingles' hashes (see `Tokens.ngrams`), in buffers valid until the next call. */
  ngrams(count: number, n: number): NgramHashes
}

/** The hashes of a record's word n-grams: `count` of them, two halves each. */
export interface NgramHashes {
  low: Int32Array
  high: Int32Array
  count: number
}

/**
 * A record's tokens, reused from one record to the next: `load` its parts, then read `hashes`
 * (two per token: low, high), `count` and `words`, or ask for the exact digest and shingles.
 */
export class Tokens {
  /** Tokens: words and part separators. */
  count = 0
  /** Words, separators not counted. */
  words = 0
  private readonly engine: TokenEngine

  /** `reference`: compute in JavaScript even where WebAssembly SIMD is available (tests compare the two). */
  constructor(options: { reference?: boolean } = {}) {
    const module = options.reference ? null : compileKernel(TOKENS_WASM_BASE64)
    this.engine = module ? new KernelTokens(instantiateKernel<TokensKernel>(module)) : new ReferenceTokens()
  }

  /** Per token: the two halves of its hash, interleaved; valid until the next `load`. */
  get hashes(): Int32Array {
    return this.engine.hashes
  }

  /** True when the tokens come from the WebAssembly kernel. */
  get simd(): boolean {
    return this.engine instanceof KernelTokens
  }

  /** Tokenises the parts of one record, a separator between each two. */
  load(parts: readonly string[]): void {
    const engine = this.engine
    let count = 0
    let separators = 0
    for (let i = 0; i < parts.length; i++) {
      if (i > 0) {
        count = engine.addSeparator(count)
        separators++
      }
      count = engine.addPart(parts[i], count)
    }
    this.count = count
    this.words = count - separators
  }

  /** A 64-bit hash of the whole token sequence, into `out[0]`, `out[1]`. */
  digest(out: Int32Array): void {
    this.engine.digest(this.count, out)
  }

  /**
   * The MinHash hashes of the word `n`-gram shingles (one of all the tokens when there are
   * fewer than `n`), valid until the next call: the polynomial sum of the shingle's tokens' low
   * halves, t0 * B^(n-1) + ... + t(n-1) (mod 2^32), rolled from one shingle to the next, then
   * finalised with the size mixed in. (The shingle sets for exact Jaccard are `Shingler.words`'
   * 53-bit hashes of the same n-grams.)
   */
  shingleLows(n: number): { low: Int32Array; count: number } {
    return this.engine.shingleLows(this.count, n)
  }

  /**
   * The word `n`-grams' 64-bit hashes: the low halves are `shingleLows`, the high halves the
   * same polynomial sum over the tokens' high halves (another base); valid until the next call.
   * What exact Jaccard (on 53 of the bits) and contamination compare.
   */
  ngrams(n: number): NgramHashes {
    return this.engine.ngrams(this.count, n)
  }
}

/** One half (0 low, 1 high) of the word `n`-gram hashes of `count` tokens into `out`: the polynomial sum, rolled, then finalised. */
function rollingHashes(hashes: Int32Array, count: number, n: number, half: number, base: number, out: Int32Array): number {
  const size = count < n ? count : n
  const shingles = count < n ? 1 : count - n + 1
  let x = 0
  let top = 1
  for (let j = 0; j < size; j++) {
    x = (imul(x, base) + hashes[2 * j + half]) | 0
    if (j > 0) top = imul(top, base)
  }
  for (let s = 0; ; s++) {
    out[s] = fmix32(x ^ size)
    if (s + 1 >= shingles) break
    x = (imul((x - imul(hashes[2 * s + half], top)) | 0, base) + hashes[2 * (s + size) + half]) | 0
  }
  return shingles
}

/** The tokens in JavaScript: the reference for tokens.wat. */
class ReferenceTokens implements TokenEngine {
  hashes = new Int32Array(2048)
  private bytes = new Uint8Array(4096)
  private low = new Int32Array(1024)
  private high = new Int32Array(1024)

  addSeparator(count: number): number {
    this.reserve(count + 1)
    this.hashes[2 * count] = SEPARATOR[0]
    this.hashes[2 * count + 1] = SEPARATOR[1]
    return count + 1
  }

  addPart(text: string, count: number): number {
    let length = this.encode(text)
    // More bytes than characters: not ASCII, so normalised first.
    if (length !== text.length) length = this.encode(normaliseText(text))
    this.reserve(count + (length >> 1) + 1)
    const bytes = this.bytes
    let start = -1
    for (let i = 0; i <= length; i++) {
      let code = i === length ? 0x20 : bytes[i]
      if (code < 128 && ASCII_BREAK_CODES[code] === 1) {
        if (start !== -1) {
          hashWordBytes(bytes, start, i, this.hashes, 2 * count)
          count++
          start = -1
        }
        continue
      }
      if (code >= 65 && code <= 90) bytes[i] = code += 32
      if (start === -1) start = i
    }
    return count
  }

  digest(count: number, out: Int32Array): void {
    let h1 = DIGEST_SEED_LOW
    let h2 = DIGEST_SEED_HIGH
    const hashes = this.hashes
    for (let t = 0; t < count; t++) {
      h1 = mixBlock(h1, hashes[2 * t])
      h2 = mixBlock(h2, hashes[2 * t + 1])
    }
    out[0] = fmix32(h1 ^ count)
    out[1] = fmix32(h2 ^ imul(count, LENGTH_MULTIPLIER))
  }

  shingleLows(count: number, n: number): { low: Int32Array; count: number } {
    this.reserveShingles(count)
    return { low: this.low, count: rollingHashes(this.hashes, count, n, 0, SHINGLE_BASE_LOW, this.low) }
  }

  ngrams(count: number, n: number): NgramHashes {
    this.reserveShingles(count)
    rollingHashes(this.hashes, count, n, 0, SHINGLE_BASE_LOW, this.low)
    return { low: this.low, high: this.high, count: rollingHashes(this.hashes, count, n, 1, SHINGLE_BASE_HIGH, this.high) }
  }

  private reserveShingles(count: number): void {
    if (this.low.length >= count + 1) return
    this.low = new Int32Array(2 * count + 1)
    this.high = new Int32Array(2 * count + 1)
  }

  /** The UTF-8 bytes of `text` into `bytes`; returns how many. */
  private encode(text: string): number {
    if (this.bytes.length < 3 * text.length) this.bytes = new Uint8Array(3 * text.length + 1024)
    return encoder.encodeInto(text, this.bytes).written
  }

  private reserve(tokens: number): void {
    if (2 * tokens <= this.hashes.length) return
    const bigger = new Int32Array(Math.max(2 * this.hashes.length, 2 * tokens))
    bigger.set(this.hashes)
    this.hashes = bigger
  }
}

/** Bytes after a text that the kernel reads (zero: a break, so the last word ends; whole 64-byte windows). */
const TEXT_PADDING = 64
const TOKENS_AT = 16

/**
 * The tokens in WebAssembly. The kernel's memory holds, from the start: the digest (8 bytes),
 * the tokens (pairs of int32, at TOKENS_AT: they stay there as the memory grows), the n-grams'
 * hashes (low halves, then high halves: one int32 each per token), then the scratch of the part
 * being read: its bytes, padded, and their bitmap of breaks (a bit a byte, plus 16 bytes).
 */
class KernelTokens implements TokenEngine {
  private tokenCapacity = 0
  private textCapacity = 0
  private shinglesAt = 0
  private highsAt = 0
  private textAt = 0
  private bitmapAt = 0
  private memoryBytes!: Uint8Array
  private words!: Int32Array
  private textView!: Buffer
  private lowView!: Int32Array
  private highView!: Int32Array
  hashes!: Int32Array

  constructor(private readonly kernel: TokensKernel) {
    this.layout(4096, 16384)
  }

  addSeparator(count: number): number {
    if (count + 1 > this.tokenCapacity) this.layout(2 * (count + 1), this.textCapacity)
    this.words[TOKENS_AT / 4 + 2 * count] = SEPARATOR[0]
    this.words[TOKENS_AT / 4 + 2 * count + 1] = SEPARATOR[1]
    return count + 1
  }

  addPart(text: string, count: number): number {
    let length = this.encode(text, count)
    // More bytes than characters: not ASCII, so normalised first.
    if (length !== text.length) length = this.encode(normaliseText(text), count)
    this.memoryBytes.fill(0, this.textAt + length, this.textAt + length + TEXT_PADDING)
    return this.kernel.tokenize(this.textAt, length, this.bitmapAt, TOKENS_AT, count)
  }

  digest(count: number, out: Int32Array): void {
    this.kernel.digest(TOKENS_AT, count, 0)
    out[0] = this.words[0]
    out[1] = this.words[1]
  }

  shingleLows(count: number, n: number): { low: Int32Array; count: number } {
    return { low: this.lowView, count: this.kernel.shingleLows(TOKENS_AT, count, n, this.shinglesAt) }
  }

  ngrams(count: number, n: number): NgramHashes {
    return { low: this.lowView, high: this.highView, count: this.kernel.ngrams(TOKENS_AT, count, n, this.shinglesAt, this.highsAt) }
  }

  /** Writes `text`'s UTF-8 bytes to the text scratch, with room for its words after `count` tokens; returns how many bytes. */
  private encode(text: string, count: number): number {
    const most = 3 * text.length
    const tokens = count + (most >> 1) + 1
    if (most + TEXT_PADDING > this.textCapacity || tokens > this.tokenCapacity) {
      this.layout(Math.max(this.tokenCapacity, 2 * tokens), Math.max(this.textCapacity, 2 * (most + TEXT_PADDING)))
    }
    return writeUtf8(this.textView, text)
  }

  /** Places the areas for these capacities (the tokens stay where they are) and grows the memory to hold them. */
  private layout(tokenCapacity: number, textCapacity: number): void {
    this.tokenCapacity = tokenCapacity
    this.textCapacity = textCapacity
    this.shinglesAt = TOKENS_AT + 8 * tokenCapacity
    this.highsAt = this.shinglesAt + 4 * tokenCapacity
    this.textAt = this.highsAt + 4 * tokenCapacity
    this.bitmapAt = this.textAt + textCapacity + TEXT_PADDING
    const end = this.bitmapAt + Math.ceil((textCapacity + TEXT_PADDING) / 8) + 16
    reserveMemory(this.kernel.memory, end)
    const buffer = this.kernel.memory.buffer
    this.memoryBytes = new Uint8Array(buffer)
    this.words = new Int32Array(buffer)
    this.hashes = new Int32Array(buffer, TOKENS_AT, 2 * tokenCapacity)
    this.lowView = new Int32Array(buffer, this.shinglesAt, tokenCapacity)
    this.highView = new Int32Array(buffer, this.highsAt, tokenCapacity)
    // The text scratch stops short of its padding: the UTF-8 writes never reach it.
    this.textView = Buffer.from(buffer, this.textAt, textCapacity)
  }
}
