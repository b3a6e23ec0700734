import type { AuditReport } from '../../src/engine/report.js'
import { runAction, webhookExample } from '../helpers/action-runner.js'
import { FakeGitHub } from '../helpers/fake-github.js'
import { TempGitRepo } from '../helpers/git-repo.js'

const jsonl = (rows: object[]): string => rows.map((r) => JSON.stringify(r)).join('\n') + '\n'

const baseRows = Array.from({ length: 30 }, (_, i) => ({
  id: `r${i}`,
  instruction: `Explain step ${i} of making bread at home in one sentence.`,
  output: `Step ${i}: knead the dough for a few minutes, then let it rest so the gluten relaxes before shaping.`
}))

/** A PR whose only problem is assistant boilerplate in two added outputs. */
function boilerplateRepo(): { repo: TempGitRepo; baseSha: string; headSha: string } {
  const repo = new TempGitRepo()
  repo.write('data/train.jsonl', jsonl(baseRows))
  const baseSha = repo.commit('base')
  repo.git('checkout', '--quiet', '-b', 'more-data')
  repo.write(
    'data/train.jsonl',
    jsonl([
      ...baseRows,
      { id: 'n1', instruction: 'How do vaccines work?', output: 'As an AI language model, I cannot give medical advice about vaccines.' },
      { id: 'n2', instruction: 'Is coffee healthy?', output: "As an AI language model, I don't have personal opinions on coffee." }
    ])
  )
  const headSha = repo.commit('add two records')
  repo.git('checkout', '--quiet', 'main')
  return { repo, baseSha, headSha }
}

function commentEvent(github: FakeGitHub, number: number, body: string, login: string, type: 'User' | 'Bot' = 'User'): Record<string, unknown> {
  const payload = webhookExample('issue_comment', 'created')
  payload.issue = { ...(payload.issue as object), number, pull_request: { url: `http://127.0.0.1/repos/${github.fullName}/pulls/${number}` } }
  const comment = github.addComment(number, body, { login, type, id: 7 })
  payload.comment = { ...(payload.comment as object), id: comment.id, body, user: { login, type, id: 7 } }
  payload.repository = { ...(payload.repository as object), full_name: github.fullName }
  return payload
}

