import type { Check, CheckContext, CheckRun, Emit } from './types.js'
import type { DatasetRecord, FieldValue } from '../types.js'
import { FieldPaths } from '../text.js'
import { numberSetting } from '../stats/settings.js'

/** Roles of OpenAI-style `messages: [{role, content}]`. */
export const OPENAI_ROLES = ['system', 'user', 'assistant', 'tool', 'function'] as const
/** Roles of ShareGPT-style `conversations: [{from, value}]`. */
export const SHAREGPT_ROLES = ['system', 'human', 'gpt', 'tool'] as const

type Speaker = 'system' | 'user' | 'assistant' | 'tool'

const OPENAI_SPEAKERS = new Map<string, Speaker>([['system', 'system'], ['user', 'user'], ['assistant', 'assistant'], ['tool', 'tool'], ['function', 'tool']])
const SHAREGPT_SPEAKERS = new Map<string, Speaker>([['system', 'system'], ['human', 'user'], ['gpt', 'assistant'], ['tool', 'tool']])

/** One problem with a conversation: what kind, and where (`messages[3]`), in words. */
export interface ChatProblem {
  kind: 'no-turns' | 'not-a-turn' | 'bad-role' | 'late-system' | 'empty-content' | 'no-alternation' | 'last-not-assistant' | 'no-assistant'
  /** 0-based turn index; absent for problems of the whole conversation. */
  turn?: number
  message: string
}

type FieldObject = { [field: string]: FieldValue }

function isObject(value: FieldValue | undefined): value is FieldObject {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
}

/** True when a content value holds nothing: missing, blank, or a list of blank text parts. */
function isEmptyContent(content: FieldValue | undefined): boolean {
  if (content === undefined || content === null) return true
  if (typeof content === 'string') return content.trim() === ''
  if (Array.isArray(content)) {
    // Multimodal parts: `{type: 'text', text}` counts when not blank; any other part (an image) counts.
    return !content.some((part) => (isObject(part) ? (typeof part.text === 'string' ? part.text.trim() !== '' : part.type !== undefined && part.type !== 'text') : typeof part === 'string' && part.trim() !== ''))
  }
  return false
}

/**
 * The problems of one chat transcript: invalid roles, a system turn after the first, user and
 * assistant turns that do not alternate (an assistant turn may follow a tool result), empty
 * content (an OpenAI assistant turn carrying `tool_calls` or `function_call` may have none), a
 * last turn that is not the assistant's, no assistant turn at all. The style (OpenAI or
 * ShareGPT) is read from the first turn: `from` means ShareGPT. `field` names the turns in messages.
 */
