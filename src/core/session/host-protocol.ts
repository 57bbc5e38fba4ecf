import type { LogEntry, SessionEvent } from './events'
import type { CollectionRecord, ConnectionInit } from './connection-collection'
import type { ConnectionSettings, ConnectionState } from './page-connection'
import type { Result } from './session'
import type { LogCounters, LogReply, LogRequest } from '../log/log-protocol'
import type { PackedHostUpdate } from './packed-events'

/**
 * What the page asks of the host that runs its connections (on the main thread or in a worker). Plain data only:
 * every command crosses `postMessage` as it is. A presigned URL crosses as `signedUrl` and goes no further than the
 * socket: events and states come back with it redacted.
 */
export type HostCommand =
  | { op: 'add'; init: ConnectionInit }
  | { op: 'duplicate'; id: string }
  | { op: 'rename'; id: string; name: string }
  | { op: 'remove'; id: string }
  | { op: 'select'; id: string }
  | { op: 'selectNext'; step: 1 | -1 }
  | { op: 'configure'; id: string; patch: Partial<ConnectionSettings> }
  | { op: 'setKeepalive'; id: string; enabled: boolean }
  | { op: 'connect'; id: string; signedUrl?: string }
  | { op: 'disconnect'; id: string; code?: number; reason?: string }
  | { op: 'send'; id: string; data: string | Uint8Array }

/**
 * An event as the host reports it. From a worker, a message longer than LARGE_MESSAGE_CHARS comes already cut to a
 * head and a tail, marked `truncated` as the log marks the large messages it cuts: the worker's log keeps it whole,
 * and the page (which shows rows the worker sends) never holds a megabyte string twice.
 */
export type HostEvent = SessionEvent & Pick<LogEntry, 'truncated'>

/** `id`: the connection an `add` or `duplicate` created. */
export type CommandResult = Result & { id?: string }

/**
 * What the host reports, already derived: the events in the order they happened (each stamped where it happened),
 * the state of every connection that changed since the last update, connection ids found in received messages, and
 * the endpoints that opened. A worker sends at most one of these per frame.
 */
export interface HostUpdate {
  events: HostEvent[]
  states: [id: string, state: ConnectionState][]
  /** API Gateway connection ids found in received messages: in `events[index]`, from connection `source`. */
  connectionIds: [index: number, source: string, ids: string[]][]
  /** The validated, unsigned endpoint of each connection that opened (for the recent-endpoints list). */
  opened: [source: string, endpoint: string][]
  /** Commands the page already answered `ok` for that then failed where the sockets are (a worker only). */
  failures: string[]
  /** Events left out because the page fell this far behind (a worker only; the counters stay exact). */
  skipped: number
}

/** Messages from the page to a worker host. */
export type PageToWorker =
  | {
      type: 'init'
      secure: boolean
      defaults: Partial<ConnectionSettings>
      max?: number
      restored?: CollectionRecord
    }
  | { type: 'command'; command: HostCommand }
  /** The page has applied the last update: the next may come. */
  | { type: 'ack' }
  /** For the log that lives next to the sockets (see ../log/log-protocol.ts). */
  | { type: 'log'; request: LogRequest; id?: number }
  | { type: 'dispose' }

/** Messages from a worker host to the page. */
export type WorkerToPage =
  | { type: 'ready' }
  /**
   * A worker posts its updates packed (./packed-events.ts); the page unpacks them before it applies them. `counters`:
   * the log's, when it changed since the page last heard (the log's events came with this update), applied after it.
   */
  | { type: 'update'; update: HostUpdate | PackedHostUpdate; counters?: LogCounters }
  /** The log's counters when no update is on its way to carry them, at most once per frame; a reply to a log request that has an id. */
  | { type: 'logCounters'; counters: LogCounters }
  | { type: 'logReply'; reply: LogReply }
  /** Something went wrong in the worker that no command caused: shown as the page's last error. */
  | { type: 'fatal'; message: string }

export function emptyUpdate(): HostUpdate {
  return { events: [], states: [], connectionIds: [], opened: [], failures: [], skipped: 0 }
}
