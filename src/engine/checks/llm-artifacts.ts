import type { Check, CheckRun } from './types.js'
import type { FieldValue, RecordFields } from '../types.js'
import { maskedExcerpt, sensitiveSpans } from './detectors/mask.js'
import { textOf, truncate, valueAt } from '../text.js'
import { AsciiLiterals } from './detectors/ascii-scan.js'

/** The kinds of assistant leftovers the check tells apart. */
export const ARTIFACT_CATEGORIES = ['self-identification', 'refusal', 'cutoff', 'boilerplate'] as const
/** What kind of assistant artifact a phrase is. */
export type ArtifactCategory = (typeof ARTIFACT_CATEGORIES)[number]

/** One artifact phrase found in a text. */
export interface ArtifactMatch {
  category: ArtifactCategory
  /** The phrase as written in the text. */
  phrase: string
  start: number
  end: number
}

// Straight and curly apostrophes both occur in generated text.
const A = "['’]"

/**
 * The phrases, by category. Each is anchored on words an assistant uses about itself, not on
 * loose words: "I cannot help but reflect" and "language models like GPT-3" are ordinary prose.
 */
const PATTERNS: ReadonlyArray<[ArtifactCategory, RegExp]> = [
  [
    'self-identification',
    new RegExp(
      [
        String.raw`\bas an (?:AI|artificial intelligence)(?: language model| assistant| model)?\b(?!-)`,
        String.raw`\bas a (?:large )?language model\b`,
        String.raw`\bAI language model\b`,
        String.raw`\bI${A}?m (?:just |only |merely |simply )?(?:an AI|a (?:large )?language model|an artificial intelligence|a chatbot|a virtual assistant)\b`,
        String.raw`\bI am (?:just |only |merely |simply )?(?:an AI|a (?:large )?language model|an artificial intelligence|a chatbot|a virtual assistant)\b`,
        String.raw`\b(?:trained|developed|created|built) by OpenAI\b`,
        String.raw`\bI(?:${A}m| am) ChatGPT\b`,
        String.raw`\bI (?:don${A}t|do not) have (?:personal )?(?:opinions|feelings|emotions|beliefs|preferences|a physical body)\b(?=[,.;]| or\b| and\b| as\b| like\b)`
      ].join('|'),
      'gi'
    )
  ],
  [
    'refusal',
    new RegExp(
      [
        String.raw`\bI(?:${A}?m| am) sorry,? but (?:I(?:${A}m| am)? (?:can${A}?t|cannot|unable|not able|won${A}t|do not|don${A}t|must)|as an AI)\b`,
        String.raw`\bI apologi[sz]e,? but\b`,
        String.raw`\bI (?:cannot|can${A}?t|am unable to|${A}m unable to) (?:fulfill|fulfil|comply with|assist with|help with that|provide assistance with)\b`,
        String.raw`\bI (?:must|have to) (?:respectfully )?decline\b`
      ].join('|'),
      'gi'
    )
  ],
  [
    'cutoff',
    new RegExp(
      [
        String.raw`\bmy (?:knowledge|training) cut-?off\b`,
        String.raw`\bknowledge cut-?off (?:date|of)\b`,
        String.raw`\bas of my (?:last|latest|most recent) (?:update|training|knowledge update|data update)\b`,
        String.raw`\bI (?:don${A}t|do not) have (?:access to )?real-time\b`,
        String.raw`\bI (?:don${A}t|do not|cannot|can${A}?t) (?:browse|access|search) the (?:internet|web)\b`,
        String.raw`\bmy training data (?:only )?(?:goes|extends|runs) (?:up )?(?:to|until)\b`
      ].join('|'),
      'gi'
    )
  ],
  [
    'boilerplate',
    new RegExp(
      [
        // Template openers, only at the very start of an output.
        String.raw`^\s*(?:Sure|Certainly|Of course|Absolutely)(?:!|,|\.) (?:here${A}?s|here is|here are|I${A}d be (?:happy|glad) to|I would be (?:happy|glad) to)\b`,
        String.raw`\bI hope this helps\b`
      ].join('|'),
      'gi'
    )
  ]
]

/**
 * Words at least one of which every pattern above needs (case aside), and the openers the
 * boilerplate pattern takes at the start: a text with none of them cannot match, so this spares
 * the long alternations. It is itself a scan trying some thirty words at every place, though.
 */
const MAY_MATCH = /AI\b|artificial intelligence|language model|chatbot|virtual assistant|openai|chatgpt|opinions|feelings|emotions|beliefs|preferences|physical body|sorry|apologi|fulfil|comply with|assist with|help with that|provide assistance|decline|cut-?off|as of my|real-time|internet|\bweb\b|training data|hope this helps/i
const MAY_OPEN = /^\s*(?:sure|certainly|of course|absolutely)\b/i

