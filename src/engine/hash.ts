import { HASH_WASM_BASE64 } from './hash-wasm.js'
import type { FieldValue } from './types.js'
import { KernelText } from './text-scratch.js'
import { kernelOnce, type KernelMemory } from './wasm.js'

/**
 * A 53-bit hash of a string, safe as a JavaScript number and a Map key. Two independent 32-bit
 * multiplicative hashes (Math.imul keeps them in integer arithmetic) combined: at 53 bits the
 * chance of any collision among a million records is about 1 in 10^5, and a non-crypto hash is
 * many times faster than creating a node:crypto Hash per field.
 */
/** A local alias: property lookups on the global Math in a hot loop are slow under some module loaders (jest's VM). */
const imul = Math.imul

export function hash53(text: string, seed = 0): number {
  let h1 = HASH_SEED_1 ^ seed
  let h2 = HASH_SEED_2 ^ seed
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i)
    h1 = imul(h1 ^ code, HASH_MULTIPLIER_1)
    h2 = imul(h2 ^ code, HASH_MULTIPLIER_2)
  }
  return finishHash(h1, h2)
}

/** Texts from this length on are hashed in WebAssembly: below it, crossing over costs more than it saves. */
const KERNEL_FROM = 32
/** Mixed into the seed of a text with unpaired surrogates, which has no UTF-8 of its own. */
const UNPAIRED = 0x6b43a9b5

/** The exports of hash.wat. */
interface HashKernel {
  memory: KernelMemory
  hashBytes(at: number, length: number, seed: number): number
}

/** This thread's kernel and the place texts are copied into for it; null where WebAssembly is missing. */
const hashKernel = kernelOnce(HASH_WASM_BASE64, (exports: HashKernel) => ({ exports, copy: new KernelText(exports.memory) }))

const encoder = new TextEncoder()
let scratch = new Uint8Array(1024)

/**
 * A 53-bit hash of a string's UTF-8 bytes, for the record index, where every value of every
 * record is hashed: like `hash53`, two multiplicative lanes, but four bytes a step, and long
 * texts in WebAssembly (hash.wat), which reads their UTF-8 bytes, written natively, rather than a
 * character at a time. Not equal to `hash53`'s values. A text with unpaired surrogates (no
 * UTF-8 of its own: TextEncoder writes U+FFFD for each) is hashed by its UTF-16 units instead,
 * under another seed, so it never hashes like the text with U+FFFD in their place.
 */
export function textHash53(text: string, seed = 0): number {
  if (text.length >= KERNEL_FROM) {
    const hasher = hashKernel()
    if (hasher) {
      if (!isWellFormed(text)) return unpairedHash53(text, seed)
      return hasher.exports.hashBytes(0, hasher.copy.utf8(text), seed)
    }
  }
  // ASCII: the characters are the bytes.
  let h1 = HASH_SEED_1 ^ seed
  let h2 = HASH_SEED_2 ^ seed
  const length = text.length
  let i = 0
  for (; i + 4 <= length; i += 4) {
    const c0 = text.charCodeAt(i)
    const c1 = text.charCodeAt(i + 1)
    const c2 = text.charCodeAt(i + 2)
    const c3 = text.charCodeAt(i + 3)
    if ((c0 | c1 | c2 | c3) >= 128) return encodedHash53(text, seed)
    const block = c0 | (c1 << 8) | (c2 << 16) | (c3 << 24)
    h1 = imul(h1 ^ block, HASH_MULTIPLIER_1)
    h2 = imul(h2 ^ block, HASH_MULTIPLIER_2)
  }
  for (; i < length; i++) {
    const code = text.charCodeAt(i)
    if (code >= 128) return encodedHash53(text, seed)
    h1 = imul(h1 ^ code, HASH_MULTIPLIER_1)
    h2 = imul(h2 ^ code, HASH_MULTIPLIER_2)
  }
  // The length tells "ab" from "ab\u0000" (the same blocks) apart.
  return finishHash(h1 ^ length, h2 ^ imul(length, HASH_MULTIPLIER_1))
}

/** textHash53 computed in JavaScript whatever the text's length: the reference the tests hold the kernel to. */
export function referenceTextHash53(text: string, seed = 0): number {
  return encodedHash53(text, seed)
}

