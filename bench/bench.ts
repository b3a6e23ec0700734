/**
 * The benchmark's measuring child: `scripts/bench.mjs` bundles this file with ncc and runs one
 * command per process, so each process's peak RSS is its own. Every command prints one line of
 * JSON on stdout.
 *
 *   gen FILE RECORDS            write the synthetic corpus
 *   floor FILE                  bare read + JSON.parse of every line: no audit can beat it
 *   read FILE                   the engine's reader alone
 *   stage FILE EDGES [b r]      reader + uniqueness stage; writes the findings' pairs to EDGES
 *   truth FILE EDGES N SAMPLE   brute-force exact Jaccard of SAMPLE records against all N: recall, precision
 *   checks FILE [N [IDS]]       each check (or those of IDS, comma-separated) alone over the first N records in
 *                               memory, against their JSON.parse: where the audit's time goes
 *   sign FILE [N]               MinHash signing + band hashing of the first N records' shingles, JavaScript
 *                               against WebAssembly SIMD, a batch at a time and a record at a time
 */
import { createReadStream, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { comparisonParts } from '../src/engine/dedup/normalise.js'
import { seededRandom } from '../src/engine/dedup/minhash.js'
import { RecordHasher } from '../src/engine/dedup/record-hasher.js'
import { ScalarBandSigner, SimdBandSigner, type BandSigner } from '../src/engine/dedup/band-signer.js'
import { jaccard, to53, type ShingleSet } from '../src/engine/dedup/shingles.js'
import { UnionFind } from '../src/engine/dedup/union-find.js'
import { fileSource, readDataset } from '../src/engine/readers/index.js'
import { ALL_CHECKS } from '../src/engine/checks/registry.js'
import { inferTextFields } from '../src/engine/fields.js'
import { RecordIndex } from '../src/engine/record-index.js'
import type { DatasetRecord, RecordFields } from '../src/engine/types.js'
import type { FileSettings } from '../src/config/types.js'
import { useWorkerEntry } from '../src/engine/threads.js'
import { serveIfWorker } from '../src/engine/worker-entry.js'
import { UniquenessStage } from '../src/engine/uniqueness.js'
import { writeCorpus } from './corpus.js'

const TEXT_FIELDS = ['instruction', 'output']
const THRESHOLD = 0.8

type Edge = [check: string, line: number, otherLine: number]

function print(result: Record<string, unknown>): void {
  process.stdout.write(JSON.stringify({ ...result, maxRssMB: Math.round(process.resourceUsage().maxRSS / 1024) }) + '\n')
}

/** Calls `visit` with each line's parsed JSON, reading as the JSONL reader does (Buffer lines, one toString each). */
async function eachLine(file: string, visit: (value: RecordFields, line: number) => void): Promise<void> {
  let partial: Buffer | undefined
  let line = 0
  for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) {
    let start = 0
    let end = chunk.indexOf(10)
    if (partial && end !== -1) {
      const joined = Buffer.concat([partial, chunk.subarray(0, end)])
      partial = undefined
      visit(JSON.parse(joined.toString('utf8')) as RecordFields, ++line)
      start = end + 1
      end = chunk.indexOf(10, start)
    }
    while (end !== -1) {
      visit(JSON.parse(chunk.toString('utf8', start, end)) as RecordFields, ++line)
      start = end + 1
      end = chunk.indexOf(10, start)
    }
    if (start < chunk.length) partial = partial ? Buffer.concat([partial, chunk.subarray(start)]) : chunk.subarray(start)
  }
  if (partial && partial.length > 0) visit(JSON.parse(partial.toString('utf8')) as RecordFields, ++line)
}

async function floor(file: string): Promise<void> {
  const started = performance.now()
  let records = 0
  await eachLine(file, () => records++)
  print({ records, ms: Math.round(performance.now() - started) })
}

async function read(file: string): Promise<void> {
  const started = performance.now()
  const summary = await readDataset(fileSource(file, 'corpus.jsonl'), { record: () => undefined, finding: () => undefined })
  print({ records: summary.records, ms: Math.round(performance.now() - started) })
}

