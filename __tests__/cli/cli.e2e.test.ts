import { createHash } from 'node:crypto'
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import type { AuditReport, FileReport } from '../../src/engine/report.js'
import { TempGitRepo } from '../helpers/git-repo.js'
import { runCliProcess } from '../helpers/spawn.js'

const EXAMPLES = resolve(process.cwd(), 'examples/pr')
const REALDATA = resolve(process.cwd(), '../shared/realdata')
const itReal = existsSync(REALDATA) ? it : it.skip

function fileOf(report: AuditReport, path: string): FileReport {
  const file = report.files.find((f) => f.path === path)
  if (!file) throw new Error(`no file ${path} in the report: ${report.files.map((f) => f.path).join(', ')}`)
  return file
}

describe('dataset-audit pr on a real git repository', () => {
  let repo: TempGitRepo
  beforeAll(() => {
    repo = new TempGitRepo()
    repo.replaceWith(join(EXAMPLES, 'base'))
    repo.write('README.md', 'not a dataset\n')
    repo.commit('base datasets')
    repo.git('checkout', '--quiet', '-b', 'dataset-update')
    repo.replaceWith(join(EXAMPLES, 'head'))
    repo.write('notes/package.json', '{"name": "not a dataset"}\n')
    repo.commit('add records')
    repo.git('checkout', '--quiet', 'main')
  })
  afterAll(() => repo.remove())

  it('reports the right added, removed and modified counts per file, read from git objects', () => {
    const result = runCliProcess(['pr', '--repo', repo.dir, '--base', 'main', '--head', 'dataset-update', '--format', 'json'])
    expect(result.stderr).not.toMatch(/could not audit/)
    const report = JSON.parse(result.stdout) as AuditReport
    expect(report.files.map((f) => f.path).sort()).toEqual(['data/eval/test.csv', 'data/sft/train.jsonl'])

    const train = fileOf(report, 'data/sft/train.jsonl')
    expect(train).toMatchObject({ format: 'jsonl', records: 31, baseRecords: 24, added: 8, removed: 1, modified: 2, skipped: 1, diffMode: 'key', keyFields: ['id'] })
    expect(train.examples.removed).toEqual([{ key: 'sft-012', line: 12 }])
    expect(train.examples.modified.map((m) => [m.key, m.changedFields])).toEqual([
      ['sft-006', ['output']],
      ['sft-011', ['output']]
    ])

    const evalFile = fileOf(report, 'data/eval/test.csv')
    expect(evalFile).toMatchObject({ format: 'csv', records: 12, added: 2, removed: 0, modified: 1, split: 'test' })
    expect(evalFile.examples.modified[0]).toMatchObject({ key: 'q3', changedFields: ['answer'] })
  })

  it('reports the malformed line as a parse finding with its line, brought by the PR, and fails the gate', () => {
    const result = runCliProcess(['pr', '--repo', repo.dir, '--base', 'main', '--head', 'dataset-update', '--format', 'json'])
    expect(result.status).toBe(1)
    expect(result.stderr).toMatch(/the gate fails/)
    const report = JSON.parse(result.stdout) as AuditReport
    const parse = fileOf(report, 'data/sft/train.jsonl').findings.filter((f) => f.check === 'parse')
    expect(parse).toHaveLength(1)
    expect(parse[0]).toMatchObject({ dimension: 'accuracy', severity: 'error', file: 'data/sft/train.jsonl', line: 28, introduced: true })
    expect(report.regressions.some((r) => r.check === 'parse')).toBe(true)
  })

  it('prints a markdown report with the score and the per-file changes', () => {
    const result = runCliProcess(['pr', '--repo', repo.dir, '--base', 'main', '--head', 'dataset-update'])
    expect(result.stdout).toMatch(/^### ❌ Dataset audit: [\d.]+ \/ 100/)
    expect(result.stdout).toContain('| `data/sft/train.jsonl` | 31 | 8 | 1 | 2 |')
    expect(result.stdout).toContain('| `data/eval/test.csv` | 12 | 2 | 0 | 1 |')
  })

  it('passes when the policy says never, and audits nothing when no dataset changed', () => {
    expect(runCliProcess(['pr', '--repo', repo.dir, '--base', 'main', '--head', 'dataset-update', '--fail-on', 'never', '--format', 'json']).status).toBe(0)
    const same = runCliProcess(['pr', '--repo', repo.dir, '--base', 'main', '--head', 'main', '--format', 'json'])
    expect(same.status).toBe(0)
    expect((JSON.parse(same.stdout) as AuditReport).files).toEqual([])
  })

  it('reads the base files from the cache on the next run, by blob id, with the same report', () => {
    const env = { DATASET_AUDIT_CACHE: mkdtempSync(join(tmpdir(), 'dataset-audit-cli-cache-')) }
    const args = ['pr', '--repo', repo.dir, '--base', 'main', '--head', 'dataset-update', '--format', 'json']
    const first = runCliProcess(args, { env })
    expect(first.stderr).not.toMatch(/from the cache/)
    const second = runCliProcess(args, { env })
    expect(second.stderr).toMatch(/2 base files read from the cache/)
    expect(second.stdout).toBe(first.stdout)
    const uncached = runCliProcess([...args, '--no-cache'], { env })
    expect(uncached.stderr).not.toMatch(/from the cache/)
    expect(uncached.stdout).toBe(first.stdout)
  })

  it('exits 2 with a one-line reason for an unknown ref', () => {
    const result = runCliProcess(['pr', '--repo', repo.dir, '--base', 'main', '--head', 'no-such-branch'])
    expect(result.status).toBe(2)
    expect(result.stderr.trim().split('\n')).toHaveLength(1)
    expect(result.stderr).toMatch(/could not audit: .*no-such-branch/)
  })
})

describe('leakage into an evaluation set the PR did not touch', () => {
  it('compares the changed train file with the unchanged test file at head', () => {
    const repo = new TempGitRepo()
    try {
      const question = (i: number) => `How many apples are left if a farmer picks ${i * 3 + 7} apples and gives away ${i + 2} of them to the neighbours?`
      const rows = (n: number, offset: number) => Array.from({ length: n }, (_, i) => JSON.stringify({ question: question(i + offset), answer: String(i * 2 + offset) })).join('\n') + '\n'
      repo.write('data/test.jsonl', rows(20, 1000))
      repo.write('data/train.jsonl', rows(40, 0))
      repo.commit('base')
      repo.git('checkout', '--quiet', '-b', 'more-train')
      // Two training records copied from the test set, one with its punctuation changed.
      const leaked = [JSON.stringify({ question: question(1003), answer: String(2 * 3 + 1000) }), JSON.stringify({ question: question(1007).replace('?', '!'), answer: String(2 * 7 + 1000) })]
      repo.write('data/train.jsonl', rows(40, 0) + leaked.join('\n') + '\n')
      repo.commit('more training data')
      const report = JSON.parse(runCliProcess(['pr', '--repo', repo.dir, '--base', 'main', '--head', 'more-train', '--format', 'json']).stdout) as AuditReport
      expect(report.files.map((f) => f.path)).toEqual(['data/train.jsonl'])
      const leakage = report.files[0].findings.filter((f) => f.check === 'leakage' && f.line !== undefined)
      expect(leakage.map((f) => [f.line, f.duplicateOf?.file, f.introduced])).toEqual([
        [41, 'data/test.jsonl', true],
        [42, 'data/test.jsonl', true]
      ])
      expect(report.regressions.some((r) => r.check === 'leakage')).toBe(true)
    } finally {
      repo.remove()
    }
  })
})

describe('renamed and removed files', () => {
  it('diffs a renamed file against its old path, and counts a removed file\'s records as removed', () => {
    const repo = new TempGitRepo()
    try {
      const rows = Array.from({ length: 30 }, (_, i) => JSON.stringify({ id: `q${i}`, question: `What is ${i} plus ${i + 1}, written out in words?`, answer: String(2 * i + 1) }))
      repo.write('data/old-name.jsonl', rows.join('\n') + '\n')
      repo.write('data/legacy.jsonl', rows.slice(0, 5).join('\n') + '\n')
      repo.commit('base')
      repo.git('mv', 'data/old-name.jsonl', 'data/new-name.jsonl')
      repo.git('rm', '--quiet', 'data/legacy.jsonl')
      repo.write('data/new-name.jsonl', [...rows.slice(0, 29), JSON.stringify({ id: 'q29', question: 'What is 29 plus 30, written out in words?', answer: 'fifty-nine' })].join('\n') + '\n')
      repo.commit('rename, fix one answer, drop the legacy file')
      const report = JSON.parse(runCliProcess(['pr', '--repo', repo.dir, '--base', 'HEAD~1', '--head', 'HEAD', '--format', 'json']).stdout) as AuditReport
      expect(fileOf(report, 'data/new-name.jsonl')).toMatchObject({ status: 'renamed', previousPath: 'data/old-name.jsonl', records: 30, added: 0, removed: 0, modified: 1 })
      expect(fileOf(report, 'data/new-name.jsonl').examples.modified[0]).toMatchObject({ key: 'q29', changedFields: ['answer'] })
      expect(fileOf(report, 'data/legacy.jsonl')).toMatchObject({ status: 'removed', removed: 5, findings: [] })
    } finally {
      repo.remove()
    }
  })
})

describe('Git LFS pointers in a repository', () => {
  it('reads the object behind a pointer when the LFS store has it, and reports the pointer when not', () => {
    const repo = new TempGitRepo()
    try {
      const data = '{"id": 1, "text": "first record"}\n{"id": 2, "text": "second record"}\n'
      const oid = createHash('sha256').update(data).digest('hex')
      const pointer = `version https://git-lfs.github.com/spec/v1\noid sha256:${oid}\nsize ${data.length}\n`
      repo.write('data/old.jsonl', '{"id": 1, "text": "first record"}\n')
      repo.commit('base')
      repo.write('data/big.jsonl', pointer)
      repo.commit('add an LFS file')
      const missing = JSON.parse(runCliProcess(['pr', '--repo', repo.dir, '--base', 'HEAD~1', '--head', 'HEAD', '--format', 'json']).stdout) as AuditReport
      expect(fileOf(missing, 'data/big.jsonl')).toMatchObject({ lfsPointer: true, records: 0 })
      expect(fileOf(missing, 'data/big.jsonl').findings[0].message).toMatch(/Git LFS pointer.*lfs: true/)

      repo.write(`.git/lfs/objects/${oid.slice(0, 2)}/${oid.slice(2, 4)}/${oid}`, data)
      const fetched = JSON.parse(runCliProcess(['pr', '--repo', repo.dir, '--base', 'HEAD~1', '--head', 'HEAD', '--format', 'json']).stdout) as AuditReport
      expect(fileOf(fetched, 'data/big.jsonl')).toMatchObject({ lfsPointer: false, records: 2, added: 2 })
    } finally {
      repo.remove()
    }
  })
})

describe('dataset-audit diff and scan', () => {
  it('diffs two folders like a PR, reading the config from the old one', () => {
    const result = runCliProcess(['diff', 'examples/pr/base', 'examples/pr/head', '--format', 'json'])
    const report = JSON.parse(result.stdout) as AuditReport
    expect(fileOf(report, 'data/sft/train.jsonl')).toMatchObject({ added: 8, removed: 1, modified: 2 })
    expect(fileOf(report, 'data/eval/test.csv').purpose).toBe('eval')
  })

  itReal('finds exactly the 8 records the GSM8K answer-extraction fix changed, and nothing else', () => {
    const dir = join(REALDATA, 'grade-school-math')
    const result = runCliProcess(['diff', join(dir, 'example_model_solutions.before.jsonl'), join(dir, 'example_model_solutions.after.jsonl'), '--format', 'json'])
    const [file] = (JSON.parse(result.stdout) as AuditReport).files
    expect(file).toMatchObject({ records: 1319, added: 0, removed: 0, modified: 8, unchanged: 1311, diffMode: 'content' })
    expect(file.examples.modified.map((m) => [m.headLine, m.changedFields])).toEqual([
      [250, ['6b_verification.is_correct']],
      [420, ['175b_finetuning.is_correct']],
      [611, ['175b_verification.is_correct', '6b_finetuning.is_correct', '6b_verification.is_correct']],
      [643, ['175b_verification.is_correct']],
      [820, ['6b_finetuning.is_correct']],
      [830, ['175b_verification.is_correct']],
      [998, ['175b_verification.is_correct']],
      [1010, ['175b_verification.is_correct']]
    ])
  })

  itReal('finds the 2 TruthfulQA es rows whose empty labels were filled', () => {
    const dir = join(REALDATA, 'truthfulqa-multi')
    const result = runCliProcess(['diff', join(dir, 'es.before.csv'), join(dir, 'es.after.csv'), '--format', 'json'])
    const [file] = (JSON.parse(result.stdout) as AuditReport).files
    expect(file).toMatchObject({ records: 300, added: 0, removed: 0, modified: 2, diffMode: 'key', keyFields: ['id'] })
    for (const modified of file.examples.modified) expect(modified.changedFields).toEqual(['informativeness', 'truthfulness'])
  })

  it('scans a folder with no base and reports every problem as the change\'s own', () => {
    const result = runCliProcess(['scan', 'examples/pr/head', '--format', 'json'])
    const report = JSON.parse(result.stdout) as AuditReport
    expect(report.files.map((f) => f.status)).toEqual(['scanned', 'scanned'])
    expect(report.baseScore).toBeNull()
  })

  it('runs only the named checks, writes the report to a file, and takes a config file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cli-out-'))
    const out = join(dir, 'report.json')
    const only = runCliProcess(['diff', 'examples/pr/base', 'examples/pr/head', '--only', 'pii,secrets', '--format', 'json', '--out', out])
    expect(only.stdout).toBe('')
    expect(only.stderr).toMatch(/report written to/)
    const report = JSON.parse(readFileSync(out, 'utf8')) as AuditReport
    const checks = new Set(report.files.flatMap((f) => f.counts.map((c) => c.check)))
    expect([...checks].sort()).toEqual(['parse', 'pii', 'secrets'])

    const config = join(dir, 'audit.yml')
    writeFileSync(config, 'fail-on: never\nchecks:\n  pii: { enabled: false }\n')
    const configured = runCliProcess(['diff', 'examples/pr/base/data/sft/train.jsonl', 'examples/pr/head/data/sft/train.jsonl', '--config', config, '--format', 'json'])
    expect(configured.status).toBe(0)
    expect((JSON.parse(configured.stdout) as AuditReport).files[0].counts.map((c) => c.check)).not.toContain('pii')
  })

  it('reports every config error with its path and line, and unknown checks with a suggestion', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cli-config-'))
    const config = join(dir, 'audit.yml')
    writeFileSync(config, 'fail-on: sometimes\nrules:\n  - paths: ["**"]\n    split: training\n')
    const invalid = runCliProcess(['scan', 'examples/pr/head', '--config', config])
    expect(invalid.status).toBe(2)
    expect(invalid.stderr).toMatch(/audit\.yml:1:\d+: fail-on: must be one of/)
    expect(invalid.stderr).toMatch(/audit\.yml:4:\d+: rules\/0\/split: must be one of train, validation, test/)
    writeFileSync(config, 'checks:\n  piii: { severity: error }\n')
    const unknown = runCliProcess(['scan', 'examples/pr/head', '--config', config])
    expect(unknown.status).toBe(2)
    expect(unknown.stderr).toMatch(/checks\/piii: unknown check `piii`; did you mean `pii`\?/)
    const unknownOnly = runCliProcess(['scan', 'examples/pr/head', '--only', 'nope'])
    expect(unknownOnly.status).toBe(2)
    expect(unknownOnly.stderr).toMatch(/unknown check `nope` in --only/)
  })

  it('exits 2 with a one-line reason on usage errors', () => {
    for (const args of [['frobnicate'], ['diff', 'only-one.jsonl'], ['scan', 'no/such/path'], ['scan', '.', '--format', 'xml'], ['scan', '.', '--bogus']]) {
      const result = runCliProcess(args)
      expect(result.status).toBe(2)
      expect(result.stderr.trim().split('\n')).toHaveLength(1)
      expect(result.stderr).toMatch(/^dataset-audit: /)
    }
  })
})

