/**
 * True for values that structured clone (worker messages, `v8.serialize`) gives back
 * unchanged: primitives, plain objects, arrays, maps, sets and typed arrays. A class instance
 * would come back without its methods, so a check summary that is one stays where it was made.
 */
export function isPlainData(value: unknown, depth = 0): boolean {
  if (value === null || typeof value !== 'object') return typeof value !== 'function' && typeof value !== 'symbol'
  if (depth > 8) return false
  if (ArrayBuffer.isView(value)) return true
  if (Array.isArray(value)) return value.every((item) => isPlainData(item, depth + 1))
  if (value instanceof Map) return [...value].every(([k, v]) => isPlainData(k, depth + 1) && isPlainData(v, depth + 1))
  if (value instanceof Set) return [...value].every((item) => isPlainData(item, depth + 1))
  const prototype = Object.getPrototypeOf(value) as unknown
  if (prototype !== Object.prototype && prototype !== null) return false
  return Object.values(value).every((item) => isPlainData(item, depth + 1))
}
