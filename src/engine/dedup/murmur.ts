/**
 * MurmurHash3's 32-bit steps, the building blocks of the dedup hashes (words, shingles, band
 * hashes), in integer arithmetic only (`Math.imul`). The .wat kernels compute the same steps.
 */

/**
 * `Math.imul` bound once: in a VM context (jest) every global lookup in a hot loop goes through
 * the context's interceptor, which made signatures 100 times slower there.
 */
const imul = Math.imul

const C1 = 0xcc9e2d51
const C2 = 0x1b873593

/** MurmurHash3's finaliser: every input bit reaches every output bit. */
export function fmix32(h: number): number {
  h ^= h >>> 16
  h = imul(h, 0x85ebca6b)
  h ^= h >>> 13
  h = imul(h, 0xc2b2ae35)
  return h ^ (h >>> 16)
}

/** One MurmurHash3 block step: folds the 32-bit `block` into the running hash `h`. */
export function mixBlock(h: number, block: number): number {
  let k = imul(block, C1)
  k = (k << 15) | (k >>> 17)
  h ^= imul(k, C2)
  h = (h << 13) | (h >>> 19)
  return (imul(h, 5) + 0xe6546b64) | 0
}
