/**
 * Records' shingles straight to their LSH band hashes: MinHash signing and band hashing, most
 * of the near-duplicate check's time. In WebAssembly SIMD (minhash.wat) where the runtime has
 * it, else in JavaScript (`MinHasher` and `bandHashes`, the reference): the same hashes either way.
 */
import { bandHashes, MinHasher } from './minhash.js'
import { MINHASH_WASM_BASE64 } from './minhash-wasm.js'
import { compileKernel, instantiateKernel, reserveMemory, type CompiledModule, type KernelMemory } from '../wasm.js'

/** What decides a record's band hashes. `bands * rows <= permutations`. */
export interface BandSettings {
  permutations: number
  seed: number
  bands: number
  rows: number
}

/** Signs records into band hashes, `bands` of them a record. */
export interface BandSigner {
  readonly settings: BandSettings
  /** The band hashes of the first `count` shingles into `out[at, at + bands)`. */
  record(shingles: Int32Array, count: number, out: Int32Array, at: number): void
  /**
   * The band hashes of `count` records whose shingles lie end to end, record `i` at
   * `shingles[offsets[i], offsets[i + 1])`, into `out[i * bands, (i + 1) * bands)`.
   */
  batch(shingles: Int32Array, offsets: Int32Array, count: number, out: Int32Array): void
}

/** The signer for `settings`: WebAssembly SIMD where available, JavaScript otherwise. */
export function createBandSigner(settings: BandSettings): BandSigner {
  return simdAvailable() ? new SimdBandSigner(settings) : new ScalarBandSigner(settings)
}

/** Signing in JavaScript: the reference, and the fallback without WebAssembly SIMD. */
export class ScalarBandSigner implements BandSigner {
  private readonly minHasher: MinHasher
  private readonly signature: Int32Array

  constructor(readonly settings: BandSettings) {
    this.minHasher = new MinHasher(settings.permutations, settings.seed)
    this.signature = new Int32Array(settings.permutations)
  }

  record(shingles: Int32Array, count: number, out: Int32Array, at: number): void {
    this.minHasher.signature(shingles, count, this.signature)
    bandHashes(this.signature, this.settings.bands, this.settings.rows, out, at)
  }

  batch(shingles: Int32Array, offsets: Int32Array, count: number, out: Int32Array): void {
    const { bands, rows } = this.settings
    for (let i = 0; i < count; i++) {
      this.minHasher.signature(shingles, offsets[i + 1] - offsets[i], this.signature, offsets[i])
      bandHashes(this.signature, bands, rows, out, i * bands)
    }
  }
}

/** The exports of minhash.wat; addresses are in bytes. */
interface MinHashKernel {
  memory: KernelMemory
  signBatch(a: number, b: number, vectors: number, sig: number, offsets: number, count: number, shingles: number, bands: number, rows: number, out: number): void
  signature(a: number, b: number, vectors: number, shingles: number, count: number, sig: number): void
}

/** Permutations a SIMD vector. */
const LANES = 4
const VECTOR_BYTES = 16

/** The compiled minhash.wat, or null where this runtime has no WebAssembly SIMD. */
function minHashModule(): CompiledModule | null {
  return compileKernel(MINHASH_WASM_BASE64)
}

/** True when this runtime runs WebAssembly SIMD, so `createBandSigner` gives a `SimdBandSigner`. */
export function simdAvailable(): boolean {
  return minHashModule() !== null
}

/**
 * Signing in WebAssembly SIMD, four permutations a vector: about 7 times as fast as JavaScript
 * (bench `sign`: 1.5 µs a record of 121 shingles against 11; i32x4.mul's throughput bounds it).
 * Each signer has its own instance and memory, laid out as minhash.wat describes: the
 * permutations' multipliers and offsets (padded to whole vectors), a signature's scratch, then
 * the batch in hand (record offsets, shingles, band hashes), which the memory grows to hold.
 */
