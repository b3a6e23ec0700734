import fs from 'node:fs'
import path from 'node:path'
import { gzipSync } from 'node:zlib'
import type { CheckConfig, Split } from '../../src/config/types.js'
import { seededRandom } from '../../src/engine/dedup/minhash.js'
import { comparisonParts, joinNormalised } from '../../src/engine/dedup/normalise.js'
import { fileSource, readDataset } from '../../src/engine/readers/index.js'
import type { ByteSource } from '../../src/engine/readers/types.js'
import type { DatasetRecord, Finding, RecordFields } from '../../src/engine/types.js'
import { completeFinding, UniquenessStage, type SideFinding, type UniquenessStats } from '../../src/engine/uniqueness.js'
import { FileHashBuilder } from '../../src/engine/dedup/file-hashes.js'
import { bufferSource } from '../../src/sources/memory.js'

const REALDATA = path.resolve(process.cwd(), '../shared/realdata')
const real = (p: string): string => path.join(REALDATA, p)
const itReal = fs.existsSync(REALDATA) ? it : it.skip

interface TestFile {
  path: string
  rows?: RecordFields[]
  source?: ByteSource
  split?: Split
  reference?: boolean
  side?: 'base' | 'head'
  textFields?: string[]
  key?: string[]
  checks?: Record<string, CheckConfig>
  isNew?: (index: number) => boolean
}

const jsonl = (rows: RecordFields[]): string => rows.map((row) => JSON.stringify(row)).join('\n') + '\n'

interface StageRun {
  findings: Finding[]
  sideFindings: SideFinding[]
  stats: UniquenessStats
  records: Map<string, DatasetRecord[]>
}

/** Feeds the files to a stage the way the audit does (one read each, in order), then finishes it. */
async function runStage(files: TestFile[], checks: Record<string, CheckConfig> = {}): Promise<StageRun> {
  const stage = new UniquenessStage(checks)
  const records = new Map<string, DatasetRecord[]>()
  for (const file of files) {
    const source = file.source ?? bufferSource(file.path, jsonl(file.rows ?? []))
    const callback = stage.openFile({
      path: file.path,
      side: file.side ?? 'head',
      reference: file.reference ?? false,
      split: file.split,
      textFields: file.textFields ?? ['text'],
      settings: { path: file.path, key: file.key ?? [], checks: file.checks ?? {} },
      source,
      ...(file.isNew ? { isNew: file.isNew } : {})
    })
    const list: DatasetRecord[] = []
    records.set(file.path, list)
    await readDataset(source, {
      record: (record) => {
        list.push(record)
        callback(record)
      },
      finding: () => undefined
    })
  }
  const { findings, stats } = await stage.finish()
  return { findings: findings.map((f) => f.finding), sideFindings: findings, stats, records }
}

/**
 * Brute force: the pairs of records, by line, whose normalised word 5-grams (over `fields`)
 * have a Jaccard similarity of at least `threshold`, for records of 10 words or more and texts
 * that are not exact copies of each other. Pairs are found through an inverted index of the
 * shingles: a pair with any similarity shares one.
 */
function similarPairs(records: readonly DatasetRecord[], fields: string[], threshold: number): Array<[number, number]> {
  const sets: Array<{ line: number; text: string; shingles: Set<string> }> = []
  for (const record of records) {
    const text = joinNormalised(comparisonParts(record.fields, fields))
    const words = text.split(' ')
    if (words.length < 10) continue
    const shingles = new Set<string>()
    for (let i = 0; i + 5 <= words.length; i++) shingles.add(words.slice(i, i + 5).join(' '))
    sets.push({ line: record.line, text, shingles })
  }
  const postings = new Map<string, number[]>()
  sets.forEach(({ shingles }, i) => {
    for (const shingle of shingles) {
      const list = postings.get(shingle)
      if (list) list.push(i)
      else postings.set(shingle, [i])
    }
  })
  const found: Array<[number, number]> = []
  sets.forEach(({ shingles, text, line }, i) => {
    const shared = new Map<number, number>()
    for (const shingle of shingles) for (const j of postings.get(shingle)!) if (j > i) shared.set(j, (shared.get(j) ?? 0) + 1)
    for (const [j, count] of shared) {
      const other = sets[j]
      if (other.text !== text && count / (shingles.size + other.shingles.size - count) >= threshold) found.push([line, other.line])
    }
  })
  return found
}

const of = (findings: Finding[], check: string): Finding[] => findings.filter((finding) => finding.check === check)
const pairs = (findings: Finding[]): Array<[string, number | undefined, string | undefined, number | undefined]> =>
  findings.map((f) => [f.file, f.line, f.duplicateOf?.file, f.duplicateOf?.line])

/** Word n-gram sets as strings, and their Jaccard: the brute-force ground truth. */
function wordShingles(text: string, n = 5): Set<string> {
  const words = joinNormalised(comparisonParts({ text }, ['text'])).split(' ')
  const set = new Set<string>()
  if (words.length < n) set.add(words.join(' '))
  for (let i = 0; i + n <= words.length; i++) set.add(words.slice(i, i + n).join(' '))
  return set
}

function charShingles(text: string, n = 5): Set<string> {
  const normalised = joinNormalised([text])
  const set = new Set<string>()
  if (normalised.length <= n) set.add(normalised)
  for (let i = 0; i + n <= normalised.length; i++) set.add(normalised.slice(i, i + n))
  return set
}

function bruteJaccard(a: Set<string>, b: Set<string>): number {
  let shared = 0
  for (const item of a) if (b.has(item)) shared++
  return shared / (a.size + b.size - shared)
}

