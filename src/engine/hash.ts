import type { FieldValue } from './types.js'

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

/** Mixed into both lanes before a step of two wide characters, so it never hashes like a step of four narrow ones. */
const WIDE_STEP = 0x6b43a9b5

/**
 * A 53-bit hash of a string like `hash53`, four characters a step while they fit in a byte
 * (two otherwise): hashing every value of every record is most of what indexing a file costs,
 * and that cost is the chain of one multiply per step. Not equal to `hash53`'s values.
 */
export function textHash53(text: string, seed = 0): number {
  let h1 = HASH_SEED_1 ^ seed
  let h2 = HASH_SEED_2 ^ seed
  const length = text.length
  let i = 0
  for (; i + 4 <= length; i += 4) {
    const c0 = text.charCodeAt(i)
    const c1 = text.charCodeAt(i + 1)
    const c2 = text.charCodeAt(i + 2)
    const c3 = text.charCodeAt(i + 3)
    if ((c0 | c1 | c2 | c3) < 256) {
      const block = c0 | (c1 << 8) | (c2 << 16) | (c3 << 24)
      h1 = imul(h1 ^ block, HASH_MULTIPLIER_1)
      h2 = imul(h2 ^ block, HASH_MULTIPLIER_2)
    } else {
      const first = c0 | (c1 << 16)
      const second = c2 | (c3 << 16)
      h1 = imul(imul(imul(h1 ^ WIDE_STEP, HASH_MULTIPLIER_1) ^ first, HASH_MULTIPLIER_1) ^ second, HASH_MULTIPLIER_1)
      h2 = imul(imul(imul(h2 ^ WIDE_STEP, HASH_MULTIPLIER_2) ^ first, HASH_MULTIPLIER_2) ^ second, HASH_MULTIPLIER_2)
    }
  }
  for (; i < length; i++) {
    const code = text.charCodeAt(i)
    h1 = imul(h1 ^ code, HASH_MULTIPLIER_1)
    h2 = imul(h2 ^ code, HASH_MULTIPLIER_2)
  }
  // The length tells "ab" from "ab\u0000" (the same blocks) apart.
  return finishHash(h1 ^ length, h2 ^ imul(length, HASH_MULTIPLIER_1))
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
