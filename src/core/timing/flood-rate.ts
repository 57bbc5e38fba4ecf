import type { BusyPacing } from './interval-batch'

/**
 * Messages (log entries, events) a second from which a source floods: nobody reads them one by one, and each view
 * that follows them repaints on a slower beat of its own. One figure for the whole page, so its panels agree on when
 * a flood starts.
 */
export const FLOOD_PER_SECOND = 1000

/** `units` counted over `windowMs` came at `perSecond` or faster. */
export function atRate(units: number, windowMs: number, perSecond: number): boolean {
  return units * 1000 >= perSecond * windowMs
}

/** The pacing of a view that repaints every `ms` while its source floods. */
export function floodPacing(ms: number): BusyPacing {
  return { perSecond: FLOOD_PER_SECOND, ms }
}
