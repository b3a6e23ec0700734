import { Buffer } from 'node:buffer'
import { writeUtf16le } from '../buffer-writes.js'
import { compileKernel, instantiateKernel, reserveMemory, type KernelMemory } from '../wasm.js'
import { MAX_NGRAM_BUCKETS } from '../stats/repeated-ngrams.js'
import { REPETITION_WASM_BASE64 } from './repetition-wasm.js'

/** The exports of repetition.wat; addresses are in bytes. */
interface RepetitionExports {
  memory: KernelMemory
  scan(units: number, length: number, classes: number, edges: number): number
  ngramsClean(units: number, length: number, classes: number, edges: number, chunks: number, buckets: number, shift: number, rules: number, longest: number, work: number): number
}

/** The memory's fixed areas: the class of every UTF-16 unit, the fingerprint buckets, the rules. */
const CLASSES_AT = 0
const BUCKETS_AT = 65536
/** Room for the most buckets `bucketShift` sizes for (one byte each); untouched pages cost no memory. */
const BUCKET_BYTES = MAX_NGRAM_BUCKETS
const RULES_AT = BUCKETS_AT + BUCKET_BYTES
/** The longest n the kernel's rule table holds; rules beyond it are left to JavaScript. */
export const KERNEL_MAX_N = 256
const UNITS_AT = RULES_AT + 16 * KERNEL_MAX_N
/** Spaces after the text: `scan` reads whole blocks of 16 units. */
const UNIT_PADDING = 16

/** Per n from 1, the top and the duplicated n-gram rules' limits as the kernel reads them (NaN: no rule). */
export type KernelRules = Float64Array

/**
 * The repetition check's scan in WebAssembly (repetition.wat), over a text loaded into its
 * memory: `units` is the view the JavaScript rules read too, so the text is copied in once.
 * Null where this runtime has no WebAssembly SIMD.
 */
export class RepetitionKernel {
  /** The loaded text's UTF-16 units, then spaces; a view of the kernel's memory, made again as it grows. */
  units!: Uint16Array
  private unitBytes!: Buffer
  private unitCapacity = 0
  private chunkCapacity = 0
  private edgesAt = 0
  private workAt = 0
  private length = 0
  private chunks = 0
  private rulesWritten: KernelRules | undefined

  private constructor(private readonly kernel: RepetitionExports) {
    this.layout(4096, 1024)
  }

  /** The kernel, its class table filled from `classOf` (1 space, 2 word, 3 other), or null without WebAssembly SIMD. */
  static create(classOf: (code: number) => number): RepetitionKernel | null {
    const module = compileKernel(REPETITION_WASM_BASE64)
    if (!module) return null
    const kernel = new RepetitionKernel(instantiateKernel<RepetitionExports>(module))
    const classes = new Uint8Array(kernel.kernel.memory.buffer, CLASSES_AT, 65536)
    for (let code = 0; code < 65536; code++) classes[code] = classOf(code)
    return kernel
  }

  /** Copies `text` in, with the spaces after it. */
  load(text: string): void {
    const length = text.length
    if (length > this.unitCapacity) this.layout(Math.max(length, 2 * this.unitCapacity), this.chunkCapacity)
    writeUtf16le(this.unitBytes, text)
    this.units.fill(32, length, length + UNIT_PADDING)
    this.length = length
  }

  /** Finds the loaded text's whitespace-separated chunks; returns how many. */
  scan(): number {
    this.chunks = this.kernel.scan(UNITS_AT, this.length, CLASSES_AT, this.edgesAt) >> 1
    return this.chunks
  }

  /** The chunks `scan` found: start and end of each, in turn. */
  edges(): Int32Array {
    return new Int32Array(this.kernel.memory.buffer, this.edgesAt, 2 * this.chunks)
  }

  /**
   * True when the words of the scanned text break none of the n-gram rules' bounds for n up to
   * `longest`, with the buckets sized by `shift` as `NgramFingerprints.prepare` sizes them; false
   * when the exact rules must decide. May grow the memory: `units` is then a new view.
   */
  ngramsClean(rules: KernelRules, longest: number, shift: number): boolean {
    if (this.chunks > this.chunkCapacity) this.layout(this.unitCapacity, Math.max(this.chunks, 2 * this.chunkCapacity))
    if (this.rulesWritten !== rules) {
      new Float64Array(this.kernel.memory.buffer, RULES_AT, rules.length).set(rules)
      this.rulesWritten = rules
    }
    return this.kernel.ngramsClean(UNITS_AT, this.length, CLASSES_AT, this.edgesAt, this.chunks, BUCKETS_AT, shift, RULES_AT, longest, this.workAt) === 1
  }

  /** Places the units, the edges and the work area (nine arrays of 3 chunks + 2 int32) and grows the memory to hold them. */
  private layout(unitCapacity: number, chunkCapacity: number): void {
    this.unitCapacity = unitCapacity
    this.chunkCapacity = chunkCapacity
    const unitBytes = 2 * (unitCapacity + UNIT_PADDING)
    this.edgesAt = UNITS_AT + align(unitBytes)
    // A chunk holds a non-space and ends before a space, or at the end: one per two units and one more.
    this.workAt = this.edgesAt + align(4 * (unitCapacity + UNIT_PADDING + 2))
    reserveMemory(this.kernel.memory, this.workAt + 9 * 4 * (3 * chunkCapacity + 2))
    const buffer = this.kernel.memory.buffer
    this.units = new Uint16Array(buffer, UNITS_AT, unitCapacity + UNIT_PADDING)
    this.unitBytes = Buffer.from(buffer, UNITS_AT, 2 * unitCapacity)
  }
}

/** Rounded up to 16 bytes. */
function align(bytes: number): number {
  return (bytes + 15) & ~15
}
