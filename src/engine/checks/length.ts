import type { Check, CheckContext, CheckRun, Emit } from './types.js'
import type { DatasetRecord } from '../types.js'
import { FieldPaths, truncate } from '../text.js'
import { KernelText } from '../text-scratch.js'
import { kernelOnce, type KernelMemory } from '../wasm.js'
import { LENGTH_WASM_BASE64 } from './length-wasm.js'
import { Histogram, countOutside, ksStatistic, quantile, type HistogramSummary } from '../stats/histogram.js'
import { numberSetting } from '../stats/settings.js'

/** Characters (code points) and words (runs of non-space) of a text, in one pass. */
export function measureText(text: string): { chars: number; words: number } {
  measure(text)
  return { chars: measured.chars, words: measured.words }
}

/** What `measure` found, kept here rather than in a new object per text. */
const measured = { chars: 0, words: 0 }

/** Sets `measured` to the characters and words of `text`: ASCII text in WebAssembly, the rest one character at a time. */
function measure(text: string): void {
  const words = asciiWords()?.(text)
  if (words === undefined || words < 0) measureCharacters(text)
  else {
    measured.chars = text.length
    measured.words = words
  }
}

/** The character codes below 128 that are spaces. */
const ASCII_SPACE = new Uint8Array(128)
for (const code of [9, 10, 11, 12, 13, 32]) ASCII_SPACE[code] = 1

/** Whitespace at or above 128: NEL, NBSP, Ogham, the U+2000 range, LS, PS, NNBSP, MMSP, ideographic, BOM. */
function isUnicodeSpace(code: number): boolean {
  return code === 0x85 || code === 0xa0 || code === 0x1680 || (code >= 0x2000 && code <= 0x200a) || code === 0x2028 || code === 0x2029 || code === 0x202f || code === 0x205f || code === 0x3000 || code === 0xfeff
}

/** The reference, for any text: one character code at a time. */
function measureCharacters(text: string): void {
  let chars = 0
  let words = 0
  let inWord = false
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i)
    let space: boolean
    if (code < 128) space = ASCII_SPACE[code] === 1
    else {
      // A low surrogate is the second half of a character already counted.
      if (code >= 0xdc00 && code <= 0xdfff) continue
      space = isUnicodeSpace(code)
    }
    chars++
    if (space) inWord = false
    else if (!inWord) {
      inWord = true
      words++
    }
  }
  measured.chars = chars
  measured.words = words
}

/** The exports of length.wat. */
interface LengthExports {
  memory: KernelMemory
  asciiWords(text: number, length: number): number
}

/** Spaces after the text: the kernel reads whole windows of 64 bytes. */
const PADDING = 64

/**
 * This thread's length.wat as a function: the words of a text when it is ASCII, -1 when it is
 * not (then nothing is known); null where this runtime has no WebAssembly SIMD.
 */
const asciiWords = kernelOnce(LENGTH_WASM_BASE64, (kernel: LengthExports) => {
  const copy = new KernelText(kernel.memory)
  return (text: string): number => {
    if (!copy.latin1(text, PADDING)) return -1
    copy.fill(32, text.length, text.length + PADDING)
    return kernel.asciiWords(0, text.length)
  }
})

/** Lengths below `low` or above `high` are outliers. */
export interface Fences {
  low: number
  high: number
}

/**
 * Tukey's fences: Q1 − k·IQR and Q3 + k·IQR, on log(1 + length) when `logScale` (lengths are
 * right-skewed: on the raw scale every long answer is "far out", on the log scale only a length
 * many times the usual one is), given back as lengths. Undefined when the IQR is 0 (most values
 * equal), where any other length would be an outlier.
 */
export function tukeyFences(histogram: HistogramSummary, multiplier: number, logScale: boolean): Fences | undefined {
  const transform = logScale ? Math.log1p : (value: number) => value
  const q1 = quantile(histogram, 0.25, transform)
  const q3 = quantile(histogram, 0.75, transform)
  const iqr = q3 - q1
  if (!(iqr > 0)) return undefined
  const back = logScale ? Math.expm1 : (value: number) => value
  return { low: Math.max(0, back(q1 - multiplier * iqr)), high: back(q3 + multiplier * iqr) }
}

/** The K largest values seen, each with its line and excerpt; ties keep the earliest. */
class Extremes {
  readonly kept: Array<{ value: number; line: number; excerpt: string }> = []

  constructor(
    private readonly capacity: number,
    private readonly largest: boolean
  ) {}

