// Bundles the Action (dist/index.js) and the CLI (dist/cli/index.js) with ncc, as every
// JavaScript action ships: runners do not run npm install, so dist/ carries every dependency.
import { execFileSync } from 'node:child_process'
import { chmodSync, readFileSync, rmSync, writeFileSync } from 'node:fs'

const ncc = (entry, out) =>
  execFileSync(process.execPath, ['node_modules/@vercel/ncc/dist/ncc/cli.js', 'build', entry, '-o', out, '--license', 'licenses.txt', '--quiet', '--target', 'es2022'], {
    stdio: 'inherit'
  })

// The WebAssembly module first: the bundles import its generated TypeScript.
execFileSync(process.execPath, ['scripts/build-wasm.mjs'], { stdio: 'inherit' })
rmSync('dist', { recursive: true, force: true })
ncc('src/index.ts', 'dist')
ncc('src/cli.ts', 'dist/cli')

// ncc keeps the entry's shebang only sometimes; the CLI needs it to run as `dataset-audit`.
const cli = 'dist/cli/index.js'
const code = readFileSync(cli, 'utf8')
if (!code.startsWith('#!')) writeFileSync(cli, '#!/usr/bin/env node\n' + code)
chmodSync(cli, 0o755)