/** The side findings of one file, taken one by one as the audit takes them (`onFinding`). */
async function streamedFindings(source: ByteSource): Promise<SideFinding[]> {
  const stage = new UniquenessStage({})
  const callback = stage.openFile({ path: source.path, side: 'head', reference: false, textFields: ['text'], settings: { path: source.path, key: [], checks: {} }, source })
  await readDataset(source, { record: callback, finding: () => undefined })
  const taken: SideFinding[] = []
  await stage.finish({ onFinding: (finding) => void taken.push(finding) })
  return taken
}

describe('UniquenessStage: excerpts of findings', () => {
  const directory = fs.mkdtempSync(path.join(fs.realpathSync(process.env.TMPDIR ?? '/tmp'), 'uniqueness-excerpts-'))
  afterAll(() => fs.rmSync(directory, { recursive: true, force: true }))
  const rows = [{ text: 'Hello world, again and again' }, { text: 'something else entirely' }, { text: 'hello   WORLD again -- and again!' }]

  it('reads a placed record again for its excerpt only when asked: the same excerpt the record would have had', async () => {
    const file = path.join(directory, 'placed.jsonl')
    fs.writeFileSync(file, jsonl(rows))
    const [taken] = await streamedFindings(fileSource(file, 'placed.jsonl'))
    expect(taken.finding).toMatchObject({ check: 'exact-duplicates', line: 3 })
    expect(taken.finding.excerpt).toBeUndefined()
    expect(typeof taken.excerpt).toBe('function')
    expect(taken.excerpt!()).toBe('hello WORLD again -- and again!')
    // The message too is made only for a finding that is listed.
    expect(taken.finding.message).toBe('')
    expect(taken.message!()).toBe('duplicate of line 1: the same `text` once case, spacing and punctuation are normalised')
    // Kept by the stage itself, the finding has it already, in its place among the keys.
    const kept = (await runStage([{ path: 'placed.jsonl', source: fileSource(file, 'placed.jsonl'), rows }])).findings[0]
    expect(Object.keys(kept)).toEqual(['check', 'dimension', 'severity', 'file', 'line', 'field', 'message', 'excerpt', 'duplicateOf'])
    expect(kept.excerpt).toBe('hello WORLD again -- and again!')
  })

  it('gives no excerpt for a record that is no longer the one indexed', async () => {
    const file = path.join(directory, 'changed.jsonl')
    fs.writeFileSync(file, jsonl(rows))
    const [taken] = await streamedFindings(fileSource(file, 'changed.jsonl'))
    // As many bytes at the same place, but another text.
    fs.writeFileSync(file, jsonl([rows[0], rows[1], { text: 'x'.repeat(rows[2].text.length) }]))
    expect(fs.statSync(file).size).toBe(jsonl(rows).length)
    expect(taken.excerpt!()).toBeUndefined()
  })

  it('reads the excerpt with the candidates when the first read could not place the record (gzip)', async () => {
    const file = path.join(directory, 'packed.jsonl.gz')
    fs.writeFileSync(file, gzipSync(jsonl(rows)))
    const [taken] = await streamedFindings(fileSource(file, 'packed.jsonl.gz'))
    expect(taken.excerpt).toBeUndefined()
    expect(taken.finding.excerpt).toBe('hello WORLD again -- and again!')
  })
})