async function stage(file: string, edgesFile: string, bands?: number, rows?: number): Promise<void> {
  const started = performance.now()
  const uniqueness = new UniquenessStage(bands && rows ? { 'near-duplicates': { bands, rows } } : {})
  const source = fileSource(file, 'corpus.jsonl')
  const callback = uniqueness.openFile({
    path: 'corpus.jsonl',
    side: 'head',
    reference: false,
    textFields: TEXT_FIELDS,
    settings: { path: 'corpus.jsonl', key: ['id'], checks: {} },
    source
  })
  const summary = await readDataset(source, { record: callback, finding: () => undefined })
  const readMs = performance.now() - started
  // Findings one by one, as the audit takes them (which reads an excerpt only for the few it lists).
  const edges: Edge[] = []
  const { stats } = await uniqueness.finish({ onFinding: ({ finding }) => void edges.push([finding.check, finding.line!, finding.duplicateOf!.line!]) })
  const ms = performance.now() - started
  writeFileSync(edgesFile, JSON.stringify(edges))
  const { clusterSizes: _sizes, largestClusters: _largest, ...side } = stats.sides[0]
  print({ records: summary.records, ms: Math.round(ms), readAndRecordMs: Math.round(readMs), lsh: uniqueness.lsh, timings: stats.timings, side })
}

/**
 * Ground truth by brute force: every pair (sampled record, any record) with exact Jaccard at or
 * above the threshold, found through an inverted index of the sample's shingles (a pair with
 * Jaccard above 0 shares a shingle, so none is missed). A pair is found when the findings' pairs
 * (exact and near) connect its two records.
 */
async function truth(file: string, edgesFile: string, records: number, sampleSize: number): Promise<void> {
  const started = performance.now()
  const edges = JSON.parse(readFileSync(edgesFile, 'utf8')) as Edge[]
  const hasher = new RecordHasher({ permutations: 128, bands: 9, rows: 13, ngram: 5, charNgram: 5, minWords: 10, seed: 1 })
  const random = seededRandom(2024)
  const sampleLines = new Set<number>()
  while (sampleLines.size < Math.min(sampleSize, records)) sampleLines.add(1 + ((random() >>> 0) % records))
  // Precision: the near pairs reported, up to 3,000 of them, recomputed from the texts.
  const nearEdges = edges.filter(([check]) => check === 'near-duplicates').slice(0, 3000)
  const wantedLines = new Set<number>([...sampleLines, ...nearEdges.flatMap(([, a, b]) => [a, b])])
  // Each set also as 53-bit numbers, to key the postings by.
  const sets = new Map<number, { set: ShingleSet; keys: number[]; exact: string }>()
  const setOf = (fields: RecordFields): { set: ShingleSet; keys: number[]; exact: string } => {
    hasher.load(comparisonParts(fields, TEXT_FIELDS))
    const set = hasher.shingleSet()
    const keys: number[] = []
    for (let i = 0; i < set.length; i += 2) keys.push(to53(set[i], set[i + 1]))
    return { set, keys, exact: `${hasher.exact[0]},${hasher.exact[1]}` }
  }
  await eachLine(file, (fields, line) => {
    if (wantedLines.has(line)) sets.set(line, setOf(fields))
  })
  const postings = new Map<number, number[]>()
  for (const line of sampleLines) {
    for (const shingle of sets.get(line)!.keys) {
      const list = postings.get(shingle)
      if (list) list.push(line)
      else postings.set(shingle, [line])
    }
  }
  const pairs: Array<{ a: number; b: number; similarity: number; exact: boolean }> = []
  const seenPair = new Set<string>()
  await eachLine(file, (fields, line) => {
    const record = setOf(fields)
    const shared = new Map<number, number>()
    for (const shingle of record.keys) for (const sample of postings.get(shingle) ?? []) shared.set(sample, (shared.get(sample) ?? 0) + 1)
    for (const [sample, count] of shared) {
      if (sample === line) continue
      const other = sets.get(sample)!
      const similarity = count / (other.keys.length + record.keys.length - count)
      const key = sample < line ? `${sample}-${line}` : `${line}-${sample}`
      if (similarity >= THRESHOLD && !seenPair.has(key)) {
        seenPair.add(key)
        pairs.push({ a: sample, b: line, similarity, exact: other.exact === record.exact })
      }
    }
  })
  const clusters = new UnionFind(records + 1)
  for (const [, a, b] of edges) clusters.union(a, b)
  const buckets = [
    [0.8, 0.85],
    [0.85, 0.9],
    [0.9, 0.95],
    [0.95, 1.0001]
  ]
  const recall = (list: typeof pairs) => ({ pairs: list.length, found: list.filter((p) => clusters.find(p.a) === clusters.find(p.b)).length })
  const near = pairs.filter((p) => !p.exact)
  const precisionChecked = nearEdges.map(([, a, b]) => jaccard(sets.get(a)!.set, sets.get(b)!.set))
  print({
    sample: sampleLines.size,
    exact: recall(pairs.filter((p) => p.exact)),
    near: recall(near),
    nearByJaccard: buckets.map(([low, high]) => ({ from: low, to: Math.min(high, 1), ...recall(near.filter((p) => p.similarity >= low && p.similarity < high)) })),
    precision: { checked: precisionChecked.length, atOrAboveThreshold: precisionChecked.filter((similarity) => similarity >= THRESHOLD - 1e-12).length },
    ms: Math.round(performance.now() - started)
  })
}

