import { maskAll } from './checks/detectors/mask.js'
import type { Dimension, Finding, Severity } from './types.js'
import type { FindingCount } from './report.js'

/** How many findings of one check one file lists; the rest are counted, not listed. */
export const FINDINGS_LISTED_PER_CHECK = 100

/** Severity as a number, higher is worse; 0 is no finding. */
export const SEVERITY_RANK: Record<Severity, number> = { info: 1, warning: 2, error: 3 }

/**
 * A report never prints personal data or a secret, whichever check quoted it: every listed
 * finding's message and excerpt are masked here, the one door findings pass to the report.
 */
function masked(finding: Finding): Finding {
  return { ...finding, message: maskAll(finding.message), ...(finding.excerpt !== undefined ? { excerpt: maskAll(finding.excerpt) } : {}) }
}

/**
 * Keeps the findings of one side of one file: every one counted, at most
 * FINDINGS_LISTED_PER_CHECK per check listed, those the PR brought first.
 */
export class FindingCollector {
  private readonly counts = new Map<string, FindingCount>()
  private readonly introducedListed = new Map<string, Finding[]>()
  private readonly otherListed = new Map<string, Finding[]>()

  add(finding: Finding): void {
    if (this.count(finding.check, finding.dimension, finding.severity, finding.introduced ?? false)) this.list(finding)
  }

  /**
   * Counts a finding; true when it is also to be listed, then given to `list`. A check with
   * tens of thousands of findings lists a hundred: the rest need no Finding object at all.
   */
  count(check: string, dimension: Dimension, severity: Severity, introduced: boolean): boolean {
    const count = this.countFor(check, dimension)
    count.total++
    count[severity]++
    if (introduced) {
      count.introduced++
      if (severity === 'error') count.introducedErrors++
      if (severity === 'warning') count.introducedWarnings++
    }
    const list = (introduced ? this.introducedListed : this.otherListed).get(check)
    return list === undefined || list.length < FINDINGS_LISTED_PER_CHECK
  }

  /** Lists a finding `count` said to list. */
  list(finding: Finding): void {
    const lists = finding.introduced ? this.introducedListed : this.otherListed
    let list = lists.get(finding.check)
    if (list === undefined) lists.set(finding.check, (list = []))
    list.push(masked(finding))
  }

  /** Records how many findings the same check had on the base side. */
  addBaseCount(check: string, dimension: Dimension, total: number): void {
    this.countFor(check, dimension).base += total
  }

  countList(): FindingCount[] {
    return [...this.counts.values()].sort((a, b) => a.check.localeCompare(b.check))
  }

  /** The listed findings, per check the introduced ones first, in line order within each. */
  listed(): { findings: Finding[]; omitted: number } {
    const findings: Finding[] = []
    let omitted = 0
    for (const count of this.countList()) {
      const introduced = this.introducedListed.get(count.check) ?? []
      const other = this.otherListed.get(count.check) ?? []
      const kept = [...introduced, ...other].slice(0, FINDINGS_LISTED_PER_CHECK)
      kept.sort((a, b) => Number(b.introduced ?? false) - Number(a.introduced ?? false) || (a.line ?? 0) - (b.line ?? 0))
      findings.push(...kept)
      omitted += count.total - kept.length
    }
    return { findings, omitted }
  }

  private countFor(check: string, dimension: Dimension): FindingCount {
    let count = this.counts.get(check)
    if (!count) {
      count = { check, dimension, total: 0, introduced: 0, error: 0, warning: 0, info: 0, introducedErrors: 0, introducedWarnings: 0, base: 0 }
      this.counts.set(check, count)
    }
    return count
  }
}
