/**
 * When to refresh temporary credentials: a while before they expire, never more often than MIN_INTERVAL_MS, with
 * growing pauses after failures, and not at all after MAX_FAILURES in a row (the panel then says so and waits for
 * the user). Short-lived credentials are refreshed at three quarters of their life instead of a minute before.
 */
export const MIN_INTERVAL_MS = 10_000
export const FIRST_RETRY_MS = 5_000
export const MAX_RETRY_MS = 5 * 60_000
export const MAX_FAILURES = 5
const LEAD_MS = 60_000

export interface RefreshState {
  now: number
  /** When the current credentials expire; undefined for credentials that do not. */
  expiresAt?: number
  /** When they were obtained, to know their lifetime. */
  obtainedAt?: number
  /** When the last attempt (successful or not) started. */
  lastAttemptAt?: number
  /** Failed attempts in a row. */
  failures: number
}

/** Milliseconds until the next refresh, or undefined for none (no expiry, or too many failures). */
export function nextRefreshDelay(state: RefreshState): number | undefined {
  if (state.failures >= MAX_FAILURES) return undefined
  const sinceLast = state.lastAttemptAt === undefined ? Infinity : state.now - state.lastAttemptAt
  const floor = Math.max(0, MIN_INTERVAL_MS - sinceLast)
  if (state.failures > 0) return Math.max(floor, Math.min(MAX_RETRY_MS, FIRST_RETRY_MS * 2 ** (state.failures - 1)))
  if (state.expiresAt === undefined) return undefined
  const lifetime = state.obtainedAt === undefined ? Infinity : state.expiresAt - state.obtainedAt
  const lead = Math.min(LEAD_MS, lifetime / 4)
  return Math.max(floor, MIN_INTERVAL_MS, state.expiresAt - state.now - lead)
}
