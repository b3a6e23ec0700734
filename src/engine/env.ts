/**
 * A non-negative number from an environment variable (an integer when `integer`), or
 * undefined when it is unset, blank or not such a number: the tuning knobs fall back to their
 * defaults rather than to a surprising 0.
 */
export function numberFromEnv(name: string, integer = false): number | undefined {
  const text = process.env[name]
  if (text === undefined || text.trim() === '') return undefined
  const value = Number(text)
  return Number.isFinite(value) && value >= 0 && (!integer || Number.isInteger(value)) ? value : undefined
}
