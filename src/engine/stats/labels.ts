import { finishHash } from '../hash.js'
import type { FieldValue } from '../types.js'
import { KernelText, LITTLE_ENDIAN, Latin1Scratch } from '../text-scratch.js'
import { kernelOnce, type KernelMemory } from '../wasm.js'
import { NORMALISED_HASH_WASM_BASE64 } from './normalised-hash-wasm.js'

/**
 * The labels a field value holds: a string (trimmed-empty counts as missing), a number or a
 * boolean written out, or each of those in an array (multi-label). Objects and null hold none.
 * Strings are returned as written, spaces included, so that spelling variants stay visible.
 */
export function labelsOf(value: FieldValue | undefined): string[] {
  if (value === undefined || value === null) return []
  if (typeof value === 'string') return value.trim() === '' ? [] : [value]
  if (typeof value === 'number' || typeof value === 'boolean') return [String(value)]
  if (Array.isArray(value)) return value.flatMap((item) => (Array.isArray(item) ? [] : labelsOf(item)))
  return []
}

const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?$/i
const PUNCTUATION_OR_SPACE = /[\p{P}\s]+/gu

/**
 * The identity of a label once case, spacing, punctuation and Unicode width are set aside
 * (`Positive`, ` positive `, `POSITIVE.` all give `positive`). Numbers keep their sign and
 * value (`-1` is not `1`, `1.0` is `1`); a label made only of punctuation keeps it.
 */
export function labelKey(label: string): string {
  const text = label.normalize('NFKC').trim()
  if (NUMBER.test(text)) return `#${Number(text)}`
  const key = text.toLowerCase().replace(PUNCTUATION_OR_SPACE, '')
  return key === '' ? text.toLowerCase().replace(/\s+/gu, ' ') : key
}

/**
 * How two spellings of the same label (same `labelKey`) differ, in words: some of `case`,
 * `spacing` and `punctuation`, else `number format` (`1.0` and `1`) or `Unicode form`
 * (full-width letters and the like).
 */
export function spellingDifference(a: string, b: string): string {
  const x = a.normalize('NFKC')
  const y = b.normalize('NFKC')
  const noSpace = (text: string): string => text.replace(/\s+/gu, '')
  const noPunctuation = (text: string): string => text.replace(/\p{P}+/gu, '')
  const kinds: string[] = []
  if (NUMBER.test(x.trim()) && NUMBER.test(y.trim())) {
    if (x.trim() !== y.trim()) kinds.push('number format')
    if (noSpace(x) === noSpace(y) && x !== y) kinds.push('spacing')
  } else {
    // With the same key, what is left once two of the three are removed is the third.
    if (noSpace(noPunctuation(x)) !== noSpace(noPunctuation(y))) kinds.push('case')
    if (noPunctuation(x.toLowerCase()) !== noPunctuation(y.toLowerCase())) kinds.push('spacing')
    if (noSpace(x.toLowerCase()) !== noSpace(y.toLowerCase())) kinds.push('punctuation')
  }
  if (kinds.length === 0) return a === b ? 'nothing' : 'Unicode form'
  return kinds.length === 1 ? kinds[0] : `${kinds.slice(0, -1).join(', ')} and ${kinds[kinds.length - 1]}`
}

/** Text for comparing inputs: NFKC, lower case, runs of whitespace as one space, trimmed. */
export function normaliseText(text: string): string {
  // NFKC leaves ASCII as it is: most text is ASCII and skips the costly normalisation.
  const composed = NON_ASCII.test(text) ? text.normalize('NFKC') : text
  return composed.toLowerCase().replace(/\s+/g, ' ').trim()
}

// eslint-disable-next-line no-control-regex -- the ASCII range is the point
const NON_ASCII = /[^\x00-\x7f]/
const imul = Math.imul
const scratch = new Latin1Scratch()
/** The padding of a text's last step: a lower-case letter, which lower-casing leaves as it is (normalised-hash.wat pads with it too). */
const PAD = 0x61

/**
 * A 53-bit hash of `normaliseText(text)`, or undefined when that is empty: the conflicting-labels
 * check hashes every input and output of a file. The bytes of the normalised text (UTF-8) are
 * hashed four at a time; ASCII text in WebAssembly (normalised-hash.wat), lower-cased and checked
 * as it is hashed, without building the normalised string. Equal to
 * `hashOfNormalised(normaliseText(text))`.
 */
export function normalisedHash(text: string): number | undefined {
  if (text.length === 0) return undefined
  // The kernel reads words little-endian, as hashScratch does only on such machines.
  const kernel = LITTLE_ENDIAN ? asciiHash() : null
  if (kernel) {
    const hash = kernel(text)
    if (hash >= 0) return hash
    if (hash === NORMALISES_TO_NOTHING) return undefined
  }
  const normalised = normaliseText(text)
  return normalised === '' ? undefined : hashOfNormalised(normalised)
}

/** The exports of normalised-hash.wat. */
interface NormalisedHashExports {
  memory: KernelMemory
  asciiHash(length: number): number
}

/** What the kernel answers for an ASCII text that normalises to nothing, and for text that is not ASCII. */
const NORMALISES_TO_NOTHING = -2
const NOT_ASCII = -1

/**
 * This thread's normalised-hash.wat as a function: `normalisedHash` of a text (not empty),
 * NORMALISES_TO_NOTHING for undefined, or NOT_ASCII when JavaScript must hash it; null where
 * this runtime has no WebAssembly.
 */
const asciiHash = kernelOnce(NORMALISED_HASH_WASM_BASE64, (kernel: NormalisedHashExports) => {
  const copy = new KernelText(kernel.memory)
  // Room for the padding of the last step: up to 8 bytes after the text.
  return (text: string): number => (copy.latin1(text, 8) ? kernel.asciiHash(text.length) : NOT_ASCII)
})

/** The hash `normalisedHash` gives a text that normalises to `normalised` (not empty). */
export function hashOfNormalised(normalised: string): number {
  return hashScratch(scratch.writeUtf8(normalised))
}

/*
 * The hash: four 32-bit lanes, two over the even words of the bytes and two over the odd ones,
 * so that no multiplication waits on the one before; the halves are mixed together at the end,
 * and finishHash makes the 53 bits. Each step rotates its lane, so that every bit of a word
 * reaches every bit of the lane. The loops read two words a step (V8 checks the array once a
 * step) and keep few values alive between steps: more than the registers hold are written out
 * and read back every step. The constants are written in place for the same reason.
 */

const mix1 = (lane: number, word: number): number => imul(((lane << 13) | (lane >>> 19)) ^ word, 0x9e3779b1)
const mix2 = (lane: number, word: number): number => imul(((lane << 17) | (lane >>> 15)) ^ word, 0x5f356495)

/** The hash of the first `length` bytes of the scratch (padded with PAD to a whole step). */
function hashScratch(length: number): number {
  const words = scratch.words
  const count = scratch.padToSteps(length, PAD, 2)
  let even1 = 0xdeadbeef ^ length
  let even2 = 0x41c6ce57 ^ length
  let odd1 = 0x9e3779b9 ^ length
  let odd2 = 0x85ebca6b ^ length
  for (let i = 0; i < count; i += 2) {
    const even = words[i]
    const odd = words[i + 1]
    even1 = mix1(even1, even)
    even2 = mix2(even2, even)
    odd1 = mix1(odd1, odd)
    odd2 = mix2(odd2, odd)
  }
  return finishHash(mix1(even1, odd1), mix2(even2, odd2))
}

