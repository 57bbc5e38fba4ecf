/**
 * Route selection as API Gateway documents it for WebSocket APIs (AGDG/apigateway-websocket-api-selection-expressions):
 * `$request.body.{jsonpath}` variables, `${...}` braces for boundaries, `\$` for a literal dollar, everything else
 * static text. Variables are evaluated once, not recursively; a missing path is "".
 */

type Part = { kind: 'text'; text: string } | { kind: 'body'; path: PathStep[] }
type PathStep = string | number

export interface CompiledExpression {
  source: string
  parts: Part[]
  /** True when the expression has no variables (e.g. `action` or `\$default`): every JSON message gets one key. */
  isStatic: boolean
}

export class ExpressionError extends Error {}

const BARE_PATH_CHAR = /[A-Za-z0-9_.[\]]/

export function compileRouteSelectionExpression(source: string): CompiledExpression {
  const parts: Part[] = []
  let text = ''
  let i = 0
  const flushText = () => {
    if (text) parts.push({ kind: 'text', text })
    text = ''
  }
  while (i < source.length) {
    const ch = source[i]!
    if (ch === '\\' && source[i + 1] === '$') {
      text += '$'
      i += 2
      continue
    }
    if (ch !== '$') {
      text += ch
      i++
      continue
    }
    let variable: string
    if (source[i + 1] === '{') {
      const end = source.indexOf('}', i + 2)
      if (end < 0) throw new ExpressionError(`unclosed \${ in route selection expression "${source}"`)
      variable = source.slice(i + 2, end)
      i = end + 1
    } else {
      let j = i + 1
      while (j < source.length && BARE_PATH_CHAR.test(source[j]!)) j++
      variable = source.slice(i + 1, j)
      // A trailing dot is punctuation, not part of the path.
      while (variable.endsWith('.')) {
        variable = variable.slice(0, -1)
        j--
      }
      i = j
    }
    flushText()
    parts.push({ kind: 'body', path: parseVariable(variable, source) })
  }
  flushText()
  return { source, parts, isStatic: parts.every((p) => p.kind === 'text') }
}

function parseVariable(variable: string, source: string): PathStep[] {
  const prefix = 'request.body'
  if (variable !== prefix && !variable.startsWith(prefix + '.') && !variable.startsWith(prefix + '[')) {
    throw new ExpressionError(
      `route selection expression "${source}": only $request.body.* variables are supported for WebSocket APIs, got $${variable}`,
    )
  }
  return parseJsonPath(variable.slice(prefix.length), source)
}

/** `.a.b[0]['c d']` → ['a', 'b', 0, 'c d']. */
function parseJsonPath(path: string, source: string): PathStep[] {
  const steps: PathStep[] = []
  let i = 0
  while (i < path.length) {
    if (path[i] === '.') {
      let j = i + 1
      while (j < path.length && path[j] !== '.' && path[j] !== '[') j++
      const key = path.slice(i + 1, j)
      if (!key) throw new ExpressionError(`route selection expression "${source}": empty key in path`)
      steps.push(key)
      i = j
    } else if (path[i] === '[') {
      const end = path.indexOf(']', i)
      if (end < 0) throw new ExpressionError(`route selection expression "${source}": unclosed [`)
      const inner = path.slice(i + 1, end).trim()
      if (/^\d+$/.test(inner)) steps.push(Number(inner))
      else if (/^'.*'$|^".*"$/.test(inner)) steps.push(inner.slice(1, -1))
      else if (inner === '*')
        throw new ExpressionError(`route selection expression "${source}": wildcards are not supported`)
      else steps.push(inner)
      i = end + 1
    } else {
      throw new ExpressionError(`route selection expression "${source}": unexpected "${path[i]}" in path`)
    }
  }
  return steps
}

const MISSING = Symbol('missing')

function lookup(value: unknown, path: PathStep[]): unknown {
  let current: unknown = value
  for (const step of path) {
    if (current === null || typeof current !== 'object') return MISSING
    if (Array.isArray(current)) {
      if (typeof step !== 'number' || step >= current.length) return MISSING
      current = current[step]
    } else {
      const key = String(step)
      if (!Object.prototype.hasOwnProperty.call(current, key)) return MISSING
      current = (current as Record<string, unknown>)[key]
    }
  }
  return current
}

/**
 * Turns a selected JSON value into a route key. Strings are used as they are; numbers and booleans as their JSON
 * text; arrays as `[item1, item2]` (documented). Objects as `{key=value, ...}` and null as "" are UNCONFIRMED guesses
 * (the array format is Java's List.toString, so objects probably follow Map.toString).
 */
export function stringifySelected(value: unknown): string {
  if (value === MISSING || value === null || value === undefined) return ''
  if (typeof value === 'string') return value
  if (typeof value === 'number' || typeof value === 'boolean') return String(value)
  if (Array.isArray(value)) return `[${value.map(stringifyNested).join(', ')}]`
  if (typeof value === 'object') {
    return `{${Object.entries(value as Record<string, unknown>)
      .map(([k, v]) => `${k}=${stringifyNested(v)}`)
      .join(', ')}}`
  }
  return String(value)
}

function stringifyNested(value: unknown): string {
  return value === null ? 'null' : stringifySelected(value)
}

/** Evaluates the expression against an already-parsed JSON body. */
export function evaluateExpression(expression: CompiledExpression, body: unknown): string {
  let key = ''
  for (const part of expression.parts) {
    key += part.kind === 'text' ? part.text : stringifySelected(lookup(body, part.path))
  }
  return key
}

export interface RouteSelection {
  /** The evaluated key, or undefined when the message is not JSON. */
  evaluated: string | undefined
  /** The route to run, or undefined when nothing matches and there is no `$default`. */
  routeKey: string | undefined
}

/** A cheap first-character check, so plain text skips the cost of a JSON.parse exception. */
function mayBeJson(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d) continue
    // { [ " - 0-9 t f n
    return (
      c === 0x7b ||
      c === 0x5b ||
      c === 0x22 ||
      c === 0x2d ||
      (c >= 0x30 && c <= 0x39) ||
      c === 0x74 ||
      c === 0x66 ||
      c === 0x6e
    )
  }
  return false
}

/**
 * The spec's algorithm: non-JSON → `$default`; else evaluate; an exact match on a custom route (or `$default`) wins;
 * otherwise `$default` if it exists. `$connect`/`$disconnect` are never chosen for a message.
 */
export function selectRoute(
  expression: CompiledExpression,
  message: string,
  hasRoute: (key: string) => boolean,
): RouteSelection {
  let evaluated: string | undefined
  if (mayBeJson(message)) {
    try {
      evaluated = evaluateExpression(expression, JSON.parse(message))
    } catch {
      evaluated = undefined
    }
  }
  if (evaluated !== undefined && evaluated !== '$connect' && evaluated !== '$disconnect' && hasRoute(evaluated)) {
    return { evaluated, routeKey: evaluated }
  }
  return { evaluated, routeKey: hasRoute('$default') ? '$default' : undefined }
}