describe('UniquenessStage: exact duplicates', () => {
  it('reports the later record of a pair equal once normalised, naming the first', async () => {
    const { findings } = await runStage([
      {
        path: 'data/a.jsonl',
        rows: [{ text: 'Hello world, again and again' }, { text: 'something else' }, { text: 'hello   WORLD again -- and again!' }]
      }
    ])
    expect(findings).toEqual([
      {
        check: 'exact-duplicates',
        dimension: 'uniqueness',
        severity: 'warning',
        file: 'data/a.jsonl',
        line: 3,
        field: 'text',
        message: 'duplicate of line 1: the same `text` once case, spacing and punctuation are normalised',
        excerpt: 'hello WORLD again -- and again!',
        duplicateOf: { file: 'data/a.jsonl', line: 1 }
      }
    ])
  })

  it('names every later copy against the first one', async () => {
    const { findings, stats } = await runStage([{ path: 'a.jsonl', rows: [{ text: 'x y' }, { text: 'X, y' }, { text: 'z' }, { text: 'x y.' }] }])
    expect(pairs(findings)).toEqual([
      ['a.jsonl', 2, 'a.jsonl', 1],
      ['a.jsonl', 4, 'a.jsonl', 1]
    ])
    expect(stats.sides[0]).toMatchObject({ records: 4, exactDuplicates: 2, repeatedTexts: 1 })
  })

  it('counts records with no text instead of calling them duplicates of each other', async () => {
    const { findings, stats } = await runStage([{ path: 'a.jsonl', rows: [{ text: '' }, { text: '...' }, { other: 1 }, { text: ' ' }, { text: 'real text' }] }])
    expect(findings).toEqual([])
    expect(stats.sides[0]).toMatchObject({ records: 1, emptyText: 4, exactDuplicates: 0 })
  })

  it('compares several fields as a whole, keeping which field a word is in', async () => {
    const { findings } = await runStage([
      {
        path: 'a.jsonl',
        textFields: ['q', 'a'],
        rows: [
          { q: 'what is two', a: 'four' },
          { q: 'what is', a: 'two four' },
          { q: 'What is two?', a: 'Four.' }
        ]
      }
    ])
    expect(pairs(findings)).toEqual([['a.jsonl', 3, 'a.jsonl', 1]])
    expect(findings[0].message).toBe('duplicate of line 1: the same `q` and `a` once case, spacing and punctuation are normalised')
    expect(findings[0].field).toBeUndefined()
  })

  it('compares whole records without their key when there are no text fields', async () => {
    const { findings } = await runStage([
      {
        path: 'a.jsonl',
        textFields: [],
        key: ['id'],
        rows: [
          { id: 1, x: 3, y: 'A' },
          { id: 2, y: 'a', x: 3 },
          { id: 3, x: 4, y: 'a' }
        ]
      }
    ])
    expect(pairs(findings)).toEqual([['a.jsonl', 2, 'a.jsonl', 1]])
    expect(findings[0].message).toContain('the same record')
  })

  it('compares across the files of one split, and not across files with no split', async () => {
    const rows = [{ text: 'shared sentence here' }]
    const split = await runStage([
      { path: 'train/a.jsonl', split: 'train', rows },
      { path: 'train/b.jsonl', split: 'train', rows }
    ])
    expect(pairs(split.findings)).toEqual([['train/b.jsonl', 1, 'train/a.jsonl', 1]])
    expect(split.findings[0].message).toBe('duplicate of line 1 of train/a.jsonl: the same `text` once case, spacing and punctuation are normalised')
    const unsplit = await runStage([
      { path: 'a.jsonl', rows },
      { path: 'b.jsonl', rows }
    ])
    expect(unsplit.findings).toEqual([])
  })

  it('reports nothing on a reference file, and puts the finding on the changed file whichever is read first', async () => {
    for (const referenceFirst of [true, false]) {
      const reference = { path: 'train/old.jsonl', split: 'train' as const, reference: true, rows: [{ text: 'dup' }, { text: 'dup' }] }
      const changed = { path: 'train/new.jsonl', split: 'train' as const, rows: [{ text: 'DUP!' }] }
      const { findings } = await runStage(referenceFirst ? [reference, changed] : [changed, reference])
      expect(pairs(findings)).toEqual([['train/new.jsonl', 1, 'train/old.jsonl', 1]])
    }
  })

  it("puts the finding on the PR's copy even when it comes first in the file, and marks it introduced", async () => {
    const { findings } = await runStage([{ path: 'a.jsonl', rows: [{ text: 'new copy' }, { text: 'New copy.' }], isNew: (index) => index === 0 }])
    expect(pairs(findings)).toEqual([['a.jsonl', 1, 'a.jsonl', 2]])
    expect(findings[0].introduced).toBe(true)
  })

  it('keeps base and head apart', async () => {
    const { sideFindings } = await runStage([
      { path: 'a.jsonl', side: 'base', rows: [{ text: 'x' }, { text: 'x' }] },
      { path: 'a.jsonl', side: 'head', rows: [{ text: 'x' }, { text: 'y' }] }
    ])
    expect(sideFindings.map((f) => [f.side, f.finding.line])).toEqual([['base', 2]])
  })

  it('can be turned off for all files or for one', async () => {
    const rows = [{ text: 'x' }, { text: 'x' }]
    expect((await runStage([{ path: 'a.jsonl', rows }], { 'exact-duplicates': { enabled: false } })).findings).toEqual([])
    const perFile = await runStage([
      { path: 'a.jsonl', rows, checks: { 'exact-duplicates': { enabled: false } } },
      { path: 'b.jsonl', rows, checks: { 'exact-duplicates': { severity: 'error' } } }
    ])
    expect(perFile.findings.map((f) => [f.file, f.severity])).toEqual([['b.jsonl', 'error']])
  })
})

