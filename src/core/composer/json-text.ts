export type JsonCheck = { ok: true; value: unknown } | { ok: false; error: string; line?: number; column?: number }

/**
 * Parses JSON and explains a failure once, with a line and column a person can find. The engine's own messages
 * only sometimes carry a position (and newer ones already add "line 1 column 2"), so the place and the reason come
 * from a small scanner of our own; JSON.parse stays the judge of what is valid.
 */
export function checkJson(text: string): JsonCheck {
  if (!text.trim()) return { ok: false, error: 'Empty: type a JSON value, e.g. {"action":"echo","data":"hi"}.' }
  try {
    return { ok: true, value: JSON.parse(text) }
  } catch (e) {
    const found = locateJsonError(text)
    if (!found)
      return { ok: false, error: `Invalid JSON: ${withoutPosition(e instanceof Error ? e.message : String(e))}` }
    const before = text.slice(0, found.offset)
    const line = before.split('\n').length
    const column = found.offset - before.lastIndexOf('\n')
    return { ok: false, error: `Invalid JSON at line ${line}, column ${column}: ${found.reason}`, line, column }
  }
}

export function prettify(text: string): string | undefined {
  const parsed = checkJson(text)
  return parsed.ok ? JSON.stringify(parsed.value, null, 2) : undefined
}

function withoutPosition(message: string): string {
  return message.replace(/\s*(?:in JSON )?at position \d+(?: \(line \d+ column \d+\))?/, '')
}

interface JsonError {
  offset: number
  reason: string
}

/** Deeper nesting than this is left to the engine's message rather than risk the call stack. */
const MAX_DEPTH = 500
const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y
const ESCAPES = new Set(['"', '\\', '/', 'b', 'f', 'n', 'r', 't', 'u'])

/** Where strict JSON first goes wrong in `text`, and why; undefined if the scanner finds nothing wrong. */
export function locateJsonError(text: string): JsonError | undefined {
  let i = 0
  const fail = (reason: string, at = i): never => {
    throw { offset: at, reason } satisfies JsonError
  }
  const describe = (c: string | undefined) => (c === undefined ? 'the end of the text' : `“${c}”`)
  const space = () => {
    while (i < text.length && ' \t\n\r'.includes(text[i]!)) i++
  }
  const literal = (word: string) => {
    if (!text.startsWith(word, i))
      fail(
        `unexpected ${describe(text[i])}: expected a value (a string in double quotes, a number, true, false, null, { or [)`,
      )
    i += word.length
  }
  const string = () => {
    const start = i++
    for (;;) {
      const c = text[i]
      if (c === undefined) fail('this string is never closed: a " is missing', start)
      if (c === '"') return void i++
      if (c! < ' ')
        fail(
          c === '\n'
            ? 'a string cannot span lines: write \\n instead'
            : 'control characters must be escaped in strings',
        )
      if (c === '\\') {
        const e = text[i + 1]
        if (e === undefined || !ESCAPES.has(e))
          fail(`\\${e ?? ''} is not a JSON escape (use \\" \\\\ \\/ \\b \\f \\n \\r \\t or \\uXXXX)`)
        if (e === 'u' && !/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6)))
          fail('\\u must be followed by four hex digits')
        i += e === 'u' ? 6 : 2
      } else i++
    }
  }
  const value = (depth: number): void => {
    if (depth > MAX_DEPTH) throw undefined
    space()
    const c = text[i]
    if (c === '{') return container(depth, '}')
    if (c === '[') return container(depth, ']')
    if (c === '"') return string()
    if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) {
      const start = i
      NUMBER.lastIndex = i
      const match = NUMBER.exec(text)
      if (!match || match[0] === '-') fail('not a valid number')
      i += match![0].length
      if (text[i] !== undefined && /[\d.eE]/.test(text[i]!))
        fail('not a valid number (no leading zeros; digits needed after . and e)', start)
      return
    }
    if (c === "'") fail('strings need double quotes, not single quotes')
    if (c === 't') return literal('true')
    if (c === 'f') return literal('false')
    if (c === 'n') return literal('null')
    fail(`unexpected ${describe(c)}: expected a value (a string in double quotes, a number, true, false, null, { or [)`)
  }
  const container = (depth: number, close: '}' | ']') => {
    i++
    space()
    if (text[i] === close) return void i++
    for (;;) {
      space()
      if (close === '}') {
        if (text[i] === '}') fail('a trailing comma before } is not allowed', i)
        if (text[i] !== '"') fail(`unexpected ${describe(text[i])}: expected a property name in double quotes`)
        string()
        space()
        if (text[i] !== ':') fail(`unexpected ${describe(text[i])}: expected : after the property name`)
        i++
      } else if (text[i] === ']') fail('a trailing comma before ] is not allowed', i)
      value(depth + 1)
      space()
      const c = text[i]
      if (c === ',') {
        i++
        continue
      }
      if (c === close) return void i++
      fail(`unexpected ${describe(c)}: expected , or ${close}`)
    }
  }
  try {
    value(0)
    space()
    if (i < text.length) fail(`unexpected ${describe(text[i])} after the end of the JSON value`)
    return undefined
  } catch (e) {
    return e && typeof e === 'object' && 'offset' in e ? (e as JsonError) : undefined
  }
}
