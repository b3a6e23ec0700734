import type { AuditReport } from '../engine/report.js'

/** The JSON report: the report type as it is, which other tools read (`score`, `files[]`, ...). */
export function renderJson(report: AuditReport): string {
  return JSON.stringify(report, null, 2) + '\n'
}
