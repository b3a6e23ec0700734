import { execFileSync } from 'node:child_process'
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'

/** A throwaway git repository in a temp folder, for tests that read real git objects. */
export class TempGitRepo {
  readonly dir: string

  constructor() {
    this.dir = mkdtempSync(join(tmpdir(), 'dataset-audit-repo-'))
    this.git('init', '--quiet', '--initial-branch=main')
    this.git('config', 'user.email', 'test@example.com')
    this.git('config', 'user.name', 'Test')
    this.git('config', 'commit.gpgsign', 'false')
  }

  git(...args: string[]): string {
    return execFileSync('git', ['-C', this.dir, ...args], { encoding: 'utf8' })
  }

  write(path: string, content: string | Buffer): void {
    const full = join(this.dir, path)
    mkdirSync(dirname(full), { recursive: true })
    writeFileSync(full, content)
  }

  /** Replaces the tracked tree with a copy of a folder. */
  replaceWith(folder: string): void {
    this.git('rm', '-r', '--quiet', '--ignore-unmatch', '.')
    cpSync(folder, this.dir, { recursive: true })
  }

  commit(message: string): string {
    this.git('add', '-A')
    this.git('commit', '--quiet', '--allow-empty', '-m', message)
    return this.git('rev-parse', 'HEAD').trim()
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true })
  }
}
