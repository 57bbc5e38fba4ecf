import { vi } from 'vitest'
import * as defaultHandlers from '../../../gateway/handlers/default'
import type { HandlerMap } from '../../../gateway/src/handlers'
import type { Gateway } from '../../../gateway/src/index'
import type { ManagementApi } from '../experiments/types'
import { observeSockets } from '../session/observed-socket'
import type { SocketFactory } from '../session/session'
import { until } from './ws-test-server'

/**
 * What vi's fake timers replace for these tests: timers and clocks only. setImmediate, nextTick and the sockets stay
 * real, so the real `ws` server and client keep talking while time stands still.
 */
export const FAKE_CLOCK: Parameters<typeof vi.useFakeTimers>[0] = {
  toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date', 'performance'],
}

/** Event-loop turns with nothing in flight before the clock may move: lets promise chains and handlers settle. */
const QUIET_TURNS = 20

/**
 * Runs a real client against the real in-process gateway on one fake clock, moving the clock only when nothing is
 * in flight: no handshake or close half done, every frame either side sent already received by the other, no
 * handler or @connections call pending. Time then passes only between events, never during one, so every time
 * the experiments measure is an exact timer value, however slow the machine is.
 */
export class Lockstep {
  private readonly clientSockets = new Map<
    number,
    { state: 'connecting' | 'open' | 'closing'; sent: number; received: number }
  >()
  private readonly gatewayConnections = new Map<string, { messages: number; sends: number }>()
  private pendingCalls = 0

  /** Wraps a socket factory so its sockets' states and frame counts are known. */
  sockets(factory: SocketFactory): SocketFactory {
    return observeSockets(factory, (event) => {
      const socket = this.clientSockets.get(event.socket) ?? { state: 'connecting' as const, sent: 0, received: 0 }
      this.clientSockets.set(event.socket, socket)
      if (event.kind === 'open') socket.state = 'open'
      else if (event.kind === 'closing') socket.state = 'closing'
      else if (event.kind === 'closed') this.clientSockets.delete(event.socket)
      else if (event.kind === 'sent' || event.kind === 'keepalive') socket.sent++
      else if (event.kind === 'received') socket.received++
    })
  }

  /** Follows a gateway's connections and frames. */
  watch(gw: Gateway): Gateway {
    gw.on('connect', (info) => this.gatewayConnections.set(info.connectionId, { messages: 0, sends: 0 }))
    gw.on('disconnect', (info) => this.gatewayConnections.delete(info.connectionId))
    gw.on('message', (info) => {
      const conn = this.gatewayConnections.get(info.connectionId)
      if (conn) conn.messages++
    })
    gw.on('send', (info) => {
      const conn = this.gatewayConnections.get(info.connectionId)
      if (conn) conn.sends++
    })
    return gw
  }

  /** The gateway's default handlers, counted while they run (they call @connections over real HTTP). */
  handlers(): { handlers: HandlerMap; routeResponses: string[] } {
    const handlers: HandlerMap = {}
    for (const [key, handler] of Object.entries(defaultHandlers.handlers)) {
      handlers[key] = (event) => this.track(handler(event))
    }
    return { handlers, routeResponses: [...defaultHandlers.routeResponses] }
  }

  /** A management API whose calls are counted while in flight. */
  management(api: ManagementApi): ManagementApi {
    return {
      post: (connectionId, data) => this.track(api.post(connectionId, data)),
      get: (connectionId) => this.track(api.get(connectionId)),
    }
  }

  /** Nothing in flight: the state both sides see is the same, and only a timer can change it. */
  isQuiet(): boolean {
    if (this.pendingCalls > 0) return false
    let sent = 0
    let received = 0
    for (const socket of this.clientSockets.values()) {
      if (socket.state !== 'open') return false
      sent += socket.sent
      received += socket.received
    }
    if (this.clientSockets.size !== this.gatewayConnections.size) return false
    let messages = 0
    let sends = 0
    for (const conn of this.gatewayConnections.values()) {
      messages += conn.messages
      sends += conn.sends
    }
    return sent === messages && received === sends
  }

  /** Settles `work`, moving the fake clock to the next timer each time everything is quiet. */
  async run<T>(work: Promise<T>): Promise<T> {
    let done = false
    const finished = work.finally(() => (done = true))
    finished.catch(() => {})
    while (!done) {
      await until(() => done || this.isQuiet(), 'nothing in flight')
      for (let i = 0; i < QUIET_TURNS && !done; i++) await new Promise((resolve) => setImmediate(resolve))
      if (done || !this.isQuiet()) continue
      if (vi.getTimerCount() === 0) throw new Error('Stuck: nothing in flight and no timer pending.')
      vi.advanceTimersToNextTimer()
    }
    return finished
  }

  private track<T>(promise: Promise<T>): Promise<T> {
    this.pendingCalls++
    return promise.finally(() => this.pendingCalls--)
  }
}