function time(work: () => void): number {
  const started = performance.now()
  work()
  return performance.now() - started
}

/** Twice, the faster kept: the first pass also pays for compiling. */
function best(work: () => void): number {
  return Math.min(time(work), time(work))
}

/**
 * Where the audit's time goes: each registered check, the record index and the uniqueness
 * stage, each run alone over the same records held in memory, timed against parsing those
 * records' lines (the floor). The sum is the audit's CPU cost on one thread, in floors.
 */
async function checks(file: string, limit: number, only?: Set<string>): Promise<void> {
  const lines: string[] = []
  await new Promise<void>((resolve, reject) => {
    let partial = ''
    const stream = createReadStream(file, { encoding: 'utf8', highWaterMark: 1 << 20 })
    stream.on('data', (chunk) => {
      const parts = (partial + chunk).split('\n')
      partial = parts.pop()!
      for (const part of parts) if (lines.length < limit) lines.push(part)
      if (lines.length >= limit) stream.destroy()
    })
    stream.on('close', resolve)
    stream.on('error', reject)
  })
  // Lines parsed as the floor does, so the floor and the stages see the same records.
  let records: DatasetRecord[] = []
  const floorMs = best(() => {
    records = lines.map((line, index) => ({ line: index + 1, index, fields: JSON.parse(line) as RecordFields }))
  })
  const textFields = inferTextFields(records.slice(0, 200), new Set(['id']))
  const settings = { path: 'corpus.jsonl', key: ['id'], checks: {} }
  // Per stage: the per-record part and the end-of-file part apart, since only the first grows with the file.
  const rows: Array<{ stage: string; recordMs: number; finishMs: number; findings: number }> = []
  const wanted = (id: string): boolean => only === undefined || only.has(id)
  for (const check of ALL_CHECKS.filter((each) => wanted(each.id))) {
    let findings = 0
    const emit = (): void => void findings++
    let recordMs = Infinity
    let finishMs = Infinity
    for (let pass = 0; pass < 2; pass++) {
      findings = 0
      const run = check.start({ file: 'corpus.jsonl', side: 'head', settings, config: { ...check.defaults }, textFields })
      recordMs = Math.min(recordMs, time(() => records.forEach((record) => run.record(record, emit))))
      finishMs = Math.min(finishMs, time(() => void run.finish(emit)))
    }
    rows.push({ stage: check.id, recordMs, finishMs, findings })
  }
  if (wanted('index')) {
    const recordMs = best(() => {
      const index = new RecordIndex(['id'])
      for (const record of records) index.add(record)
    })
    rows.push({ stage: '(record index)', recordMs, finishMs: 0, findings: 0 })
  }
  if (wanted('uniqueness')) {
    // The stage reads its file again for the texts of candidate pairs: it gets exactly the records in memory.
    const head = join(tmpdir(), `dataset-audit-checks-${process.pid}.jsonl`)
    writeFileSync(head, lines.join('\n') + '\n')
    try {
      rows.push(await uniquenessCost(head, records, textFields, settings))
    } finally {
      rmSync(head, { force: true })
    }
  }
  print({ records: records.length, floorMs, textFields, rows })
}

/** The uniqueness stage over records in memory: hashing per record, then finding pairs (which re-reads the file). */
async function uniquenessCost(file: string, records: readonly DatasetRecord[], textFields: string[], settings: FileSettings): Promise<{ stage: string; recordMs: number; finishMs: number; findings: number; rereadMs: number }> {
  let stageRow = { stage: '(uniqueness stage)', recordMs: Infinity, finishMs: Infinity, findings: 0, rereadMs: 0 }
  for (let pass = 0; pass < 2; pass++) {
    const uniqueness = new UniquenessStage({})
    const record = uniqueness.openFile({ path: 'corpus.jsonl', side: 'head', reference: false, textFields, settings, source: fileSource(file, 'corpus.jsonl') })!
    const recordMs = time(() => records.forEach((each) => record(each, 0)))
    const started = performance.now()
    let findings = 0
    const { stats } = await uniqueness.finish({ onFinding: () => void findings++ })
    const finishMs = performance.now() - started
    if (recordMs + finishMs < stageRow.recordMs + stageRow.finishMs) stageRow = { stage: '(uniqueness stage)', recordMs, finishMs, findings, rereadMs: stats.timings.rereadMs }
  }
  return stageRow
}

/**
 * Signing alone: the first `limit` records' MinHash shingles (as the uniqueness stage makes
 * them) signed to band hashes by each signer, in batches of 256 as the signature pool sends
 * them and one record at a time as `RecordHasher.bands` does. Best of five runs each; the band
 * hashes of all four ways must agree.
 */
