import { isMainThread, parentPort, workerData } from 'node:worker_threads'
import { CHECK_WORKER, serveChecks } from './check-worker.js'
import { serveSignatures, SIGNATURE_WORKER, type SignerSettings } from './dedup/signature-pool.js'

/**
 * On a worker thread the engine started (see threads.ts): serves it and returns true, and the
 * entry point does nothing else. On the main thread, or a worker of someone else's: false.
 */
export function serveIfWorker(): boolean {
  if (isMainThread || !parentPort) return false
  const data = workerData as { role?: string } | undefined
  if (data?.role === SIGNATURE_WORKER) serveSignatures(parentPort, workerData as { settings: SignerSettings })
  else if (data?.role === CHECK_WORKER) serveChecks(parentPort)
  else return false
  return true
}
