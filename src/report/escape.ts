import { truncate } from '../engine/text.js'

/**
 * Quoting dataset text into markdown safely. Dataset text is untrusted: it may hold @mentions,
 * HTML, image links, table pipes or fences that would break or hijack a PR comment. A code span
 * shows all of it literally; what a code span cannot hold (newlines, backticks, pipes inside a
 * table, invisible characters) is made visible first.
 */

/** Characters that hide or reorder text (bidi controls, zero-width), shown as escapes. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const INVISIBLE = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u200b-\u200f\u2028\u2029\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/g


/** Makes control, zero-width and bidi characters visible as `\uXXXX`; newlines as `⏎`, tabs as `→`. */
export function visible(text: string): string {
  return text
    .replace(/\r\n|\r|\n/g, '⏎')
    .replace(/\t/g, '→')
    .replace(INVISIBLE, (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'))
}

/**
 * Dataset text as an inline code span: truncated, on one line, with a backtick fence longer
 * than any run inside it. In a table cell, pipes are escaped (GFM splits cells on them even in
 * code spans).
 */
export function codeSpan(text: string, options: { max?: number; inTable?: boolean } = {}): string {
  let shown = truncate(visible(text), options.max ?? 80)
  if (options.inTable) shown = shown.replace(/\|/g, '\\|')
  const longestRun = Math.max(0, ...(shown.match(/`+/g) ?? []).map((run) => run.length))
  const fence = '`'.repeat(longestRun + 1)
  const pad = shown.startsWith('`') || shown.endsWith('`') || shown === '' ? ' ' : ''
  return fence + pad + shown + pad + fence
}

/**
 * Plain text of ours that may contain dataset text (a check's message): markdown and HTML
 * metacharacters escaped, mentions and issue references defused, URLs not linked.
 */
export function escapeMarkdown(text: string, max = 300): string {
  return truncate(visible(text), max)
    .replace(/[\\`*_{}[\]()<>#+!|~]/g, (c) => '\\' + c)
    .replace(/&/g, '&amp;')
    .replace(/@/g, '@\u200b')
    .replace(/:\/\//g, ':/\u200b/')
}

/** A message of ours in which `backticked` parts are dataset text: those become safe code spans. */
export function renderMessage(message: string, options: { inTable?: boolean } = {}): string {
  const parts = message.split(/(`[^`\n]*`)/g)
  return parts
    .map((part) => (part.startsWith('`') && part.endsWith('`') && part.length >= 2 ? codeSpan(part.slice(1, -1), { max: 80, inTable: options.inTable }) : escapeMarkdown(part, 400)))
    .join('')
}
