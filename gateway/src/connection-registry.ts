import type { WebSocket } from 'ws'
import type { Timer } from './clock'
import type { FrameWatcher } from './frame-watcher'
import type { TokenBucket } from './rate-limit'
import type { ConnectionFacts } from './lambda-events'
import type { CloseCause } from './options'

export type ConnectionState = 'connecting' | 'open' | 'closing'

export interface Connection extends ConnectionFacts {
  state: ConnectionState
  lastActiveAt: number
  ws?: WebSocket
  watcher?: FrameWatcher
  idleTimer?: Timer
  maxTimer?: Timer
  killTimer?: Timer
  /** The per-connection message rate (--connection-messages-per-second), when on. */
  messageBucket?: TokenBucket
  /** Replies and error frames dropped because the client was not reading (over --max-outgoing-bytes). */
  dropped?: number
  /** The TCP socket is gone (a reset or a drop): messages `ws` still had buffered are not invoked, only counted. */
  socketGone?: boolean
  unread?: number
  /** Set when the gateway started the close; decides the close frame and the `$disconnect` status. */
  cause?: CloseCause
}

/** What `gateway.connections()` returns for each open connection. */
export interface ConnectionInfo {
  connectionId: string
  connectedAt: number
  lastActiveAt: number
  sourceIp: string
  userAgent?: string
}

interface Closed {
  closedAt: number
  code: number
  reason: string
}

const RECENTLY_CLOSED = 1000

/**
 * Live connections by id. Closed ones leave the map at once (so memory tracks open sockets); only the last thousand
 * closes are remembered, to explain a 410 in the log.
 */
export class ConnectionRegistry {
  private readonly live = new Map<string, Connection>()
  private readonly closed = new Map<string, Closed>()

  add(conn: Connection): void {
    this.live.set(conn.connectionId, conn)
  }

  get(id: string): Connection | undefined {
    return this.live.get(id)
  }

  remove(id: string, code: number, reason: string): void {
    if (!this.live.delete(id)) return
    if (this.closed.size >= RECENTLY_CLOSED) {
      const oldest = this.closed.keys().next().value
      if (oldest !== undefined) this.closed.delete(oldest)
    }
    this.closed.set(id, { closedAt: Date.now(), code, reason })
  }

  /** Removes a connection whose handshake never completed (nothing to remember). */
  forget(id: string): void {
    this.live.delete(id)
  }

  all(): IterableIterator<Connection> {
    return this.live.values()
  }

  get size(): number {
    return this.live.size
  }

  get recentlyClosedCount(): number {
    return this.closed.size
  }

  snapshot(): ConnectionInfo[] {
    const list: ConnectionInfo[] = []
    for (const c of this.live.values()) {
      if (c.state !== 'open') continue
      const info: ConnectionInfo = {
        connectionId: c.connectionId,
        connectedAt: c.connectedAt,
        lastActiveAt: c.lastActiveAt,
        sourceIp: c.identity.sourceIp,
      }
      if (c.identity.userAgent !== undefined) info.userAgent = c.identity.userAgent
      list.push(info)
    }
    return list
  }

  /** Why an id is gone, for log lines: "closed 2.1 s ago (1001 Going away)", "still in $connect", "unknown". */
  explainGone(id: string): string {
    const live = this.live.get(id)
    if (live?.state === 'connecting') return 'its $connect has not finished yet'
    if (live?.state === 'closing') return 'it is closing'
    const closed = this.closed.get(id)
    if (closed) {
      const ago = ((Date.now() - closed.closedAt) / 1000).toFixed(1)
      return `it closed ${ago} s ago (${closed.code}${closed.reason ? ` ${closed.reason}` : ''})`
    }
    return 'no such connection'
  }
}