export function chatProblems(turns: readonly FieldValue[], field: string): ChatProblem[] {
  const problems: ChatProblem[] = []
  if (turns.length === 0) return [{ kind: 'no-turns', message: `\`${field}\` has no turns` }]
  const first = turns.find(isObject)
  const shareGpt = first !== undefined && 'from' in first && !('role' in first)
  const roleKey = shareGpt ? 'from' : 'role'
  const contentKey = shareGpt ? 'value' : 'content'
  const speakers = shareGpt ? SHAREGPT_SPEAKERS : OPENAI_SPEAKERS
  const validRoles = shareGpt ? SHAREGPT_ROLES : OPENAI_ROLES
  const assistantName = shareGpt ? 'gpt' : 'assistant'

  let previous: { speaker: 'user' | 'assistant'; turn: number } | undefined
  let toolSincePrevious = false
  let last: { speaker: Speaker; role: string; turn: number } | undefined
  let assistantTurns = 0
  turns.forEach((turn, index) => {
    const at = `${field}[${index}]`
    if (!isObject(turn)) {
      problems.push({ kind: 'not-a-turn', turn: index, message: `${at} is not a {${roleKey}, ${contentKey}} object` })
      return
    }
    const role = turn[roleKey]
    const speaker = typeof role === 'string' ? speakers.get(role) : undefined
    if (typeof role !== 'string' || speaker === undefined) {
      const said = typeof role === 'string' ? `role ${JSON.stringify(role)}` : `no \`${roleKey}\``
      problems.push({ kind: 'bad-role', turn: index, message: `${at} has ${said}; expected one of ${validRoles.join(', ')}` })
      return
    }
    const roleName = role
    if (speaker === 'system' && index > 0) {
      problems.push({ kind: 'late-system', turn: index, message: `${at} is a system turn after the first turn` })
    }
    const toolCall = !shareGpt && speaker === 'assistant' && (turn.tool_calls !== undefined || turn.function_call !== undefined)
    if (!toolCall && isEmptyContent(turn[contentKey])) {
      problems.push({ kind: 'empty-content', turn: index, message: `${at} (${roleName}) has empty \`${contentKey}\`` })
    }
    if (speaker === 'tool') toolSincePrevious = true
    if (speaker === 'user' || speaker === 'assistant') {
      // An assistant turn may follow another one when a tool result came between them.
      const repeats = previous !== undefined && previous.speaker === speaker && !(speaker === 'assistant' && toolSincePrevious)
      if (repeats && previous) {
        problems.push({ kind: 'no-alternation', turn: index, message: `${at} is a second ${roleName} turn in a row (after ${field}[${previous.turn}]): user and assistant turns should alternate` })
      }
      previous = { speaker, turn: index }
      toolSincePrevious = false
    }
    if (speaker === 'assistant') assistantTurns++
    last = { speaker, role: roleName, turn: index }
  })
  if (assistantTurns === 0) problems.push({ kind: 'no-assistant', message: `\`${field}\` has no ${assistantName} turn` })
  else if (last !== undefined && last.speaker !== 'assistant') {
    problems.push({ kind: 'last-not-assistant', turn: last.turn, message: `the last turn, ${field}[${last.turn}], is ${last.role}'s, not the ${assistantName}'s` })
  }
  return problems
}

/** Conversations seen and problems found, by kind. */
export interface ChatFormatSummary {
  conversations: number
  withProblems: number
  problems: Partial<Record<ChatProblem['kind'], number>>
  styles: { openai: number; sharegpt: number }
}

/**
 * `chat-format`: the structure of chat records, OpenAI `messages: [{role, content}]` or ShareGPT
 * `conversations: [{from, value}]`. One finding per problem, naming the turn. Records without a
 * chat field are left alone.
 */
export const chatFormatCheck: Check<ChatFormatSummary> = {
  id: 'chat-format',
  dimension: 'consistency',
  description: 'Chat transcripts with invalid roles, misplaced system turns, turns that do not alternate, empty turns, or no final assistant turn.',
  defaultSeverity: 'warning',
  defaults: {
    /** The fields holding transcripts; default `messages` and `conversations`. */
    fields: undefined,
    /** Findings per record; past this, one more finding counts the rest. */
    maxFindingsPerRecord: 10
  },
  start(context: CheckContext): CheckRun<ChatFormatSummary> {
    const fields = context.config.fields ?? ['messages', 'conversations']
    const maxFindings = numberSetting(context.config, 'maxFindingsPerRecord', 10)
    const summary: ChatFormatSummary = { conversations: 0, withProblems: 0, problems: {}, styles: { openai: 0, sharegpt: 0 } }
    const paths = new FieldPaths(fields)

    return {
      record(record: DatasetRecord, emit: Emit): void {
        for (let i = 0; i < fields.length; i++) {
          const field = fields[i]
          const turns = paths.valueAt(record.fields, i)
          if (!Array.isArray(turns)) continue
          // A list of strings or numbers is not a transcript; a list with any object (or empty) is.
          if (turns.length > 0 && !turns.some(isObject)) continue
          summary.conversations++
          const first = turns.find(isObject)
          if (first !== undefined && 'from' in first && !('role' in first)) summary.styles.sharegpt++
          else summary.styles.openai++
          const problems = chatProblems(turns, field)
          if (problems.length === 0) continue
          summary.withProblems++
          for (const problem of problems) summary.problems[problem.kind] = (summary.problems[problem.kind] ?? 0) + 1
          for (const problem of problems.slice(0, maxFindings)) emit({ line: record.line, field, message: problem.message })
          if (problems.length > maxFindings) {
            emit({ line: record.line, field, message: `\`${field}\` has ${problems.length - maxFindings} more chat-format problems not listed` })
          }
        }
      },

      finish(): ChatFormatSummary {
        return summary
      }
    }
  }
}
