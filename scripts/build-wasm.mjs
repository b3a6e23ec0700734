// Compiles the WebAssembly text of the engine (src/engine/**/*.wat) with wabt into
// TypeScript modules holding the bytes as base64. Those modules are committed, so jest (from
// the sources) and ncc import them like any other file and neither needs wabt.
//
//   node scripts/build-wasm.mjs           writes the modules (run by `npm run build`)
//   node scripts/build-wasm.mjs --check   exits 1 if a committed module is not what its .wat compiles to
import { readFileSync, writeFileSync } from 'node:fs'
import wabt from 'wabt'

/** Each .wat, the module it compiles into, and the name of the constant there. */
const MODULES = [
  { source: 'src/engine/dedup/minhash.wat', target: 'src/engine/dedup/minhash-wasm.ts', constant: 'MINHASH_WASM_BASE64' },
  { source: 'src/engine/dedup/tokens.wat', target: 'src/engine/dedup/tokens-wasm.ts', constant: 'TOKENS_WASM_BASE64' },
  { source: 'src/engine/hash.wat', target: 'src/engine/hash-wasm.ts', constant: 'HASH_WASM_BASE64' },
  { source: 'src/engine/stats/normalised-hash.wat', target: 'src/engine/stats/normalised-hash-wasm.ts', constant: 'NORMALISED_HASH_WASM_BASE64' },
  { source: 'src/engine/checks/length.wat', target: 'src/engine/checks/length-wasm.ts', constant: 'LENGTH_WASM_BASE64' },
  { source: 'src/engine/checks/repetition.wat', target: 'src/engine/checks/repetition-wasm.ts', constant: 'REPETITION_WASM_BASE64' },
  { source: 'src/engine/readers/json-scan.wat', target: 'src/engine/readers/json-scan-wasm.ts', constant: 'JSON_SCAN_WASM_BASE64' }
]
const SCRIPT = 'scripts/build-wasm.mjs'
/** Base64 characters a line of the generated module. */
const LINE = 100

/** The .wat compiled to a binary, checked by wabt; SIMD is the one feature beyond the MVP it uses. */
async function compile(path) {
  const tools = await wabt()
  const module = tools.parseWat(path, readFileSync(path, 'utf8'), { simd: true })
  try {
    module.validate()
    return module.toBinary({ canonicalize_lebs: true }).buffer
  } finally {
    module.destroy()
  }
}

function typescriptModule({ source, constant }, bytes) {
  const base64 = Buffer.from(bytes).toString('base64')
  const lines = []
  for (let at = 0; at < base64.length; at += LINE) lines.push(`  '${base64.slice(at, at + LINE)}'`)
  return [
    `// Generated from ${source} by ${SCRIPT} (wabt): do not edit.`,
    `// Change the .wat and run \`node ${SCRIPT}\` (\`npm run build\` does it first);`,
    '// a test fails while this file is stale.',
    '',
    `/** The WebAssembly module compiled from ${source.slice(source.lastIndexOf('/') + 1)} (${bytes.length} bytes), base64. */`,
    `export const ${constant} =`,
    lines.join(' +\n'),
    ''
  ].join('\n')
}

let stale = false
for (const module of MODULES) {
  const expected = typescriptModule(module, await compile(module.source))
  if (!process.argv.includes('--check')) {
    writeFileSync(module.target, expected)
    continue
  }
  let committed = ''
  try {
    committed = readFileSync(module.target, 'utf8')
  } catch {
    // Missing counts as stale.
  }
  if (committed !== expected) {
    process.stderr.write(`${module.target} is stale: run node ${SCRIPT}\n`)
    stale = true
  }
}
if (stale) process.exit(1)