/**
 * Literals of which every match of the patterns but the opener (which needs `MAY_OPEN`) holds
 * one, ASCII case aside like the patterns (`i`, no `u`), found in one pass over the text's
 * words (see {@link AsciiLiterals}): the cheap test that rules most texts out before
 * `MAY_MATCH`. Each is spelled out in the patterns, between their optional parts:
 * - "As an AI…", "As an artificial intelligence": `as an a`. "I'm an AI", "I am an AI", "I'm
 *   just / only, merely, simply an AI": `m an ai`, `t an ai`, `y an ai`; their other nouns:
 *   `language model` (also "As a language model", "AI language model"), `artificial`, `chatbot`,
 *   `virtual`. "Trained… by OpenAI": `by openai`. "I'm ChatGPT": `chatgpt`.
 * - "I don't have opinions…": the objects `opinions` … `physical body`.
 * - "I'm sorry, but", "I'm sorry but": `sorry, `, `sorry b`. "I apologise": `apologi`. "I cannot
 *   fulfil / comply with / assist with / help with that / provide assistance with": ` fulfil`,
 *   `comply with`, `assist with`, `help with that`, `provide assistance`. "I must decline":
 *   `decline`.
 * - "My knowledge cutoff", "knowledge cut-off date": `knowledge cut`. "My training cutoff", "my
 *   training data", "as of my last training": ` training`; "as of my last update" (knowledge
 *   update, data update): ` update`. "I don't have real-time": `real-time`. "I can't browse /
 *   access / search the internet / web": `browse the`, `access the`, `search the`.
 * - "I hope this helps": `hope this helps`.
 * Every literal has 7 characters or more, as the one-pass search needs, and none has a curly
 * apostrophe (the patterns' optional `’` is never inside one).
 */
const ARTIFACT_LITERALS = new AsciiLiterals([
  'as an a',
  'm an ai',
  't an ai',
  'y an ai',
  'language model',
  'artificial',
  'chatbot',
  'virtual',
  'by openai',
  'chatgpt',
  'opinions',
  'feelings',
  'emotions',
  'beliefs',
  'preferences',
  'physical body',
  'sorry, ',
  'sorry b',
  'apologi',
  ' fulfil',
  'comply with',
  'assist with',
  'help with that',
  'provide assistance',
  'decline',
  'knowledge cut',
  ' training',
  ' update',
  'real-time',
  'browse the',
  'access the',
  'search the',
  'hope this helps'
])

/**
 * `MAY_OPEN` without a regex call for most texts: its `\s*` may match nothing, so a text whose
 * first character is printable ASCII (not a space) opens with an opener only if that character
 * starts one (`S`, `C`, `O` or `A`, either case).
 */
function mayOpen(text: string): boolean {
  const first = text.charCodeAt(0)
  const folded = first | 0x20
  if (first > 0x20 && first < 0x7f && folded !== 0x73 && folded !== 0x63 && folded !== 0x6f && folded !== 0x61) return false
  return MAY_OPEN.test(text)
}

/** Every artifact phrase in `text`, in order of position. */
export function findArtifacts(text: string): ArtifactMatch[] {
  if (!mayOpen(text) && !(ARTIFACT_LITERALS.test(text) && MAY_MATCH.test(text))) return []
  return findArtifactsUnfiltered(text)
}

/**
 * Every artifact phrase in `text`, in order of position, without the tests that rule texts out
 * first: what {@link findArtifacts} must always agree with.
 */
export function findArtifactsUnfiltered(text: string): ArtifactMatch[] {
  const found: ArtifactMatch[] = []
  for (const [category, pattern] of PATTERNS) {
    for (const match of text.matchAll(pattern)) {
      found.push({ category, phrase: match[0].trim(), start: match.index, end: match.index + match[0].length })
    }
  }
  return found.sort((a, b) => a.start - b.start)
}

const PERSONA = /\b(you are|you're|pretend (?:to be|you are|you're|that you are)|imagine (?:you are|you're|being|that you are)|act as|role-?play as|role play as|play the role of|take the role of|assume (?:you are|you're|the role of)|envision (?:that )?you are|as)\s+(?:an?|the|your)\s+(?:[\w-]+\s+){0,4}?(AI|artificial intelligence|language model|chatbot|virtual assistant)\b(?:\s+(\w+))?/gi

/**
 * True when a prompt asks the model to play an AI character ("Pretend you are an AI therapist",
 * "Roleplay as a futuristic AI judge", "You are an AI language model that has gained
 * self-awareness"): then "As an AI..." in the answer is in character, not a leftover. A plain
 * assistant system prompt ("You are a helpful AI assistant", "You are a chatbot") casts no
 * character, so it does not count: that is where leftovers come from.
 */
