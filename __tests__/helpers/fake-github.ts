import { execFileSync } from 'node:child_process'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

/** One request the fake API received. */
export interface RecordedCall {
  method: string
  path: string
  query: URLSearchParams
  body: unknown
  authorization?: string
  /** The Accept header: `application/vnd.github.raw` for raw file contents. */
  accept?: string
}

/** A canned answer that replaces the next matching request's real one (failures, refusals). */
export interface Injected {
  method: string
  /** Matched against the path (no query). */
  path: RegExp
  status: number
  headers?: Record<string, string>
  body?: unknown
  /** How many requests it answers before the real behaviour comes back. */
  times: number
}

export interface FakeComment {
  id: number
  node_id: string
  body: string
  user: { login: string; type: 'User' | 'Bot'; id: number }
  created_at: string
  updated_at: string
  html_url: string
}

export interface FakeCheckRun {
  id: number
  name: string
  head_sha: string
  status?: string
  conclusion?: string
  output?: { title?: string; summary?: string; text?: string; annotations?: unknown[] }
  annotations: unknown[]
}

interface PullRequestState {
  number: number
  base: { ref: string; sha: string }
  head: { ref: string; sha: string }
  headRepo: string
}

const PAGE_MAX = 100
/** GitHub's pulls/files endpoint lists at most this many files. */
export const PULL_FILES_LIMIT = 3000

/**
 * A loopback HTTP server that answers the REST endpoints dataset-audit uses the way GitHub's API
 * does: pagination with Link headers, raw media types, permission levels, check runs and
 * reactions. Repository data (changed files, contents, trees) comes from a real git repository,
 * so answers are those GitHub would give for the same commits. Every call is recorded.
 */
export class FakeGitHub {
  readonly calls: RecordedCall[] = []
  readonly comments = new Map<number, FakeComment[]>()
  readonly checkRuns: FakeCheckRun[] = []
  readonly reactions: Array<{ commentId: number; content: string }> = []
  readonly permissions = new Map<string, string>()
  readonly pulls = new Map<number, PullRequestState>()
  private readonly injected: Injected[] = []
  private server?: Server
  private nextId = 1000
  /** The login the token acts as when the action writes (the job token's bot). */
  botLogin = 'github-actions[bot]'

  constructor(
    readonly repoDir: string,
    readonly owner = 'octo-org',
    readonly repo = 'datasets'
  ) {}