describe('UniquenessStage: near duplicates', () => {
  /**
   * Pairs of 100-word texts over words no other text uses, the copy changing `changed` of the
   * original's 96 word 5-grams: Jaccard (96 - c) / (96 + c). 8 changes -> 0.846, 14 -> 0.745.
   */
  function plantedPairs(count: number, changed: number, start: number, random: () => number): string[][] {
    const pairsOfTexts: string[][] = []
    for (let p = 0; p < count; p++) {
      const words = Array.from({ length: 100 }, (_, i) => `w${start + p * 1000 + i}`)
      const copy = [...words]
      let left = changed
      // Interior substitutions change 5 shingles each, ones near the end fewer.
      for (let position = 5; left >= 5 && position < 90; position += 10 + (random() >>> 0) % 3) {
        copy[position] = `x${start + p * 1000 + position}`
        left -= 5
      }
      if (left > 0) copy[100 - left] = `y${start + p * 1000}`
      pairsOfTexts.push([words.join(' '), copy.join(' ')])
    }
    return pairsOfTexts
  }

  async function plantedRun(checks: Record<string, CheckConfig>) {
    const random = seededRandom(9)
    const high = plantedPairs(40, 8, 0, random)
    const low = plantedPairs(40, 14, 100000, random)
    const rows = [...high, ...low].flat().map((text) => ({ text }))
    const run = await runStage([{ path: 'near.jsonl', rows }], checks)
    const texts = rows.map((row) => row.text)
    const truth = (a: number, b: number): number => bruteJaccard(wordShingles(texts[a - 1]), wordShingles(texts[b - 1]))
    return { run, truth, highPairs: high.length, lowPairs: low.length }
  }

  it('builds the planted pairs at the intended similarities (brute force); off, the check verifies nothing', async () => {
    const { truth, run } = await plantedRun({ 'near-duplicates': { enabled: false } })
    expect(truth(1, 2)).toBeCloseTo(88 / 104, 10)
    expect(truth(81, 82)).toBeCloseTo(82 / 110, 10)
    expect(run.findings).toEqual([])
    expect(run.stats.sides[0]).toMatchObject({ candidates: 0, pairsVerified: 0 })
  })

  it('never reports a pair below the threshold, and reports each pair with its exact Jaccard (9 x 13)', async () => {
    // datasketch's even weights give its 9 x 13 at 0.8; the default weighs missed pairs more (14 x 9).
    const { run, truth } = await plantedRun({ 'near-duplicates': { falsePositiveWeight: 0.5, falseNegativeWeight: 0.5 } })
    const near = of(run.findings, 'near-duplicates')
    for (const finding of near) {
      const similarity = truth(finding.line!, finding.duplicateOf!.line!)
      expect(similarity).toBeGreaterThanOrEqual(0.8)
      expect(finding.message).toBe(`near-duplicate of line ${finding.duplicateOf!.line}: Jaccard ${similarity.toFixed(2)} on word 5-grams (threshold 0.8)`)
      expect(finding.line! % 2).toBe(0) // the copy, never the original
    }
    expect(near.length).toBeGreaterThan(0)
    // At 9 x 13 a pair at 0.846 becomes a candidate with probability 0.64; none of the 0.745 pairs may pass verification.
    expect(near.every((finding) => finding.line! <= 80)).toBe(true)
    expect(run.stats.settings).toMatchObject({ bands: 9, rows: 13, permutations: 128, threshold: 0.8 })
    expect(run.stats.sides[0].pairsSimilar).toBe(near.length)
  })

  it('finds every pair above the threshold and drops every candidate below it with a recall-heavy 20 x 5', async () => {
    const { run, highPairs } = await plantedRun({ 'near-duplicates': { bands: 20, rows: 5 } })
    const near = of(run.findings, 'near-duplicates')
    expect(near.map((finding) => finding.line)).toEqual(Array.from({ length: highPairs }, (_, p) => 2 * p + 2))
    // At 20 x 5 most 0.745 pairs become candidates too: verification is what keeps them out.
    expect(run.stats.sides[0].pairsVerified).toBeGreaterThan(highPairs + 30)
    expect(run.stats.sides[0].pairsSimilar).toBe(highPairs)
  })

  it('shingles short records by characters, and says so', async () => {
    const texts = ['please translate this into french', 'please translate this into french now', 'tell me a joke about cats', 'translate into german please']
    const { findings, stats } = await runStage([{ path: 's.jsonl', rows: texts.map((text) => ({ text })) }], { 'near-duplicates': { bands: 20, rows: 5 } })
    const similarity = bruteJaccard(charShingles(texts[0]), charShingles(texts[1]))
    expect(similarity).toBeGreaterThanOrEqual(0.8)
    expect(pairs(findings)).toEqual([['s.jsonl', 2, 's.jsonl', 1]])
    expect(findings[0].message).toBe(`near-duplicate of line 1: Jaccard ${similarity.toFixed(2)} on character 5-grams (threshold 0.8)`)
    expect(stats.sides[0].shortRecords).toBe(4)
  })

  it('groups chained near duplicates into one cluster and reports its size', async () => {
    const base = Array.from({ length: 200 }, (_, i) => `word${i}`)
    const variant = (position: number): string => base.map((word, i) => (i === position ? `changed${position}` : word)).join(' ')
    const rows = [{ text: base.join(' ') }, { text: variant(50) }, { text: variant(150) }]
    const { findings, stats } = await runStage([{ path: 'c.jsonl', rows }])
    expect(of(findings, 'near-duplicates').map((f) => [f.line, f.duplicateOf?.line])).toEqual([
      [2, 1],
      [3, 1]
    ])
    expect(findings[0].message).toContain('; one of 3 records in this cluster')
    expect(stats.sides[0]).toMatchObject({ clusters: 1, clusterSizes: { '3': 1 }, nearDuplicates: 2, largestClusters: [{ size: 3, file: 'c.jsonl', line: 1 }] })
  })

  it('rejects impossible settings with the name of the option', () => {
    expect(() => new UniquenessStage({ 'near-duplicates': { threshold: 2 } })).toThrow('near-duplicates.threshold must be a number in (0, 1] (got 2).')
    expect(() => new UniquenessStage({ 'near-duplicates': { bands: 20, rows: 10 } })).toThrow('bands x rows <= permutations')
  })
})

