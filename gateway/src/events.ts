import { EventEmitter } from 'node:events'
import type { CloseCause } from './options'

export interface ConnectInfo {
  connectionId: string
  connectedAt: number
  time: number
  sourceIp: string
  userAgent?: string
  /** The subprotocol accepted by `$connect`, if any. */
  protocol?: string
}

export interface MessageInfo {
  connectionId: string
  /** The text frame as received. */
  body: string
  time: number
  requestId: string
  /** The route that ran, or undefined when nothing matched (the client got `Forbidden`). */
  routeKey?: string
}

export interface SendInfo {
  connectionId: string
  /** What went to the client (a string for text frames). */
  data: string | Buffer
  time: number
  via: '@connections' | 'route-response' | 'error-frame'
}

export interface DisconnectInfo {
  connectionId: string
  /** What `$disconnect` gets as disconnectStatusCode / disconnectReason. */
  code: number
  reason: string
  time: number
  /** Who ended it: the client, or the gateway (idle, maxDuration, deleted, binary, …). */
  cause: CloseCause
  connectedAt: number
}

export interface RefusedInfo {
  /** HTTP status of the refused handshake. */
  status: number
  reason: string
  connectionId?: string
  time: number
}

export interface GatewayEventMap {
  connect: ConnectInfo
  message: MessageInfo
  send: SendInfo
  disconnect: DisconnectInfo
  refused: RefusedInfo
}

export type GatewayEventName = keyof GatewayEventMap

/** A typed EventEmitter; never emits 'error', so a listener-less gateway can't throw from an event. */
export class GatewayEvents extends EventEmitter {
  constructor(private readonly onListenerError: (event: string, error: unknown) => void) {
    super()
    this.setMaxListeners(100)
  }

  /** A throwing listener is logged, never allowed to break the gateway. */
  emitEvent<K extends GatewayEventName>(event: K, info: GatewayEventMap[K]): void {
    if (this.listenerCount(event) === 0) return
    try {
      this.emit(event, info)
    } catch (error) {
      this.onListenerError(event, error)
    }
  }
}
