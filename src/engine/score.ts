import type { AuditConfig } from '../config/types.js'
import type { DimensionScore, FileReport, GateResult, Regression, Score } from './report.js'
import { SEVERITY_RANK } from './findings.js'
import { DIMENSIONS, type Dimension, type Finding, type Severity } from './types.js'

/** What a record with a finding of this severity costs its dimension (1 = the whole record). */
const RECORD_PENALTY: Record<number, number> = { 0: 0, 1: 0, 2: 0.5, 3: 1 }
/** What a file-level finding (a shift, a size, an agreement) costs its dimension, in points. */
const FILE_PENALTY: Record<Severity, number> = { error: 10, warning: 5, info: 0 }

/**
 * Scores one side of one file. Each dimension is 100 minus the share of records with findings
 * in it (a record counts once, at its worst severity), minus points for file-level findings.
 * A dimension no check looked at has no score.
 */
export class SideScorer {
  private readonly worst = new Map<Dimension, Map<number, number>>()
  private readonly filePenalty = new Map<Dimension, number>()
  private readonly looked = new Set<Dimension>()
  private readonly failed = new Set<Dimension>()

  /** The dimension scores 0 whatever else is found (a file that could not be read). */
  fail(dimension: Dimension): void {
    this.looked.add(dimension)
    this.failed.add(dimension)
  }

  /** A check of this dimension ran and had something to look at. */
  markLooked(dimension: Dimension): void {
    this.looked.add(dimension)
  }

  /** Notes a finding: on the record at `position`, or on the file when position is undefined. */
  note(dimension: Dimension, severity: Severity, position: number | undefined): void {
    this.looked.add(dimension)
    if (position === undefined) {
      this.filePenalty.set(dimension, (this.filePenalty.get(dimension) ?? 0) + FILE_PENALTY[severity])
      return
    }
    let byRecord = this.worst.get(dimension)
    if (!byRecord) this.worst.set(dimension, (byRecord = new Map()))
    const rank = SEVERITY_RANK[severity]
    if ((byRecord.get(position) ?? 0) < rank) byRecord.set(position, rank)
  }

  /**
   * The dimension's score over `records` records; with `include`, over only the records it
   * accepts (the patch), and without file-level penalties, which belong to the whole file.
   */
  score(dimension: Dimension, records: number, include?: (position: number) => boolean, includedCount?: number): Score {
    if (!this.looked.has(dimension)) return null
    if (this.failed.has(dimension)) return 0
    const count = include ? (includedCount ?? 0) : records
    const filePoints = include ? 0 : (this.filePenalty.get(dimension) ?? 0)
    if (count === 0) return include ? null : clampScore(100 - filePoints)
    let penalty = 0
    for (const [position, rank] of this.worst.get(dimension) ?? []) {
      if (!include || include(position)) penalty += RECORD_PENALTY[rank]
    }
    return clampScore(100 * (1 - penalty / count) - filePoints)
  }
}

function clampScore(value: number): number {
  return Math.round(Math.max(0, Math.min(100, value)) * 10) / 10
}

/** Per-dimension scores of one file from the scorers of its sides. */
export function fileDimensionScores(
  head: SideScorer | undefined,
  headRecords: number,
  base: SideScorer | undefined,
  baseRecords: number,
  isChanged: (position: number) => boolean,
  changedCount: number
): Record<Dimension, DimensionScore> {
  const scores = {} as Record<Dimension, DimensionScore>
  for (const dimension of DIMENSIONS) {
    scores[dimension] = {
      score: head ? head.score(dimension, headRecords) : null,
      baseScore: base ? base.score(dimension, baseRecords) : null,
      patchScore: head ? head.score(dimension, headRecords, isChanged, changedCount) : null
    }
  }
  return scores
}

/** Record-weighted mean of the files' scores of each dimension. */
export function aggregateDimensions(files: readonly FileReport[]): Record<Dimension, DimensionScore> {
  const result = {} as Record<Dimension, DimensionScore>
  for (const dimension of DIMENSIONS) {
    result[dimension] = {
      score: weightedMean(files.map((f) => [f.dimensions[dimension].score, Math.max(1, f.status === 'removed' ? 0 : f.records)])),
      baseScore: weightedMean(files.map((f) => [f.dimensions[dimension].baseScore, Math.max(1, f.baseRecords)])),
      patchScore: weightedMean(files.map((f) => [f.dimensions[dimension].patchScore, f.added + f.modified]))
    }
  }
  return result
}

