/** Keepalive = an ordinary message sent on a timer: browsers cannot send ping frames, and API Gateway ignores them. */
export interface KeepaliveSettings {
  enabled: boolean
  intervalMs: number
  payload: string
}

/** The article's `setInterval(() => ws.send('ping'), 60000)`. */
export const DEFAULT_KEEPALIVE: KeepaliveSettings = { enabled: false, intervalMs: 60_000, payload: 'ping' }
export const MIN_KEEPALIVE_INTERVAL_MS = 100
/**
 * A day: far beyond any connection API Gateway keeps (2 hours at most), and far below what a browser timer can wait.
 * Timers wrap around above 2^31 - 1 ms (24.8 days) and fire at once: a keepalive of 3,000,000 s sent hundreds of
 * pings a second, each a billed message on AWS.
 */
export const MAX_KEEPALIVE_INTERVAL_MS = 86_400_000

/** Why an interval cannot be used, or undefined when it can. */
export function keepaliveIntervalProblem(intervalMs: number): string | undefined {
  return Number.isFinite(intervalMs) &&
    intervalMs >= MIN_KEEPALIVE_INTERVAL_MS &&
    intervalMs <= MAX_KEEPALIVE_INTERVAL_MS
    ? undefined
    : `The keepalive interval must be from ${MIN_KEEPALIVE_INTERVAL_MS / 1000} s to a day (86,400 s).`
}
export const ROUTE_PING_PAYLOAD = '{"action":"ping"}'
