// Compiles the WebAssembly text of the engine (src/engine/dedup/minhash.wat) with wabt into a
// TypeScript module holding the bytes as base64. That module is committed, so jest (from the
// sources) and ncc import it like any other file and neither needs wabt.
//
//   node scripts/build-wasm.mjs           writes the module (run by `npm run build`)
//   node scripts/build-wasm.mjs --check   exits 1 if the committed module is not what the .wat compiles to
import { readFileSync, writeFileSync } from 'node:fs'
import wabt from 'wabt'

const SOURCE = 'src/engine/dedup/minhash.wat'
const TARGET = 'src/engine/dedup/minhash-wasm.ts'
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

function typescriptModule(bytes) {
  const base64 = Buffer.from(bytes).toString('base64')
  const lines = []
  for (let at = 0; at < base64.length; at += LINE) lines.push(`  '${base64.slice(at, at + LINE)}'`)
  return [
    `// Generated from ${SOURCE} by ${SCRIPT} (wabt): do not edit.`,
    `// Change the .wat and run \`node ${SCRIPT}\` (\`npm run build\` does it first);`,
    '// a test fails while this file is stale.',
    '',
    `/** The WebAssembly module compiled from minhash.wat (${bytes.length} bytes), base64. */`,
    'export const MINHASH_WASM_BASE64 =',
    lines.join(' +\n'),
    ''
  ].join('\n')
}

const expected = typescriptModule(await compile(SOURCE))
if (process.argv.includes('--check')) {
  let committed = ''
  try {
    committed = readFileSync(TARGET, 'utf8')
  } catch {
    // Missing counts as stale.
  }
  if (committed !== expected) {
    process.stderr.write(`${TARGET} is stale: run node ${SCRIPT}\n`)
    process.exit(1)
  }
} else {
  writeFileSync(TARGET, expected)
}