export class SimdBandSigner implements BandSigner {
  private readonly kernel: MinHashKernel
  /** The memory as int32s; made again only when the memory grows. */
  private words: Int32Array
  /** Vectors of all the permutations, and of those that hold the bands' rows. */
  private readonly vectors: number
  private readonly bandVectors: number
  private readonly multipliersAt = 0
  private readonly offsetsAt: number
  private readonly signatureAt: number
  private readonly batchAt: number

  constructor(readonly settings: BandSettings) {
    const module = minHashModule()
    if (!module) throw new Error('This runtime has no WebAssembly SIMD.')
    this.kernel = instantiateKernel<MinHashKernel>(module)
    this.vectors = Math.ceil(settings.permutations / LANES)
    this.bandVectors = Math.ceil((settings.bands * settings.rows) / LANES)
    this.offsetsAt = this.vectors * VECTOR_BYTES
    this.signatureAt = 2 * this.vectors * VECTOR_BYTES
    this.batchAt = 3 * this.vectors * VECTOR_BYTES
    this.words = new Int32Array(this.kernel.memory.buffer)
    this.reserve(this.batchAt)
    const { multipliers, offsets } = new MinHasher(settings.permutations, settings.seed)
    this.words.set(multipliers, this.multipliersAt / 4)
    this.words.set(offsets, this.offsetsAt / 4)
  }

  record(shingles: Int32Array, count: number, out: Int32Array, at: number): void {
    const { bands } = this.settings
    const offsetsAt = this.batchAt
    const shinglesAt = offsetsAt + VECTOR_BYTES
    const outAt = alignVector(shinglesAt + 4 * count)
    this.reserve(outAt + 4 * bands)
    const words = this.words
    words[offsetsAt / 4] = 0
    words[offsetsAt / 4 + 1] = count
    words.set(shingles.subarray(0, count), shinglesAt / 4)
    this.signBatch(offsetsAt, 1, shinglesAt, outAt)
    for (let band = 0, from = outAt / 4; band < bands; band++) out[at + band] = words[from + band]
  }

  batch(shingles: Int32Array, offsets: Int32Array, count: number, out: Int32Array): void {
    const { bands } = this.settings
    const first = offsets[0]
    const total = offsets[count] - first
    const offsetsAt = this.batchAt
    const shinglesAt = alignVector(offsetsAt + 4 * (count + 1))
    const outAt = alignVector(shinglesAt + 4 * total)
    this.reserve(outAt + 4 * count * bands)
    const words = this.words
    words.set(offsets.subarray(0, count + 1), offsetsAt / 4)
    words.set(shingles.subarray(first, first + total), shinglesAt / 4)
    // Only the batch's shingles are copied: the kernel adds the offsets to where shingle 0 would be.
    this.signBatch(offsetsAt, count, shinglesAt - 4 * first, outAt)
    out.set(words.subarray(outAt / 4, outAt / 4 + count * bands))
  }

  /** One record's whole signature (every permutation) into `out`, for comparing with `MinHasher.signature`. */
  signature(shingles: Int32Array, count: number, out: Int32Array): void {
    const shinglesAt = this.batchAt
    this.reserve(shinglesAt + 4 * count)
    this.words.set(shingles.subarray(0, count), shinglesAt / 4)
    this.kernel.signature(this.multipliersAt, this.offsetsAt, this.vectors, shinglesAt, count, this.signatureAt)
    out.set(this.words.subarray(this.signatureAt / 4, this.signatureAt / 4 + this.settings.permutations))
  }

  private signBatch(offsetsAt: number, count: number, shinglesAt: number, outAt: number): void {
    const { bands, rows } = this.settings
    this.kernel.signBatch(this.multipliersAt, this.offsetsAt, this.bandVectors, this.signatureAt, offsetsAt, count, shinglesAt, bands, rows, outAt)
  }

  /** Grows the memory to at least `bytes`. */
  private reserve(bytes: number): void {
    if (reserveMemory(this.kernel.memory, bytes)) this.words = new Int32Array(this.kernel.memory.buffer)
  }
}

function alignVector(bytes: number): number {
  return Math.ceil(bytes / VECTOR_BYTES) * VECTOR_BYTES
}
