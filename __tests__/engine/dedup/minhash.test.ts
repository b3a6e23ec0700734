import { bandHashes, estimateJaccard, MinHasher } from '../../../src/engine/dedup/minhash.js'
import { seededRandom } from '../../../src/engine/dedup/minhash.js'

function randomSet(random: () => number, size: number): Int32Array {
  return Int32Array.from({ length: size }, () => random())
}

describe('MinHasher', () => {
  it('computes each permutation as the plain minimum of (a*x + b) mod 2^32, unrolled or not', () => {
    const random = seededRandom(7)
    for (const permutations of [128, 20]) {
      const hasher = new MinHasher(permutations, 3)
      const shingles = randomSet(random, 97)
      const signature = new Int32Array(permutations)
      hasher.signature(shingles, shingles.length, signature)
      for (let p = 0; p < permutations; p++) expect(signature[p]).toBe(hasher.minimum(p, shingles, shingles.length))
    }
  })

  it('gives the same signature for the same set in any order, and for the same seed only', () => {
    const random = seededRandom(11)
    const shingles = randomSet(random, 50)
    const reversed = shingles.slice().reverse()
    const a = new Int32Array(128)
    const b = new Int32Array(128)
    const c = new Int32Array(128)
    new MinHasher(128, 1).signature(shingles, 50, a)
    new MinHasher(128, 1).signature(reversed, 50, b)
    new MinHasher(128, 2).signature(shingles, 50, c)
    expect(b).toEqual(a)
    expect(estimateJaccard(a, c)).toBeLessThan(0.1)
  })

  it('estimates Jaccard similarity without bias: mean error under 0.01, mean absolute error under 0.04', () => {
    const random = seededRandom(5)
    const hasher = new MinHasher(128, 1)
    let error = 0
    let absolute = 0
    const trials = 300
    for (let t = 0; t < trials; t++) {
      // Sets of 120 with a known overlap: J = shared / (240 - shared).
      const shared = 40 + (t % 80)
      const common = randomSet(random, shared)
      const a = Int32Array.from([...common, ...randomSet(random, 120 - shared)])
      const b = Int32Array.from([...common, ...randomSet(random, 120 - shared)])
      const truth = shared / (240 - shared)
      const sa = new Int32Array(128)
      const sb = new Int32Array(128)
      hasher.signature(a, a.length, sa)
      hasher.signature(b, b.length, sb)
      error += estimateJaccard(sa, sb) - truth
      absolute += Math.abs(estimateJaccard(sa, sb) - truth)
    }
    expect(Math.abs(error / trials)).toBeLessThan(0.01)
    expect(absolute / trials).toBeLessThan(0.04)
  })
})

describe('bandHashes', () => {
  it('gives equal band hashes exactly where all the rows of the band agree', () => {
    const a = Int32Array.from({ length: 117 }, (_, i) => i * 7919)
    const b = a.slice()
    b[13 * 4 + 2] = 12345 // a row of band 4
    const ha = new Int32Array(9)
    const hb = new Int32Array(9)
    bandHashes(a, 9, 13, ha, 0)
    bandHashes(b, 9, 13, hb, 0)
    for (let band = 0; band < 9; band++) expect([band, ha[band] === hb[band]]).toEqual([band, band !== 4])
  })
})
