import type { CheckConfig } from '../../config/types.js'

/**
 * Typed readers for a check's merged settings. `CheckConfig` holds user-written values as
 * `unknown`, so a check reads each threshold through one of these and falls back to its default
 * when the value is missing or of the wrong type (the config validator reports the bad value).
 */

/** A finite number setting, else `fallback`. */
export function numberSetting(config: CheckConfig, name: string, fallback: number): number {
  const value = config[name]
  return typeof value === 'number' && Number.isFinite(value) ? value : fallback
}

/** A non-empty string setting, else undefined. */
export function stringSetting(config: Readonly<Record<string, unknown>>, name: string): string | undefined {
  const value = config[name]
  return typeof value === 'string' && value !== '' ? value : undefined
}

/** A list of non-empty strings, else undefined (an empty list counts as unset). */
export function stringListSetting(config: Readonly<Record<string, unknown>>, name: string): string[] | undefined {
  const value = config[name]
  if (!Array.isArray(value)) return undefined
  const strings = value.filter((item): item is string => typeof item === 'string' && item !== '')
  return strings.length > 0 ? strings : undefined
}

/**
 * A map of numbers keyed by small integers (`{"2": 0.2, "3": 0.18}`), else `fallback`. Entries
 * whose key is not an integer or whose value is not a finite number are ignored.
 */
export function numberMapSetting(config: CheckConfig, name: string, fallback: ReadonlyMap<number, number>): Map<number, number> {
  const value = config[name]
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return new Map(fallback)
  const map = new Map<number, number>()
  for (const [key, limit] of Object.entries(value)) {
    const n = Number(key)
    if (Number.isInteger(n) && n > 0 && typeof limit === 'number' && Number.isFinite(limit)) map.set(n, limit)
  }
  return map.size > 0 ? new Map([...map].sort((a, b) => a[0] - b[0])) : new Map(fallback)
}