  offer(value: number, line: number, text: string): void {
    // `maxFindings: 0` lists none (the outliers are still counted).
    if (this.capacity < 1) return
    const score = this.largest ? value : -value
    const kept = this.kept
    if (kept.length >= this.capacity) {
      const worst = kept[kept.length - 1]
      if (score <= (this.largest ? worst.value : -worst.value)) return
      kept.pop()
    }
    let at = kept.length
    while (at > 0 && (this.largest ? kept[at - 1].value : -kept[at - 1].value) < score) at--
    // truncate() reads the whole string; 200 UTF-16 units always hold more than 80 characters.
    kept.splice(at, 0, { value, line, excerpt: truncate(text.slice(0, 200), 80) })
  }
}

/** One field's length distribution. */
export interface FieldLengthSummary {
  /** Non-empty values measured. */
  values: number
  chars: HistogramSummary
  words: HistogramSummary
  medianChars: number
  medianWords: number
  charFences?: Fences
  wordFences?: Fences
  /** Values beyond the character fences (counted by histogram bin). */
  charOutliers: number
  /** Values beyond the word fences (counted by histogram bin). */
  wordOutliers: number
}

export interface LengthSummary {
  fields: Record<string, FieldLengthSummary>
}

interface FieldState {
  chars: Histogram
  words: Histogram
  extremes: { chars: [Extremes, Extremes]; words: [Extremes, Extremes] }
}

const format = (value: number): string => Math.round(value).toLocaleString('en-US')

/**
 * `length`: per text field, values whose length (characters or words) is far outside the field's
 * usual range (Tukey's far-out fences on the log scale), and, against base, a shift of the length
 * distribution (median change or Kolmogorov–Smirnov statistic). Lengths are kept in a histogram
 * sketch, exact below 1,024 and within 0.25% above (see stats/histogram.ts), so memory does not grow
 * with the file and outliers are counted over every record, not a sample.
 */
