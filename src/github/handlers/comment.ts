import * as core from '@actions/core'
import { checkCatalog } from '../../engine/checks/registry.js'
import { escapeMarkdown } from '../../report/escape.js'
import { canWrite, react, reply } from '../api/comments.js'
import { helpText, parseComment, type AuditCommand } from '../commands/parse.js'
import { withWaiver } from '../state.js'
import type { RunContext } from './context.js'
import { auditAndPublishPull } from './pull-request.js'

/** The parts of an issue_comment payload the commands use. */
export interface CommentEvent {
  action?: string
  issue?: { number: number; pull_request?: unknown }
  comment?: { id: number; body?: string; user?: { login: string; type?: string } }
}

/**
 * Answers a `/audit` command on a PR: 👀 on receipt, then 🚀 when done or 😕 when the command is
 * unknown or its author may not give it, with a short reply saying why. Only the first line is
 * read; bots (this one included) are ignored; write access is checked with the collaborator
 * permission API, never `author_association`.
 */
export async function onComment(ctx: RunContext, event: CommentEvent): Promise<void> {
  const { comment, issue } = event
  if (event.action !== 'created' || !comment || !issue?.pull_request) return core.info('dataset-audit: not a new comment on a pull request; nothing to do')
  const author = comment.user?.login ?? ''
  if (!author || comment.user?.type === 'Bot' || author.endsWith('[bot]')) return core.info('dataset-audit: comment by a bot; ignored')
  const parsed = parseComment(comment.body ?? '')
  if (parsed.kind === 'none') return core.info('dataset-audit: not an /audit command; nothing to do')

  await react(ctx.client, ctx.repo, comment.id, 'eyes')
  if (!(await canWrite(ctx.client, ctx.repo, author))) {
    await react(ctx.client, ctx.repo, comment.id, 'confused')
    await reply(ctx.client, ctx.repo, issue.number, `dataset-audit: only people with write access to this repository can give /audit commands; ${escapeMarkdown(author, 60)} does not have it.`)
    return core.info(`dataset-audit: ${author} lacks write access; command refused`)
  }
  if (parsed.kind === 'invalid') {
    await react(ctx.client, ctx.repo, comment.id, 'confused')
    await reply(ctx.client, ctx.repo, issue.number, `dataset-audit: ${parsed.reason}.\n\n${helpText()}`)
    return
  }
  const done = await runCommand(ctx, parsed.command, issue.number, author)
  await react(ctx.client, ctx.repo, comment.id, done ? 'rocket' : 'confused')
}

/** One handler per command; false when the command could not be carried out (said in a reply). */
async function runCommand(ctx: RunContext, command: AuditCommand, pullNumber: number, author: string): Promise<boolean> {
  switch (command.name) {
    case 'help':
      await reply(ctx.client, ctx.repo, pullNumber, helpText())
      return true
    case 'explain': {
      const info = checkCatalog().find((c) => c.id === command.check)
      if (!info) {
        await reply(ctx.client, ctx.repo, pullNumber, unknownCheck(command.check))
        return false
      }
      const settings = Object.entries(info.defaults).map(([key, value]) => `- \`${key}\`: \`${JSON.stringify(value)}\``)
      await reply(
        ctx.client,
        ctx.repo,
        pullNumber,
        [`**${info.id}** (${info.dimension}, ${info.defaultSeverity} by default): ${info.description}.`, ...(settings.length ? ['', 'Settings and their defaults (set them under `checks:` in the config):', ...settings] : [])].join('\n')
      )
      return true
    }
    case 'rerun':
    case 'accept': {
      if (command.name === 'accept' && !checkCatalog().some((c) => c.id === command.check)) {
        await reply(ctx.client, ctx.repo, pullNumber, unknownCheck(command.check))
        return false
      }
      const { data: pull } = await ctx.client.rest.pulls.get({ ...ctx.repo, pull_number: pullNumber })
      const target = { number: pullNumber, baseSha: pull.base.sha, headSha: pull.head.sha, baseRef: pull.base.ref }
      // A comment's workflow runs with write access: the PR's files are read through the API, never checked out.
      const waiver = command.name === 'accept' ? { check: command.check, by: author, reason: command.reason, at: new Date().toISOString() } : undefined
      const { conclusion } = await auditAndPublishPull(ctx, target, { kind: 'api' }, (state) => (waiver ? withWaiver(state, waiver) : state))
      core.info(`dataset-audit: /audit ${command.name} by ${author}: ${conclusion}`)
      return true
    }
  }
}

function unknownCheck(id: string): string {
  return `dataset-audit: there is no check \`${id}\`. The checks are: ${checkCatalog().map((c) => `\`${c.id}\``).join(', ')}.`
}
