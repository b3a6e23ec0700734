/**
 * Worker threads for the engine's hot loops. A worker runs the same bundled file as the main
 * thread (dist/index.js or dist/cli/index.js: ncc makes one file, and a JavaScript action ships
 * nothing else), so each entry point first asks `serveIfWorker()` (worker-entry.ts) and, on the
 * main thread, names its own file with `useWorkerEntry(import.meta.url)`. Without that (tests run from sources) the
 * engine computes everything on the calling thread, with the same results.
 */
import { availableParallelism } from 'node:os'
import { numberFromEnv } from './env.js'

let entry: string | URL | undefined
let threads: number | undefined

/**
 * Worker threads besides the main one: `DATASET_AUDIT_THREADS` when set (0 turns workers off),
 * else one per core but the main thread's, at most 3 (the main thread reads and checks while
 * they hash; more rarely pays).
 */
export function workerThreads(): number {
  if (threads !== undefined) return threads
  const configured = numberFromEnv('DATASET_AUDIT_THREADS', true)
  if (configured !== undefined) return configured
  return Math.min(3, Math.max(1, availableParallelism() - 1))
}

/** Sets the worker threads for this process (the CLI's `--threads`); undefined goes back to the default. */
export function setWorkerThreads(count: number | undefined): void {
  threads = count
}

/** Names the bundled file workers are started from; called by each entry point on the main thread. */
export function useWorkerEntry(file: string | URL | undefined): void {
  entry = file
}

/** The bundled file this process runs, when its entry point named it. */
export function entryFile(): string | URL | undefined {
  return entry
}

/** The file to start workers from and how many, or undefined when work stays on this thread. */
export function workerPlan(): { entry: string | URL; threads: number } | undefined {
  const count = workerThreads()
  return entry !== undefined && count > 0 ? { entry, threads: count } : undefined
}

/** What the worker threads did in this process, for the logs: the work is the same either way, only where it ran differs. */
export const threadStats = {
  /** Batches of MinHash signatures signed on a worker. */
  signedBatches: 0,
  /** Side passes whose costliest checks ran on a worker. */
  offloadedPasses: 0,
  /** Side passes whose uniqueness hashing (tokens, shingles, signatures) ran on that worker too. */
  hashedPasses: 0,
  /** Chunks of records those passes hashed (see hash-chunks.ts), and how many of them the main thread took. */
  hashChunks: 0,
  hashChunksHere: 0,
  /** Side passes that ran those checks on the main thread after all (the worker failed). */
  rerunPasses: 0,
  /** Re-reads of a file's uniqueness candidates that a lent check worker did half of. */
  sharedReads: 0,
  /** LSH groupings of a side that a lent check worker took some of the bands of. */
  sharedGroupings: 0
}
