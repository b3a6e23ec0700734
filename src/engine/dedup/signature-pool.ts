/**
 * MinHash signatures on worker threads. Signing (128 permutations over every shingle) is most
 * of the uniqueness stage's time and needs nothing but the shingle hashes, so the main thread
 * tokenises and shingles, hands batches of shingles to workers and stores the band hashes
 * they send back. When every worker is busy the main thread
 * signs the batch itself: the queue never grows without bound and both cores stay busy.
 */
import { Worker, type MessagePort } from 'node:worker_threads'
import type { CorpusArrays } from './corpus.js'
import { threadStats } from '../threads.js'
import { createBandSigner, type BandSettings, type BandSigner } from './band-signer.js'

/** `workerData.role` of a signing worker. */
export const SIGNATURE_WORKER = 'dataset-audit:signatures'

/**
 * Records per batch: small enough to share work evenly, large enough that messages (and calls
 * into WebAssembly) cost little.
 */
const BATCH_RECORDS = 256
/**
 * Batches a worker may hold. Its answers are only seen when the main thread's reading pauses
 * (between chunks of a file, about a thousand records), so a worker must be able to take a
 * whole chunk's batches or it idles while the main thread signs; about 1.2 MB of shingles.
 */
const IN_FLIGHT_PER_WORKER = 8

/** What a signer needs to know: the permutations and the bands. */
export type SignerSettings = BandSettings

/** A batch: `count` records' shingles end to end, record `i` at `shingles[offsets[i], offsets[i + 1])`. */
interface Batch {
  shingles: Int32Array<ArrayBuffer>
  offsets: Int32Array<ArrayBuffer>
  count: number
}

/** A batch filled one record at a time, its buffers reused from one batch to the next. */
export class ShingleBatch implements Batch {
  shingles = new Int32Array(1 << 16)
  readonly offsets = new Int32Array(BATCH_RECORDS + 1)
  count = 0

  /** Appends one record's shingles (copied: the caller's buffer is reused for the next record); true when the batch is full. */
  push(low: Int32Array, count: number): boolean {
    const start = this.offsets[this.count]
    if (start + count > this.shingles.length) {
      const bigger = new Int32Array(Math.max(this.shingles.length * 2, start + count))
      bigger.set(this.shingles.subarray(0, start))
      this.shingles = bigger
    }
    this.shingles.set(low.subarray(0, count), start)
    this.offsets[++this.count] = start + count
    return this.count === BATCH_RECORDS
  }

  /** Empties the batch (`offsets[0]` is always 0). */
  clear(): void {
    this.count = 0
  }
}

/**
 * Signs batches: the band hashes of each record, `bands` of them a record. Workers and the main
 * thread use the same one; the whole batch goes to WebAssembly in one call where it runs.
 */
export class BatchSigner {
  private readonly signer: BandSigner

  constructor(readonly settings: SignerSettings) {
    this.signer = createBandSigner(settings)
  }

  sign({ shingles, offsets, count }: Batch): Int32Array<ArrayBuffer> {
    const out = new Int32Array(count * this.settings.bands)
    this.signer.batch(shingles, offsets, count, out)
    return out
  }
}

/** A signing worker's side: answers each batch with its band hashes. */
export function serveSignatures(port: MessagePort, data: { settings: SignerSettings }): void {
  const signer = new BatchSigner(data.settings)
  port.on('message', (job: Batch & { id: number }) => {
    const bands = signer.sign(job)
    port.postMessage({ id: job.id, bands }, [bands.buffer])
  })
}

interface Job {
  batch: Batch
  worker: WorkerSlot
  resolve: (bands: Int32Array) => void
}

interface WorkerSlot {
  worker: Worker
  inFlight: number
  failed: boolean
}

/**
 * Workers started on first use from `entry` (the bundle the process runs). A worker that fails
 * (it could not start, or died) is dropped and its batches are signed here: a result is never
 * lost, only slower.
 */
export class SignaturePool {
  private readonly signer: BatchSigner
  private readonly slots: WorkerSlot[] = []
  private readonly jobs = new Map<number, Job>()
  private nextId = 0
  private cannotStart = false
  /** Batches signed by workers and here, for the benchmark. */
  readonly signed = { workers: 0, inline: 0 }

  constructor(
    settings: SignerSettings,
    private readonly entry: string | URL,
    private readonly threads: number
  ) {
    this.signer = new BatchSigner(settings)
  }

