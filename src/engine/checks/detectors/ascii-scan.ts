/**
 * One-pass scans of a text that stand in for regular expressions where those cost a scan of
 * their own each: the text's UTF-16 units are copied (one byte each) into a scratch buffer by a
 * native call, then read four at a time as 32-bit words. Only the last text copied is kept:
 * the checks that use these scans look at the same texts of a record one after the other, and
 * each but the first finds its text there already.
 */
import { writeLatin1, writeUtf8 } from '../../buffer-writes.js'

/** Texts up to this many UTF-16 units are scanned in the scratch; longer ones by a regex. */
const SCRATCH_UNITS = 1 << 16
/** Room for any such text in UTF-8, which takes at most three bytes a UTF-16 unit. */
const scratch = new ArrayBuffer(3 * SCRATCH_UNITS)
const scratchBytes = new Uint8Array(scratch)
const scratchWords = new Int32Array(scratch)
const scratchWriter = Buffer.from(scratch)

/**
 * Copies `text` into the scratch, the low byte of each UTF-16 unit (so Latin-1 text exactly,
 * and an ASCII character always as itself); false when it does not fit.
 */
function load(text: string): boolean {
  if (text.length > SCRATCH_UNITS) return false
  if (text === loaded && loadedLatin1) return true
  writeLatin1(scratchWriter, text)
  loaded = text
  loadedLatin1 = true
  loadedAscii = UNKNOWN
  return true
}

/** The text the scratch holds, whether as its Latin-1 bytes, and whether it is all ASCII (then its UTF-8 bytes are its Latin-1 bytes). */
let loaded: string | undefined
let loadedLatin1 = false
const UNKNOWN = -1
let loadedAscii = UNKNOWN

/**
 * Copies `text` into the scratch as UTF-8; false when it does not fit or is not all ASCII. The
 * scratch holds any text of up to `SCRATCH_UNITS` whole, so the byte count is the text's UTF-8
 * length, which equals its length exactly when every UTF-16 unit is ASCII (every other unit
 * takes two or three bytes, a lone surrogate three as U+FFFD).
 */
function loadAscii(text: string): boolean {
  if (text.length > SCRATCH_UNITS) return false
  if (text === loaded && loadedAscii !== UNKNOWN) return loadedAscii === 1
  const ascii = writeUtf8(scratchWriter, text) === text.length
  loaded = text
  loadedAscii = ascii ? 1 : 0
  // UTF-8 of other text is not its Latin-1.
  loadedLatin1 = ascii
  return ascii
}

/** OR-ed onto a word, turns the ASCII capitals of its four bytes into small letters. */
const FOLD = 0x20202020

/** The word the scratch holds for four characters (in the platform's byte order). */
function wordOf(chars: string): number {
  load(chars)
  return scratchWords[0]
}

// A filter of the words a literal set keeps, hashed multiplicatively into 2^16 byte flags (bytes
// rather than bits: one load and no shifts a word, measured 12% faster).
const FILTER_BITS = 16
const HASH = 0x9e3779b1
const SHIFT = 32 - FILTER_BITS

/**
 * A set of ASCII literals of 7 characters or more, found in a text with ASCII letters compared
 * case-insensitively: exactly what a case-insensitive regular expression without the `u` flag
 * that alternates the literals finds (it, too, folds only ASCII letters onto ASCII letters), in
 * one pass over the text's words instead of a regex scan trying every literal at every place.
 *
 * Why one pass can do: an occurrence of a literal of length `L` at place `p` covers the text's
 * aligned words from the first whole one, which starts `k = 4 * ceil(p / 4) - p` (0 to 3)
 * characters into the literal, and at least `s = floor((L - 3) / 4)` of them in a row (for the
 * shortest literal). One of any `s` words in a row has an index divisible by `s`, and it starts
 * `k + 4j` characters into the literal, for a `j` under `s`. So the set keeps, per literal, its
 * words at those offsets (case-folded), and the scan checks every `s`th aligned word of the text
 * (folded alike) against them: first in a hashed filter, then, on a hit, by comparing the whole
 * literal with the text's characters at the place the word says. Folding maps a few non-letters
 * onto others, and a character above U+00FF leaves only its low byte in the scratch, so the
 * filter may hit where there is no occurrence; the comparison on the text itself never errs.
 */
export class AsciiLiterals {
  private readonly literals: string[]
  private readonly shortest: number
  /** Every how many words the scan looks: longer literals let it skip more. */
  private readonly stride: number
  private readonly filter = new Uint8Array(1 << FILTER_BITS)
  /** Per kept word: the literals with that word at an offset, as `[literal, offset]`. */
  private readonly starts = new Map<number, Array<[number, number]>>()
  private readonly longTexts: RegExp

