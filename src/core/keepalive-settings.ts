/** Keepalive = an ordinary message sent on a timer: browsers cannot send ping frames, and API Gateway ignores them. */
export interface KeepaliveSettings {
  enabled: boolean
  intervalMs: number
  payload: string
}

/** The article's `setInterval(() => ws.send('ping'), 60000)`. */
export const DEFAULT_KEEPALIVE: KeepaliveSettings = { enabled: false, intervalMs: 60_000, payload: 'ping' }
export const MIN_KEEPALIVE_INTERVAL_MS = 100
export const ROUTE_PING_PAYLOAD = '{"action":"ping"}'