  /**
   * The batch's band hashes: now when every worker is busy, later from a worker otherwise.
   * `startWorkers` false signs here unless a worker is already running (the last, partial
   * batch of a small audit is not worth starting a thread for).
   */
  sign(batch: Batch, startWorkers = true): Int32Array | Promise<Int32Array> {
    const slot = startWorkers || this.slots.length > 0 ? this.freeWorker() : undefined
    if (!slot) {
      this.signed.inline++
      return this.signer.sign(batch)
    }
    const id = this.nextId++
    slot.inFlight++
    slot.worker.ref()
    return new Promise<Int32Array>((resolve) => {
      // The worker gets the buffers (moved: cloning them cost the main thread more than signing
      // saved); a copy stays here until answered, so a worker that dies loses nothing.
      this.jobs.set(id, { batch: { shingles: batch.shingles.slice(), offsets: batch.offsets.slice(), count: batch.count }, worker: slot, resolve })
      slot.worker.postMessage({ id, ...batch }, [batch.shingles.buffer, batch.offsets.buffer])
    })
  }

  /** Stops the workers; call once every promise from `sign` has settled. */
  async close(): Promise<void> {
    await Promise.all(this.slots.map((slot) => slot.worker.terminate()))
    this.slots.length = 0
  }

  private freeWorker(): WorkerSlot | undefined {
    if (!this.cannotStart && this.slots.length < this.threads) this.start()
    let best: WorkerSlot | undefined
    for (const slot of this.slots) {
      if (slot.failed || slot.inFlight >= IN_FLIGHT_PER_WORKER) continue
      if (!best || slot.inFlight < best.inFlight) best = slot
    }
    return best
  }

  private start(): void {
    let worker: Worker
    try {
      worker = new Worker(this.entry, { workerData: { role: SIGNATURE_WORKER, settings: this.signer.settings } })
    } catch {
      // No worker can start here (a sandbox without threads): every batch is signed inline.
      this.cannotStart = true
      return
    }
    const slot: WorkerSlot = { worker, inFlight: 0, failed: false }
    worker.on('message', ({ id, bands }: { id: number; bands: Int32Array }) => {
      const job = this.jobs.get(id)
      if (!job) return
      this.jobs.delete(id)
      this.signed.workers++
      threadStats.signedBatches++
      slot.inFlight--
      if (slot.inFlight === 0) worker.unref()
      job.resolve(bands)
    })
    worker.on('error', () => this.fail(slot))
    worker.on('exit', () => this.fail(slot))
    this.slots.push(slot)
  }

  /** A worker is gone: its batches are signed here instead. */
  private fail(slot: WorkerSlot): void {
    slot.failed = true
    for (const [id, job] of this.jobs) {
      if (job.worker !== slot) continue
      this.jobs.delete(id)
      this.signed.inline++
      job.resolve(this.signer.sign(job.batch))
    }
    slot.inFlight = 0
  }
}

/** Where a record's band hashes go: a slot of one side's index, and of the other side's for a reference file. */
export interface BandTarget {
  corpus: CorpusArrays
  slot: number
}

/**
 * Collects records' shingles into batches for the pool and writes the band hashes back into
 * the index when they arrive. The index's arrays may have grown (been replaced) meanwhile, so
 * the write goes through `corpus.bandValues` at that moment.
 */
export class SignatureQueue {
  private readonly pending = new ShingleBatch()
  private targets: BandTarget[][] = []
  private readonly waiting: Array<Promise<void>> = []

  constructor(
    private readonly pool: SignaturePool,
    private readonly bands: number
  ) {}

  /** Queues one record's shingles (copied: the caller's buffer is reused for the next record). */
  push(low: Int32Array, count: number, targets: BandTarget[]): void {
    this.targets.push(targets)
    if (this.pending.push(low, count)) this.flush()
  }

  /** Signs what is queued and waits until every band hash is in the index. */
  async settle(): Promise<void> {
    this.flush(false)
    const waiting = this.waiting.splice(0)
    await Promise.all(waiting)
  }

  /** Settles and stops the workers. */
  async drain(): Promise<void> {
    await this.settle()
    await this.pool.close()
  }

  private flush(startWorkers = true): void {
    const { pending } = this
    const count = pending.count
    if (count === 0) return
    // Copies of their own: the pool may move them to a worker, and the pending batch is refilled.
    const batch = { shingles: pending.shingles.slice(0, pending.offsets[count]), offsets: pending.offsets.slice(0, count + 1), count }
    const targets = this.targets
    this.targets = []
    pending.clear()
    const result = this.pool.sign(batch, startWorkers)
    if (result instanceof Promise) this.waiting.push(result.then((bands) => this.write(bands, targets)))
    else this.write(result, targets)
  }

  private write(bands: Int32Array, targets: readonly BandTarget[][]): void {
    const width = this.bands
    for (let i = 0; i < targets.length; i++) {
      const values = bands.subarray(i * width, (i + 1) * width)
      for (const { corpus, slot } of targets[i]) corpus.bandValues.set(values, slot * width)
    }
  }
}
