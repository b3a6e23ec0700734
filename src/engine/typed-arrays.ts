/**
 * A copy of `array` in a new array of its own type with `length` elements, zeros after the
 * copied ones: how the engine's growable typed tables (record index, uniqueness corpus, n-gram
 * table, file hashes) grow.
 */
export function grownTo<T extends Int32Array | Float64Array | Uint8Array>(array: T, length: number): T {
  const bigger = new (array.constructor as new (length: number) => T)(length)
  bigger.set(array)
  return bigger
}
