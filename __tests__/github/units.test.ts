import { rawText } from '../../src/github/api/contents.js'
import { findSticky, stickyMarker, type IssueComment } from '../../src/github/api/comments.js'
import { parseComment } from '../../src/github/commands/parse.js'
import { decodeState, encodeState, withWaiver } from '../../src/github/state.js'
import { targetFromEvent } from '../../src/github/target.js'

describe('targetFromEvent', () => {
  it('compares a PR\'s base with its head and tells a fork', () => {
    const payload = { pull_request: { number: 4, base: { sha: 'b1', ref: 'main', repo: { full_name: 'o/r' } }, head: { sha: 'h1', repo: { full_name: 'fork/r' } } } }
    expect(targetFromEvent('pull_request', payload, 'merge-sha')).toEqual({ event: 'pull_request', baseSha: 'b1', headSha: 'h1', baseBranch: 'main', pullNumber: 4, fromFork: true })
  })

  it('compares a push with the previous head, and a new branch with its parent', () => {
    expect(targetFromEvent('push', { before: 'a', after: 'b' }, 'b')).toMatchObject({ baseSha: 'a', headSha: 'b' })
    expect(targetFromEvent('push', { before: '0000000000000000000000000000000000000000', after: 'b' }, 'b')).toMatchObject({ baseRef: 'b^', headSha: 'b' })
  })

  it('compares a merge group with its base, and a dispatch with its input or the parent', () => {
    expect(targetFromEvent('merge_group', { merge_group: { base_sha: 'q0', head_sha: 'q1' } }, 'q1')).toMatchObject({ baseSha: 'q0', headSha: 'q1' })
    expect(targetFromEvent('workflow_dispatch', { inputs: { base: 'v1.0' } }, 'c')).toMatchObject({ baseRef: 'v1.0', headSha: 'c' })
    expect(targetFromEvent('workflow_dispatch', {}, 'c')).toMatchObject({ baseRef: 'c^', headSha: 'c' })
    expect(targetFromEvent('schedule', {}, 'c', 'main~3')).toMatchObject({ baseRef: 'main~3' })
  })
})

describe('parseComment', () => {
  it('reads only a first line that starts with /audit', () => {
    expect(parseComment('/audit rerun')).toEqual({ kind: 'command', command: { name: 'rerun' } })
    expect(parseComment('  /audit   explain   pii  \nmore text')).toEqual({ kind: 'command', command: { name: 'explain', check: 'pii' } })
    expect(parseComment('thanks!\n/audit rerun')).toEqual({ kind: 'none' })
    expect(parseComment('/auditrerun')).toEqual({ kind: 'none' })
  })

  it('keeps the reason of an accept, and refuses malformed commands with a reason', () => {
    expect(parseComment('/audit accept pii emails are synthetic fixtures')).toEqual({ kind: 'command', command: { name: 'accept', check: 'pii', reason: 'emails are synthetic fixtures' } })
    expect(parseComment('/audit accept pii')).toMatchObject({ kind: 'invalid', reason: expect.stringMatching(/needs a reason/) })
    expect(parseComment('/audit accept PII!! x')).toMatchObject({ kind: 'invalid' })
    expect(parseComment('/audit rerun now')).toMatchObject({ kind: 'invalid', reason: '/audit rerun takes no arguments' })
    expect(parseComment('/audit')).toMatchObject({ kind: 'invalid' })
    expect(parseComment('/audit deploy')).toMatchObject({ kind: 'invalid', reason: 'unknown command `deploy`' })
  })
})

describe('the sticky comment', () => {
  const comment = (id: number, body: string, authorIsBot: boolean, createdAt = `2026-01-0${id % 9 || 1}`): IssueComment => ({ id, body, authorIsBot, createdAt })

  it('is found by its marker at the start and a bot author, a config id giving each workflow its own', () => {
    const comments = [
      comment(1, '<!-- dataset-audit -->\nreport', true),
      comment(2, 'quoting <!-- dataset-audit --> in a review', true),
      comment(3, '<!-- dataset-audit -->\nforged by a person', false),
      comment(4, '<!-- dataset-audit:sft -->\nother workflow', true)
    ]
    expect(findSticky(comments, stickyMarker()).map((c) => c.id)).toEqual([1])
    expect(findSticky(comments, stickyMarker('sft')).map((c) => c.id)).toEqual([4])
    expect(stickyMarker('a b/c')).toBe('<!-- dataset-audit:a_b_c -->')
  })

  it('keeps waivers in hidden state that no reason can break out of', () => {
    const state = withWaiver({ waivers: [] }, { check: 'pii', by: 'mia', reason: 'fixtures --> <script>', at: '2026-11-24' })
    const line = encodeState(state)
    expect(line).toMatch(/^<!-- dataset-audit-state:[A-Za-z0-9+/=]+ -->$/)
    expect(decodeState(`<!-- dataset-audit -->\n${line}\nbody`)).toEqual(state)
    expect(decodeState('<!-- dataset-audit-state:not base64 json -->')).toEqual({ waivers: [] })
    expect(withWaiver(state, { check: 'pii', by: 'wes', reason: 'again', at: 'x' }).waivers).toHaveLength(1)
  })
})

describe('rawText', () => {
  it('reads a raw contents answer whether octokit made it a string, bytes, or the JSON object', () => {
    const text = 'checks:\n  pii: { severity: error }\n'
    expect(rawText(text)).toBe(text)
    const bytes = new TextEncoder().encode(text)
    expect(rawText(bytes.buffer)).toBe(text)
    expect(rawText(Buffer.from(text))).toBe(text)
    expect(rawText({ type: 'file', encoding: 'base64', content: Buffer.from(text).toString('base64') })).toBe(text)
    expect(() => rawText([{ type: 'dir' }])).toThrow(/not a file/)
  })
})
