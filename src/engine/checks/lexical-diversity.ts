import { deflateSync } from 'node:zlib'
import type { Check, CheckContext, CheckRun, Emit } from './types.js'
import type { DatasetRecord } from '../types.js'
import { textsOf } from '../text.js'
import { Reservoir } from '../stats/sampling.js'
import { numberSetting } from '../stats/settings.js'

/** Token budgets at which distinct-n is measured, so two sides are compared on equal footing. */
export const TOKEN_BUDGETS = [1000, 10000, 100000] as const
/** Character budgets at which the compression ratio is measured. */
export const CHAR_BUDGETS = [10000, 100000, 1000000] as const

const WORD = /[\p{L}\p{N}]+/gu

/** Lower-cased words (runs of letters and digits). */
export function tokensOf(text: string): string[] {
  return text.toLowerCase().match(WORD) ?? []
}

/** distinct-n at one token budget. */
export interface DistinctAt {
  tokens: number
  distinct1: number
  distinct2: number
}

/** Compression ratio at one character budget. */
export interface CompressionAt {
  chars: number
  ratio: number
}

/**
 * distinct-1 and distinct-2 (unique unigrams, bigrams over all of them; bigrams do not cross
 * texts) of texts in order, measured after the first `budget` tokens for each budget reached, and
 * over all the texts. Distinct-n falls as text grows, so only equal budgets compare.
 */
export function distinctN(texts: readonly string[], budgets: readonly number[] = TOKEN_BUDGETS): { all: DistinctAt; at: DistinctAt[] } {
  const unigrams = new Set<string>()
  const bigrams = new Set<string>()
  let tokens = 0
  let bigramCount = 0
  const at: DistinctAt[] = []
  let next = 0
  const snapshot = (): DistinctAt => ({ tokens, distinct1: tokens === 0 ? 0 : unigrams.size / tokens, distinct2: bigramCount === 0 ? 0 : bigrams.size / bigramCount })
  for (const text of texts) {
    let previous: string | undefined
    for (const token of tokensOf(text)) {
      tokens++
      unigrams.add(token)
      if (previous !== undefined) {
        bigramCount++
        bigrams.add(`${previous} ${token}`)
      }
      previous = token
      if (next < budgets.length && tokens === budgets[next]) {
        at.push(snapshot())
        next++
      }
    }
  }
  return { all: snapshot(), at }
}

/**
 * zlib compression ratio (raw bytes / compressed bytes; higher = more repetitive) of the texts
 * joined by newlines, after the first `budget` characters for each budget reached, and over all.
 */
export function compressionRatios(texts: readonly string[], budgets: readonly number[] = CHAR_BUDGETS): { all: CompressionAt; at: CompressionAt[] } {
  const joined = texts.join('\n')
  const ratio = (text: string): number => {
    const raw = Buffer.byteLength(text, 'utf8')
    return raw === 0 ? 0 : raw / deflateSync(Buffer.from(text, 'utf8')).length
  }
  const at = budgets.filter((budget) => joined.length >= budget).map((budget) => ({ chars: budget, ratio: ratio(joined.slice(0, budget)) }))
  return { all: { chars: joined.length, ratio: ratio(joined) }, at }
}

/** One field's lexical diversity. */
export interface FieldDiversity {
  /** Texts seen, and kept in the sample. */
  texts: number
  sampled: number
  distinct1: number
  distinct2: number
  compressionRatio: number
  distinctAt: DistinctAt[]
  compressionAt: CompressionAt[]
}

export interface LexicalDiversitySummary {
  fields: Record<string, FieldDiversity>
}

/** The largest budget both sides reached, with both sides' measures there. */
function atCommonBudget<T extends { tokens: number } | { chars: number }>(before: T[], after: T[], size: (item: T) => number): [T, T] | undefined {
  for (let i = Math.min(before.length, after.length) - 1; i >= 0; i--) {
    const b = before.find((item) => size(item) === size(after[i]))
    if (b) return [b, after[i]]
  }
  return undefined
}

/**
 * `lexical-diversity`: distinct-1, distinct-2 and the zlib compression ratio of each text field,
 * on a reservoir sample of `sampleSize` texts (each cut at `maxCharsPerText`), so memory is
 * bounded. Against base, a relative drop of distinct-2 beyond `maxDrop` or a rise of the
 * compression ratio beyond `maxCompressionRise` is a warning; both are compared at the largest
 * token or character budget both sides reached, as both measures depend on the amount of text.
 */
