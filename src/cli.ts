#!/usr/bin/env node
import { runCli } from './cli/main.js'

// The CLI's entry: everything else lives in cli/, so tests can run it in-process as well.
process.exitCode = await runCli(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, cwd: process.cwd() })