describe('comment commands', () => {
  let repo: TempGitRepo
  let github: FakeGitHub
  let apiUrl: string
  let headSha: string
  const run = (payload: Record<string, unknown>) => runAction({ event: 'issue_comment', payload, apiUrl, workspace: repo.dir, repository: github.fullName, sha: 'main' })

  beforeAll(async () => {
    let baseSha: string
    ;({ repo, baseSha, headSha } = boilerplateRepo())
    github = new FakeGitHub(repo.dir)
    apiUrl = await github.start()
    github.addPull(12, { ref: 'main', sha: baseSha }, { ref: 'more-data', sha: headSha })
    github.permissions.set('maintainer-mia', 'maintain')
    github.permissions.set('writer-wes', 'write')
    github.permissions.set('reader-rae', 'read')
    github.permissions.set('triager-tom', 'triage')
  })
  afterAll(async () => {
    await github.stop()
    repo.remove()
  })

  it('/audit rerun from a writer re-audits the head, reading it through the API, with 👀 then 🚀', async () => {
    const payload = commentEvent(github, 12, '/audit rerun\nplease', 'writer-wes')
    const commentId = (payload.comment as { id: number }).id
    const result = await run(payload)
    expect(result.status).toBe(0)
    expect(github.reactions.filter((r) => r.commentId === commentId).map((r) => r.content)).toEqual(['eyes', 'rocket'])
    expect(github.checkRuns.at(-1)).toMatchObject({ head_sha: headSha, conclusion: 'failure' })
    const report = result.report as AuditReport
    expect(report.regressions.map((r) => r.check)).toEqual(['llm-artifacts'])
    // Read through the API: contents downloads, and the PR head was never fetched into the workspace.
    expect(github.callsTo('GET', /\/contents\/data\/train\.jsonl$/).length).toBeGreaterThanOrEqual(2)
    expect(github.comments.get(12)?.filter((c) => c.body.startsWith('<!-- dataset-audit -->'))).toHaveLength(1)
  })

  it('refuses a read-only user: 😕, a reply saying why, and nothing re-run', async () => {
    const checksBefore = github.checkRuns.length
    for (const login of ['reader-rae', 'triager-tom', 'stranger-sam']) {
      const payload = commentEvent(github, 12, '/audit rerun', login)
      const commentId = (payload.comment as { id: number }).id
      const result = await run(payload)
      expect(result.status).toBe(0)
      expect(github.reactions.filter((r) => r.commentId === commentId).map((r) => r.content)).toEqual(['eyes', 'confused'])
      expect(github.comments.get(12)?.at(-1)?.body).toMatch(new RegExp(`only people with write access.*${login}`))
    }
    expect(github.checkRuns.length).toBe(checksBefore)
  })

  it('ignores bots, including itself, and comments that are not commands', async () => {
    const callsBefore = github.calls.length
    await run(commentEvent(github, 12, '/audit rerun', 'dependabot[bot]', 'Bot'))
    await run(commentEvent(github, 12, 'looks good to me, /audit rerun later', 'writer-wes'))
    expect(github.calls.length).toBe(callsBefore)
  })

  it('/audit accept records a maintainer\'s waiver in the sticky comment, passes the gate, and keeps it on the next run', async () => {
    const accept = await run(commentEvent(github, 12, '/audit accept llm-artifacts these refusals are the behaviour we want to teach', 'maintainer-mia'))
    expect(accept.status).toBe(0)
    const acceptedReport = accept.report as AuditReport
    expect(acceptedReport.regressions).toEqual([expect.objectContaining({ check: 'llm-artifacts', accepted: true })])
    expect(acceptedReport.gate.passed).toBe(true)
    expect(github.checkRuns.at(-1)).toMatchObject({ head_sha: headSha })
    expect(github.checkRuns.at(-1)?.conclusion).not.toBe('failure')
    const sticky = github.comments.get(12)!.find((c) => c.body.startsWith('<!-- dataset-audit -->'))!
    expect(sticky.body).toMatch(/Accepted by maintainers[\s\S]*`llm-artifacts` by maintainer-mia: these refusals are the behaviour we want to teach/)

    // The next audit (a new push) reads the waiver back from the comment's hidden state.
    const again = await runAction({
      event: 'pull_request',
      payload: { ...webhookExample('pull_request', 'synchronize'), number: 12, pull_request: { number: 12, base: { sha: github.pulls.get(12)!.base.sha, ref: 'main', repo: { full_name: github.fullName } }, head: { sha: headSha, repo: { full_name: github.fullName } } } },
      apiUrl,
      workspace: repo.dir,
      repository: github.fullName,
      sha: headSha
    })
    expect(again.status).toBe(0)
    expect((again.report as AuditReport).gate.passed).toBe(true)
  })

  it('/audit explain replies with what a check looks for and its settings; unknown commands get 😕 and the help', async () => {
    await run(commentEvent(github, 12, '/audit explain pii', 'writer-wes'))
    expect(github.comments.get(12)?.at(-1)?.body).toMatch(/^\*\*pii\*\* \(privacy, warning by default\)/)
    const payload = commentEvent(github, 12, '/audit frobnicate', 'writer-wes')
    await run(payload)
    expect(github.reactions.filter((r) => r.commentId === (payload.comment as { id: number }).id).map((r) => r.content)).toEqual(['eyes', 'confused'])
    expect(github.comments.get(12)?.at(-1)?.body).toMatch(/unknown command[\s\S]*\/audit rerun/)
    await run(commentEvent(github, 12, '/audit help', 'writer-wes'))
    expect(github.comments.get(12)?.at(-1)?.body).toMatch(/\/audit accept CHECK REASON/)
  })
})