export function asksForAiPersona(prompt: string): boolean {
  for (const match of prompt.matchAll(PERSONA)) {
    const verb = match[1].toLowerCase()
    const term = match[2].toLowerCase()
    const next = (match[3] ?? '').toLowerCase()
    const plainStatement = verb === 'you are' || verb === "you're" || verb === 'as'
    const genericAssistant = term === 'chatbot' || term === 'virtual assistant' || next === 'assistant' || next === 'chatbot'
    if (!(plainStatement && genericAssistant)) return true
  }
  return false
}

/** Field names whose values are model outputs. */
const OUTPUT_NAMES = new Set(['output', 'outputs', 'response', 'responses', 'completion', 'completions', 'answer', 'assistant', 'chosen', 'rejected', 'generation', 'model_answer', 'model_output'])
/** Field names that hold chat transcripts. */
const CHAT_NAMES = new Set(['messages', 'conversations', 'conversation', 'dialog', 'dialogue', 'chat', 'turns'])
/** Speakers whose turns are the model's. */
const ASSISTANT_ROLES = new Set(['assistant', 'gpt', 'model', 'bot', 'ai', 'chatgpt', 'claude', 'gemini'])

/** The text of one chat turn (`content` as a string or as `[{type: 'text', text}]` parts). */
function turnText(turn: { [field: string]: FieldValue }): string | undefined {
  const content = turn.content ?? turn.value ?? turn.text
  if (typeof content === 'string') return content
  if (Array.isArray(content)) {
    const parts = content.map((part) => (part !== null && typeof part === 'object' && !Array.isArray(part) && typeof part.text === 'string' ? part.text : ''))
    return parts.join('\n')
  }
  return undefined
}

/** A chat transcript's turns as `[isAssistant, text]`, or undefined when `value` is not one. */
function chatTurns(value: FieldValue | undefined): Array<[boolean, string]> | undefined {
  if (!Array.isArray(value) || value.length === 0) return undefined
  const turns: Array<[boolean, string]> = []
  for (const turn of value) {
    if (turn === null || typeof turn !== 'object' || Array.isArray(turn)) return undefined
    const role = turn.role ?? turn.from ?? turn.speaker ?? turn.author
    const text = turnText(turn)
    if (typeof role !== 'string' || text === undefined) return undefined
    turns.push([ASSISTANT_ROLES.has(role.toLowerCase()), text])
  }
  return turns
}

/** A field's artifacts by category, and the text each was found in. */
interface FieldArtifacts {
  byCategory: Map<ArtifactCategory, ArtifactMatch[]>
  firstTexts: Map<ArtifactMatch, string>
}

/** Adds the artifacts of `text` to `found` (made on the first one); `found` again. */
function collectArtifacts(text: string | undefined, found: FieldArtifacts | undefined): FieldArtifacts | undefined {
  if (text === undefined) return found
  for (const match of findArtifacts(text)) {
    found ??= { byCategory: new Map(), firstTexts: new Map() }
    const list = found.byCategory.get(match.category) ?? []
    list.push(match)
    found.byCategory.set(match.category, list)
    found.firstTexts.set(match, text)
  }
  return found
}

function lastSegment(path: string): string {
  return path.slice(path.lastIndexOf('.') + 1).toLowerCase()
}

/** What the llm-artifacts check counted on one side of a file. */
export interface LlmArtifactsSummary {
  records: number
  /** Records with at least one warning-level artifact. */
  recordsWithArtifacts: number
  /** Artifacts per category (fields with one or more), in-character ones excluded. */
  categories: Partial<Record<ArtifactCategory, number>>
  /** Self-identification and cutoff phrases in answers to prompts that ask for an AI persona. */
  inCharacter: number
  /** The fields that were read as outputs. */
  fields: string[]
}

const LABELS: Readonly<Record<ArtifactCategory, string>> = {
  'self-identification': 'assistant self-identification',
  refusal: 'refusal',
  cutoff: 'knowledge-cutoff disclaimer',
  boilerplate: 'template boilerplate'
}

/**
 * Chat-assistant leftovers in model outputs: self-identification ("As an AI language model"),
 * refusals ("I'm sorry, but I can't"), knowledge-cutoff disclaimers and template openers
 * ("Sure! Here's"). Distilled data that keeps them teaches the model to say them.
 */