/** The overall score: the dimensions' scores averaged with the configured weights. */
export function overallScore(dimensions: Record<Dimension, DimensionScore>, weights: Record<Dimension, number>, which: keyof DimensionScore): Score {
  return weightedMean(DIMENSIONS.map((d) => [dimensions[d][which], weights[d]]))
}

function weightedMean(pairs: Array<[Score, number]>): Score {
  let total = 0
  let weight = 0
  for (const [score, w] of pairs) {
    if (score === null || w <= 0) continue
    total += score * w
    weight += w
  }
  return weight === 0 ? null : Math.round((total / weight) * 10) / 10
}

/** A rise in the rate of a warning this many times the base rate (and by a point) is a regression. */
const RATE_RISE_FACTOR = 2
const RATE_RISE_MIN_POINTS = 0.01

/**
 * The regressions the PR brings: new errors in changed records; warnings whose rate among the
 * changed records rose well above the base rate; file-level findings the change brought (a
 * shift, a size under the minimum); a dimension that dropped by more than the tolerance while
 * the PR brought findings in it. Removing bad records is never a regression.
 */
export function findRegressions(
  files: readonly FileReport[],
  dimensions: Record<Dimension, DimensionScore>,
  config: Pick<AuditConfig, 'tolerance'>,
  accepted: ReadonlySet<string> = new Set()
): Regression[] {
  const regressions: Regression[] = []
  const byCheck = new Map<string, { dimension: Dimension; errors: Finding[]; errorCount: number; warnings: number; changed: number; base: number; baseRecords: number; fileLevel: Finding[] }>()
  for (const file of files) {
    for (const count of file.counts) {
      const entry = byCheck.get(count.check) ?? { dimension: count.dimension, errors: [], errorCount: 0, warnings: 0, changed: 0, base: 0, baseRecords: 0, fileLevel: [] }
      entry.base += count.base
      byCheck.set(count.check, entry)
    }
    for (const finding of file.findings) {
      if (!finding.introduced) continue
      const entry = byCheck.get(finding.check)
      if (!entry) continue
      if (finding.line === undefined && finding.severity !== 'info') entry.fileLevel.push(finding)
      else if (finding.severity === 'error') entry.errors.push(finding)
    }
    for (const count of file.counts) {
      const entry = byCheck.get(count.check)
      if (!entry) continue
      entry.errorCount += count.introducedErrors
      entry.warnings += count.introducedWarnings
    }
  }
  const changedRecords = files.reduce((n, f) => n + f.added + f.modified, 0)
  const baseRecords = files.reduce((n, f) => n + f.baseRecords, 0)

  for (const [check, entry] of byCheck) {
    const isAccepted = accepted.has(check)
    const recordErrors = entry.errors.filter((f) => f.line !== undefined)
    if (recordErrors.length > 0) {
      const total = Math.max(recordErrors.length, entry.errorCount - entry.fileLevel.filter((f) => f.severity === 'error').length)
      regressions.push({
        kind: 'new-findings', check, dimension: entry.dimension, severity: 'error', count: total,
        message: `${total} new ${total === 1 ? 'error' : 'errors'} in records this PR added or modified`,
        examples: onePerRecord(recordErrors).slice(0, 3), accepted: isAccepted || undefined
      })
    } else if (entry.warnings - fileLevelWarnings(entry.fileLevel) > 0 && changedRecords > 0) {
      // File-level warnings (a shift, a contamination rate) are regressions of their own, below.
      const recordWarnings = entry.warnings - fileLevelWarnings(entry.fileLevel)
      const patchRate = recordWarnings / changedRecords
      const baseRate = baseRecords > 0 ? entry.base / baseRecords : 0
      if (patchRate > baseRate * RATE_RISE_FACTOR && patchRate - baseRate >= RATE_RISE_MIN_POINTS) {
        const examples = onePerRecord(files.flatMap((f) => f.findings.filter((x) => x.check === check && x.introduced && x.line !== undefined))).slice(0, 3)
        regressions.push({
          kind: 'new-findings', check, dimension: entry.dimension, severity: 'warning', count: recordWarnings,
          message: `${recordWarnings} ${recordWarnings === 1 ? 'finding' : 'findings'} in the ${changedRecords} added or modified records (${percent(patchRate)}), against ${percent(baseRate)} of the base`,
          examples, accepted: isAccepted || undefined
        })
      }
    }
    for (const finding of entry.fileLevel) {
      regressions.push({
        kind: 'shift', check, dimension: entry.dimension, severity: finding.severity, count: 1, file: finding.file,
        message: finding.message, examples: [finding], accepted: isAccepted || undefined
      })
    }
  }

  // A drop already explained by a check's regression is not said twice.
  const explained = new Set(regressions.map((r) => r.dimension))
  const dimensionsWithNewFindings = new Set(files.flatMap((f) => f.counts.filter((c) => c.introduced > 0).map((c) => c.dimension)))
  for (const dimension of DIMENSIONS) {
    const { score, baseScore } = dimensions[dimension]
    if (score === null || baseScore === null || !dimensionsWithNewFindings.has(dimension) || explained.has(dimension)) continue
    const drop = baseScore - score
    if (drop > config.tolerance) {
      regressions.push({
        kind: 'score-drop', dimension, severity: 'warning', count: 1,
        message: `${dimension} dropped ${drop.toFixed(1)} points (${baseScore} to ${score}), more than the tolerance of ${config.tolerance}`,
        examples: []
      })
    }
  }
  const severityOrder = (r: Regression): number => -SEVERITY_RANK[r.severity]
  return regressions.sort((a, b) => severityOrder(a) - severityOrder(b) || b.count - a.count)
}