/** textHash53 of a text that is not ASCII, in JavaScript: its UTF-8 bytes, as hash.wat reads them. */
function encodedHash53(text: string, seed: number): number {
  if (!isWellFormed(text)) return unpairedHash53(text, seed)
  if (scratch.length < 3 * text.length) scratch = new Uint8Array(3 * text.length + 1024)
  const length = encoder.encodeInto(text, scratch).written
  const bytes = scratch
  let h1 = HASH_SEED_1 ^ seed
  let h2 = HASH_SEED_2 ^ seed
  let i = 0
  for (; i + 4 <= length; i += 4) {
    const block = bytes[i] | (bytes[i + 1] << 8) | (bytes[i + 2] << 16) | (bytes[i + 3] << 24)
    h1 = imul(h1 ^ block, HASH_MULTIPLIER_1)
    h2 = imul(h2 ^ block, HASH_MULTIPLIER_2)
  }
  for (; i < length; i++) {
    h1 = imul(h1 ^ bytes[i], HASH_MULTIPLIER_1)
    h2 = imul(h2 ^ bytes[i], HASH_MULTIPLIER_2)
  }
  return finishHash(h1 ^ length, h2 ^ imul(length, HASH_MULTIPLIER_1))
}

/** textHash53 of a text with unpaired surrogates: its UTF-16 units, one a step, under another seed. */
function unpairedHash53(text: string, seed: number): number {
  let h1 = HASH_SEED_1 ^ seed ^ UNPAIRED
  let h2 = HASH_SEED_2 ^ seed ^ UNPAIRED
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i)
    h1 = imul(h1 ^ code, HASH_MULTIPLIER_1)
    h2 = imul(h2 ^ code, HASH_MULTIPLIER_2)
  }
  return finishHash(h1 ^ text.length, h2 ^ imul(text.length, HASH_MULTIPLIER_1))
}

/** `String.prototype.isWellFormed` (ES2024, which the project's lib does not declare): no unpaired surrogate. */
function isWellFormed(text: string): boolean {
  return (text as string & { isWellFormed(): boolean }).isWellFormed()
}

/** hash53's two lanes as they start, for hashes built character by character elsewhere. */
export const HASH_SEED_1 = 0xdeadbeef
export const HASH_SEED_2 = 0x41c6ce57
export const HASH_MULTIPLIER_1 = 2654435761
export const HASH_MULTIPLIER_2 = 1597334677

/** hash53's final mix of its two lanes into one 53-bit number. */
export function finishHash(h1: number, h2: number): number {
  h1 = imul(h1 ^ (h1 >>> 16), 2246822507) ^ imul(h2 ^ (h2 >>> 13), 3266489909)
  h2 = imul(h2 ^ (h2 >>> 16), 2246822507) ^ imul(h1 ^ (h1 >>> 13), 3266489909)
  return 4294967296 * (2097151 & h2) + (h1 >>> 0)
}

/**
 * JSON with object keys sorted, so two records that differ only in key order serialise alike.
 * Numbers keep JSON's own formatting (`1` and `1.0` from a JSON source are the same number).
 */
export function canonicalJson(value: FieldValue | undefined): string {
  if (value === null || typeof value !== 'object') return value === undefined ? 'undefined' : JSON.stringify(value)
  if (Array.isArray(value)) return '[' + value.map(canonicalJson).join(',') + ']'
  const keys = Object.keys(value).sort()
  return '{' + keys.map((key) => JSON.stringify(key) + ':' + canonicalJson(value[key])).join(',') + '}'
}

/**
 * The hash of one field value, by type: strings are hashed as they are (no JSON escaping to
 * pay for), seeded by type so that the string "1" and the number 1 differ; nested values
 * canonically.
 */
export function valueHash(value: FieldValue | undefined): number {
  switch (typeof value) {
    case 'string':
      return textHash53(value, 1)
    case 'number':
      return textHash53(String(value), 2)
    case 'boolean':
      return value ? 1 : 2
    case 'undefined':
      return 3
    default:
      return value === null ? 4 : textHash53(canonicalJson(value), 3)
  }
}

const TWO_POW_32 = 4294967296

/**
 * Combines the first `count` 53-bit hashes in order into one, mixing their halves in integer
 * arithmetic (order matters: callers sort field paths first).
 */
export function combineHashes(hashes: ArrayLike<number>, count = hashes.length): number {
  let h1 = 0x9e3779b9
  let h2 = 0x85ebca6b
  for (let i = 0; i < count; i++) {
    const value = hashes[i]
    const low = value >>> 0
    const high = Math.floor(value / TWO_POW_32) >>> 0
    h1 = imul(h1 ^ low, 2654435761)
    h1 = imul(h1 ^ high, 1597334677)
    h2 = imul(h2 ^ high, 2246822507)
    h2 = imul(h2 ^ low, 3266489909)
  }
  h1 = imul(h1 ^ (h1 >>> 16), 2246822507) ^ imul(h2 ^ (h2 >>> 13), 3266489909)
  h2 = imul(h2 ^ (h2 >>> 16), 2246822507) ^ imul(h1 ^ (h1 >>> 13), 3266489909)
  return TWO_POW_32 * (2097151 & h2) + (h1 >>> 0)
}
