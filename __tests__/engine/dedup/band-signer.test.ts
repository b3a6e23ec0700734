import { execFileSync } from 'node:child_process'
import { createBandSigner, ScalarBandSigner, SimdBandSigner, simdAvailable, type BandSettings } from '../../../src/engine/dedup/band-signer.js'
import { bandHashes, MinHasher, seededRandom } from '../../../src/engine/dedup/minhash.js'

const SIZES = [0, 1, 7, 8, 9, 127, 128, 1000, 5000]
/** 128 as configured by default; 100, 126, 17, 18, 19 leave a partial vector or group of vectors; 16 and 1024 are the bounds the config allows. */
const PERMUTATIONS = [128, 100, 126, 16, 17, 18, 19, 20, 1024]
const SEEDS = [1, 2, 987654321]
/** The extremes of int32 shingles: where a wrong sign or width of the arithmetic would show. */
const EXTREMES = [0, -1, 0x7fffffff, 0x80000000 | 0, 1, -0x7fffffff]

function randomShingles(random: () => number, size: number): Int32Array {
  const shingles = Int32Array.from({ length: size }, () => random())
  // A few extremes in any set big enough to hold them besides random values.
  if (size >= 16) EXTREMES.forEach((value, i) => (shingles[(i * 7919) % size] = value))
  return shingles
}

/** Records laid end to end as a batch holds them. */
function batchOf(records: readonly Int32Array[]): { shingles: Int32Array; offsets: Int32Array } {
  const offsets = new Int32Array(records.length + 1)
  records.forEach((record, i) => (offsets[i + 1] = offsets[i] + record.length))
  const shingles = new Int32Array(offsets[records.length])
  records.forEach((record, i) => shingles.set(record, offsets[i]))
  return { shingles, offsets }
}

describe('the WebAssembly SIMD signer', () => {
  it('is the one this Node runs, so the tests below test it rather than the fallback', () => {
    expect(simdAvailable()).toBe(true)
    expect(createBandSigner({ permutations: 128, seed: 1, bands: 9, rows: 13 })).toBeInstanceOf(SimdBandSigner)
  })

  it('gives the signature of MinHasher for every size of set, permutation count and seed', () => {
    const random = seededRandom(41)
    for (const permutations of PERMUTATIONS) {
      for (const seed of SEEDS) {
        const simd = new SimdBandSigner({ permutations, seed, bands: 1, rows: 1 })
        const reference = new MinHasher(permutations, seed)
        for (const size of SIZES) {
          const shingles = randomShingles(random, size)
          const expected = new Int32Array(permutations)
          const actual = new Int32Array(permutations)
          reference.signature(shingles, size, expected)
          simd.signature(shingles, size, actual)
          expect([permutations, seed, size, Array.from(actual)]).toEqual([permutations, seed, size, Array.from(expected)])
        }
      }
    }
  })

  it('gives the signature of MinHasher for sets of only the extreme values, each alone and all together', () => {
    for (const set of [...EXTREMES.map((value) => [value]), EXTREMES, [0x80000000 | 0, 0x80000000 | 0], [0x7fffffff, -1, 0x7fffffff]]) {
      const shingles = Int32Array.from(set)
      for (const permutations of [128, 126]) {
        const expected = new Int32Array(permutations)
        const actual = new Int32Array(permutations)
        new MinHasher(permutations, 1).signature(shingles, shingles.length, expected)
        new SimdBandSigner({ permutations, seed: 1, bands: 1, rows: 1 }).signature(shingles, shingles.length, actual)
        expect(Array.from(actual)).toEqual(Array.from(expected))
      }
    }
  })

  const layouts: BandSettings[] = [
    { permutations: 128, seed: 1, bands: 9, rows: 13 },
    { permutations: 128, seed: 1, bands: 14, rows: 9 },
    { permutations: 128, seed: 7, bands: 16, rows: 8 },
    { permutations: 126, seed: 3, bands: 14, rows: 9 },
    { permutations: 100, seed: 5, bands: 9, rows: 11 },
    { permutations: 17, seed: 2, bands: 1, rows: 17 }
  ]

  it.each(layouts)('gives the band hashes of MinHasher and bandHashes, a batch at once or one record at a time: %o', (settings) => {
    const random = seededRandom(settings.bands * 1000 + settings.permutations)
    const records = [...SIZES, ...Array.from({ length: 40 }, () => (random() >>> 0) % 300)].map((size) => randomShingles(random, size))
    const { shingles, offsets } = batchOf(records)
    const reference = new MinHasher(settings.permutations, settings.seed)
    const signature = new Int32Array(settings.permutations)
    const expected = new Int32Array(records.length * settings.bands)
    records.forEach((record, i) => {
      reference.signature(record, record.length, signature)
      bandHashes(signature, settings.bands, settings.rows, expected, i * settings.bands)
    })
    const simd = new SimdBandSigner(settings)
    const scalar = new ScalarBandSigner(settings)
    for (const signer of [simd, scalar]) {
      const batch = new Int32Array(records.length * settings.bands)
      signer.batch(shingles, offsets, records.length, batch)
      expect(Array.from(batch)).toEqual(Array.from(expected))
      // One at a time, each record at an offset of a bigger array, as the index holds them.
      const single = new Int32Array(records.length * settings.bands + 3)
      records.forEach((record, i) => signer.record(record, record.length, single, 3 + i * settings.bands))
      expect(Array.from(single.subarray(3))).toEqual(Array.from(expected))
      // A batch that starts part-way into its shingles: offsets 5 to 40 of the array.
      const part = new Int32Array(35 * settings.bands)
      signer.batch(shingles, offsets.subarray(5, 41), 35, part)
      expect(Array.from(part)).toEqual(Array.from(expected.subarray(5 * settings.bands, 40 * settings.bands)))
    }
  })

  it('grows its memory for a batch bigger than any before, and signs small ones the same afterwards', () => {
    const settings = { permutations: 128, seed: 1, bands: 9, rows: 13 }
    const random = seededRandom(99)
    const small = [randomShingles(random, 120), randomShingles(random, 3)]
    const big = Array.from({ length: 60 }, () => randomShingles(random, 5000))
    const simd = new SimdBandSigner(settings)
    const scalar = new ScalarBandSigner(settings)
    const bandsOf = (signer: SimdBandSigner | ScalarBandSigner, records: Int32Array[]): number[] => {
      const { shingles, offsets } = batchOf(records)
      const out = new Int32Array(records.length * settings.bands)
      signer.batch(shingles, offsets, records.length, out)
      return Array.from(out)
    }
    const before = bandsOf(simd, small)
    expect(bandsOf(simd, big)).toEqual(bandsOf(scalar, big))
    expect(bandsOf(simd, small)).toEqual(before)
    expect(before).toEqual(bandsOf(scalar, small))
  })
})

describe('the generated module', () => {
  it('is what scripts/build-wasm.mjs compiles minhash.wat to now (a stale one fails here)', () => {
    expect(() => execFileSync(process.execPath, ['scripts/build-wasm.mjs', '--check'], { stdio: 'pipe' })).not.toThrow()
  })
})