  constructor(literals: readonly string[]) {
    for (const literal of literals) {
      if (literal.length < 7 || !/^[\x20-\x7e]+$/.test(literal)) throw new Error(`AsciiLiterals takes ASCII literals of 7 characters or more, not ${JSON.stringify(literal)}`)
    }
    this.literals = literals.map((literal) => literal.toLowerCase())
    this.shortest = Math.min(...this.literals.map((literal) => literal.length))
    this.stride = Math.floor((this.shortest - 3) / 4)
    this.literals.forEach((literal, index) => {
      for (let offset = 0; offset < 4 * this.stride; offset++) {
        const word = wordOf(literal.slice(offset, offset + 4)) | FOLD
        this.filter[Math.imul(word, HASH) >>> SHIFT] = 1
        const starts = this.starts.get(word)
        if (starts === undefined) this.starts.set(word, [[index, offset]])
        else starts.push([index, offset])
      }
    })
    this.longTexts = new RegExp(literals.map((literal) => literal.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')).join('|'), 'i')
  }

  /** True when `text` holds one of the literals, ASCII letters in any case. */
  test(text: string): boolean {
    if (text.length < this.shortest) return false
    if (!load(text)) return this.longTexts.test(text)
    // Locals, which the loop reads faster than the fields and module bindings.
    const { filter, stride } = this
    const source = scratchWords
    const words = text.length >> 2
    let i = 0
    // Four words a step, their flags OR-ed (measured about 10% faster than one a step): a hit is rare,
    // and then the four are looked at one by one.
    for (const step = 4 * stride; i + 3 * stride < words; i += step) {
      const flags =
        filter[Math.imul(source[i] | FOLD, HASH) >>> SHIFT] |
        filter[Math.imul(source[i + stride] | FOLD, HASH) >>> SHIFT] |
        filter[Math.imul(source[i + 2 * stride] | FOLD, HASH) >>> SHIFT] |
        filter[Math.imul(source[i + 3 * stride] | FOLD, HASH) >>> SHIFT]
      if (flags !== 0 && this.occursAround(text, i, i + step)) return true
    }
    return this.occursAround(text, i, words)
  }

  /** True when a literal occurs at one of the looked-at words from index `from` to `to`. */
  private occursAround(text: string, from: number, to: number): boolean {
    for (let i = from; i < to; i += this.stride) {
      const word = scratchWords[i] | FOLD
      if (this.filter[Math.imul(word, HASH) >>> SHIFT] !== 0 && this.occursAt(text, word, i)) return true
    }
    return false
  }

  /** True when a literal starting with `word` at some offset occurs where the `index`th word of `text` is. */
  private occursAt(text: string, word: number, index: number): boolean {
    for (const [literalIndex, offset] of this.starts.get(word) ?? []) {
      const literal = this.literals[literalIndex]
      const start = index * 4 - offset
      if (start < 0 || start + literal.length > text.length) continue
      let same = true
      for (let j = 0; j < literal.length && same; j++) {
        const code = text.charCodeAt(start + j)
        same = (code >= 0x41 && code <= 0x5a ? code | 0x20 : code) === literal.charCodeAt(j)
      }
      if (same) return true
    }
    return false
  }
}

/** A character other than printable ASCII, tab, line feed and carriage return. */
const NOT_PLAIN = /[^\t\n\r\x20-\x7e]/

/**
 * True when every character of `text` is printable ASCII, a tab, a line feed or a carriage
 * return: then it holds no encoding damage of any kind (no non-ASCII character, no control).
 * Copying it into the scratch as UTF-8 tells whether it is all ASCII; the controls are then
 * found four bytes at a time. A byte `b` (ASCII, so under 0x80) is a C0 control or DEL exactly
 * when `(b + 1) & 0x7F` is under 0x21, and adding 0x01010101 to a word of ASCII bytes carries
 * into no neighbour; a word of such bytes has one under 0x21 exactly when `(y - 0x21212121) &
 * ~y & 0x80808080` is not zero (the borrow trick, without false negatives for bytes under
 * 0x80). A word that trips it is looked at byte by byte, since a tab, LF or CR trips it too.
 */
export function isPlainAscii(text: string): boolean {
  if (!loadAscii(text)) return text.length > SCRATCH_UNITS && !NOT_PLAIN.test(text)
  const source = scratchWords
  const words = text.length >> 2
  for (let i = 0; i < words; i++) {
    const shifted = (source[i] + 0x01010101) & 0x7f7f7f7f
    if (((shifted - 0x21212121) & ~shifted & 0x80808080) !== 0) {
      for (let at = i * 4; at < i * 4 + 4; at++) if (!isPlainByte(scratchBytes[at])) return false
    }
  }
  for (let at = words * 4; at < text.length; at++) if (!isPlainByte(scratchBytes[at])) return false
  return true
}

function isPlainByte(byte: number): boolean {
  return (byte >= 0x20 && byte < 0x7f) || byte === 0x09 || byte === 0x0a || byte === 0x0d
}
