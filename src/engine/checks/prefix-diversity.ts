import type { Check, CheckContext, CheckRun, Emit } from './types.js'
import type { DatasetRecord, FieldValue, RecordFields } from '../types.js'
import { textOf, truncate, valueAt } from '../text.js'
import { finishHash, hash53, HASH_MULTIPLIER_1, HASH_MULTIPLIER_2, HASH_SEED_1, HASH_SEED_2 } from '../hash.js'
import { SpaceSaving } from '../stats/heavy-hitters.js'
import { numberSetting, stringSetting } from '../stats/settings.js'

/** Fields read as the instruction, in this order, when `config.field` is not set. */
export const INSTRUCTION_FIELDS = ['instruction', 'prompt', 'question', 'input'] as const
/** Chat fields whose first user turn is the instruction when none of INSTRUCTION_FIELDS is there. */
const CHAT_FIELDS = ['messages', 'conversations'] as const

// Apostrophes are dropped (`what's` → `whats`); other punctuation and symbols separate words.
const APOSTROPHES = /['’‘`]/gu
const PUNCTUATION = /[\p{P}\p{S}]/gu
const SPACES = /\s+/u
/** Only the start of a text matters: a bounded head is enough for a few long words. */
const HEAD_CHARS = 400

/**
 * The first `words` words of a text, lower-cased, apostrophes dropped (`what's` → `whats`) and
 * other punctuation read as a space. Empty when the text has no word.
 */
export function prefixOf(text: string, words = 3): string {
  const prefix: Prefix = { text: '', hash: 0 }
  findPrefix(text, words, prefix)
  return prefix.text
}

/** A prefix and its hash53, which the ASCII reading computes on the way. */
export interface Prefix {
  text: string
  hash: number
}

/** prefixOf into `found`, with the prefix's hash53; a check reuses one `found` for every record. */
export function findPrefix(text: string, words: number, found: Prefix): void {
  if (asciiPrefixOf(text, words, found)) return
  found.text = generalPrefixOf(text, words)
  found.hash = hash53(found.text)
}

/** prefixOf by its definition: NFKC, lower case, apostrophes dropped, punctuation to spaces, split on spaces. */
export function generalPrefixOf(text: string, words = 3): string {
  const found: string[] = []
  const head = text.slice(0, HEAD_CHARS).normalize('NFKC').toLowerCase().replace(APOSTROPHES, '').replace(PUNCTUATION, ' ')
  for (const word of head.split(SPACES)) {
    if (word === '') continue
    found.push(word)
    if (found.length === words) break
  }
  return found.join(' ')
}

const WORD_CHAR = 0
const SEPARATOR = 1
const DROPPED = 2
/**
 * What each ASCII character is to generalPrefixOf, derived from its own patterns so the two cannot
 * disagree. NFKC leaves ASCII as it is and lower-casing maps only A-Z, so an ASCII text needs none
 * of the costly steps.
 */
const ASCII_KINDS = Uint8Array.from({ length: 128 }, (_, code) => {
  const char = String.fromCharCode(code)
  if (char.replace(APOSTROPHES, '') === '') return DROPPED
  return char.replace(PUNCTUATION, ' ').split(SPACES).length > 1 ? SEPARATOR : WORD_CHAR
})
const UPPER_A = 65
const UPPER_Z = 90
const SPACE = 32
const imul = Math.imul

/**
 * Texts up to this long may share memory with their prefix (a slice of them). A sketch holds
 * thousands of prefixes, each keeping its whole text alive: short texts cost little, long ones
 * get a prefix of its own.
 */
const SLICE_TEXT_CHARS = 512

/** Character codes of a prefix being built, reused. */
const prefixCodes: number[] = []

/**
 * findPrefix for a text whose head is ASCII up to the end of its last prefix word, read one
 * character code at a time and hashed as the prefix will read; false at the first other
 * character, for generalPrefixOf to read. A prefix written in the text as it will read (lower
 * case, one space between words) is sliced out of it rather than built.
 */
function asciiPrefixOf(text: string, words: number, found: Prefix): boolean {
  const end = Math.min(text.length, HEAD_CHARS)
  let count = 0
  let inWord = false
  let start = 0
  let wordEnd = 0
  let verbatim = true
  let upper = false
  let h1 = HASH_SEED_1
  let h2 = HASH_SEED_2
  let i = 0
  for (; i < end; i++) {
    let code = text.charCodeAt(i)
    if (code >= 128) return false
    const kind = ASCII_KINDS[code]
    if (kind === WORD_CHAR) {
      if (!inWord) {
        inWord = true
        if (count === 0) start = i
        else {
          if (i !== wordEnd + 1 || text.charCodeAt(wordEnd) !== SPACE) verbatim = false
          h1 = imul(h1 ^ SPACE, HASH_MULTIPLIER_1)
          h2 = imul(h2 ^ SPACE, HASH_MULTIPLIER_2)
        }
      }
      if (code >= UPPER_A && code <= UPPER_Z) {
        upper = true
        code += 32
      }
      h1 = imul(h1 ^ code, HASH_MULTIPLIER_1)
      h2 = imul(h2 ^ code, HASH_MULTIPLIER_2)
    } else if (kind === DROPPED) {
      if (inWord || count > 0) verbatim = false
    } else if (inWord) {
      inWord = false
      wordEnd = i
      if (++count === words) break
    }
  }
  if (inWord) {
    wordEnd = i
    count++
  }
  found.hash = finishHash(h1, h2)
  if (count === 0) found.text = ''
  // Lower-casing a prefix with a capital makes a new string, which holds no text alive.
  else if (verbatim && upper) found.text = text.slice(start, wordEnd).toLowerCase()
  else if (verbatim && text.length <= SLICE_TEXT_CHARS) found.text = text.slice(start, wordEnd)
  else found.text = builtPrefix(text, start, wordEnd)
  return true
}

/** The prefix words in text[start, end) as prefixOf writes them, in a string of its own. */
function builtPrefix(text: string, start: number, end: number): string {
  prefixCodes.length = 0
  let pendingSpace = false
  for (let i = start; i < end; i++) {
    const code = text.charCodeAt(i)
    const kind = ASCII_KINDS[code]
    if (kind === DROPPED) continue
    if (kind === SEPARATOR) {
      pendingSpace = true
      continue
    }
    if (pendingSpace) {
      prefixCodes.push(SPACE)
      pendingSpace = false
    }
    prefixCodes.push(code >= UPPER_A && code <= UPPER_Z ? code + 32 : code)
  }
  return String.fromCharCode(...prefixCodes)
}

/** An instruction and the field it came from (`messages` for a chat's first user turn). */
export interface Instruction {
  field: string
  text: string
}

/** The instruction of a record and the field it came from (`messages` for a chat's first user turn). */
export function instructionOf(fields: RecordFields, field?: string): Instruction | undefined {
  const found: Instruction = { field: '', text: '' }
  return findInstruction(fields, field, found) ? found : undefined
}

/** instructionOf into `found`, which a check reuses for every record: false when there is none. */
function findInstruction(fields: RecordFields, field: string | undefined, found: Instruction): boolean {
  if (field !== undefined) {
    const text = textOf(valueAt(fields, field))
    if (text === undefined || isBlank(text)) return false
    found.field = field
    found.text = text
    return true
  }
  for (const name of INSTRUCTION_FIELDS) {
    const value = valueAt(fields, name)
    if (typeof value === 'string' && !isBlank(value)) {
      found.field = name
      found.text = value
      return true
    }
  }
  for (const name of CHAT_FIELDS) {
    const turns = valueAt(fields, name)
    if (!Array.isArray(turns)) continue
    for (const turn of turns) {
      if (!isObject(turn)) continue
      const role = turn.role ?? turn.from
      const content = turn.content ?? turn.value
      if ((role === 'user' || role === 'human') && typeof content === 'string' && !isBlank(content)) {
        found.field = name
        found.text = content
        return true
      }
    }
  }
  return false
}

/**
 * True when `text` is empty or only whitespace, as `text.trim() === ''` says, without a call for
 * the usual text that starts with a visible ASCII character.
 */
export function isBlank(text: string): boolean {
  const first = text.charCodeAt(0)
  if (first > 32 && first < 127) return false
  return text.trim() === ''
}

function isObject(value: FieldValue): value is { [field: string]: FieldValue } {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
}

/** A prefix and how many instructions begin with it. */
export interface PrefixCount {
  prefix: string
  count: number
  share: number
}

export interface PrefixDiversitySummary {
  /** Instructions seen (records with one). */
  records: number
  /** Distinct prefixes (a lower bound when `exact` is false). */
  distinct: number
  /** False when there were more distinct prefixes than the sketch holds: counts are estimates. */
  exact: boolean
  /** The most common prefixes, most common first. */
  top: PrefixCount[]
  /** The field most instructions came from. */
  field?: string
}

const percent = (share: number): string => `${(share * 100).toFixed(1)}%`

/**
 * `prefix-diversity`: instructions that begin alike. The share of instructions starting with the
 * most common first three words (lower case, punctuation stripped) above `maxShare` is a warning;
 * against base, so is that share more than doubling. Prefixes are counted in a Space-Saving
 * sketch of `sketchSize` entries: exact while there are fewer distinct prefixes, and otherwise
 * off by at most records / sketchSize.
 */
export const prefixDiversityCheck: Check<PrefixDiversitySummary> = {
  id: 'prefix-diversity',
  dimension: 'diversity',
  description: 'Instructions that mostly begin with the same words, and growth of the most common opening against base.',
  defaultSeverity: 'warning',
  defaults: {
    /** The instruction field; default: the first of instruction, prompt, question, input, else a chat's first user turn. */
    field: undefined,
    /** Words in a prefix. */
    prefixWords: 3,
    /** Share of instructions with the same prefix above which it is a warning (0.1 = 10%). */
    maxShare: 0.1,
    /** Instructions needed before shares are judged. */
    minRecords: 50,
    /** Growth of the top prefix share against base (head / base) beyond which it is a warning. */
    maxGrowth: 2,
    /** Distinct prefixes counted exactly; past this, counts are estimates. */
    sketchSize: 10000
  },
  start(context: CheckContext): CheckRun<PrefixDiversitySummary> {
    const config = context.config
    const field = stringSetting(config, 'field')
    const words = numberSetting(config, 'prefixWords', 3)
    const maxShare = numberSetting(config, 'maxShare', 0.1)
    const minRecords = numberSetting(config, 'minRecords', 50)
    const maxGrowth = numberSetting(config, 'maxGrowth', 2)
    const sketch = new SpaceSaving(numberSetting(config, 'sketchSize', 10000))
    const sources = new Map<string, number>()
    // Records mostly take their instruction from the same field: count runs, not records.
    let runField = ''
    let runLength = 0
    const instruction: Instruction = { field: '', text: '' }
    const prefix: Prefix = { text: '', hash: 0 }

    return {
      record(record: DatasetRecord): void {
        if (!findInstruction(record.fields, field, instruction)) return
        findPrefix(instruction.text, words, prefix)
        if (prefix.text === '') return
        sketch.offer(prefix.text, prefix.hash)
        if (instruction.field === runField) {
          runLength++
          return
        }
        if (runLength > 0) sources.set(runField, (sources.get(runField) ?? 0) + runLength)
        runField = instruction.field
        runLength = 1
      },

      finish(emit: Emit, base?: PrefixDiversitySummary): PrefixDiversitySummary {
        if (runLength > 0) sources.set(runField, (sources.get(runField) ?? 0) + runLength)
        runLength = 0
        const records = sketch.total
        const source = [...sources].sort((a, b) => b[1] - a[1])[0]?.[0]
        const summary: PrefixDiversitySummary = {
          records,
          distinct: sketch.size,
          exact: !sketch.evicted,
          top: sketch.top(10).map(({ item, count }) => ({ prefix: item, count, share: count / records })),
          field: source
        }
        const top = summary.top[0]
        if (top === undefined || records < minRecords || top.share <= maxShare) return summary
        const about = summary.exact ? '' : 'about '
        const what = `${about}${percent(top.share)} of instructions (${about}${top.count} of ${records}) begin with ${JSON.stringify(truncate(top.prefix, 60))}`
        const before = base !== undefined && base.records >= minRecords ? base.top[0] : undefined
        if (before !== undefined && top.share > maxGrowth * before.share) {
          const same = before.prefix === top.prefix ? '' : ` (then led by ${JSON.stringify(truncate(before.prefix, 60))})`
          emit({ field: source, message: `${what}, the most common opening, up from a top share of ${percent(before.share)} in base${same}; maxShare ${percent(maxShare)}` })
        } else {
          emit({ field: source, message: `${what}, the most common opening; maxShare ${percent(maxShare)}` })
        }
        return summary
      }
    }
  }
}
