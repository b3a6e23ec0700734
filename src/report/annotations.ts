import type { AuditReport } from '../engine/report.js'
import type { Severity } from '../engine/types.js'
import { truncate } from '../engine/text.js'
import { visible } from './escape.js'

/** A line annotation as the checks API takes it. */
export interface Annotation {
  path: string
  start_line: number
  end_line: number
  annotation_level: 'notice' | 'warning' | 'failure'
  title: string
  message: string
}

/** More annotations than this help nobody; the report has the rest. */
export const ANNOTATION_LIMIT = 500

const LEVEL: Record<Severity, Annotation['annotation_level']> = { error: 'failure', warning: 'warning', info: 'notice' }

/**
 * Line annotations for the findings on the changed files' head lines: the PR's own findings
 * first, then the older ones, at most ANNOTATION_LIMIT. Annotation text is plain, not markdown.
 */
export function annotationsFor(report: AuditReport, limit = ANNOTATION_LIMIT): Annotation[] {
  const findings = report.files
    .filter((file) => file.status !== 'removed')
    .flatMap((file) => file.findings)
    .filter((finding) => finding.line !== undefined)
    .sort((a, b) => Number(b.introduced ?? false) - Number(a.introduced ?? false))
  return findings.slice(0, limit).map((finding) => ({
    path: finding.file,
    start_line: finding.line!,
    end_line: finding.line!,
    annotation_level: LEVEL[finding.severity],
    title: `dataset-audit · ${finding.dimension} · ${finding.check}${finding.introduced ? '' : ' (already in base)'}`,
    message: truncate(visible(finding.message + (finding.excerpt ? `\n${finding.excerpt}` : '')), 1000)
  }))
}