describe('UniquenessStage: leakage', () => {
  const long = (seed: string): string => Array.from({ length: 30 }, (_, i) => `${seed}${i}`).join(' ')

  it('reports a train record found in the test split, on the train record, pointing at the test one', async () => {
    const { findings, stats } = await runStage([
      { path: 'data/train.jsonl', split: 'train', rows: [{ text: 'unrelated train text' }, { text: 'What is 2 + 2?' }] },
      { path: 'data/test.jsonl', split: 'test', rows: [{ text: 'what is 2 + 2' }] }
    ])
    expect(of(findings, 'exact-duplicates')).toEqual([])
    expect(of(findings, 'leakage')).toEqual([
      expect.objectContaining({
        severity: 'error',
        file: 'data/train.jsonl',
        line: 2,
        message: 'train record found in the test split: the same text as line 1 of data/test.jsonl',
        duplicateOf: { file: 'data/test.jsonl', line: 1 }
      })
    ])
    expect(stats.sides[0].leakage).toEqual({ exact: 1, near: 0 })
  })

  it('puts the finding on the eval record when the PR brought it and the train copy was there', async () => {
    const { findings } = await runStage([
      { path: 'train.jsonl', split: 'train', rows: [{ text: 'the answer' }] },
      { path: 'test.jsonl', split: 'test', rows: [{ text: 'The answer!' }], isNew: () => true }
    ])
    expect(pairs(of(findings, 'leakage'))).toEqual([['test.jsonl', 1, 'train.jsonl', 1]])
    expect(of(findings, 'leakage')[0].message).toBe('test record found in the train split: the same text as line 1 of train.jsonl')
  })

  it('finds near-duplicate leakage and its exact copies', async () => {
    const text = long('t')
    const edited = text.replace('t29', 'changed')
    const { findings, stats } = await runStage([
      { path: 'train.jsonl', split: 'train', rows: [{ text: edited }, { text: edited.toUpperCase() }] },
      { path: 'valid.jsonl', split: 'validation', rows: [{ text }] }
    ])
    const similarity = bruteJaccard(wordShingles(text), wordShingles(edited))
    const leaks = of(findings, 'leakage').filter((finding) => finding.line !== undefined)
    expect(pairs(leaks)).toEqual([
      ['train.jsonl', 1, 'valid.jsonl', 1],
      ['train.jsonl', 2, 'valid.jsonl', 1]
    ])
    expect(leaks[0].message).toBe(`train record found in the validation split: a near-duplicate (Jaccard ${similarity.toFixed(2)}) of line 1 of valid.jsonl`)
    expect(stats.sides[0].leakage).toEqual({ exact: 0, near: 2 })
  })

  it('rates n-gram contamination per eval file, whichever file is read first', async () => {
    const train = { path: 'train.jsonl', split: 'train' as const, rows: [{ text: `prefix ${long('a')} suffix` }] }
    const test = {
      path: 'test.jsonl',
      split: 'test' as const,
      rows: [{ text: long('b') }, { text: `other words ${long('a').split(' ').slice(5, 18).join(' ')} end` }, { text: long('c') }, { text: long('d') }, { text: 'too short' }]
    }
    for (const files of [
      [train, test],
      [test, train]
    ]) {
      const { findings, stats } = await runStage(files)
      expect(of(findings, 'leakage')).toEqual([
        {
          check: 'leakage',
          dimension: 'uniqueness',
          severity: 'warning',
          file: 'test.jsonl',
          message: '1 of 4 test records (25%) share a 13-word sequence with the train split (train.jsonl), the first on line 2; 1 shorter than 13 words were not tested'
        }
      ])
      expect(stats.sides[0].contamination).toEqual([{ file: 'test.jsonl', split: 'test', tested: 4, tooShort: 1, contaminated: 1, rate: 0.25 }])
    }
  })

  it('reports contamination on the train files that bring it when the eval file is unchanged', async () => {
    const { findings } = await runStage([
      { path: 'test.jsonl', split: 'test', reference: true, rows: [{ text: long('a') }, { text: long('b') }] },
      { path: 'train.jsonl', split: 'train', rows: [{ text: `x ${long('a')}`.slice(0, 60) }] }
    ])
    expect(of(findings, 'leakage')).toEqual([
      expect.objectContaining({
        file: 'train.jsonl',
        severity: 'warning',
        message: '1 of 2 records of test.jsonl (test split, 50%) share a 13-word sequence with this file',
        duplicateOf: { file: 'test.jsonl' }
      })
    ])
  })

  it('can be turned off', async () => {
    const { findings, stats } = await runStage(
      [
        { path: 'train.jsonl', split: 'train', rows: [{ text: long('a') }] },
        { path: 'test.jsonl', split: 'test', rows: [{ text: long('a') }] }
      ],
      { leakage: { enabled: false } }
    )
    expect(findings).toEqual([])
    expect(stats.sides[0].contamination).toEqual([])
  })
})

