/**
 * The engine's WebAssembly kernels (dedup/*.wat, compiled by scripts/build-wasm.mjs into
 * base64 modules) are compiled here, once a thread each. Every kernel has a JavaScript
 * reference that computes the same bits, used where a runtime lacks WebAssembly SIMD.
 */

/**
 * The part of the WebAssembly JavaScript API used here, typed locally: the project's lib
 * (ES2023, no DOM) does not declare it, and a runtime may lack it.
 */
interface WebAssemblyApi {
  validate(bytes: Uint8Array): boolean
  Module: new (bytes: Uint8Array) => CompiledModule
  Instance: new (module: CompiledModule) => { exports: unknown }
}

/** A compiled WebAssembly module (opaque). */
export type CompiledModule = object

/** A kernel's memory, as its exports give it. */
export interface KernelMemory {
  readonly buffer: ArrayBuffer
  grow(pages: number): number
}

export const PAGE_BYTES = 65536

const webAssembly = (globalThis as { WebAssembly?: WebAssemblyApi }).WebAssembly

/** Compiled modules by their base64 text; null where this runtime cannot run them. */
const compiled = new Map<string, CompiledModule | null>()

/**
 * The module of these bytes, or null when this runtime has no WebAssembly SIMD (the kernels
 * use it throughout, so `validate` is false without it). Compiled synchronously: a module of a
 * kilobyte compiles in well under a millisecond.
 */
export function compileKernel(base64: string): CompiledModule | null {
  let module = compiled.get(base64)
  if (module === undefined) {
    const bytes = Buffer.from(base64, 'base64')
    module = webAssembly?.validate(bytes) ? new webAssembly.Module(bytes) : null
    compiled.set(base64, module)
  }
  return module
}

/** A new instance of a compiled kernel: its exports, typed by the caller. */
export function instantiateKernel<Exports>(module: CompiledModule): Exports {
  if (!webAssembly) throw new Error('This runtime has no WebAssembly.')
  return new webAssembly.Instance(module).exports as Exports
}

/**
 * This thread's instance of a kernel, made on the first call: `make` wraps its exports. Null
 * where this runtime cannot run it (the caller then takes its JavaScript path).
 */
export function kernelOnce<Exports, Kernel>(base64: string, make: (exports: Exports) => Kernel): () => Kernel | null {
  let kernel: Kernel | null | undefined
  return () => {
    if (kernel === undefined) {
      const module = compileKernel(base64)
      kernel = module ? make(instantiateKernel<Exports>(module)) : null
    }
    return kernel
  }
}

/** Grows `memory` to at least `bytes`; true when it grew (views of it must then be made again). */
export function reserveMemory(memory: KernelMemory, bytes: number): boolean {
  if (bytes <= memory.buffer.byteLength) return false
  memory.grow(Math.ceil((bytes - memory.buffer.byteLength) / PAGE_BYTES))
  return true
}
