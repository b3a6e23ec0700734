import type { CheckConfig } from '../../config/types.js'
import { numberSetting } from '../stats/settings.js'
import { FieldPaths } from '../text.js'
import type { Check } from './types.js'

/** Truncated fields found, by kind. */
export interface TruncatedSummary {
  fence: number
  bracket: number
  length: number
}

/**
 * Lengths (in characters or UTF-8 bytes) that generation and export limits cut text at: powers
 * of two and round numbers.
 */
export const DEFAULT_SUSPICIOUS_LENGTHS = [256, 500, 512, 1000, 1024, 2000, 2048, 4000, 4096, 5000, 8192, 10000, 16384, 32768, 65536]

/** A line that opens or closes a fenced code block (``` or ~~~, indented at most 3 spaces). */
const FENCE_LINE = /^ {0,3}(`{3,}|~{3,})(.*)$/

/** The fence still open at the end of `text`, as its 1-based line in the text, or undefined. */
export function unclosedFence(text: string): number | undefined {
  // One line: FENCE_LINE, anchored at its start, answers at once. Else a fence line holds ``` or
  // ~~~: without either (a native search), the text need not be split into lines.
  const oneLine = text.indexOf('\n') === -1
  if (!oneLine && !text.includes('```') && !text.includes('~~~')) return undefined
  let open: { marker: string; line: number } | undefined
  const lines = oneLine ? [text] : text.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const match = FENCE_LINE.exec(lines[i])
    if (!match) continue
    const [, marker, rest] = match
    if (!open) {
      // ```js ... ``` on one line opens and closes nothing.
      if (marker[0] === '`' && rest.includes('```')) continue
      open = { marker, line: i + 1 }
    } else if (marker[0] === open.marker[0] && marker.length >= open.marker.length && rest.trim() === '') {
      open = undefined
    }
  }
  return open?.line
}

const OPENERS: Record<string, string> = { '(': ')', '[': ']', '{': '}', '“': '”', '«': '»' }
const CLOSERS = new Set(Object.values(OPENERS))
/** How text normally ends: sentence punctuation, a closing bracket or quote, or a code-ish close. */
const FINISHING_CHARACTERS = '.!?…。！？；;:)]}”»"\'`>*_|~-'
/** The codes of FINISHING_CHARACTERS, none of them a surrogate: the last code unit alone says whether text ends on one. */
const FINISHING_CODES = new Set(Array.from(FINISHING_CHARACTERS, (char) => char.charCodeAt(0)))

/**
 * The bracket or curly quote left open at the very end of `text` (its index), if the text
 * looks cut inside it: opened on the last line and the text stopping without closing
 * punctuation. Straight quotes are ignored (apostrophes, inches, code strings), brackets inside
 * inline code and straight-quoted strings on the same line too, and emoticons like `:(`.
 */
export function openBracketAtEnd(text: string): number | undefined {
  const trimmed = text.trimEnd()
  if (trimmed === '' || FINISHING_CODES.has(trimmed.charCodeAt(trimmed.length - 1))) return undefined
  const lastLineStart = trimmed.lastIndexOf('\n') + 1
  const stack: number[] = []
  let quote: string | undefined
  for (let i = 0; i < trimmed.length; i++) {
    const char = trimmed[i]
    if (char === '\n') quote = undefined
    if (quote !== undefined) {
      if (char === quote) quote = undefined
      continue
    }
    if (char === '`' || (char === '"' && /\S/.test(trimmed[i + 1] ?? ''))) {
      // Skip to the matching quote on this line, if there is one; otherwise it is prose.
      const close = trimmed.indexOf(char, i + 1)
      const lineEnd = trimmed.indexOf('\n', i + 1)
      if (close !== -1 && (lineEnd === -1 || close < lineEnd)) quote = char
      continue
    }
    if (char in OPENERS) {
      if (char === '(' && /[:;=]/.test(trimmed[i - 1] ?? '')) continue
      stack.push(i)
    } else if (CLOSERS.has(char)) {
      const top = stack[stack.length - 1]
      if (top !== undefined && OPENERS[trimmed[top]] === char) stack.pop()
    }
  }
  const innermost = stack[stack.length - 1]
  return innermost !== undefined && innermost >= lastLineStart ? innermost : undefined
}