describe('UniquenessStage on real data', () => {
  const GPTEACHER = 'AlpacaDataCleaned/toolformer-dedupe-only-dataset.json'

  itReal('GPTeacher toolformer: 263 instruction duplicates once normalised, the 24 case/space ones of SOURCES.md among them', async () => {
    const { findings, records } = await runStage([{ path: GPTEACHER, source: fileSource(real(GPTEACHER), GPTEACHER), textFields: ['instruction'] }], {
      'near-duplicates': { enabled: false }
    })
    const exact = of(findings, 'exact-duplicates')
    expect(exact).toHaveLength(263)
    // SOURCES.md's 24: equal once lower-cased with whitespace collapsed; the other 239 differ by punctuation too.
    const firstByText = new Map<string, number>()
    const caseSpaceDuplicates: number[] = []
    for (const record of records.get(GPTEACHER)!) {
      const text = String(record.fields.instruction).toLowerCase().split(/\s+/).join(' ')
      if (firstByText.has(text)) caseSpaceDuplicates.push(record.line)
      else firstByText.set(text, record.line)
    }
    expect(caseSpaceDuplicates).toHaveLength(24)
    const flagged = new Set(exact.map((finding) => finding.line))
    expect(caseSpaceDuplicates.filter((line) => flagged.has(line))).toHaveLength(24)
  })

  itReal('GPTeacher toolformer: near duplicates on all fields mostly agree with the upstream "similarity < 0.9" cleaning', async () => {
    const { findings, records, stats } = await runStage([{ path: GPTEACHER, source: fileSource(real(GPTEACHER), GPTEACHER), textFields: ['instruction', 'input', 'output'] }])
    const kept = new Set(
      (JSON.parse(fs.readFileSync(real('AlpacaDataCleaned/toolformer-similarity-0.9-dataset.json'), 'utf8')) as RecordFields[]).map((r) => JSON.stringify([r.instruction, r.input, r.output]))
    )
    const byLine = new Map(records.get(GPTEACHER)!.map((record) => [record.line, record.fields]))
    const removedUpstream = [...byLine.values()].filter((r) => !kept.has(JSON.stringify([r.instruction, r.input, r.output])))
    expect(removedUpstream).toHaveLength(1731)
    const flaggedLines = new Set(findings.map((finding) => finding.line!))
    const flaggedAndRemoved = [...flaggedLines].filter((line) => {
      const r = byLine.get(line)!
      return !kept.has(JSON.stringify([r.instruction, r.input, r.output]))
    })
    // Which similar pairs LSH finds depends on its hash functions, so the findings are held to the
    // brute-force truth rather than to a count: every pair of records (of 10 words or more) whose
    // word 5-grams have a Jaccard similarity of 0.8 or more, exact copies apart, must end up in
    // one cluster, but for a few that LSH may miss by chance.
    const truth = similarPairs(records.get(GPTEACHER)!, ['instruction', 'input', 'output'], 0.8)
    expect(truth.length).toBeGreaterThan(300)
    const clusters = new Map<number, number>()
    const root = (line: number): number => {
      let at = line
      while (clusters.has(at) && clusters.get(at) !== at) at = clusters.get(at)!
      return at
    }
    for (const finding of findings) clusters.set(root(finding.line!), root(finding.duplicateOf!.line!))
    const found = truth.filter(([a, b]) => root(a) === root(b))
    expect(found.length / truth.length).toBeGreaterThanOrEqual(0.97)
    expect(of(findings, 'exact-duplicates')).toHaveLength(77)
    // Every reported pair was verified: none below the threshold (precision 1).
    for (const finding of of(findings, 'near-duplicates')) expect(Number(/Jaccard (\d\.\d+)/.exec(finding.message)![1])).toBeGreaterThanOrEqual(0.8)
    expect(stats.sides[0].pairsSimilar).toBe(of(findings, 'near-duplicates').length)
    // And the upstream cleaning agrees: nearly every record flagged here was removed there.
    expect(flaggedAndRemoved.length / flaggedLines.size).toBeGreaterThan(0.9)
  })

  itReal('GSM8K train vs test: no leaked record (the negative control), 8 test records share a 13-gram with train', async () => {
    const files = ['train', 'test'].map((split) => ({
      path: `grade-school-math/${split}.jsonl`,
      source: fileSource(real(`grade-school-math/${split}.jsonl`), `grade-school-math/${split}.jsonl`),
      split: split as Split,
      textFields: ['question', 'answer']
    }))
    const { findings, stats } = await runStage(files)
    expect(of(findings, 'exact-duplicates')).toEqual([])
    expect(of(findings, 'near-duplicates')).toEqual([])
    expect(findings.filter((finding) => finding.line !== undefined)).toEqual([])
    expect(stats.sides[0].leakage).toEqual({ exact: 0, near: 0 })
    // Shared phrasing, not leaked problems (checked by hand): "and there are 7 days in a week so she eats 3 7"...
    expect(findings).toEqual([
      expect.objectContaining({
        check: 'leakage',
        severity: 'info',
        file: 'grade-school-math/test.jsonl',
        message: '8 of 1319 test records (0.6%) share a 13-word sequence with the train split (grade-school-math/train.jsonl), the first on line 19'
      })
    ])
  })

  itReal("self-instruct's user-oriented eval set planted into a train file: all 252 records leak", async () => {
    const seed = fs.readFileSync(real('stanford_alpaca/seed_tasks.jsonl'), 'utf8')
    const user = fs.readFileSync(real('self-instruct/user_oriented_instructions.jsonl'), 'utf8')
    const textFields = ['instruction', 'instances.0.input', 'instances.0.output']
    const planted = await runStage([
      { path: 'train.jsonl', split: 'train', source: bufferSource('train.jsonl', seed + user), textFields },
      { path: 'test.jsonl', split: 'test', source: bufferSource('test.jsonl', user), textFields }
    ])
    const leaks = of(planted.findings, 'leakage').filter((finding) => finding.line !== undefined)
    expect(leaks).toHaveLength(252)
    // Planted after the 175 seed tasks: train line 175 + n is test line n.
    expect(leaks.every((finding) => finding.file === 'train.jsonl' && finding.duplicateOf?.line === finding.line! - 175)).toBe(true)
    expect(planted.stats.sides[0].contamination).toEqual([{ file: 'test.jsonl', split: 'test', tested: 250, tooShort: 2, contaminated: 250, rate: 1 }])
    const clean = await runStage([
      { path: 'train.jsonl', split: 'train', source: bufferSource('train.jsonl', seed), textFields },
      { path: 'test.jsonl', split: 'test', source: bufferSource('test.jsonl', user), textFields }
    ])
    expect(clean.findings).toEqual([])
  })
})

describe('UniquenessStage: reference files', () => {
  it('indexes a reference once for both sides, with the same findings as opening it on each side', async () => {
    const words = (i: number) => `record ${i} tells how the river bends past the old mill and the stone bridge near the village green today`
    const evalRows: RecordFields[] = Array.from({ length: 12 }, (_, i) => ({ q: words(i) }))
    const trainRows: RecordFields[] = [...Array.from({ length: 12 }, (_, i) => ({ q: words(100 + i) })), { q: words(3) }, { q: words(7) + ' again' }]
    const settings = (file: string) => ({ path: file, key: [], checks: {} })
    const run = async (shared: boolean) => {
      const stage = new UniquenessStage({})
      const evalSource = bufferSource('eval.jsonl', evalRows.map((r) => JSON.stringify(r)).join('\n'))
      const reference = { path: 'eval.jsonl', split: 'test' as Split, textFields: ['q'], settings: settings('eval.jsonl'), source: evalSource }
      const onReference = shared
        ? stage.openReference(reference)
        : ((base, head) => (record: DatasetRecord) => {
            base(record)
            head(record)
          })(stage.openFile({ ...reference, side: 'base', reference: true }), stage.openFile({ ...reference, side: 'head', reference: true }))
      evalRows.forEach((fields, index) => onReference({ fields, index, line: index + 1 }))
      const trainSource = bufferSource('train.jsonl', trainRows.map((r) => JSON.stringify(r)).join('\n'))
      const onTrain = stage.openFile({ path: 'train.jsonl', side: 'head', reference: false, split: 'train', textFields: ['q'], settings: settings('train.jsonl'), source: trainSource })
      trainRows.forEach((fields, index) => onTrain({ fields, index, line: index + 1 }))
      const { findings, stats } = await stage.finish()
      return { findings: findings.map(({ side, finding }) => [side, finding.check, finding.file, finding.line, finding.message]), sides: stats.sides.map((s) => s.records) }
    }
    const shared = await run(true)
    expect(shared).toEqual(await run(false))
    expect(shared.findings.filter((f) => f[1] === 'leakage' && f[3] !== undefined).map((f) => f[3])).toEqual([13, 14])
  })
})

