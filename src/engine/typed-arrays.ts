import { types } from 'node:util'

/**
 * A copy of `array` in a new array of its own type with `length` elements, zeros after the
 * copied ones: how the engine's growable typed tables (record index, uniqueness corpus, n-gram
 * table, file hashes) grow.
 */
export function grownTo<T extends Int32Array | Float64Array | Uint8Array>(array: T, length: number): T {
  const bigger = newLike(array, length)
  bigger.set(array)
  return bigger
}

/** A new zeroed array of `array`'s type with `length` elements, in shared memory when `array` is. */
export function newLike<T extends Int32Array | Float64Array | Uint8Array>(array: T, length: number): T {
  const Type = array.constructor as { new (length: number): T; new (buffer: SharedArrayBuffer): T; BYTES_PER_ELEMENT: number }
  return isShared(array) ? sharedArray(Type, length) : new Type(length)
}

/** A new zeroed array of `Type` with `length` elements in shared memory (the caller knows the runtime has it). */
export function sharedArray<T extends Int32Array | Float64Array | Uint8Array>(Type: { new (buffer: SharedArrayBuffer): T; BYTES_PER_ELEMENT: number }, length: number): T {
  return new Type(new SharedArrayBuffer(length * Type.BYTES_PER_ELEMENT))
}

/**
 * An Int32Array in memory another thread can be given without a copy (a SharedArrayBuffer),
 * or an ordinary one where the runtime has none. `grownTo` keeps it shared.
 */
export function sharedInt32Array(length: number): Int32Array {
  return typeof SharedArrayBuffer === 'function' ? sharedArray(Int32Array, length) : new Int32Array(length)
}

/** True when `array` is in memory shared with other threads (from any realm: `instanceof` would miss one another thread made). */
export function isShared(array: ArrayBufferView): boolean {
  return types.isSharedArrayBuffer(array.buffer)
}

/** `array.slice(from, to)`, in shared memory when `array` is (a typed array's own `slice` never is). */
export function sliceOf<T extends Int32Array | Float64Array | Uint8Array>(array: T, from: number, to: number): T {
  if (!isShared(array)) return array.slice(from, to) as T
  const part = newLike(array, to - from)
  part.set(array.subarray(from, to))
  return part
}