export const lengthCheck: Check<LengthSummary> = {
  id: 'length',
  dimension: 'diversity',
  description: 'Texts far longer or shorter than the rest of their field, and shifts of the length distribution against base.',
  defaultSeverity: 'info',
  defaults: {
    /** k of Tukey's fences Q1 − k·IQR, Q3 + k·IQR (3: "far out"). */
    iqrMultiplier: 3,
    /** Fences on log(1 + length), for right-skewed lengths. */
    logScale: true,
    /** Values a field needs before outliers or shifts are judged. */
    minRecords: 20,
    /** Outlier findings per field and direction (longest, shortest); the rest are counted. */
    maxFindings: 20,
    /** Relative change of the median character length against base beyond which it is a shift (0.5 = 50%). */
    maxMedianShift: 0.5,
    /** Two-sample Kolmogorov–Smirnov statistic of character lengths against base beyond which it is a shift. */
    maxKs: 0.2
  },
  start(context: CheckContext): CheckRun<LengthSummary> {
    const config = context.config
    const fields = config.fields ?? context.textFields
    const multiplier = numberSetting(config, 'iqrMultiplier', 3)
    const logScale = config.logScale !== false
    const minRecords = numberSetting(config, 'minRecords', 20)
    const maxFindings = numberSetting(config, 'maxFindings', 20)
    const maxMedianShift = numberSetting(config, 'maxMedianShift', 0.5)
    const maxKs = numberSetting(config, 'maxKs', 0.2)
    const states = new Map<string, FieldState>()
    const paths = new FieldPaths(fields)
    // Each field's state by its position in `fields`, saving the Map lookup per record.
    const stateAt: Array<FieldState | undefined> = fields.map(() => undefined)

    return {
      record(record: DatasetRecord): void {
        const values = record.fields
        for (let i = 0; i < fields.length; i++) {
          const text = paths.textAt(values, i)
          if (text === undefined || text === '') continue
          let state = stateAt[i]
          if (state === undefined) {
            state = states.get(fields[i])
            if (state === undefined) {
              state = {
                chars: new Histogram(),
                words: new Histogram(),
                extremes: { chars: [new Extremes(maxFindings, true), new Extremes(maxFindings, false)], words: [new Extremes(maxFindings, true), new Extremes(maxFindings, false)] }
              }
              states.set(fields[i], state)
            }
            stateAt[i] = state
          }
          measure(text)
          const { chars, words } = measured
          state.chars.add(chars)
          state.words.add(words)
          const extremes = state.extremes
          extremes.chars[0].offer(chars, record.line, text)
          extremes.chars[1].offer(chars, record.line, text)
          extremes.words[0].offer(words, record.line, text)
          extremes.words[1].offer(words, record.line, text)
        }
      },

      finish(emit: Emit, base?: LengthSummary): LengthSummary {
        const summary: LengthSummary = { fields: {} }
        for (const [field, state] of states) {
          const chars = state.chars.summary()
          const words = state.words.summary()
          const fieldSummary: FieldLengthSummary = {
            values: chars.total,
            chars,
            words,
            medianChars: quantile(chars, 0.5),
            medianWords: quantile(words, 0.5),
            charOutliers: 0,
            wordOutliers: 0
          }
          summary.fields[field] = fieldSummary
          if (chars.total < minRecords) continue

          const charFences = tukeyFences(chars, multiplier, logScale)
          const wordFences = tukeyFences(words, multiplier, logScale)
          fieldSummary.charFences = charFences
          fieldSummary.wordFences = wordFences
          const flagged = new Map<number, { excerpt: string; parts: string[]; units: Set<string>; sides: Set<'longer' | 'shorter'> }>()
          const note = (unit: 'characters' | 'words', fences: Fences | undefined, extremes: [Extremes, Extremes]): number => {
            let listed = 0
            if (fences === undefined) return listed
            for (const kept of extremes) {
              for (const { value, line, excerpt } of kept.kept) {
                const side = value > fences.high ? 'longer' : value < fences.low ? 'shorter' : undefined
                if (side === undefined) continue
                const entry = flagged.get(line) ?? { excerpt, parts: [], units: new Set(), sides: new Set() }
                // The shortest and the longest kept can be the same record in a small file: say it once.
                if (entry.units.has(unit)) continue
                entry.units.add(unit)
                listed++
                // Lengths are whole numbers: the usual range is ⌈low⌉..⌊high⌋.
                const name = value === 1 ? unit.slice(0, -1) : unit
                entry.parts.push(`${format(value)} ${name} (usual range ${format(Math.ceil(fences.low - 1e-9))}–${format(Math.floor(fences.high + 1e-9))})`)
                entry.sides.add(side)
                flagged.set(line, entry)
              }
            }
            return listed
          }
          const listedChars = note('characters', charFences, state.extremes.chars)
          const listedWords = note('words', wordFences, state.extremes.words)
          for (const line of [...flagged.keys()].sort((a, b) => a - b)) {
            const entry = flagged.get(line)
            if (entry === undefined) continue
            const how = entry.sides.size === 1 ? `far ${[...entry.sides][0]} than` : 'far outside'
            emit({
              line,
              field,
              message: `\`${field}\` is ${how} this field's usual lengths: ${entry.parts.join(', ')}; median ${format(fieldSummary.medianChars)} characters, ${format(fieldSummary.medianWords)} words`,
              excerpt: entry.excerpt
            })
          }
          const charOutliers = charFences ? countOutside(chars, charFences.low, charFences.high) : { below: 0, above: 0 }
          const wordOutliers = wordFences ? countOutside(words, wordFences.low, wordFences.high) : { below: 0, above: 0 }
          fieldSummary.charOutliers = charOutliers.below + charOutliers.above
          fieldSummary.wordOutliers = wordOutliers.below + wordOutliers.above
          if (fieldSummary.charOutliers > listedChars || fieldSummary.wordOutliers > listedWords) {
            emit({
              field,
              message: `\`${field}\` has about ${fieldSummary.charOutliers} outliers by characters and ${fieldSummary.wordOutliers} by words in all; only the ${maxFindings} most extreme each way are listed`
            })
          }

          const before = base?.fields[field]
          if (before === undefined || before.values < minRecords) continue
          const shift = before.medianChars > 0 ? (fieldSummary.medianChars - before.medianChars) / before.medianChars : 0
          const ks = ksStatistic(before.chars, chars)
          if (Math.abs(shift) > maxMedianShift || ks > maxKs) {
            const sign = shift >= 0 ? '+' : '−'
            emit({
              field,
              severity: 'warning',
              message:
                `\`${field}\` lengths moved from base: median ${format(before.medianChars)} → ${format(fieldSummary.medianChars)} characters (${sign}${Math.abs(shift * 100).toFixed(0)}%), ` +
                `median ${format(before.medianWords)} → ${format(fieldSummary.medianWords)} words, KS statistic ${ks.toFixed(2)} (limits: median shift ${(maxMedianShift * 100).toFixed(0)}%, KS ${maxKs})`
            })
          }
        }
        return summary
      }
    }
  }
}
