import { execFileSync } from 'node:child_process'
import { writeFileSync, mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { AuditReport } from '../../src/engine/report.js'
import { runAction, webhookExample } from '../helpers/action-runner.js'
import { FakeGitHub } from '../helpers/fake-github.js'
import { TempGitRepo } from '../helpers/git-repo.js'

const jsonl = (rows: object[]): string => rows.map((r) => JSON.stringify(r)).join('\n') + '\n'

const cleanRows = (prefix: string, count: number) =>
  Array.from({ length: count }, (_, i) => ({ id: `${prefix}${i}`, instruction: `Name one fact about the number ${prefix}${i * 7 + 3}.`, output: `The number ${prefix}${i * 7 + 3} is written with the digits shown.` }))

function pullRequestEvent(github: FakeGitHub, number: number, baseSha: string, headSha: string, headRepo = github.fullName): Record<string, unknown> {
  const payload = webhookExample('pull_request', 'synchronize')
  payload.number = number
  payload.pull_request = {
    ...(payload.pull_request as object),
    number,
    base: { ref: 'main', sha: baseSha, repo: { full_name: github.fullName } },
    head: { ref: 'feature', sha: headSha, repo: { full_name: headRepo } }
  }
  payload.repository = { ...(payload.repository as object), full_name: github.fullName }
  return payload
}

/** A repository, its fake API, and a PR from `main` to `feature` set up by `change`. */
async function setUp(change: (repo: TempGitRepo) => void, base: (repo: TempGitRepo) => void = (repo) => repo.write('data/train.jsonl', jsonl(cleanRows('b', 20)))) {
  const repo = new TempGitRepo()
  base(repo)
  const baseSha = repo.commit('base')
  repo.git('checkout', '--quiet', '-b', 'feature')
  change(repo)
  const headSha = repo.commit('change')
  repo.git('checkout', '--quiet', 'main')
  const github = new FakeGitHub(repo.dir)
  const apiUrl = await github.start()
  github.addPull(5, { ref: 'main', sha: baseSha }, { ref: 'feature', sha: headSha })
  const cleanUp = async () => {
    await github.stop()
    repo.remove()
  }
  return { repo, github, apiUrl, baseSha, headSha, cleanUp }
}

describe('the Action under refusals, failures and size', () => {
  it("falls back to the job summary and outputs when a fork's read-only token is refused, and says why", async () => {
    const { repo, github, apiUrl, baseSha, headSha, cleanUp } = await setUp((r) =>
      r.write('data/train.jsonl', jsonl([...cleanRows('b', 20), { id: 'x', instruction: 'Contact?', output: 'Mail jane.roe@corp-mail.com today.' }]))
    )
    try {
      const refusal = { message: 'Resource not accessible by integration' }
      github.inject({ method: 'POST', path: /\/issues\/5\/comments$/, status: 403, body: refusal })
      github.inject({ method: 'POST', path: /\/check-runs$/, status: 403, body: refusal })
      const run = await runAction({ event: 'pull_request', payload: pullRequestEvent(github, 5, baseSha, headSha, 'a-fork/datasets'), apiUrl, workspace: repo.dir, repository: github.fullName, sha: headSha })
      expect(run.stdout).toMatch(/::warning::dataset-audit could not comment on the pull request \(HTTP 403\): the token is read-only/)
      expect(run.stdout).toMatch(/::warning::dataset-audit could not create the check run \(HTTP 403\)/)
      expect(run.summary).toMatch(/two-workflow setup/)
      expect(run.summary).toMatch(/Dataset audit: [\d.]+ \/ 100/)
      expect(run.outputs.conclusion).toBeDefined()
      expect((run.report as AuditReport).pullRequest).toEqual({ number: 5, headSha })
      expect(github.comments.get(5) ?? []).toHaveLength(0)
      // A refused write is a publishing problem, not a verdict: the step fails only if the gate does.
      expect(run.status).toBe((run.report as AuditReport).gate.passed ? 0 : 1)
    } finally {
      await cleanUp()
    }
  })

  it('retries 500 and 429 answers and then publishes', async () => {
    const { repo, github, apiUrl, baseSha, headSha, cleanUp } = await setUp((r) => r.write('data/train.jsonl', jsonl(cleanRows('b', 22))))
    try {
      github.inject({ method: 'GET', path: /\/pulls\/5\/files$/, status: 500, body: { message: 'Server Error' } })
      const reset = String(Math.floor(Date.now() / 1000) + 1)
      github.inject({ method: 'POST', path: /\/check-runs$/, status: 429, headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': reset }, body: { message: 'API rate limit exceeded' } })
      const run = await runAction({ event: 'pull_request', payload: pullRequestEvent(github, 5, baseSha, headSha), apiUrl, workspace: repo.dir, repository: github.fullName, sha: headSha })
      expect(run.status).toBe(0)
      expect(github.callsTo('GET', /\/pulls\/5\/files$/)).toHaveLength(2)
      expect(github.callsTo('POST', /\/check-runs$/)).toHaveLength(2)
      expect(github.checkRuns).toHaveLength(1)
      expect(github.comments.get(5)).toHaveLength(1)
    } finally {
      await cleanUp()
    }
  })

  it('sends 120 annotations in three requests of at most 50', async () => {
    const withPlaceholder = (prefix: string) => cleanRows(prefix, 60).map((r) => ({ ...r, output: 'N/A' }))
    const { repo, github, apiUrl, baseSha, headSha, cleanUp } = await setUp((r) => {
      r.write('data/a.jsonl', jsonl(withPlaceholder('a')))
      r.write('data/b.jsonl', jsonl(withPlaceholder('c')))
    })
    try {
      const run = await runAction({ event: 'pull_request', payload: pullRequestEvent(github, 5, baseSha, headSha), apiUrl, workspace: repo.dir, repository: github.fullName, sha: headSha, inputs: { 'fail-on': 'never' } })
      expect(run.status).toBe(0)
      const placeholderFindings = (run.report as AuditReport).files.flatMap((f) => f.findings).filter((f) => f.check === 'placeholders')
      expect(placeholderFindings).toHaveLength(120)
      const creates = github.callsTo('POST', /\/check-runs$/)
      const updates = github.callsTo('PATCH', /\/check-runs\/\d+$/)
      const sizes = [...creates, ...updates].map((c) => ((c.body as { output: { annotations: unknown[] } }).output.annotations ?? []).length)
      expect(sizes.every((n) => n <= 50)).toBe(true)
      expect(sizes.reduce((a, b) => a + b, 0)).toBe(github.checkRuns[0].annotations.length)
      expect(github.checkRuns[0].annotations.length).toBeGreaterThanOrEqual(120)
      expect(creates).toHaveLength(1)
      expect(updates.length).toBeGreaterThanOrEqual(2)
    } finally {
      await cleanUp()
    }
  })

  it('finds the dataset files of a 3,500-file PR past the 3,000 GitHub lists, and says so', async () => {
    const { repo, github, apiUrl, baseSha, headSha, cleanUp } = await setUp((r) => {
      for (let i = 0; i < 3450; i++) r.write(`docs/page-${String(i).padStart(4, '0')}.md`, `page ${i}\n`)
      for (let i = 0; i < 50; i++) r.write(`zz-data/shard-${String(i).padStart(2, '0')}.jsonl`, jsonl(cleanRows(`s${i}-`, 3)))
    })
    try {
      const run = await runAction({ event: 'pull_request', payload: pullRequestEvent(github, 5, baseSha, headSha), apiUrl, workspace: repo.dir, repository: github.fullName, sha: headSha, inputs: { 'fail-on': 'never' } })
      expect(run.status).toBe(0)
      const report = run.report as AuditReport
      expect(report.files.filter((f) => f.path.startsWith('zz-data/'))).toHaveLength(50)
      expect(report.notes[0]).toMatch(/at most 3,000 changed files.*local git \(3,500 files\)/)
      expect(github.comments.get(5)?.[0].body).toMatch(/at most 3,000 changed files/)
    } finally {
      await cleanUp()
    }
  })

  it('reads a pull_request_target PR through the API only, never from the workspace', async () => {
    const { repo, github, apiUrl, baseSha, headSha, cleanUp } = await setUp((r) => r.write('data/train.jsonl', jsonl(cleanRows('b', 25))))
    try {
      // The workspace holds only the base branch, as a pull_request_target checkout would; the API has both.
      const workspace = mkdtempSync(join(tmpdir(), 'workspace-'))
      execFileSync('git', ['clone', '--quiet', '--no-local', '--single-branch', '--branch', 'main', repo.dir, workspace])
      expect(() => execFileSync('git', ['-C', workspace, 'cat-file', '-e', headSha], { stdio: 'ignore' })).toThrow()
      const run = await runAction({ event: 'pull_request_target', payload: pullRequestEvent(github, 5, baseSha, headSha, 'a-fork/datasets'), apiUrl, workspace, repository: github.fullName, sha: baseSha })
      expect(run.stdout).not.toMatch(/could not audit/)
      expect(run.status).toBe(0)
      // Nothing of the PR was fetched into the workspace either.
      expect(() => execFileSync('git', ['-C', workspace, 'cat-file', '-e', headSha], { stdio: 'ignore' })).toThrow()
      expect((run.report as AuditReport).files[0]).toMatchObject({ path: 'data/train.jsonl', added: 5, removed: 0, modified: 0 })
      const contents = github.callsTo('GET', /\/contents\/data\/train\.jsonl$/)
      expect(contents.filter((c) => c.accept?.includes('raw')).map((c) => c.query.get('ref')).sort()).toEqual([baseSha, headSha].sort())
      // The base file's blob id, for the cache: asked once, of the base.
      expect(contents.filter((c) => !c.accept?.includes('raw')).map((c) => c.query.get('ref'))).toEqual([baseSha])
    } finally {
      await cleanUp()
    }
  })

  it('audits a push against the previous head: a check run, no comment', async () => {
    const { repo, github, apiUrl, baseSha, headSha, cleanUp } = await setUp((r) => r.write('data/train.jsonl', jsonl(cleanRows('b', 24))))
    try {
      const payload = { ...webhookExample('push'), before: baseSha, after: headSha, ref: 'refs/heads/feature' }
      const run = await runAction({ event: 'push', payload, apiUrl, workspace: repo.dir, repository: github.fullName, sha: headSha })
      expect(run.status).toBe(0)
      expect((run.report as AuditReport).files[0]).toMatchObject({ added: 4 })
      expect(github.checkRuns[0]).toMatchObject({ head_sha: headSha, conclusion: 'success' })
      expect(github.callsTo('POST', /\/comments$/)).toHaveLength(0)
    } finally {
      await cleanUp()
    }
  })

  it('publishes a fork run\'s artifact in a workflow_run workflow, treating it as untrusted', async () => {
    const { repo, github, apiUrl, baseSha, headSha, cleanUp } = await setUp((r) => r.write('data/train.jsonl', jsonl(cleanRows('b', 21))))
    try {
      github.inject({ method: 'POST', path: /\/issues\/5\/comments$/, status: 403 })
      github.inject({ method: 'POST', path: /\/check-runs$/, status: 403 })
      const forkRun = await runAction({ event: 'pull_request', payload: pullRequestEvent(github, 5, baseSha, headSha, 'a-fork/datasets'), apiUrl, workspace: repo.dir, repository: github.fullName, sha: headSha })
      const artifact = forkRun.report as AuditReport
      // The fork tampers with its artifact: a mention, HTML and a forged verdict.
      artifact.files[0].findings.push({ check: 'pii', dimension: 'privacy', severity: 'error', file: '../../etc/passwd', line: 2, message: '@octo-org/admins <img src=x onerror=alert(1)> look', introduced: true })
      artifact.gate = { passed: true, failOn: 'never', reasons: [] }
      const artifactDir = mkdtempSync(join(tmpdir(), 'artifact-'))
      writeFileSync(join(artifactDir, 'dataset-audit-report.json'), JSON.stringify(artifact))

      const payload = webhookExample('workflow_run', 'completed')
      payload.workflow_run = { ...(payload.workflow_run as object), event: 'pull_request', head_sha: headSha, pull_requests: [] }
      const publish = await runAction({
        event: 'workflow_run',
        payload,
        apiUrl,
        workspace: repo.dir,
        repository: github.fullName,
        sha: baseSha,
        inputs: { mode: 'publish', 'report-file': join(artifactDir, 'dataset-audit-report.json') }
      })
      const sticky = github.comments.get(5)?.[0]
      expect(sticky?.body.startsWith('<!-- dataset-audit -->')).toBe(true)
      expect(sticky?.body).not.toContain('@octo-org/admins')
      // Escaped, so GitHub shows the text and renders no tag: no `<img` without a backslash before it.
      expect(sticky?.body).toMatch(/\\<img/)
      expect(sticky?.body).not.toMatch(/(?<!\\)<img/)
      const published = publish.report as AuditReport
      expect(published.files[0].findings.find((f) => f.message.includes('octo-org'))?.file).toBe('data/train.jsonl')
      // The verdict is judged again from the files: the forged pass does not survive.
      expect(published.gate.failOn).toBe('regression')
      expect(published.gate.passed).toBe(false)
      expect(publish.status).toBe(1)
      expect(github.checkRuns.at(-1)).toMatchObject({ head_sha: headSha, conclusion: 'failure' })
    } finally {
      await cleanUp()
    }
  })
})
