export type JsonCheck = { ok: true; value: unknown } | { ok: false; error: string; line?: number; column?: number }

/** Parses JSON and turns the engine's error into a message with a line and column a person can find. */
export function checkJson(text: string): JsonCheck {
  if (!text.trim()) return { ok: false, error: 'Empty: type a JSON value, e.g. {"action":"echo","data":"hi"}.' }
  try {
    return { ok: true, value: JSON.parse(text) }
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e)
    const position = /position (\d+)/.exec(message)
    if (position) {
      const offset = Number(position[1])
      const before = text.slice(0, offset)
      const line = before.split('\n').length
      const column = offset - before.lastIndexOf('\n')
      return { ok: false, error: `Invalid JSON at line ${line}, column ${column}: ${message}`, line, column }
    }
    return { ok: false, error: `Invalid JSON: ${message}` }
  }
}

export function prettify(text: string): string | undefined {
  const parsed = checkJson(text)
  return parsed.ok ? JSON.stringify(parsed.value, null, 2) : undefined
}
