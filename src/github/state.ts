/** A maintainer's waiver: the regressions of one check no longer fail the gate for this PR. */
export interface Waiver {
  check: string
  by: string
  reason: string
  at: string
}

/** What the sticky comment remembers between runs, hidden in it. */
export interface CommentState {
  waivers: Waiver[]
}

const STATE_PREFIX = '<!-- dataset-audit-state:'

/** The state as a hidden line: base64 JSON, so no user text can close the HTML comment. */
export function encodeState(state: CommentState): string {
  return `${STATE_PREFIX}${Buffer.from(JSON.stringify(state), 'utf8').toString('base64')} -->`
}

/** The state hidden in a comment body; an empty state when there is none or it is damaged. */
export function decodeState(body: string | undefined): CommentState {
  const start = body?.indexOf(STATE_PREFIX) ?? -1
  if (!body || start === -1) return { waivers: [] }
  const end = body.indexOf(' -->', start)
  try {
    const parsed: unknown = JSON.parse(Buffer.from(body.slice(start + STATE_PREFIX.length, end), 'base64').toString('utf8'))
    const waivers = (parsed as { waivers?: unknown }).waivers
    if (!Array.isArray(waivers)) return { waivers: [] }
    return {
      waivers: waivers
        .filter((w): w is Record<string, unknown> => typeof w === 'object' && w !== null)
        .filter((w) => typeof w.check === 'string' && typeof w.by === 'string')
        .map((w) => ({ check: String(w.check), by: String(w.by), reason: String(w.reason ?? ''), at: String(w.at ?? '') }))
    }
  } catch {
    return { waivers: [] }
  }
}

/** The state with a waiver for `check` added (replacing an older one for the same check). */
export function withWaiver(state: CommentState, waiver: Waiver): CommentState {
  return { waivers: [...state.waivers.filter((w) => w.check !== waiver.check), waiver] }
}
