/** The four WebSocket readyStates, by number, as the browser reports them. */
export type ReadyState = 0 | 1 | 2 | 3

export const READY_STATE_NAMES = ['CONNECTING', 'OPEN', 'CLOSING', 'CLOSED'] as const

export function readyStateName(state: ReadyState): (typeof READY_STATE_NAMES)[number] {
  return READY_STATE_NAMES[state]
}

/** CONNECTING or OPEN: what Close ends (and what removing a connection would drop). */
export function isOpenOrOpening(readyState: number | undefined): boolean {
  return readyState === 0 || readyState === 1
}

/** Never connected (undefined) or CLOSED: what Connect can start. */
export function isConnectable(readyState: number | undefined): boolean {
  return readyState === undefined || readyState === 3
}

/** `out` = client to server, `in` = server to client, `none` = a lifecycle event. */
export type Direction = 'out' | 'in' | 'none'

export type CloseInitiator = 'client' | 'server'

/** What each kind of event carries, by kind: the union below is built from this table. */
interface EventBodies {
  connecting: { direction: 'none'; url: string; protocols?: string[] }
  /** `protocol`: the subprotocol the server accepted. */
  open: { direction: 'none'; protocol?: string }
  /** `binary`: a binary frame, its bytes carried as base64 in `data`. */
  sent: { direction: 'out'; data: string; bytes: number; binary?: boolean }
  keepalive: { direction: 'out'; data: string; bytes: number; binary?: boolean }
  /** Binary messages carry their bytes as base64; a watched socket that cannot read them carries neither data nor bytes. */
  received: { direction: 'in'; data?: string; bytes?: number; binary?: boolean }
  error: { direction: 'none'; message: string }
  /**
   * `completes`: the close event arrived after the 1 s sample had recorded this connection's CLOSING without a
   * code; this event carries that code and reason, to be filled into the CLOSING already recorded (the log does),
   * not shown as a second one. The timeline ignores it: the connection is already CLOSING.
   */
  closing: { direction: 'none'; code?: number; reason?: string; initiator: CloseInitiator; completes?: true }
  /** `beforeOpen`: the socket never opened (a refused handshake looks like this). */
  closed: {
    direction: 'none'
    code: number
    reason: string
    wasClean: boolean
    initiator: CloseInitiator
    beforeOpen: boolean
  }
  /** A call to the @connections management API made from the page; PostToConnection carries what it sent. */
  aws: { direction: 'none'; aws: ManagementCallRecord; data?: string; bytes?: number }
  /** An auto-reconnect decision (a retry scheduled, a handshake timed out, giving up); `delayMs` until the retry. */
  reconnect: { direction: 'none'; message: string; delayMs?: number }
}

export type LogKind = keyof EventBodies

type AllFields = { [K in LogKind]: EventBodies[K] }[LogKind]
type KeysOfUnion<T> = T extends unknown ? keyof T : never

/**
 * Each kind's body, with the other kinds' fields declared absent: code that reads any event generically
 * (`entry.data`, `entry.code`) still type-checks, and a check of `kind` narrows to the fields that kind has.
 */
type Body<K extends LogKind> = { kind: K } & EventBodies[K] & {
    [F in Exclude<KeysOfUnion<AllFields>, keyof EventBodies[K]>]?: undefined
  }

/** An event as its source produces it, before it is stamped with its time and connection. */
export type SessionEventBody = { [K in LogKind]: Body<K> }[LogKind]

/**
 * One event of a WebSocket session, as data only: presentation (colours, wording) belongs to the components.
 * The same record feeds the message log, the timeline and the exports.
 */
export type SessionEvent = SessionEventBody & {
  at: number
  /** Which connection of this page it belongs to (1, 2, …): the log draws a divider between connections. */
  connection: number
  /**
   * Which of the page's connections (the connection list's id, e.g. `c2`) it belongs to; `lab` for the Timeout lab's
   * sockets. Absent in logs exported before the page had several connections.
   */
  source?: string
  /**
   * The connection's name when the entry was exported (exports write it; an opened file's rows show it, since its
   * `source` ids name connections of another tab).
   */
  connectionName?: string
  /** ms since this connection opened; absent before open. */
  sinceOpen?: number
  /** Read back from the log kept by a previous visit of the page (see log-persistence). */
  restored?: true
}

export interface ManagementCallRecord {
  op: 'PostToConnection' | 'GetConnection' | 'DeleteConnection'
  connectionId: string
  ok: boolean
  status?: number
  latencyMs: number
  error?: string
}

/**
 * What a message event made in bulk (a received message, a message crossing from the worker) carries as `seq` until
 * a log numbers it: `undefined`, present as a field. Every event ends up in a log, which adds `seq`; a field added to
 * an object after it was made goes to a separate store, one allocation more per message of a flood (and more for the
 * collector to copy while the log holds it). JSON and exports leave an undefined field out.
 */
export const LOG_SEQ_SLOT = undefined

/** A session event once the log has numbered it. */
export type LogEntry = SessionEvent & {
  seq: number
  /** Set when the log kept only the start and end of a large message: `data` is `head` + `tail` characters of `chars`. */
  truncated?: { chars: number; head: number; tail: number }
}
