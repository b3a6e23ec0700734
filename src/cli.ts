#!/usr/bin/env node
import { runCli } from './cli/main.js'
import { useWorkerEntry } from './engine/threads.js'
import { serveIfWorker } from './engine/worker-entry.js'

// The CLI's entry: everything else lives in cli/, so tests can run it in-process as well. The
// same file runs the engine's worker threads.
if (!serveIfWorker()) {
  useWorkerEntry(new URL(import.meta.url))
  process.exitCode = await runCli(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, cwd: process.cwd() })
}
