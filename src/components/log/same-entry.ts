import type { LogEntry } from '@/core/session/events'

/**
 * True when two copies of an entry say the same (a worker's log sends fresh copies of the rows with every window):
 * the list keeps the copy it has, so a row whose entry did not change is not redrawn. Fields are compared one level
 * deep (`aws`, `protocols`, `truncated` are small objects); a completed CLOSING, with its new code, differs.
 */
export function sameEntry(a: LogEntry, b: LogEntry): boolean {
  if (a === b) return true
  if (a.seq !== b.seq) return false
  const ak = Object.keys(a) as (keyof LogEntry)[]
  if (ak.length !== Object.keys(b).length) return false
  for (const key of ak) {
    const x: unknown = a[key]
    const y: unknown = b[key]
    if (x === y) continue
    if (!shallowEqual(x, y)) return false
  }
  return true
}

function shallowEqual(x: unknown, y: unknown): boolean {
  if (typeof x !== 'object' || typeof y !== 'object' || x === null || y === null) return false
  if (Array.isArray(x) !== Array.isArray(y)) return false
  const xk = Object.keys(x)
  if (xk.length !== Object.keys(y).length) return false
  return xk.every(
    (k) =>
      Object.prototype.hasOwnProperty.call(y, k) &&
      (x as Record<string, unknown>)[k] === (y as Record<string, unknown>)[k],
  )
}
