import { chatFormatCheck, chatProblems } from '../../../src/engine/checks/chat-format.js'
import type { RecordFields } from '../../../src/engine/types.js'
import { recordsOf, runCheck } from '../../helpers/runCheck.js'

const m = (role: string, content: string | null = 'hi') => ({ role, content })
const g = (from: string, value = 'hi') => ({ from, value })

describe('chat-format check', () => {
  it('accepts well-formed OpenAI and ShareGPT transcripts, tool calls included', () => {
    const rows: RecordFields[] = [
      { messages: [m('system', 'Be brief.'), m('user'), m('assistant'), m('user'), m('assistant')] },
      {
        messages: [
          m('user', 'Weather in Paris?'),
          { role: 'assistant', content: null, tool_calls: [{ id: 'c1', type: 'function', function: { name: 'weather', arguments: '{}' } }] },
          { role: 'tool', tool_call_id: 'c1', content: '18C' },
          m('assistant', 'It is 18C.')
        ]
      },
      { conversations: [g('system', 'sys'), g('human'), g('gpt')] },
      { messages: [{ role: 'user', content: [{ type: 'text', text: 'what is this?' }, { type: 'image_url', image_url: { url: 'x' } }] }, m('assistant')] },
      { text: 'not a chat', messages: 'a string is not a transcript' }
    ]
    const { findings, summary } = runCheck(chatFormatCheck, recordsOf(rows))
    expect(findings).toEqual([])
    expect(summary).toEqual({ conversations: 4, withProblems: 0, problems: {}, styles: { openai: 3, sharegpt: 1 } })
  })

  it('reports each problem with its turn', () => {
    const rows: RecordFields[] = [
      { messages: [m('user'), m('bot'), m('assistant')] },
      { messages: [m('user'), m('system'), m('assistant')] },
      { messages: [m('user'), m('user'), m('assistant'), m('assistant')] },
      { messages: [m('user', '  '), m('assistant', null)] },
      { messages: [m('user'), m('assistant'), m('user')] },
      { messages: [m('system'), m('user')] },
      { messages: [] },
      { messages: [m('user'), 'hello', { content: 'x' }, m('assistant')] }
    ]
    const { findings, summary } = runCheck(chatFormatCheck, recordsOf(rows))
    expect(findings.map((f) => [f.line, f.field, f.message])).toEqual([
      [1, 'messages', 'messages[1] has role "bot"; expected one of system, user, assistant, tool, function'],
      [2, 'messages', 'messages[1] is a system turn after the first turn'],
      [3, 'messages', 'messages[1] is a second user turn in a row (after messages[0]): user and assistant turns should alternate'],
      [3, 'messages', 'messages[3] is a second assistant turn in a row (after messages[2]): user and assistant turns should alternate'],
      [4, 'messages', 'messages[0] (user) has empty `content`'],
      [4, 'messages', 'messages[1] (assistant) has empty `content`'],
      [5, 'messages', "the last turn, messages[2], is user's, not the assistant's"],
      [6, 'messages', '`messages` has no assistant turn'],
      [7, 'messages', '`messages` has no turns'],
      [8, 'messages', 'messages[1] is not a {role, content} object'],
      [8, 'messages', 'messages[2] has no `role`; expected one of system, user, assistant, tool, function']
    ])
    expect(summary.withProblems).toBe(8)
    expect(summary.problems).toEqual({ 'bad-role': 2, 'late-system': 1, 'no-alternation': 2, 'empty-content': 2, 'last-not-assistant': 1, 'no-assistant': 1, 'no-turns': 1, 'not-a-turn': 1 })
  })

  it('checks ShareGPT roles and names them in its own terms', () => {
    const rows: RecordFields[] = [{ conversations: [g('human'), g('assistant'), g('gpt', ''), g('human')] }]
    const { findings } = runCheck(chatFormatCheck, recordsOf(rows))
    expect(findings.map((f) => f.message)).toEqual([
      'conversations[1] has role "assistant"; expected one of system, human, gpt, tool',
      'conversations[2] (gpt) has empty `value`',
      "the last turn, conversations[3], is human's, not the gpt's"
    ])
  })

  it('does not let a user turn follow a tool result as if it were alternation', () => {
    const problems = chatProblems([m('user'), m('assistant'), m('tool'), m('user'), m('user'), m('assistant')], 'messages')
    expect(problems.map((p) => [p.kind, p.turn])).toEqual([['no-alternation', 4]])
  })

  it('caps findings per record and reads configured fields', () => {
    const rows: RecordFields[] = [{ chat: [m('x'), m('y'), m('z'), m('w')] }]
    expect(runCheck(chatFormatCheck, recordsOf(rows)).findings).toEqual([])
    const { findings } = runCheck(chatFormatCheck, recordsOf(rows), { config: { fields: ['chat'], maxFindingsPerRecord: 2 } })
    expect(findings.map((f) => f.message)).toEqual([
      'chat[0] has role "x"; expected one of system, user, assistant, tool, function',
      'chat[1] has role "y"; expected one of system, user, assistant, tool, function',
      '`chat` has 3 more chat-format problems not listed'
    ])
  })

  it('reads a configured field by dotted path, and a name with a dot in it as that field', () => {
    const rows: RecordFields[] = [{ data: { turns: [m('user')] } }, { 'data.turns': [m('assistant')] }]
    const { findings } = runCheck(chatFormatCheck, recordsOf(rows), { config: { fields: ['data.turns'] } })
    expect(findings.map((f) => [f.line, f.message])).toEqual([[1, '`data.turns` has no assistant turn']])
  })
})