/** The configured suspicious lengths, else the defaults. */
function lengthsOf(config: CheckConfig): Set<number> {
  const value = config.suspiciousLengths
  const lengths = Array.isArray(value) ? value.filter((item): item is number => typeof item === 'number' && Number.isInteger(item) && item > 0) : []
  return new Set(lengths.length > 0 ? lengths : DEFAULT_SUSPICIOUS_LENGTHS)
}

/** Lengths either side of a suspicious one that show how common that length is anyway. */
const NEIGHBOURHOOD = 16

/** Code points in `text` (what people and Python call its length). */
function characterCount(text: string): number {
  // Answered at once for the strings V8 stores one byte per character, which hold no surrogate.
  if (!HIGH_SURROGATE.test(text)) return text.length
  let count = text.length
  for (let i = 0; i + 1 < text.length; i++) {
    if (isHighSurrogate(text.charCodeAt(i)) && isLowSurrogate(text.charCodeAt(i + 1))) {
      count--
      i++
    }
  }
  return count
}

const HIGH_SURROGATE = /[\ud800-\udbff]/
const isHighSurrogate = (code: number): boolean => code >= 0xd800 && code <= 0xdbff
const isLowSurrogate = (code: number): boolean => code >= 0xdc00 && code <= 0xdfff

/** A code unit that is an ASCII letter, not a letter, or either (anything else, a surrogate included). */
function asciiLetter(code: number): boolean | undefined {
  if (code >= 128) return undefined
  return (code >= 65 && code <= 90) || (code >= 97 && code <= 122)
}

const TWO_LETTERS_AT_END = /\p{L}\p{L}$/u

/** Whether `text` ends on two letters (`\p{L}`), seen from its last code units only. */
export function endsOnTwoLetters(text: string): boolean {
  const length = text.length
  if (length < 2) return false
  const last = asciiLetter(text.charCodeAt(length - 1))
  if (last === false) return false
  const before = asciiLetter(text.charCodeAt(length - 2))
  if (last === true && before !== undefined) return before
  // The last two characters lie in the last four code units; a surrogate cut off at the front of those is a third.
  return TWO_LETTERS_AT_END.test(length <= 4 ? text : text.slice(-4))
}

/** Texts of one field that stop mid-word at or near one suspicious length, in one unit. */
export interface LengthTally {
  length: number
  unit: 'characters' | 'bytes'
  /** Texts exactly this long. */
  exact: number
  lines: number[]
  /** Texts within NEIGHBOURHOOD of it, not exactly it. */
  near: number
}

/**
 * Spots limits that cut text: counts, per suspicious length, the texts that stop mid-word (on
 * two letters) exactly there and those that stop mid-word at nearby lengths. One text at 512
 * characters is chance; several, far more than at 505 or 519, are a cut.
 */
export class RoundLengthTracker {
  private readonly tallies = new Map<string, LengthTally>()

  constructor(
    private readonly lengths: ReadonlySet<number>,
    private readonly maxExamples: number
  ) {}

  add(text: string, line: number): void {
    if (!endsOnTwoLetters(text)) return
    const characters = characterCount(text)
    this.count(characters, 'characters', line)
    const bytes = Buffer.byteLength(text, 'utf8')
    if (bytes !== characters) this.count(bytes, 'bytes', line)
  }

  private count(size: number, unit: LengthTally['unit'], line: number): void {
    for (const length of this.lengths) {
      const distance = Math.abs(size - length)
      if (distance > NEIGHBOURHOOD) continue
      const key = `${unit}:${length}`
      const tally = this.tallies.get(key) ?? { length, unit, exact: 0, lines: [], near: 0 }
      if (distance === 0) {
        tally.exact++
        if (tally.lines.length < this.maxExamples) tally.lines.push(line)
      } else tally.near++
      this.tallies.set(key, tally)
    }
  }

  /** The lengths where at least `minSameLength` texts stop, three times more than at a typical nearby length. */
  spikes(minSameLength: number): LengthTally[] {
    return [...this.tallies.values()].filter((tally) => tally.exact >= minSameLength && tally.exact > (3 * tally.near) / (2 * NEIGHBOURHOOD))
  }
}

