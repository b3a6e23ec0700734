import type { Check, CheckContext, CheckRun, Emit } from './types.js'
import type { DatasetRecord, FieldValue, RecordFields } from '../types.js'
import { textOf, truncate, valueAt } from '../text.js'
import { SpaceSaving } from '../stats/heavy-hitters.js'
import { numberSetting, stringSetting } from '../stats/settings.js'

/** Fields read as the instruction, in this order, when `config.field` is not set. */
export const INSTRUCTION_FIELDS = ['instruction', 'prompt', 'question', 'input'] as const
/** Chat fields whose first user turn is the instruction when none of INSTRUCTION_FIELDS is there. */
const CHAT_FIELDS = ['messages', 'conversations'] as const

/**
 * The first `words` words of a text, lower-cased, apostrophes dropped (`what's` → `whats`) and
 * other punctuation read as a space. Empty when the text has no word.
 */
export function prefixOf(text: string, words = 3): string {
  const found: string[] = []
  // Only the start of the text matters: look at a bounded head, enough for a few long words.
  const head = text.slice(0, 400).normalize('NFKC').toLowerCase().replace(/['’‘`]/gu, '').replace(/[\p{P}\p{S}]/gu, ' ')
  for (const word of head.split(/\s+/u)) {
    if (word === '') continue
    found.push(word)
    if (found.length === words) break
  }
  return found.join(' ')
}

/** The instruction of a record and the field it came from (`messages` for a chat's first user turn). */
export function instructionOf(fields: RecordFields, field?: string): { field: string; text: string } | undefined {
  if (field !== undefined) {
    const text = textOf(valueAt(fields, field))
    return text !== undefined && text.trim() !== '' ? { field, text } : undefined
  }
  for (const name of INSTRUCTION_FIELDS) {
    const value = valueAt(fields, name)
    if (typeof value === 'string' && value.trim() !== '') return { field: name, text: value }
  }
  for (const name of CHAT_FIELDS) {
    const turns = valueAt(fields, name)
    if (!Array.isArray(turns)) continue
    for (const turn of turns) {
      if (!isObject(turn)) continue
      const role = turn.role ?? turn.from
      const content = turn.content ?? turn.value
      if ((role === 'user' || role === 'human') && typeof content === 'string' && content.trim() !== '') return { field: name, text: content }
    }
  }
  return undefined
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

    return {
      record(record: DatasetRecord): void {
        const instruction = instructionOf(record.fields, field)
        if (instruction === undefined) return
        const prefix = prefixOf(instruction.text, words)
        if (prefix === '') return
        sketch.offer(prefix)
        sources.set(instruction.field, (sources.get(instruction.field) ?? 0) + 1)
      },

      finish(emit: Emit, base?: PrefixDiversitySummary): PrefixDiversitySummary {
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
