/**
 * Readers of the settings the privacy checks share (`kinds`, `allow`), which arrive as
 * `unknown` from the user's config.
 */

/**
 * The enabled kinds: `kinds` may list the enabled kinds (`['email', 'phone']`) or switch kinds
 * off and on by name (`{ phone: false }`, the others staying on). Unknown names are ignored.
 */
export function enabledKinds<K extends string>(setting: unknown, all: readonly K[]): Set<K> {
  if (Array.isArray(setting)) return new Set(all.filter((kind) => setting.includes(kind)))
  if (setting !== null && typeof setting === 'object') {
    const switches = new Map(Object.entries(setting))
    return new Set(all.filter((kind) => switches.get(kind) !== false))
  }
  return new Set(all)
}

/** Decides whether a detected value was allowed by the user. */
export type AllowTest = (value: string) => boolean

/**
 * The user's allow list as a test. Entries written `/pattern/flags` are regular expressions
 * tested against the value; other entries are literals that allow the value itself (case
 * insensitive), any email address at that domain or a subdomain of it (`example.org`), or,
 * written as CIDR (`10.1.0.0/16`), any IPv4 address in that block. An entry that is not a
 * valid regular expression is read as a literal.
 */
export function allowList(setting: unknown): AllowTest {
  const entries = Array.isArray(setting) ? setting.filter((entry): entry is string => typeof entry === 'string') : []
  const tests: AllowTest[] = entries.map((entry) => {
    const regex = /^\/(.+)\/([a-z]*)$/s.exec(entry)
    if (regex !== null) {
      try {
        const pattern = new RegExp(regex[1], regex[2].replace(/[gy]/g, ''))
        return (value) => pattern.test(value)
      } catch {
        // Not a valid pattern: read it as a literal below.
      }
    }
    const cidr = /^(\d{1,3}(?:\.\d{1,3}){3})\/(\d{1,2})$/.exec(entry)
    if (cidr !== null) {
      const bits = Number(cidr[2])
      const network = ipv4ToNumber(cidr[1])
      const maskBits = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0
      return (value) => {
        const address = ipv4ToNumber(value)
        return address !== undefined && network !== undefined && ((address & maskBits) >>> 0) === ((network & maskBits) >>> 0)
      }
    }
    const literal = entry.toLowerCase()
    return (value) => {
      const lower = value.toLowerCase()
      return lower === literal || lower.endsWith(`@${literal}`) || (lower.includes('@') && lower.endsWith(`.${literal}`))
    }
  })
  return (value) => tests.some((test) => test(value))
}

function ipv4ToNumber(address: string): number | undefined {
  const octets = address.split('.').map(Number)
  if (octets.length !== 4 || octets.some((octet) => !Number.isInteger(octet) || octet < 0 || octet > 255)) return undefined
  return ((octets[0] << 24) | (octets[1] << 16) | (octets[2] << 8) | octets[3]) >>> 0
}
