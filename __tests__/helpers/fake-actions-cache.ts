import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

interface Entry {
  id: number
  key: string
  version: string
  chunks: Array<{ start: number; data: Buffer }>
  archive?: Buffer
}

/**
 * The Actions cache service (the v1 REST protocol `@actions/cache` speaks when ACTIONS_CACHE_URL
 * is set, as on GitHub Enterprise Server) on 127.0.0.1: look an entry up by key and version,
 * reserve one, upload its archive in ranged chunks, commit it, download it. Enough for the
 * library's real restore and save paths, tar included.
 */
export class FakeActionsCache {
  private server?: Server
  private readonly entries: Entry[] = []
  private url = ''
  /** Keys looked up and saved, in order, for assertions. */
  readonly lookups: string[] = []
  readonly saved: string[] = []

  async start(): Promise<string> {
    this.server = createServer((request, response) => {
      this.handle(request, response).catch((error: Error) => {
        response.writeHead(500, { 'content-type': 'application/json' })
        response.end(JSON.stringify({ message: error.message }))
      })
    })
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve))
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/`
    return this.url
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server?.close(() => resolve()))
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', this.url)
    const body = await readBody(request)
    const json = (status: number, value?: unknown) => {
      response.writeHead(status, { 'content-type': 'application/json' })
      response.end(value === undefined ? '' : JSON.stringify(value))
    }
    const path = url.pathname
    if (request.method === 'GET' && path === '/_apis/artifactcache/cache') {
      const keys = (url.searchParams.get('keys') ?? '').split(',')
      const version = url.searchParams.get('version')
      this.lookups.push(keys[0])
      const entry = this.entries.find((e) => e.archive && e.key === keys[0] && e.version === version)
      if (!entry) return json(204)
      return json(200, { cacheKey: entry.key, scope: 'refs/heads/main', archiveLocation: `${this.url}_download/${entry.id}` })
    }
    if (request.method === 'POST' && path === '/_apis/artifactcache/caches') {
      const { key, version } = JSON.parse(body.toString()) as { key: string; version: string }
      if (this.entries.some((e) => e.key === key && e.version === version)) return json(409, { message: `Cache already exists: ${key}` })
      const entry: Entry = { id: this.entries.length + 1, key, version, chunks: [] }
      this.entries.push(entry)
      return json(201, { cacheId: entry.id })
    }
    const cacheMatch = /^\/_apis\/artifactcache\/caches\/(\d+)$/.exec(path)
    if (cacheMatch) {
      const entry = this.entries.find((e) => e.id === Number(cacheMatch[1]))
      if (!entry) return json(404, { message: 'no such cache' })
      if (request.method === 'PATCH') {
        const range = /bytes (\d+)-(\d+)/.exec(String(request.headers['content-range']))
        if (!range) return json(400, { message: 'Content-Range required' })
        entry.chunks.push({ start: Number(range[1]), data: body })
        return json(204)
      }
      if (request.method === 'POST') {
        const { size } = JSON.parse(body.toString()) as { size: number }
        const archive = Buffer.alloc(size)
        for (const chunk of entry.chunks) chunk.data.copy(archive, chunk.start)
        entry.archive = archive
        this.saved.push(entry.key)
        return json(204)
      }
    }
    const download = /^\/_download\/(\d+)$/.exec(path)
    if (download && request.method === 'GET') {
      const entry = this.entries.find((e) => e.id === Number(download[1]))
      if (!entry?.archive) return json(404, { message: 'no such archive' })
      response.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': entry.archive.length })
      response.end(entry.archive)
      return
    }
    json(404, { message: `unknown route ${request.method} ${path}` })
  }
}

function readBody(request: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    request.on('data', (chunk: Buffer) => chunks.push(chunk))
    request.on('end', () => resolve(Buffer.concat(chunks)))
    request.on('error', reject)
  })
}
