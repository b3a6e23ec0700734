import { rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import type { AuditReport } from '../../src/engine/report.js'
import { runAction, TEST_TOKEN, webhookExample, type ActionRun } from '../helpers/action-runner.js'
import { FakeActionsCache } from '../helpers/fake-actions-cache.js'
import { FakeGitHub } from '../helpers/fake-github.js'
import { TempGitRepo } from '../helpers/git-repo.js'

const EXAMPLES = resolve(process.cwd(), 'examples/pr')

/** A repository with the example dataset PR: `main` has the base, `dataset-update` the head. */
function examplePrRepo(): { repo: TempGitRepo; baseSha: string; headSha: string } {
  const repo = new TempGitRepo()
  repo.replaceWith(join(EXAMPLES, 'base'))
  const baseSha = repo.commit('base datasets')
  repo.git('checkout', '--quiet', '-b', 'dataset-update')
  repo.replaceWith(join(EXAMPLES, 'head'))
  const headSha = repo.commit('add records')
  repo.git('checkout', '--quiet', 'main')
  return { repo, baseSha, headSha }
}

function pullRequestEvent(github: FakeGitHub, number: number, baseSha: string, headSha: string, headRepo = github.fullName): Record<string, unknown> {
  const payload = webhookExample('pull_request', 'opened')
  const pr = payload.pull_request as Record<string, Record<string, unknown>>
  pr.number = number as never
  pr.base = { ...pr.base, sha: baseSha, ref: 'main', repo: { ...(pr.base.repo as object), full_name: github.fullName } }
  pr.head = { ...pr.head, sha: headSha, ref: 'dataset-update', repo: { ...(pr.head.repo as object), full_name: headRepo } }
  payload.number = number
  payload.repository = { ...(payload.repository as object), full_name: github.fullName }
  return payload
}

/** The token appears only in the runner's `::add-mask::` command, which the runner consumes. */
function expectTokenNeverPrinted(run: ActionRun): void {
  expect(run.stdout).toContain(`::add-mask::${TEST_TOKEN}`)
  expect(run.stdout.replace(`::add-mask::${TEST_TOKEN}`, '')).not.toContain(TEST_TOKEN)
  expect(run.stderr).not.toContain(TEST_TOKEN)
  expect(run.summary).not.toContain(TEST_TOKEN)
}

describe('the Action on a pull request with regressions', () => {
  let repo: TempGitRepo
  let github: FakeGitHub
  let apiUrl: string
  let baseSha: string
  let headSha: string
  let first: ActionRun

  beforeAll(async () => {
    ;({ repo, baseSha, headSha } = examplePrRepo())
    github = new FakeGitHub(repo.dir)
    apiUrl = await github.start()
    github.addPull(7, { ref: 'main', sha: baseSha }, { ref: 'dataset-update', sha: headSha })
    first = await runAction({ event: 'pull_request', payload: pullRequestEvent(github, 7, baseSha, headSha), apiUrl, workspace: repo.dir, repository: github.fullName, sha: headSha })
  })
  afterAll(async () => {
    await github.stop()
    repo.remove()
  })

  it('fails the step, sets the outputs and writes the job summary and the JSON report', () => {
    expect(first.status).toBe(1)
    expect(first.stdout).toMatch(/::error::dataset-audit: the gate fails/)
    expect(first.outputs.conclusion).toBe('failure')
    expect(Number(first.outputs.score)).toBeGreaterThan(0)
    expect(Number(first.outputs.regressions)).toBeGreaterThan(0)
    expect(Number(first.outputs['base-score'])).toBeGreaterThan(Number(first.outputs.score))
    expect(first.summary).toMatch(/### ❌ Dataset audit/)
    const report = first.report as AuditReport
    expect(report.files.find((f) => f.path === 'data/sft/train.jsonl')).toMatchObject({ added: 8, removed: 1, modified: 2 })
    expect(first.outputs.report).toMatch(/dataset-audit-report\.json$/)
    expectTokenNeverPrinted(first)
  })

  it('creates one sticky comment with the marker, the score and the regressions', () => {
    const comments = github.comments.get(7) ?? []
    expect(comments).toHaveLength(1)
    expect(comments[0].body.startsWith('<!-- dataset-audit -->')).toBe(true)
    expect(comments[0].body).toMatch(/Regressions brought by this PR/)
    expect(comments[0].body).toMatch(/d\*\*\*\*e@e\*\*\*\*\.io/) // the email is masked
    expect(comments[0].body).not.toContain('dana.lee@examplecorp.io')
  })

  it('creates a failing check run on the head SHA with line annotations by severity', () => {
    expect(github.checkRuns).toHaveLength(1)
    const [check] = github.checkRuns
    expect(check).toMatchObject({ name: 'dataset-audit', head_sha: headSha, status: 'completed', conclusion: 'failure' })
    expect(check.output?.title).toMatch(/\/ 100 · \d+ regressions?/)
    const parse = (check.annotations as Array<{ path: string; start_line: number; annotation_level: string }>).find((a) => a.start_line === 28)
    expect(parse).toMatchObject({ path: 'data/sft/train.jsonl', annotation_level: 'failure' })
  })

  it('leaves the comment alone when a second run finds the same (no notification noise)', async () => {
    const patchesBefore = github.callsTo('PATCH', /issues\/comments/).length
    const second = await runAction({ event: 'pull_request', payload: pullRequestEvent(github, 7, baseSha, headSha), apiUrl, workspace: repo.dir, repository: github.fullName, sha: headSha })
    expect(second.status).toBe(1)
    expect(github.comments.get(7)).toHaveLength(1)
    expect(github.callsTo('PATCH', /issues\/comments/).length).toBe(patchesBefore)
    expect(github.callsTo('POST', /issues\/7\/comments/)).toHaveLength(1)
  })

  it('updates the same comment in place when the PR changes, and collapses duplicates', async () => {
    repo.git('checkout', '--quiet', 'dataset-update')
    repo.write('data/sft/train.jsonl', repo.git('show', 'HEAD:data/sft/train.jsonl').replace(/\{"id": "sft-033".*\n/, ''))
    const fixedSha = repo.commit('drop the malformed line')
    repo.git('checkout', '--quiet', 'main')
    github.addPull(7, { ref: 'main', sha: baseSha }, { ref: 'dataset-update', sha: fixedSha })
    // A concurrent run left a second sticky comment behind.
    github.addComment(7, '<!-- dataset-audit -->\nstale duplicate', { login: 'github-actions[bot]', type: 'Bot', id: 41898282 })
    const third = await runAction({ event: 'pull_request', payload: pullRequestEvent(github, 7, baseSha, fixedSha), apiUrl, workspace: repo.dir, repository: github.fullName, sha: fixedSha })
    const comments = github.comments.get(7) ?? []
    expect(comments).toHaveLength(1)
    expect(github.callsTo('DELETE', /issues\/comments/)).toHaveLength(1)
    expect(github.callsTo('PATCH', /issues\/comments/)).toHaveLength(1)
    expect(comments[0].body).not.toMatch(/accuracy · parse/)
    expect((third.report as AuditReport).files.find((f) => f.path === 'data/sft/train.jsonl')?.skipped).toBe(0)
  })
})

describe('the Action when no dataset changed', () => {
  it('succeeds with one line saying so, safe as a required check', async () => {
    const repo = new TempGitRepo()
    repo.write('data/train.jsonl', '{"id": 1, "text": "hello there"}\n')
    const baseSha = repo.commit('base')
    repo.write('README.md', 'docs only\n')
    const headSha = repo.commit('docs')
    const github = new FakeGitHub(repo.dir)
    const apiUrl = await github.start()
    github.addPull(3, { ref: 'main', sha: baseSha }, { ref: 'docs', sha: headSha })
    try {
      const run = await runAction({ event: 'pull_request', payload: pullRequestEvent(github, 3, baseSha, headSha), apiUrl, workspace: repo.dir, repository: github.fullName, sha: headSha })
      expect(run.status).toBe(0)
      expect(run.outputs.conclusion).toBe('success')
      expect(github.checkRuns[0]).toMatchObject({ conclusion: 'success', output: { title: 'No dataset file changed' } })
      expect(github.comments.get(3)?.[0].body).toMatch(/No dataset file changed\./)
    } finally {
      await github.stop()
      repo.remove()
    }
  })
})

describe('the Action with the Actions cache service', () => {
  let repo: TempGitRepo
  let github: FakeGitHub
  let cache: FakeActionsCache
  let apiUrl: string
  let env: Record<string, string>
  let baseSha: string
  let headSha: string

  beforeAll(async () => {
    ;({ repo, baseSha, headSha } = examplePrRepo())
    github = new FakeGitHub(repo.dir)
    apiUrl = await github.start()
    cache = new FakeActionsCache()
    // The cache folder is part of an entry's version, so it is the same every run (as RUNNER_TEMP is on a runner).
    env = { ACTIONS_CACHE_URL: await cache.start(), ACTIONS_RUNTIME_TOKEN: 'runtime-token', DATASET_AUDIT_CACHE: join(tmpdir(), `dataset-audit-cache-e2e-${process.pid}`) }
    github.addPull(8, { ref: 'main', sha: baseSha }, { ref: 'dataset-update', sha: headSha })
  })
  afterAll(async () => {
    await github.stop()
    await cache.stop()
    repo.remove()
    rmSync(env.DATASET_AUDIT_CACHE, { recursive: true, force: true })
  })

  const run = (inputs: Record<string, string> = {}) =>
    runAction({ event: 'pull_request', payload: pullRequestEvent(github, 8, baseSha, headSha), apiUrl, workspace: repo.dir, repository: github.fullName, sha: headSha, inputs, env })

  it('stores each base file on the first run and reads it back on the next, on a fresh runner, with the same report', async () => {
    const first = await run()
    expect(first.stdout).toMatch(/base files from the cache: 0, read and stored: 2/)
    // Per base file, its side and its part of the uniqueness index; for the base side as a whole, its uniqueness findings.
    expect(cache.saved).toHaveLength(5)
    expect(cache.saved.filter((key) => /^dataset-audit-[0-9a-f]{40}-(side|index)$/.test(key))).toHaveLength(4)
    expect(cache.saved.filter((key) => /^dataset-audit-[0-9a-f]{40}-base-findings$/.test(key))).toHaveLength(1)

    // A fresh runner: the folder is gone, what comes back came through the service.
    rmSync(env.DATASET_AUDIT_CACHE, { recursive: true, force: true })
    const second = await run()
    expect(second.stdout).toMatch(/base files from the cache: 2, read and stored: 0/)
    expect(cache.saved).toHaveLength(5)
    // The base side's findings were asked of the service on both runs (its entry holds them since the first).
    const findingsKey = cache.saved.find((key) => key.endsWith('-base-findings'))
    expect(cache.lookups.filter((key) => key === findingsKey)).toHaveLength(2)
    expect(second.outputs.conclusion).toBe(first.outputs.conclusion)
    expect(second.report).toEqual(first.report)
  })

  it('finds the same entries for a pull_request_target run, which reads through the API: blob ids are the same', async () => {
    // A pull_request run (local git) leaves the entries in the service, if the test above has not.
    const viaGit = await run()
    rmSync(env.DATASET_AUDIT_CACHE, { recursive: true, force: true })
    const target = await runAction({ event: 'pull_request_target', payload: pullRequestEvent(github, 8, baseSha, headSha), apiUrl, workspace: repo.dir, repository: github.fullName, sha: baseSha, env })
    expect(target.stdout).toMatch(/base files from the cache: 2, read and stored: 0/)
    // Read through the API, the config and the files are the same: so is the verdict.
    expect((target.report as AuditReport).regressions).toEqual((viaGit.report as AuditReport).regressions)
    expect(github.callsTo('GET', /\/contents\/data\/sft\/train\.jsonl$/).length).toBeGreaterThan(0)
    expect(target.outputs.conclusion).toBe('failure')
  })

  it('neither reads nor writes the cache with cache: false', async () => {
    const lookups = cache.lookups.length
    const off = await run({ cache: 'false' })
    expect(off.stdout).not.toMatch(/from the cache/)
    expect(cache.lookups).toHaveLength(lookups)
    expect(off.outputs.conclusion).toBe('failure')
  })
})

describe('the Action on a larger pull request, with worker threads', () => {
  let repo: TempGitRepo
  let github: FakeGitHub
  let apiUrl: string
  let baseSha: string
  let headSha: string

  beforeAll(async () => {
    repo = new TempGitRepo()
    const record = (i: number, extra = '') =>
      JSON.stringify({ id: `r${i}`, instruction: `Describe harbour ${i % 40}`, output: `The harbour ${i} keeps its lights on through the night while the ferries come and go${extra}`, label: i % 2 ? 'calm' : 'busy' })
    const lines = Array.from({ length: 600 }, (_, i) => record(i))
    repo.write('data/train.jsonl', lines.join('\n') + '\n')
    baseSha = repo.commit('base')
    repo.git('checkout', '--quiet', '-b', 'dataset-update')
    // 40 near copies of earlier records and an API key: findings from the stage's workers and from the offloaded checks.
    const added = Array.from({ length: 40 }, (_, i) => record(i * 7, ' again').replace(`"r${i * 7}"`, `"r${1000 + i}"`))
    added.push(record(2000, ' and the key is AKIAIOSFODNN7EXAMPLE'))
    repo.write('data/train.jsonl', [...lines, ...added].join('\n') + '\n')
    headSha = repo.commit('more records')
    repo.git('checkout', '--quiet', 'main')
    github = new FakeGitHub(repo.dir)
    apiUrl = await github.start()
    github.addPull(9, { ref: 'main', sha: baseSha }, { ref: 'dataset-update', sha: headSha })
  })
  afterAll(async () => {
    await github.stop()
    repo.remove()
  })

  it('gives the report of a single-threaded run when hashing and checks run on workers started from dist/index.js', async () => {
    const run = (env: Record<string, string>) =>
      runAction({ event: 'pull_request', payload: pullRequestEvent(github, 9, baseSha, headSha), apiUrl, workspace: repo.dir, repository: github.fullName, sha: headSha, inputs: { cache: 'false' }, env })
    const single = await run({ DATASET_AUDIT_THREADS: '0' })
    const threaded = await run({ DATASET_AUDIT_THREADS: '2', DATASET_AUDIT_OFFLOAD_BYTES: '0' })
    expect(threaded.stderr).toBe('')
    // Both sides' checks on a worker; base's hashing there too (head copies base's hashes and hashes what the PR changed here).
    expect(threaded.stdout).toMatch(/::debug::dataset-audit: worker threads signed \d+ batches, checked 2 file sides, hashed 1 of them for the uniqueness checks \(the main thread took \d+ of their \d+ chunks of records\), read half the candidates of \d+ files again and grouped LSH bands for \d+ sides/)
    expect(threaded.stdout).not.toMatch(/a worker thread failed/)
    expect(single.stdout).not.toMatch(/worker threads signed/)
    expect(threaded.report).toEqual(single.report)
    const report = threaded.report as AuditReport
    const counts = Object.fromEntries(report.files[0].counts.map((count) => [count.check, count.introduced]))
    expect(counts['near-duplicates']).toBeGreaterThanOrEqual(40)
    expect(counts.secrets).toBe(1)
  })
})
