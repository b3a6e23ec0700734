import type { FieldValue, RecordFields } from './types.js'

/**
 * The value at a dotted path (`instances.0.output`, `meta.source`); a plain field name that
 * itself contains dots wins over the path reading.
 */
export function valueAt(fields: RecordFields, path: string): FieldValue | undefined {
  if (path in fields) return fields[path]
  let current: FieldValue | undefined = fields
  for (const part of path.split('.')) {
    if (current === null || typeof current !== 'object') return undefined
    current = Array.isArray(current) ? current[Number(part)] : current[part]
    if (current === undefined) return undefined
  }
  return current
}

/**
 * The text of a field for text checks: strings as they are, chat transcripts
 * (`[{role, content}]`) as their contents joined by newlines, other values as undefined.
 */
export function textOf(value: FieldValue | undefined): string | undefined {
  if (typeof value === 'string') return value
  if (Array.isArray(value)) {
    const parts: string[] = []
    for (const item of value) {
      if (typeof item === 'string') parts.push(item)
      else if (item !== null && typeof item === 'object' && !Array.isArray(item)) {
        const content = item.content ?? item.value ?? item.text
        if (typeof content === 'string') parts.push(content)
      }
    }
    return parts.length > 0 ? parts.join('\n') : undefined
  }
  return undefined
}

/** The text of each of `fields` that the record has, as `[field, text]` pairs. */
export function textsOf(fields: RecordFields, names: readonly string[]): Array<[string, string]> {
  const texts: Array<[string, string]> = []
  for (const name of names) {
    const text = textOf(valueAt(fields, name))
    if (text !== undefined) texts.push([name, text])
  }
  return texts
}

/** At most `max` characters of `text`, cut on a character boundary, with an ellipsis when cut. */
export function truncate(text: string, max = 120): string {
  // A string has at least as many UTF-16 units as characters: short ones need no counting.
  if (text.length <= max) return text
  let end = 0
  let kept = 0
  const limit = Math.max(1, max - 1)
  while (end < text.length && kept < limit) {
    end += text.codePointAt(end)! > 0xffff ? 2 : 1
    kept++
  }
  return end >= text.length ? text : text.slice(0, end) + '…'
}