  get fullName(): string {
    return `${this.owner}/${this.repo}`
  }

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((error: Error) => this.send(res, 500, { message: error.message }))
    })
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve))
    return `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}`
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()))
  }

  inject(injected: Omit<Injected, 'times'> & { times?: number }): void {
    this.injected.push({ times: 1, ...injected })
  }

  addPull(number: number, base: { ref: string; sha: string }, head: { ref: string; sha: string }, headRepo = this.fullName): void {
    this.pulls.set(number, { number, base, head, headRepo })
  }

  addComment(issue: number, body: string, user: FakeComment['user']): FakeComment {
    const comment = this.makeComment(body, user)
    this.comments.set(issue, [...(this.comments.get(issue) ?? []), comment])
    return comment
  }

  /** Calls with this method whose path matches. */
  callsTo(method: string, path: RegExp): RecordedCall[] {
    return this.calls.filter((c) => c.method === method && path.test(c.path))
  }

  private makeComment(body: string, user: FakeComment['user']): FakeComment {
    const id = this.nextId++
    const now = new Date().toISOString()
    return { id, node_id: `IC_${id}`, body, user, created_at: now, updated_at: now, html_url: `https://github.test/${this.fullName}/pull/1#issuecomment-${id}` }
  }

  private git(args: string[]): string {
    return execFileSync('git', ['-C', this.repoDir, ...args], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 })
  }

  private gitBytes(args: string[]): Buffer {
    return execFileSync('git', ['-C', this.repoDir, ...args], { maxBuffer: 256 * 1024 * 1024, stdio: ['ignore', 'pipe', 'pipe'] })
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1')
    const chunks: Buffer[] = []
    for await (const chunk of req) chunks.push(chunk as Buffer)
    const text = Buffer.concat(chunks).toString('utf8')
    const body: unknown = text ? JSON.parse(text) : undefined
    const method = req.method ?? 'GET'
    const path = decodeURIComponent(url.pathname)
    this.calls.push({ method, path, query: url.searchParams, body, authorization: req.headers.authorization, accept: req.headers.accept })

    const injected = this.injected.find((i) => i.method === method && i.path.test(path) && i.times > 0)
    if (injected) {
      injected.times--
      this.send(res, injected.status, injected.body ?? { message: `injected ${injected.status}` }, injected.headers)
      return
    }
    if (!req.headers.authorization) {
      this.send(res, 401, { message: 'Requires authentication' })
      return
    }
    const repoPrefix = `/repos/${this.owner}/${this.repo}`
    if (!path.startsWith(repoPrefix)) {
      this.send(res, 404, { message: 'Not Found' })
      return
    }
    const route = path.slice(repoPrefix.length)
    const wantsRaw = (req.headers.accept ?? '').includes('raw')
    let match: RegExpMatchArray | null

    if (method === 'GET' && (match = route.match(/^\/pulls\/(\d+)$/))) return this.sendPull(res, Number(match[1]))
    if (method === 'GET' && (match = route.match(/^\/pulls\/(\d+)\/files$/))) return this.sendPullFiles(res, url, Number(match[1]))
    if (method === 'GET' && (match = route.match(/^\/compare\/([^.]+)\.\.\.(.+)$/))) return this.sendCompare(res, match[1], match[2])
    if (method === 'GET' && (match = route.match(/^\/contents\/(.+)$/))) return this.sendContents(res, match[1], url.searchParams.get('ref') ?? 'HEAD', wantsRaw)
    if (method === 'GET' && (match = route.match(/^\/git\/trees\/(.+)$/))) return this.sendTree(res, match[1])
    if (method === 'GET' && (match = route.match(/^\/git\/blobs\/([0-9a-f]+)$/))) return this.sendBlob(res, match[1], wantsRaw)
    if ((match = route.match(/^\/issues\/(\d+)\/comments$/))) {
      const issue = Number(match[1])
      if (method === 'GET') return this.sendPage(res, url, this.comments.get(issue) ?? [])
      if (method === 'POST') {
        const comment = this.makeComment((body as { body: string }).body, { login: this.botLogin, type: 'Bot', id: 41898282 })
        this.comments.set(issue, [...(this.comments.get(issue) ?? []), comment])
        return this.send(res, 201, comment)
      }
    }
    if ((match = route.match(/^\/issues\/comments\/(\d+)$/))) {
      const id = Number(match[1])
      const list = [...this.comments.values()].find((l) => l.some((c) => c.id === id))
      const comment = list?.find((c) => c.id === id)
      if (!list || !comment) return this.send(res, 404, { message: 'Not Found' })
      if (method === 'PATCH') {
        comment.body = (body as { body: string }).body
        comment.updated_at = new Date().toISOString()
        return this.send(res, 200, comment)
      }
      if (method === 'DELETE') {
        list.splice(list.indexOf(comment), 1)
        return this.send(res, 204, undefined)
      }
      if (method === 'GET') return this.send(res, 200, comment)
    }
    if (method === 'POST' && (match = route.match(/^\/issues\/comments\/(\d+)\/reactions$/))) {
      const content = (body as { content: string }).content
      this.reactions.push({ commentId: Number(match[1]), content })
      return this.send(res, 201, { id: this.nextId++, content })
    }
    if (method === 'GET' && (match = route.match(/^\/collaborators\/([^/]+)\/permission$/))) {
      const permission = this.permissions.get(match[1])
      if (!permission) return this.send(res, 404, { message: `${match[1]} is not a user` })
      const roles: Record<string, string> = { admin: 'admin', maintain: 'write', write: 'write', triage: 'read', read: 'read', none: 'none' }
      return this.send(res, 200, { permission: roles[permission] ?? 'read', role_name: permission, user: { login: match[1] } })
    }
    if (method === 'POST' && route === '/check-runs') {
      const input = body as Omit<FakeCheckRun, 'id' | 'annotations'>
      const run: FakeCheckRun = { ...input, id: this.nextId++, annotations: [...(input.output?.annotations ?? [])] }
      this.checkRuns.push(run)
      return this.send(res, 201, run)
    }
    if (method === 'PATCH' && (match = route.match(/^\/check-runs\/(\d+)$/))) {
      const run = this.checkRuns.find((r) => r.id === Number(match![1]))
      if (!run) return this.send(res, 404, { message: 'Not Found' })
      const input = body as Partial<FakeCheckRun>
      Object.assign(run, { ...input, annotations: [...run.annotations, ...(input.output?.annotations ?? [])] })
      return this.send(res, 200, run)
    }
    this.send(res, 404, { message: `Not Found: ${method} ${path}` })
  }

  private sendPull(res: ServerResponse, number: number): void {
    const pull = this.pulls.get(number)
    if (!pull) return this.send(res, 404, { message: 'Not Found' })
    this.send(res, 200, {
      number,
      state: 'open',
      base: { ref: pull.base.ref, sha: pull.base.sha, repo: { full_name: this.fullName } },
      head: { ref: pull.head.ref, sha: pull.head.sha, repo: { full_name: pull.headRepo } }
    })
  }

  /** GitHub's pulls/files: the three-dot diff, renames detected, at most 3,000 files. */
  private sendPullFiles(res: ServerResponse, url: URL, number: number): void {
    const pull = this.pulls.get(number)
    if (!pull) return this.send(res, 404, { message: 'Not Found' })
    const files = this.diffFiles(pull.base.sha, pull.head.sha).slice(0, PULL_FILES_LIMIT)
    this.sendPage(res, url, files)
  }

  private diffFiles(base: string, head: string): object[] {
    const mergeBase = this.git(['merge-base', base, head]).trim()
    const parts = this.git(['diff', '--name-status', '-z', '-M', mergeBase, head]).split('\0')
    const files: object[] = []
    for (let i = 0; i < parts.length - 1; ) {
      const code = parts[i++]
      if (code.startsWith('R')) {
        const previous = parts[i++]
        files.push({ filename: parts[i++], previous_filename: previous, status: 'renamed' })
      } else {
        const status = code === 'A' ? 'added' : code === 'D' ? 'removed' : 'modified'
        files.push({ filename: parts[i++], status })
      }
    }
    return files
  }

  private sendCompare(res: ServerResponse, base: string, head: string): void {
    const mergeBase = this.git(['merge-base', base, head]).trim()
    this.send(res, 200, { merge_base_commit: { sha: mergeBase }, files: this.diffFiles(base, head).slice(0, 300) })
  }

  private sendContents(res: ServerResponse, path: string, ref: string, raw: boolean): void {
    let content: Buffer
    try {
      content = this.gitBytes(['cat-file', 'blob', `${ref}:${path}`])
    } catch {
      return this.send(res, 404, { message: 'Not Found' })
    }
    if (raw) {
      res.writeHead(200, { 'content-type': 'application/vnd.github.raw', 'content-length': content.length })
      res.end(content)
      return
    }
    const sha = this.git(['rev-parse', `${ref}:${path}`]).trim()
    this.send(res, 200, { type: 'file', path, sha, encoding: 'base64', content: content.toString('base64'), size: content.length })
  }

  private sendTree(res: ServerResponse, sha: string): void {
    const lines = this.git(['ls-tree', '-r', '-l', sha]).split('\n').filter(Boolean)
    const tree = lines.map((line) => {
      const [meta, path] = line.split('\t')
      const [mode, type, objectSha, size] = meta.split(/\s+/)
      return { path, mode, type, sha: objectSha, size: Number(size) }
    })
    this.send(res, 200, { sha, tree, truncated: false })
  }

  private sendBlob(res: ServerResponse, sha: string, raw: boolean): void {
    const content = this.gitBytes(['cat-file', 'blob', sha])
    if (raw) {
      res.writeHead(200, { 'content-type': 'application/vnd.github.raw' })
      res.end(content)
      return
    }
    this.send(res, 200, { sha, encoding: 'base64', content: content.toString('base64'), size: content.length })
  }

  /** A page of a list with GitHub's `per_page`/`page` and Link header. */
  private sendPage(res: ServerResponse, url: URL, items: readonly unknown[]): void {
    const perPage = Math.min(PAGE_MAX, Number(url.searchParams.get('per_page') ?? 30))
    const page = Number(url.searchParams.get('page') ?? 1)
    const last = Math.max(1, Math.ceil(items.length / perPage))
    const headers: Record<string, string> = {}
    if (page < last) {
      const next = new URL(url.toString())
      next.searchParams.set('page', String(page + 1))
      next.searchParams.set('per_page', String(perPage))
      const lastUrl = new URL(next.toString())
      lastUrl.searchParams.set('page', String(last))
      headers.link = `<http://${this.hostHeader(url)}${next.pathname}${next.search}>; rel="next", <http://${this.hostHeader(url)}${lastUrl.pathname}${lastUrl.search}>; rel="last"`
    }
    this.send(res, 200, items.slice((page - 1) * perPage, page * perPage), headers)
  }

  private hostHeader(_url: URL): string {
    return `127.0.0.1:${(this.server!.address() as AddressInfo).port}`
  }

  private send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
    const payload = body === undefined ? '' : JSON.stringify(body)
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'x-ratelimit-remaining': '4999', ...headers })
    res.end(payload)
  }
}
