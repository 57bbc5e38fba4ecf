/**
 * The inspector's JSON view, bounded: parsing only up to a size, and pretty printing that stops after a number of
 * characters, so its cost follows what is shown rather than the message. (JSON.stringify(v, null, 2) of a 6 KB
 * array nested 3,000 deep is 18 MB of indentation.)
 */

/**
 * Larger messages are shown as text: opening one must not cost more than opening a small one, and parsing is the
 * one step that reads a message whole. Every message API Gateway can deliver (128 KB at most) fits.
 */
export const JSON_VIEW_MAX_CHARS = 256 * 1024
/** Indentation stops growing past this depth, so a deep line costs no more than a shallow one. */
export const MAX_INDENT_DEPTH = 32

export type JsonForView = { kind: 'json'; value: unknown } | { kind: 'text' } | { kind: 'too-large' }

export function parseJsonForView(text: string | undefined): JsonForView {
  if (!text) return { kind: 'text' }
  const first = text.trimStart()[0]
  if (first !== '{' && first !== '[') return { kind: 'text' }
  if (text.length > JSON_VIEW_MAX_CHARS) return { kind: 'too-large' }
  try {
    return { kind: 'json', value: JSON.parse(text) as unknown }
  } catch {
    return { kind: 'text' }
  }
}

interface Frame {
  depth: number
  /** The array, or the object whose `keys` are printed. */
  container: unknown[] | Record<string, unknown>
  /** An object's keys to print; undefined for an array. */
  keys: string[] | undefined
  /** Items printed so far. */
  index: number
  length: number
  close: string
}

/**
 * JSON.stringify(value, null, 2) up to about `maxChars` characters (never more than one scalar past it), without
 * recursion so no nesting depth can overflow the stack. `complete` says whether all of it was printed.
 */
export function prettyJsonCapped(value: unknown, maxChars: number): { text: string; complete: boolean } {
  const out: string[] = []
  let length = 0
  const emit = (s: string) => {
    out.push(s)
    length += s.length
  }
  const indent = (depth: number) => '\n' + '  '.repeat(Math.min(depth, MAX_INDENT_DEPTH))
  const stack: Frame[] = []

  const begin = (v: unknown, depth: number) => {
    if (v !== null && typeof v === 'object') {
      // Arrays are walked by index, not copied: a long one costs only the items printed.
      const container = v as unknown[] | Record<string, unknown>
      const keys = Array.isArray(container)
        ? undefined
        : Object.keys(container).filter((k) => container[k] !== undefined && typeof container[k] !== 'function')
      const length = keys ? keys.length : (container as unknown[]).length
      if (!length) return emit(keys ? '{}' : '[]')
      emit(keys ? '{' : '[')
      stack.push({ depth, container, keys, index: 0, length, close: keys ? '}' : ']' })
      return
    }
    emit(JSON.stringify(v) ?? 'null')
  }

  begin(value, 0)
  while (stack.length && length < maxChars) {
    const frame = stack.at(-1)!
    if (frame.index >= frame.length) {
      stack.pop()
      emit(indent(frame.depth) + frame.close)
      continue
    }
    const key = frame.keys?.[frame.index]
    const item =
      key === undefined
        ? (frame.container as unknown[])[frame.index]
        : (frame.container as Record<string, unknown>)[key]
    emit((frame.index ? ',' : '') + indent(frame.depth + 1) + (key === undefined ? '' : `${JSON.stringify(key)}: `))
    frame.index++
    begin(item, frame.depth + 1)
  }
  return { text: out.join(''), complete: stack.length === 0 }
}