describe('UniquenessStage: hashing only what a PR changed', () => {
  const sentence = (i: number) => `entry ${i} says the harbour lights came on one by one while the ferry from the island was still far out at sea`
  const baseRows: RecordFields[] = [
    ...Array.from({ length: 30 }, (_, i) => ({ text: sentence(i) })),
    { text: sentence(4) },
    { text: sentence(5) + ' tonight' },
    { text: '' },
    { text: 'short one' }
  ]
  // Head: two records edited, three added (one a near copy of an unchanged record), the rest unchanged.
  const headRows: RecordFields[] = [...baseRows.map((row, i) => (i === 7 ? { text: sentence(7) + ' edited' } : i === 12 ? { text: 'rewritten entirely by the pull request' } : row)), { text: sentence(20) + ' again' }, { text: 'short one' }, { text: sentence(999) }]
  const contentIds = new Map<string, number>()
  const contentHash = (fields: RecordFields): number => {
    const key = JSON.stringify(fields)
    if (!contentIds.has(key)) contentIds.set(key, contentIds.size)
    return contentIds.get(key)!
  }
  const basePositions = new Map<number, number>()
  baseRows.forEach((row, i) => {
    if (!basePositions.has(contentHash(row))) basePositions.set(contentHash(row), i)
  })
  const file = (side: 'base' | 'head', split?: Split) => ({
    path: split ? `${split}.jsonl` : 'data.jsonl',
    side,
    reference: false,
    split,
    textFields: ['text'],
    settings: { path: 'data.jsonl', key: [], checks: {} },
    source: bufferSource('data.jsonl', jsonl(side === 'base' ? baseRows : headRows))
  })
  const feed = (callback: (record: DatasetRecord, hash?: number) => void, rows: RecordFields[], withHash: boolean) =>
    rows.forEach((fields, index) => callback({ fields, index, line: index + 1 }, withHash ? contentHash(fields) : undefined))
  /** The stage's findings and side stats, with the base's index exported the moment it is complete when `exportBase`. */
  const summary = async (stage: UniquenessStage, exportBase?: string) => {
    let exported: ReturnType<UniquenessStage['exportFile']>
    const { findings, stats } = await stage.finish({ onBaseFinished: async () => void (exported = exportBase ? stage.exportFile('base', exportBase) : undefined) })
    return {
      findings: findings.map(({ side, finding }) => [side, finding.check, finding.file, finding.line, finding.message, finding.duplicateOf?.line]),
      sides: stats.sides.map(({ records, emptyText, shortRecords, exactDuplicates, nearDuplicates, contamination }) => ({ records, emptyText, shortRecords, exactDuplicates, nearDuplicates, contamination })),
      exported
    }
  }

  it('exports a file with the same columns whether it is its side\'s only file or comes after another', async () => {
    const exportOf = async (before: boolean) => {
      const stage = new UniquenessStage({})
      if (before) feed(stage.openFile({ ...file('base'), path: 'other.jsonl' }), headRows, false)
      feed(stage.openFile(file('base')), baseRows, false)
      return (await summary(stage, 'data.jsonl')).exported!
    }
    const alone = await exportOf(false)
    const second = await exportOf(true)
    expect(alone.indexOf.length).toBeGreaterThan(30)
    expect(alone.bandValues.length).toBe(alone.indexOf.length * new UniquenessStage({}).lsh.bands)
    expect(second).toEqual(alone)
  })

  it('copies the hashes of unchanged head records from base, with the same findings as hashing them', async () => {
    const run = async (reuse: boolean) => {
      const stage = new UniquenessStage({})
      feed(stage.openFile(file('base')), baseRows, false)
      const previous = reuse ? { path: 'data.jsonl', positionOf: (hash: number) => basePositions.get(hash) } : undefined
      feed(stage.openFile({ ...file('head'), ...(previous ? { previous } : {}) }), headRows, reuse)
      return { stage, result: await summary(stage) }
    }
    const hashed = await run(false)
    const reused = await run(true)
    expect(reused.result).toEqual(hashed.result)
    expect(hashed.result.findings.filter((f) => f[0] === 'head').length).toBeGreaterThanOrEqual(4)
    // 34 base records, 2 edited: 32 unchanged, 31 with text; the added 'short one' equals a base record too.
    // Only the 2 edited and 2 other added records are hashed.
    expect(reused.stage.reused.fromBase).toBe(32)
    expect(hashed.stage.reused.fromBase).toBe(0)
  })

  it('restores a cached base file instead of hashing it, with the same findings, n-gram contamination included', async () => {
    const evalRows: RecordFields[] = [{ text: sentence(3) }, { text: 'a question nobody asked about harbour lights and the ferry from the island far out' }]
    const run = async (cached?: ReturnType<UniquenessStage['exportFile']>) => {
      const stage = new UniquenessStage({})
      const base = file('base', 'train')
      if (cached) {
        // A train file's n-grams are not cached: the stage takes its records for contamination alone.
        const contamination = stage.restoreFile(base, cached)
        expect(contamination).toBeDefined()
        feed(contamination!, baseRows, false)
      } else feed(stage.openFile(base), baseRows, false)
      const testFile = { ...file('base', 'test'), source: bufferSource('test.jsonl', jsonl(evalRows)) }
      feed(stage.openFile(testFile), evalRows, false)
      feed(stage.openFile({ ...file('head', 'train'), previous: { path: 'train.jsonl', positionOf: (hash: number) => basePositions.get(hash) } }), headRows, true)
      feed(stage.openFile({ ...testFile, side: 'head' }), evalRows, false)
      const { exported, ...result } = await summary(stage, 'train.jsonl')
      return { stage, result, exported }
    }
    const fresh = await run()
    expect(fresh.exported!.indexOf).toHaveLength(33)
    const restored = await run(fresh.exported)
    expect(restored.result).toEqual(fresh.result)
    expect(restored.stage.reused.fromCache).toBe(33)
    expect(fresh.result.sides[0].contamination[0].contaminated).toBe(1)
    expect(fresh.result.findings.some((f) => f[0] === 'base' && f[1] === 'leakage')).toBe(true)
    // Without a split there is nothing to read: the cached part is all the stage needs.
    expect(new UniquenessStage({}).restoreFile(file('base'), fresh.exported!)).toBeUndefined()
  })

  /** A stage fed base and head of data.jsonl, hashing every record. */
  const bothSides = () => {
    const stage = new UniquenessStage({})
    feed(stage.openFile(file('base')), baseRows, false)
    feed(stage.openFile(file('head')), headRows, false)
    return stage
  }

  it('frees each side\'s index after its findings, the base\'s once onBaseFinished could export it', async () => {
    const stage = bothSides()
    const { exported, ...result } = await summary(stage, 'data.jsonl')
    // Every base record but the one with empty text.
    expect(exported!.indexOf).toHaveLength(baseRows.length - 1)
    expect(stage.exportFile('base', 'data.jsonl')).toBeUndefined()
    expect(stage.exportFile('head', 'data.jsonl')).toBeUndefined()
    const { exported: none, ...plain } = await summary(bothSides())
    expect(none).toBeUndefined()
    expect(plain).toEqual(result)
  })

  it('hands findings to onFinding one by one, the same (once completed) and in the same order as the array it returns otherwise', async () => {
    const returned = (await bothSides().finish()).findings
    const streamed: typeof returned = []
    const { findings } = await bothSides().finish({ onFinding: (finding) => streamed.push(finding) })
    expect(findings).toEqual([])
    expect(returned.length).toBeGreaterThanOrEqual(4)
    expect(streamed.map((taken) => ({ side: taken.side, finding: completeFinding(taken) }))).toEqual(returned)
    // Completing keeps the keys in their order.
    expect(streamed.map((taken) => Object.keys(completeFinding(taken)))).toEqual(returned.map(({ finding }) => Object.keys(finding)))
  })

  it('takes a file hashed on another thread (a check worker) with the same findings, n-grams counted here, or hashes it here when that thread fails', async () => {
    const evalRows: RecordFields[] = [{ text: sentence(3) }, { text: 'a question nobody asked about harbour lights and the ferry from the island far out' }]
    const run = async (how: 'here' | 'elsewhere' | 'failed') => {
      const stage = new UniquenessStage({})
      const testFile = { ...file('base', 'test'), source: bufferSource('test.jsonl', jsonl(evalRows)) }
      feed(stage.openFile(testFile), evalRows, false)
      const train = file('base', 'train')
      if (how === 'here') feed(stage.openFile(train), baseRows, false)
      else {
        const deferred = stage.openDeferred(train)!
        // A train file scans its n-grams against the eval records on this thread, as it is read.
        expect(deferred.record).toBeDefined()
        feed(deferred.record!, baseRows, false)
        if (how === 'elsewhere') {
          const builder = new FileHashBuilder(deferred.job)
          baseRows.forEach((fields, index) => builder.add({ fields, index, line: index + 1 }))
          deferred.place(builder.result())
        } else feed(deferred.hashHere(), baseRows, false)
      }
      return summary(stage)
    }
    const here = await run('here')
    expect(here.findings.some((f) => f[1] === 'leakage')).toBe(true)
    expect(await run('elsewhere')).toEqual(here)
    expect(await run('failed')).toEqual(here)
    // A head file with a base to copy from is hashed here, for what the PR changed.
    expect(new UniquenessStage({}).openDeferred({ ...file('head'), previous: { path: 'data.jsonl', positionOf: () => undefined } })).toBeUndefined()
  })
})

