/** The four WebSocket readyStates, by number, as the browser reports them. */
export type ReadyState = 0 | 1 | 2 | 3

export const READY_STATE_NAMES = ['CONNECTING', 'OPEN', 'CLOSING', 'CLOSED'] as const

export function readyStateName(state: ReadyState): (typeof READY_STATE_NAMES)[number] {
  return READY_STATE_NAMES[state]
}

export type LogKind =
  | 'connecting'
  | 'open'
  | 'sent'
  | 'received'
  | 'keepalive'
  | 'error'
  | 'closing'
  | 'closed'
  | 'info'
  | 'aws'
  /** An auto-reconnect decision: a retry scheduled, a handshake timed out, giving up. */
  | 'reconnect'

/** `out` = client to server, `in` = server to client, `none` = a lifecycle event. */
export type Direction = 'out' | 'in' | 'none'

export type CloseInitiator = 'client' | 'server'

/**
 * One event of a WebSocket session, as data only: presentation (colours, wording) belongs to the components.
 * The same record feeds the message log, the timeline and the exports.
 */
export interface SessionEvent {
  at: number
  /** Which connection of this page it belongs to (1, 2, …): the log draws a divider between connections. */
  connection: number
  kind: LogKind
  direction: Direction
  /** ms since this connection opened; absent before open. */
  sinceOpen?: number
  data?: string
  bytes?: number
  binary?: boolean
  url?: string
  protocols?: string[]
  /** The subprotocol the server accepted, on `open`. */
  protocol?: string
  code?: number
  reason?: string
  wasClean?: boolean
  initiator?: CloseInitiator
  /** Whether the close came before the socket ever opened (a refused handshake looks like this). */
  beforeOpen?: boolean
  message?: string
  /** For `reconnect`: how long until the next attempt. */
  delayMs?: number
  /** A call to the @connections management API made from the page. */
  aws?: ManagementCallRecord
}

export interface ManagementCallRecord {
  op: 'PostToConnection' | 'GetConnection' | 'DeleteConnection'
  connectionId: string
  ok: boolean
  status?: number
  latencyMs: number
  error?: string
}

/** A session event once the log has numbered it. */
export interface LogEntry extends SessionEvent {
  seq: number
  /** Set when the log kept only the start and end of a large message: `data` is `head` + `tail` characters of `chars`. */
  truncated?: { chars: number; head: number; tail: number }
}
