import type { FieldValue } from './types.js'

/**
 * A 53-bit hash of a string, safe as a JavaScript number and a Map key. Two independent 32-bit
 * multiplicative hashes (Math.imul keeps them in integer arithmetic) combined: at 53 bits the
 * chance of any collision among a million records is about 1 in 10^5, and a non-crypto hash is
 * many times faster than creating a node:crypto Hash per field.
 */
/** A local alias: property lookups on the global Math in a hot loop are slow under some module loaders (jest's VM). */
const imul = Math.imul

export function hash53(text: string): number {
  let h1 = 0xdeadbeef
  let h2 = 0x41c6ce57
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i)
    h1 = imul(h1 ^ code, 2654435761)
    h2 = imul(h2 ^ code, 1597334677)
  }
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

/** Combines hashes in order into one (order matters: field paths are sorted before). */
export function combineHashes(hashes: ArrayLike<number>): number {
  let text = ''
  for (let i = 0; i < hashes.length; i++) text += hashes[i].toString(36) + ','
  return hash53(text)
}