describe('dataset-audit checks', () => {
  it('lists every check, and docs/checks.md is its output', () => {
    const result = runCliProcess(['checks'])
    expect(result.status).toBe(0)
    expect(readFileSync(resolve(process.cwd(), 'docs/checks.md'), 'utf8')).toBe(result.stdout)
    const catalog = JSON.parse(runCliProcess(['checks', '--format', 'json']).stdout) as Array<{ id: string; dimension: string }>
    expect(catalog.length).toBeGreaterThanOrEqual(25)
    for (const { id } of catalog) expect(result.stdout).toContain(`### \`${id}\``)
    expect(new Set(catalog.map((c) => c.dimension)).size).toBeGreaterThanOrEqual(7)
  })
})

describe('worker threads', () => {
  it('finds the same duplicates and leaks with hashing on worker threads as on one thread', () => {
    const dir = mkdtempSync(join(tmpdir(), 'dataset-audit-threads-'))
    // The splits come from the file names. Deterministic words; every 50th record repeats an earlier
    // one with one word changed (Jaccard >= 45/55 at 50 words and more), every 97th exactly.
    let state = 17
    const next = (): number => (state = (Math.imul(state, 1103515245) + 12345) >>> 0)
    const vocabulary = Array.from({ length: 400 }, (_, i) => `w${i.toString(36)}`)
    const sentence = (words: number): string[] => Array.from({ length: words }, () => vocabulary[next() % vocabulary.length])
    const texts: string[][] = []
    for (let i = 0; i < 3000; i++) {
      if (i > 0 && i % 50 === 0) {
        const copy = [...texts[next() % i]]
        copy[next() % copy.length] = 'changed'
        texts.push(copy)
      } else if (i > 0 && i % 97 === 0) texts.push(texts[next() % i])
      else texts.push(sentence(50 + (next() % 40)))
    }
    const line = (text: string[], i: number): string => JSON.stringify({ id: `r${i}`, text: text.join(' '), label: 'a' })
    writeFileSync(join(dir, 'train.jsonl'), texts.map(line).join('\n') + '\n')
    writeFileSync(join(dir, 'test.jsonl'), [texts[10], texts[2000], sentence(60)].map((text, i) => line(text, 9000 + i)).join('\n') + '\n')
    const scan = (threads: string) =>
      runCliProcess(['scan', join(dir, 'train.jsonl'), join(dir, 'test.jsonl'), '--format', 'json', '--threads', threads])
    const oneThread = scan('0')
    const threaded = scan('2')
    // Checks on a second thread too, whatever the file's size, and that thread lent to the finish to read half the candidates.
    const offloaded = runCliProcess(['scan', join(dir, 'train.jsonl'), join(dir, 'test.jsonl'), '--format', 'json', '--threads', '1'], { env: { DATASET_AUDIT_OFFLOAD_BYTES: '0', DATASET_AUDIT_SHARED_READ_MIN: '0' } })
    expect(threaded.stderr).not.toMatch(/could not audit/)
    expect(threaded.stdout).toBe(oneThread.stdout)
    expect(offloaded.stdout).toBe(oneThread.stdout)
    const report = JSON.parse(threaded.stdout) as AuditReport
    const counts = Object.fromEntries(report.files.flatMap((f) => f.counts.map((c) => [`${f.path.split('/').pop()}:${c.check}`, c.total])))
    expect(counts['train.jsonl:near-duplicates']).toBeGreaterThanOrEqual(55)
    expect(counts['train.jsonl:exact-duplicates']).toBeGreaterThanOrEqual(30)
    expect(counts['train.jsonl:leakage']).toBeGreaterThanOrEqual(2)
  })

  it('gives the same report when the worker and the main thread share the hashing chunk by chunk, records without text included', () => {
    const dir = mkdtempSync(join(tmpdir(), 'dataset-audit-chunks-'))
    let state = 5
    const next = (): number => (state = (Math.imul(state, 1103515245) + 12345) >>> 0)
    const sentence = (words: number): string => Array.from({ length: words }, () => `w${(next() % 500).toString(36)}`).join(' ')
    const texts: string[] = []
    for (let i = 0; i < 6000; i++) {
      // Every 7th record has no text (an empty slot in the shared columns), every 40th repeats an earlier one.
      if (i % 7 === 3) texts.push('')
      else if (i > 0 && i % 40 === 0) texts.push(texts[next() % i])
      else texts.push(sentence(30 + (next() % 30)))
    }
    writeFileSync(join(dir, 'train.jsonl'), texts.map((text, i) => JSON.stringify({ id: `r${i}`, text })).join('\n') + '\n')
    const scan = (threads: string, env: Record<string, string> = {}) => runCliProcess(['scan', join(dir, 'train.jsonl'), '--format', 'json', '--threads', threads], { env })
    const oneThread = scan('0')
    // Chunks of 16 records: hundreds of them, so that both threads take some, whichever is ahead.
    const shared = scan('1', { DATASET_AUDIT_OFFLOAD_BYTES: '0', DATASET_AUDIT_HASH_CHUNK_RECORDS: '16' })
    expect(shared.stderr).not.toMatch(/could not audit|worker thread failed/)
    expect(shared.stdout).toBe(oneThread.stdout)
    const report = JSON.parse(shared.stdout) as AuditReport
    const counts = Object.fromEntries(report.files.flatMap((f) => f.counts.map((c) => [c.check, c.total])))
    expect(counts['exact-duplicates']).toBeGreaterThanOrEqual(100)
  })

  it('gives the same PR report when the costliest checks run on a worker thread, new findings and shifts included', () => {
    const diff = (threads: string) =>
      runCliProcess(['diff', 'examples/pr/base', 'examples/pr/head', '--format', 'json', '--threads', threads], { env: { DATASET_AUDIT_OFFLOAD_BYTES: '0', DATASET_AUDIT_SHARED_READ_MIN: '0' } })
    const here = diff('0')
    const offloaded = diff('1')
    expect(offloaded.status).toBe(1)
    expect(offloaded.stdout).toBe(here.stdout)
    const report = JSON.parse(offloaded.stdout) as AuditReport
    const train = fileOf(report, 'data/sft/train.jsonl')
    // Two of the offloaded checks found something the PR brought.
    expect(train.findings.filter((f) => (f.check === 'secrets' || f.check === 'llm-artifacts') && f.introduced)).toHaveLength(2)
  })

  it('refuses a thread count that is not a small whole number', () => {
    const result = runCliProcess(['scan', 'examples/pr/head', '--threads', 'many'])
    expect(result.status).toBe(2)
    expect(result.stderr).toMatch(/--threads must be an integer/)
  })
})