export const lexicalDiversityCheck: Check<LexicalDiversitySummary> = {
  id: 'lexical-diversity',
  dimension: 'diversity',
  description: 'Drops of lexical diversity (distinct-n) and rises of redundancy (compression ratio) against base.',
  defaultSeverity: 'warning',
  defaults: {
    /** Texts sampled per field (reservoir sampling, seeded so runs repeat). */
    sampleSize: 5000,
    /** Characters kept of each sampled text. */
    maxCharsPerText: 1000,
    /** Relative drop of distinct-2 against base beyond which it is a warning (0.15 = 15%). */
    maxDrop: 0.15,
    /** Relative rise of the compression ratio against base beyond which it is a warning. */
    maxCompressionRise: 0.15
  },
  start(context: CheckContext): CheckRun<LexicalDiversitySummary> {
    const config = context.config
    const fields = config.fields ?? context.textFields
    const sampleSize = numberSetting(config, 'sampleSize', 5000)
    const maxChars = numberSetting(config, 'maxCharsPerText', 1000)
    const maxDrop = numberSetting(config, 'maxDrop', 0.15)
    const maxRise = numberSetting(config, 'maxCompressionRise', 0.15)
    const samples = new Map<string, Reservoir<string>>()

    return {
      record(record: DatasetRecord): void {
        for (const [field, text] of textsOf(record.fields, fields)) {
          if (text.trim() === '') continue
          let sample = samples.get(field)
          if (sample === undefined) {
            sample = new Reservoir<string>(sampleSize)
            samples.set(field, sample)
          }
          // A V8 slice can keep its whole parent string alive; a Buffer round trip makes a real copy.
          sample.offerWith(() => (text.length > maxChars ? Buffer.from(text.slice(0, maxChars), 'utf8').toString('utf8') : text))
        }
      },

      finish(emit: Emit, base?: LexicalDiversitySummary): LexicalDiversitySummary {
        const summary: LexicalDiversitySummary = { fields: {} }
        for (const [field, sample] of samples) {
          const distinct = distinctN(sample.items)
          const compression = compressionRatios(sample.items)
          const current: FieldDiversity = {
            texts: sample.seen,
            sampled: sample.items.length,
            distinct1: distinct.all.distinct1,
            distinct2: distinct.all.distinct2,
            compressionRatio: compression.all.ratio,
            distinctAt: distinct.at,
            compressionAt: compression.at
          }
          summary.fields[field] = current
          const before = base?.fields[field]
          if (before === undefined) continue

          const distinctPair = atCommonBudget(before.distinctAt, current.distinctAt, (item) => item.tokens)
          if (distinctPair) {
            const [b, a] = distinctPair
            const drop = b.distinct2 > 0 ? (b.distinct2 - a.distinct2) / b.distinct2 : 0
            if (drop > maxDrop) {
              emit({
                field,
                message: `\`${field}\` is less varied than in base: distinct-2 ${b.distinct2.toFixed(3)} → ${a.distinct2.toFixed(3)} (−${(drop * 100).toFixed(0)}%, limit ${(maxDrop * 100).toFixed(0)}%), distinct-1 ${b.distinct1.toFixed(3)} → ${a.distinct1.toFixed(3)}, over the first ${a.tokens.toLocaleString('en-US')} sampled words`
              })
            }
          }
          const compressionPair = atCommonBudget(before.compressionAt, current.compressionAt, (item) => item.chars)
          if (compressionPair) {
            const [b, a] = compressionPair
            const rise = b.ratio > 0 ? (a.ratio - b.ratio) / b.ratio : 0
            if (rise > maxRise) {
              emit({
                field,
                message: `\`${field}\` is more repetitive than in base: compression ratio ${b.ratio.toFixed(2)} → ${a.ratio.toFixed(2)} (+${(rise * 100).toFixed(0)}%, limit ${(maxRise * 100).toFixed(0)}%), over the first ${a.chars.toLocaleString('en-US')} sampled characters`
              })
            }
          }
        }
        return summary
      }
    }
  }
}
