/** A comment command: `/audit NAME [ARGS...]` on the comment's first line. */
export type AuditCommand =
  | { name: 'rerun' }
  | { name: 'help' }
  | { name: 'explain'; check: string }
  | { name: 'accept'; check: string; reason: string }

/** What the parser says about a comment. */
export type ParsedComment = { kind: 'none' } | { kind: 'command'; command: AuditCommand } | { kind: 'invalid'; reason: string }

/** The commands with their usage, for `/audit help` and for error replies. */
export const COMMAND_USAGE: ReadonlyArray<{ usage: string; summary: string }> = [
  { usage: '/audit rerun', summary: "audit the PR's current head again and update the comment and the check" },
  { usage: '/audit explain CHECK', summary: 'what a check looks for, its dimension and thresholds' },
  { usage: '/audit accept CHECK REASON', summary: "accept a check's regressions for this PR (recorded with who and why)" },
  { usage: '/audit help', summary: 'this list' }
]

const CHECK_ID = /^[a-z][a-z0-9-]*$/

/**
 * Parses a comment: only the first line is read, and only when it starts with `/audit`.
 * Malformed commands are `invalid` with a reason, never guessed at.
 */
export function parseComment(body: string): ParsedComment {
  const firstLine = body.split(/\r?\n/, 1)[0].trim()
  if (!/^\/audit(\s|$)/.test(firstLine)) return { kind: 'none' }
  const [, name, ...args] = firstLine.split(/\s+/)
  switch (name) {
    case undefined:
      return { kind: 'invalid', reason: 'a command is needed after /audit' }
    case 'rerun':
    case 'help':
      return args.length === 0 ? { kind: 'command', command: { name } } : { kind: 'invalid', reason: `/audit ${name} takes no arguments` }
    case 'explain': {
      if (args.length !== 1 || !CHECK_ID.test(args[0])) return { kind: 'invalid', reason: '/audit explain takes one check id, e.g. `/audit explain pii`' }
      return { kind: 'command', command: { name: 'explain', check: args[0] } }
    }
    case 'accept': {
      const [check, ...reasonWords] = args
      if (!check || !CHECK_ID.test(check)) return { kind: 'invalid', reason: '/audit accept takes a check id and a reason, e.g. `/audit accept pii the emails are synthetic`' }
      const reason = reasonWords.join(' ').slice(0, 500)
      if (!reason) return { kind: 'invalid', reason: '/audit accept needs a reason after the check id, so the waiver says why' }
      return { kind: 'command', command: { name: 'accept', check, reason } }
    }
    default:
      return { kind: 'invalid', reason: `unknown command \`${name.slice(0, 40)}\`` }
  }
}

/** The help text: every command and what it does. */
export function helpText(): string {
  return ['**dataset-audit commands** (write access needed)', '', ...COMMAND_USAGE.map((c) => `- \`${c.usage}\`: ${c.summary}`)].join('\n')
}
