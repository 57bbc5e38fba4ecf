import type { PlacedLane } from './chart-geometry'

/**
 * The lanes of a new drawing, each swapped for the previous drawing's lane of the same source when nothing in it
 * changed. The chart passes each lane to a component of its own, and a component whose props are the same objects
 * is not re-rendered: with fifty idle connections, a keepalive redraws the one lane it landed in, not all fifty.
 * Returns `next` itself when every lane is unchanged and in the same order.
 */
export function reuseUnchangedLanes(previous: readonly PlacedLane[], next: PlacedLane[]): PlacedLane[] {
  if (!previous.length) return next
  const bySource = new Map(previous.map((lane) => [lane.source, lane]))
  let allSame = previous.length === next.length
  const out = next.map((lane, i) => {
    const before = bySource.get(lane.source)
    const kept = before && samePlain(before, lane) ? before : lane
    if (kept !== previous[i]) allSame = false
    return kept
  })
  return allSame ? (previous as PlacedLane[]) : out
}

/**
 * Deep equality of plain data (objects, arrays, strings, numbers, booleans, undefined), as the chart's geometry is
 * made of. A property that is undefined counts as absent; NaN equals NaN.
 */
export function samePlain(a: unknown, b: unknown): boolean {
  if (a === b || (Number.isNaN(a) && Number.isNaN(b))) return true
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false
  if (Array.isArray(a) !== Array.isArray(b)) return false
  if (Array.isArray(a)) {
    const other = b as unknown[]
    if (a.length !== other.length) return false
    for (let i = 0; i < a.length; i++) if (!samePlain(a[i], other[i])) return false
    return true
  }
  const x = a as Record<string, unknown>
  const y = b as Record<string, unknown>
  for (const key in x) if (!samePlain(x[key], y[key])) return false
  for (const key in y) if (!(key in x) && y[key] !== undefined) return false
  return true
}