/**
 * The suspicious lengths at which `texts` (one field's values, in order) stop mid-word often
 * enough to report, with their counts and the 1-based positions of the texts.
 */
export function cutLengthSpikesOf(texts: readonly string[], minSameLength: number, lengths: ReadonlySet<number> = new Set(DEFAULT_SUSPICIOUS_LENGTHS)): LengthTally[] {
  const tracker = new RoundLengthTracker(lengths, texts.length)
  texts.forEach((text, i) => tracker.add(text, i + 1))
  return tracker.spikes(minSameLength)
}

const tail = (text: string): string => '…' + Array.from(text.trimEnd()).slice(-50).join('')

/**
 * Text that looks cut off: ending inside an unclosed code fence, inside a bracket opened on
 * its last line, or mid-word at a round length (512 characters, 1024 bytes...) where several
 * records of the field stop. Code that deliberately ends open (a HumanEval prompt ends inside
 * its function, after its docstring) triggers none of these.
 */
export const truncatedCheck: Check<TruncatedSummary> = {
  id: 'truncated',
  dimension: 'completeness',
  description: 'Text that looks cut off: an unclosed code fence, a bracket left open at the end, or a stop mid-word at a round length such as 512 or 1024.',
  defaultSeverity: 'warning',
  defaults: {
    /** Lengths in characters or UTF-8 bytes at which texts ending mid-word look cut by a limit. */
    suspiciousLengths: DEFAULT_SUSPICIOUS_LENGTHS,
    /**
     * Texts of a field that must stop mid-word at the same suspicious length before they are
     * reported (and more than three times as many as at a typical nearby length). At 1, one
     * text is enough when no nearby length is common.
     */
    minSameLength: 2,
    /** Records listed per suspicious length; the rest are counted in one file-level finding. */
    maxExamples: 20,
    /** Whether a bracket or curly quote left open at the end counts; turn off for fields of code. */
    brackets: true
  },
  start(context) {
    const fields = context.config.fields ?? context.textFields
    const lengths = lengthsOf(context.config)
    const brackets = context.config.brackets !== false
    const minSameLength = Math.max(1, numberSetting(context.config, 'minSameLength', 2))
    const maxExamples = Math.max(0, numberSetting(context.config, 'maxExamples', 20))
    const trackers = new Map<string, RoundLengthTracker>()
    const counts: TruncatedSummary = { fence: 0, bracket: 0, length: 0 }
    const paths = new FieldPaths(fields)
    return {
      record(record, emit) {
        const values = record.fields
        for (let i = 0; i < fields.length; i++) {
          const field = fields[i]
          const text = paths.textAt(values, i)
          if (text === undefined) continue
          const fenceLine = unclosedFence(text)
          if (fenceLine !== undefined) {
            counts.fence++
            emit({ line: record.line, field, message: `\`${field}\` ends inside a code fence opened on its line ${fenceLine} and never closed`, excerpt: tail(text) })
            continue
          }
          const open = brackets ? openBracketAtEnd(text) : undefined
          if (open !== undefined) {
            counts.bracket++
            emit({ line: record.line, field, message: `\`${field}\` ends inside an open \`${text[open]}\` without closing it or finishing the sentence`, excerpt: tail(text) })
            continue
          }
          let tracker = trackers.get(field)
          if (!tracker) {
            tracker = new RoundLengthTracker(lengths, maxExamples)
            trackers.set(field, tracker)
          }
          tracker.add(text, record.line)
        }
      },
      finish(emit) {
        for (const [field, tracker] of trackers) {
          for (const spike of tracker.spikes(minSameLength)) {
            counts.length += spike.exact
            const message = `\`${field}\` stops mid-word at exactly ${spike.length} ${spike.unit}, as ${spike.exact} records do (${spike.near} stop mid-word within ${NEIGHBOURHOOD} ${spike.unit} of it): probably cut at a length limit`
            for (const line of spike.lines) emit({ line, field, message })
            const rest = spike.exact - spike.lines.length
            if (rest > 0) emit({ field, message: `${rest} more records like the ${spike.lines.length} listed: ${message}` })
          }
        }
        return counts
      },
      applicable: () => fields.length > 0
    }
  }
}