/** Applies the configured policy: `fail-on` and `min-score`; accepted checks never fail it. */
export function evaluateGate(
  files: readonly FileReport[],
  regressions: readonly Regression[],
  score: Score,
  config: Pick<AuditConfig, 'failOn' | 'minScore'>,
  accepted: ReadonlySet<string> = new Set()
): GateResult {
  const reasons: string[] = []
  const introducedOf = (severity: 'error' | 'warning'): number =>
    files.reduce((n, f) => n + f.counts.filter((c) => !accepted.has(c.check)).reduce((m, c) => m + (severity === 'error' ? c.introducedErrors : c.introducedWarnings), 0), 0)
  if (config.failOn === 'regression') {
    const open = regressions.filter((r) => !r.accepted && !(r.check && accepted.has(r.check)))
    if (open.length > 0) reasons.push(`${open.length} ${open.length === 1 ? 'regression' : 'regressions'} (fail-on: regression)`)
  } else if (config.failOn === 'error' || config.failOn === 'warning') {
    const errors = introducedOf('error')
    const warnings = config.failOn === 'warning' ? introducedOf('warning') : 0
    if (errors > 0) reasons.push(`${errors} new ${errors === 1 ? 'error' : 'errors'} (fail-on: ${config.failOn})`)
    if (warnings > 0) reasons.push(`${warnings} new ${warnings === 1 ? 'warning' : 'warnings'} (fail-on: warning)`)
  }
  if (config.minScore !== undefined && score !== null && score < config.minScore) {
    reasons.push(`score ${score} is under min-score ${config.minScore}`)
  }
  return { passed: reasons.length === 0, failOn: config.failOn, minScore: config.minScore, reasons }
}

function fileLevelWarnings(findings: readonly Finding[]): number {
  return findings.filter((f) => f.severity === 'warning').length
}

/** The first finding of each record: examples should show different records. */
function onePerRecord(findings: readonly Finding[]): Finding[] {
  const seen = new Set<string>()
  return findings.filter((f) => {
    const place = `${f.file}:${f.line}`
    if (seen.has(place)) return false
    seen.add(place)
    return true
  })
}

function percent(rate: number): string {
  return `${(rate * 100).toFixed(1)}%`
}
