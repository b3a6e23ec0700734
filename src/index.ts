import { useWorkerEntry } from './engine/threads.js'
import { serveIfWorker } from './engine/worker-entry.js'
import { run } from './main.js'

// The Action's entry: everything happens in run(). The same file runs the engine's worker threads.
if (!serveIfWorker()) {
  useWorkerEntry(new URL(import.meta.url))
  await run()
}