async function sign(file: string, limit: number): Promise<void> {
  const settings = { permutations: 128, seed: 1, bands: 9, rows: 13, ngram: 5, charNgram: 5, minWords: 10 }
  const hasher = new RecordHasher(settings)
  const records: Int32Array[] = []
  await eachLine(file, (fields) => {
    if (records.length >= limit || hasher.load(comparisonParts(fields, TEXT_FIELDS)) === 0) return
    const { low, count } = hasher.minHashShingles()
    records.push(low.slice(0, count))
  })
  const batches: Array<{ shingles: Int32Array; offsets: Int32Array; count: number }> = []
  for (let start = 0; start < records.length; start += 256) {
    const part = records.slice(start, start + 256)
    const offsets = new Int32Array(part.length + 1)
    part.forEach((record, i) => (offsets[i + 1] = offsets[i] + record.length))
    const shingles = new Int32Array(offsets[part.length])
    part.forEach((record, i) => shingles.set(record, offsets[i]))
    batches.push({ shingles, offsets, count: part.length })
  }
  const shingleCount = records.reduce((sum, record) => sum + record.length, 0)
  // The two signers take turns, five runs each way, so that a busy spell on the machine falls on both.
  const signers: Record<'javascript' | 'simd', BandSigner> = { javascript: new ScalarBandSigner(settings), simd: new SimdBandSigner(settings) }
  const fastest = { javascript: { batchMs: Infinity, recordMs: Infinity }, simd: { batchMs: Infinity, recordMs: Infinity } }
  const outputs: Int32Array[] = []
  for (let run = 0; run < 5; run++) {
    for (const name of ['javascript', 'simd'] as const) {
      const signer = signers[name]
      const batched = new Int32Array(records.length * settings.bands)
      fastest[name].batchMs = Math.min(fastest[name].batchMs, time(() => {
        let at = 0
        for (const { shingles, offsets, count } of batches) {
          signer.batch(shingles, offsets, count, batched.subarray(at, at + count * settings.bands))
          at += count * settings.bands
        }
      }))
      const single = new Int32Array(records.length * settings.bands)
      fastest[name].recordMs = Math.min(fastest[name].recordMs, time(() => records.forEach((record, i) => signer.record(record, record.length, single, i * settings.bands))))
      if (run === 0) outputs.push(batched, single)
    }
  }
  const same = outputs.every((bands) => bands.every((value, i) => value === outputs[0][i]))
  const scalar = fastest.javascript
  const simd = fastest.simd
  const perSecond = (ms: number): number => Math.round((records.length / ms) * 1000)
  const perRecordUs = (ms: number): number => Math.round((ms / records.length) * 1e4) / 10
  print({
    records: records.length,
    shinglesPerRecord: Math.round((shingleCount / records.length) * 10) / 10,
    sameBandHashes: same,
    javascript: { batchRecordsPerS: perSecond(scalar.batchMs), batchUsPerRecord: perRecordUs(scalar.batchMs), recordRecordsPerS: perSecond(scalar.recordMs), recordUsPerRecord: perRecordUs(scalar.recordMs) },
    simd: { batchRecordsPerS: perSecond(simd.batchMs), batchUsPerRecord: perRecordUs(simd.batchMs), recordRecordsPerS: perSecond(simd.recordMs), recordUsPerRecord: perRecordUs(simd.recordMs) },
    ratio: { batch: Math.round((scalar.batchMs / simd.batchMs) * 100) / 100, record: Math.round((scalar.recordMs / simd.recordMs) * 100) / 100 }
  })
}

async function main(): Promise<void> {
  // This bundle also runs the stage's worker threads.
  if (serveIfWorker()) return
  useWorkerEntry(new URL(import.meta.url))
  const [command, ...args] = process.argv.slice(2)
  switch (command) {
    case 'gen':
      print({ ...(await writeCorpus(args[0], Number(args[1]))) })
      break
    case 'floor':
      await floor(args[0])
      break
    case 'read':
      await read(args[0])
      break
    case 'stage':
      await stage(args[0], args[1], args[2] ? Number(args[2]) : undefined, args[3] ? Number(args[3]) : undefined)
      break
    case 'checks':
      await checks(args[0], args[1] ? Number(args[1]) : 200000, args[2] ? new Set(args[2].split(',')) : undefined)
      break
    case 'sign':
      await sign(args[0], args[1] ? Number(args[1]) : 200000)
      break
    case 'truth':
      await truth(args[0], args[1], Number(args[2]), Number(args[3]))
      break
    default:
      throw new Error(`unknown bench command ${command}`)
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`)
  process.exitCode = 1
})
