import type { PlacedLane } from './chart-geometry'
import { samePlain } from '../same-plain'

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