describe('UniquenessStage: room for a file announced at open', () => {
  it('makes room for the expected records at once, with the same findings as growing record by record', async () => {
    const rows: RecordFields[] = Array.from({ length: 40 }, (_, i) => ({ text: `line ${i % 30} of the long poem about the sea, the wind and the boats that never came back home` }))
    const run = async (expectedRecords?: number) => {
      const stage = new UniquenessStage({})
      const source = bufferSource('poem.jsonl', jsonl(rows))
      const callback = stage.openFile({ path: 'poem.jsonl', side: 'head', reference: false, textFields: ['text'], settings: { path: 'poem.jsonl', key: [], checks: {} }, source, ...(expectedRecords ? { expectedRecords } : {}) })
      await readDataset(source, { record: (record) => callback(record), finding: () => undefined })
      const { findings, stats } = await stage.finish()
      return { findings: findings.map(({ finding }) => [finding.check, finding.line, finding.duplicateOf?.line]), bytes: stats.sides[0].indexBytes }
    }
    const plain = await run()
    const small = await run(5000)
    const large = await run(10000)
    expect(plain.findings.length).toBeGreaterThan(0)
    expect(small.findings).toEqual(plain.findings)
    expect(large.findings).toEqual(plain.findings)
    // The index's columns are sized by the hint: 5,000 more records, 5,000 more slots (place, exact hash, file, band hashes).
    const slotBytes = 6 * 4 + 8 + 1 + 4 * new UniquenessStage({}).lsh.bands
    expect(large.bytes - small.bytes).toBe(5000 * slotBytes)
    expect(small.bytes).toBeGreaterThan(plain.bytes)
  })
})
