/** Keepalive = an ordinary message sent on a timer: browsers cannot send ping frames, and API Gateway ignores them. */
export interface KeepaliveSettings {
  enabled: boolean
  intervalMs: number
  payload: string
}

/** The article's `setInterval(() => ws.send('ping'), 60000)`. */
export const DEFAULT_KEEPALIVE: KeepaliveSettings = { enabled: false, intervalMs: 60_000, payload: 'ping' }
export const MIN_KEEPALIVE_INTERVAL_MS = 100

/** Why an interval cannot be used, or undefined when it can. */
export function keepaliveIntervalProblem(intervalMs: number): string | undefined {
  return Number.isFinite(intervalMs) && intervalMs >= MIN_KEEPALIVE_INTERVAL_MS
    ? undefined
    : `The keepalive interval must be at least ${MIN_KEEPALIVE_INTERVAL_MS / 1000} s.`
}
export const ROUTE_PING_PAYLOAD = '{"action":"ping"}'
