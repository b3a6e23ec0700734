import type { FieldValue, RecordFields } from './types.js'

/**
 * The value at a dotted path (`instances.0.output`, `meta.source`); a plain field name that
 * itself contains dots wins over the path reading. Only a record's own fields count: a field
 * named `constructor` or `toString` that a record lacks is missing, not Object's.
 */
export function valueAt(fields: RecordFields, path: string): FieldValue | undefined {
  if (Object.hasOwn(fields, path)) return fields[path]
  if (!path.includes('.')) return undefined
  let current: FieldValue | undefined = fields
  for (const part of path.split('.')) {
    if (current === null || typeof current !== 'object') return undefined
    current = Array.isArray(current) ? current[Number(part)] : Object.hasOwn(current, part) ? current[part] : undefined
    if (current === undefined) return undefined
  }
  return current
}

/**
 * The fields a check reads, by path, read per record without splitting a path each time: a
 * name without a dot is read straight (the common case, in a loop over every record), a
 * dotted one through `valueAt`.
 */
export class FieldPaths {
  private readonly plain: boolean[]

  constructor(readonly paths: readonly string[]) {
    this.plain = paths.map((path) => !path.includes('.'))
  }

  get length(): number {
    return this.paths.length
  }

  /** The value at the `i`-th path of `fields`. */
  valueAt(fields: RecordFields, i: number): FieldValue | undefined {
    const path = this.paths[i]
    if (!this.plain[i]) return valueAt(fields, path)
    return Object.hasOwn(fields, path) ? fields[path] : undefined
  }

  /** The text at the `i`-th path of `fields`, as `textOf` reads it. */
  textAt(fields: RecordFields, i: number): string | undefined {
    const value = this.valueAt(fields, i)
    return typeof value === 'string' ? value : textOf(value)
  }
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