export const llmArtifactsCheck: Check<LlmArtifactsSummary> = {
  id: 'llm-artifacts',
  dimension: 'provenance',
  description: 'Assistant leftovers in outputs: "As an AI language model", refusals, knowledge-cutoff disclaimers, "Sure! Here\'s".',
  defaultSeverity: 'warning',
  defaults: {
    /**
     * When the prompt (the record's other text fields and the user/system turns) asks for an AI
     * persona, self-identification and cutoff phrases are reported as info: they are in character.
     */
    personaAware: true
  },
  start(context): CheckRun<LlmArtifactsSummary> {
    const configured = context.config.fields
    const personaAware = context.config.personaAware !== false
    const summary: LlmArtifactsSummary = { records: 0, recordsWithArtifacts: 0, categories: {}, inCharacter: 0, fields: [] }
    const seenFields = new Set<string>()

    // The output-like text fields, found once: a record adds to them only the fields it names
    // like outputs or transcripts that are not among them.
    const textOutputs = [...new Set(context.textFields.filter((name) => OUTPUT_NAMES.has(lastSegment(name)) || CHAT_NAMES.has(lastSegment(name))))]
    const textOutputSet = new Set(textOutputs)

    // What each field name a record has may add, worked out on its first sight: nothing (a
    // name of neither kind, or one of the text outputs already), an output or a transcript.
    const nameRoles = new Map<string, 'none' | 'output' | 'chat'>()
    function roleOf(name: string): 'none' | 'output' | 'chat' {
      let role = nameRoles.get(name)
      if (role === undefined) {
        const lower = name.toLowerCase()
        role = textOutputSet.has(name) ? 'none' : OUTPUT_NAMES.has(lower) ? 'output' : CHAT_NAMES.has(lower) ? 'chat' : 'none'
        // Bounded: a file whose records all name their fields differently is not worth remembering.
        if (nameRoles.size < 10_000) nameRoles.set(name, role)
      }
      return role
    }

    /** The fields to read: configured, else the output-like ones, else every text field. */
    function outputFields(fields: RecordFields): readonly string[] {
      if (configured !== undefined) return configured
      let names: string[] | undefined
      for (const name of Object.keys(fields)) {
        const role = roleOf(name)
        if (role === 'none') continue
        const value = fields[name]
        if ((role === 'output' && typeof value === 'string') || (role === 'chat' && chatTurns(value) !== undefined)) (names ??= [...textOutputs]).push(name)
      }
      if (names !== undefined) return names
      if (textOutputs.length > 0) return textOutputs
      return context.textFields.length > 0 ? context.textFields : Object.keys(fields).filter((name) => typeof fields[name] === 'string')
    }

    /** Everything in the record that is not model output: instructions, inputs, user turns. */
    function promptText(fields: RecordFields, outputs: readonly string[]): string {
      const parts: string[] = []
      for (const [name, value] of Object.entries(fields)) {
        const turns = chatTurns(value)
        if (turns !== undefined) parts.push(...turns.filter(([assistant]) => !assistant).map(([, text]) => text))
        else if (!outputs.includes(name) && typeof value === 'string') parts.push(value)
      }
      return parts.join('\n')
    }

    return {
      record(record, emit) {
        summary.records++
        const fields = outputFields(record.fields)
        let prompt: string | undefined
        let flagged = false
        for (const field of fields) {
          const value = valueAt(record.fields, field)
          const turns = chatTurns(value)
          // In a transcript only the assistant's turns are output; each starts a reply.
          let found: FieldArtifacts | undefined
          if (turns === undefined) found = collectArtifacts(textOf(value), found)
          else for (const [assistant, text] of turns) if (assistant) found = collectArtifacts(text, found)
          if (found === undefined) continue
          const { byCategory, firstTexts } = found
          if (!seenFields.has(field) && seenFields.size < 50) {
            seenFields.add(field)
            summary.fields.push(field)
          }
          for (const [category, matches] of byCategory) {
            const [first] = matches
            const aboutModel = category === 'self-identification' || category === 'cutoff'
            prompt ??= personaAware && aboutModel ? promptText(record.fields, fields) : undefined
            const inCharacter = aboutModel && prompt !== undefined && asksForAiPersona(prompt)
            const info = inCharacter || category === 'boilerplate'
            if (inCharacter) summary.inCharacter++
            else summary.categories[category] = (summary.categories[category] ?? 0) + 1
            if (!info) flagged = true
            const text = firstTexts.get(first) ?? ''
            const count = matches.length > 1 ? ` (${matches.length} in this field)` : ''
            emit({
              line: record.line,
              field,
              message: `LLM artifact, ${LABELS[category]}: “${truncate(first.phrase, 60)}”${count}${inCharacter ? '; the prompt asks for an AI persona, so it may be in character' : ''}`,
              // Outputs can hold personal data too: the excerpt masks it like the privacy checks do.
              excerpt: maskedExcerpt(text, { kind: category, value: first.phrase, start: first.start, end: first.end }, sensitiveSpans(text), { radius: 50, maskFocus: false }),
              ...(info ? { severity: 'info' as const } : {})
            })
          }
        }
        if (flagged) summary.recordsWithArtifacts++
      },
      finish() {
        return summary
      }
    }
  }
}
