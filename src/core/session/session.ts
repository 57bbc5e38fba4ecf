import { LOG_SEQ_SLOT, type CloseInitiator, type ReadyState, type SessionEvent, type SessionEventBody } from './events'
import { checkClientCloseCode } from './close-codes'
import { DEFAULT_KEEPALIVE, keepaliveIntervalProblem, type KeepaliveSettings } from './keepalive-settings'
import { utf8Bytes } from '../composer/message-size'
import { toBase64 } from '../composer/bytes'

/** The part of the browser's WebSocket the session uses; the `ws` package's client has the same shape. */
export interface SocketLike {
  readonly readyState: number
  readonly protocol: string
  binaryType: string
  send(data: string | Uint8Array): void
  /** Optional: a wrapper that watches the socket (the timeout lab's) learns that this send is a keepalive. */
  sendKeepalive?(data: string): void
  close(code?: number, reason?: string): void
  onopen: ((event: unknown) => void) | null
  onmessage: ((event: { data: unknown }) => void) | null
  onerror: ((event: unknown) => void) | null
  onclose: ((event: { code: number; reason: string; wasClean: boolean }) => void) | null
}

export type SocketFactory = (url: string, protocols: string[]) => SocketLike

export interface SessionOptions {
  createSocket?: SocketFactory
  now?: () => number
  /** How often readyState is sampled, as the article's setInterval did; catches changes no event reports. */
  sampleIntervalMs?: number
  keepalive?: KeepaliveSettings
  /** Stamped on every event as `source`: which of the page's connections it belongs to. */
  source?: string
  /** Numbers each new socket; several sessions share one counter so their sockets' numbers never collide. */
  numberConnection?: () => number
}

export interface CloseInfo {
  at: number
  code: number
  reason: string
  wasClean: boolean
  initiator: CloseInitiator
  beforeOpen: boolean
}

export type Result = { ok: true } | { ok: false; error: string }

/** Everything a page shows about the session, as one plain record (see `WebSocketSession.snapshot`). */
export interface SessionState {
  /** Which connection of this session (1, 2, …); 0 before the first. */
  connection: number
  readyState: ReadyState | undefined
  url: string | undefined
  /** The subprotocol the server accepted; '' for none. */
  protocol: string
  connectingAt: number | undefined
  openedAt: number | undefined
  lastSentAt: number | undefined
  lastReceivedAt: number | undefined
  sentCount: number
  receivedCount: number
  lastClose: CloseInfo | undefined
  keepaliveEnabled: boolean
  nextKeepaliveAt: number | undefined
}

type Listener = (event: SessionEvent) => void

/**
 * One WebSocket at a time, reconnectable, as a stream of events. Owns every timer it starts (readyState
 * sampling, keepalive) and stops them all when the socket closes. Knows nothing of Vue.
 */
export class WebSocketSession {
  private socket: SocketLike | undefined
  private readonly listeners = new Set<Listener>()
  private readonly createSocket: SocketFactory
  private readonly now: () => number
  private readonly sampleIntervalMs: number
  private sampleTimer: ReturnType<typeof setInterval> | undefined
  private keepaliveTimer: ReturnType<typeof setTimeout> | undefined
  private closeRequested = false
  private readonly numberConnection: (() => number) | undefined
  readonly source: string | undefined
  /** The 1 s sample recorded CLOSING before the close event told the code: the close event completes it. */
  private closingSampled = false

  connection = 0
  readyState: ReadyState | undefined
  url: string | undefined
  protocol = ''
  connectingAt: number | undefined
  openedAt: number | undefined
  lastSentAt: number | undefined
  lastReceivedAt: number | undefined
  sentCount = 0
  receivedCount = 0
  lastClose: CloseInfo | undefined
  keepalive: KeepaliveSettings
  nextKeepaliveAt: number | undefined

  constructor(options: SessionOptions = {}) {
    this.createSocket =
      options.createSocket ?? ((url, protocols) => new WebSocket(url, protocols) as unknown as SocketLike)
    this.now = options.now ?? Date.now
    this.sampleIntervalMs = options.sampleIntervalMs ?? 1000
    this.keepalive = { ...(options.keepalive ?? DEFAULT_KEEPALIVE) }
    this.source = options.source
    this.numberConnection = options.numberConnection
  }

  /** A copy of the state; every field is required, so one added to `SessionState` cannot be forgotten here. */
  snapshot(): SessionState {
    return {
      connection: this.connection,
      readyState: this.readyState,
      url: this.url,
      protocol: this.protocol,
      connectingAt: this.connectingAt,
      openedAt: this.openedAt,
      lastSentAt: this.lastSentAt,
      lastReceivedAt: this.lastReceivedAt,
      sentCount: this.sentCount,
      receivedCount: this.receivedCount,
      lastClose: this.lastClose,
      keepaliveEnabled: this.keepalive.enabled,
      nextKeepaliveAt: this.nextKeepaliveAt,
    }
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  get isActive(): boolean {
    return this.readyState === 0 || this.readyState === 1 || this.readyState === 2
  }

  connect(url: string, protocols: string[] = []): Result {
    if (this.isActive) return { ok: false, error: 'Already connected: disconnect first.' }
    this.connection = this.numberConnection ? this.numberConnection() : this.connection + 1
    this.url = url
    this.protocol = ''
    this.openedAt = undefined
    this.lastSentAt = undefined
    this.lastReceivedAt = undefined
    this.sentCount = 0
    this.receivedCount = 0
    this.closeRequested = false
    this.closingSampled = false
    this.connectingAt = this.now()
    this.readyState = 0
    this.emit({ kind: 'connecting', direction: 'none', url, protocols: protocols.length ? protocols : undefined })
    let socket: SocketLike
    try {
      socket = this.createSocket(url, protocols)
    } catch (e) {
      // The constructor throws a SyntaxError for URLs and subprotocols it refuses; no socket exists then.
      this.readyState = 3
      const message = e instanceof Error ? e.message : String(e)
      this.emit({ kind: 'error', direction: 'none', message: `The browser refused to open the socket: ${message}` })
      this.lastClose = {
        at: this.now(),
        code: 1006,
        reason: '',
        wasClean: false,
        initiator: 'client',
        beforeOpen: true,
      }
      this.emit({
        kind: 'closed',
        direction: 'none',
        code: 1006,
        reason: '',
        wasClean: false,
        initiator: 'client',
        beforeOpen: true,
      })
      return { ok: false, error: message }
    }
    this.socket = socket
    socket.binaryType = 'arraybuffer'
    socket.onopen = () => this.handleOpen(socket)
    socket.onmessage = (event) => this.handleMessage(socket, event.data)
    socket.onerror = () => this.handleError(socket)
    socket.onclose = (event) => this.handleClose(socket, event)
    this.sampleTimer = setInterval(() => this.sample(), this.sampleIntervalMs)
    return { ok: true }
  }

  /** Sends text as a text frame, or bytes as a binary frame (logged as base64 and marked binary). */
  send(data: string | Uint8Array, options: { keepalive?: boolean } = {}): Result {
    const socket = this.socket
    if (!socket || socket.readyState !== 1) return { ok: false, error: 'Not connected: the socket is not OPEN.' }
    try {
      if (options.keepalive && socket.sendKeepalive && typeof data === 'string') socket.sendKeepalive(data)
      else socket.send(data)
    } catch (e) {
      return { ok: false, error: e instanceof Error ? e.message : String(e) }
    }
    this.lastSentAt = this.now()
    this.sentCount++
    const kind = options.keepalive ? 'keepalive' : 'sent'
    if (typeof data === 'string') this.emit({ kind, direction: 'out', data, bytes: utf8Bytes(data) })
    else this.emit({ kind, direction: 'out', data: toBase64(data), bytes: data.byteLength, binary: true })
    return { ok: true }
  }

  disconnect(code?: number, reason?: string): Result {
    const socket = this.socket
    if (!socket || !this.isActive) return { ok: false, error: 'Not connected.' }
    if (this.readyState === 2) return { ok: true }
    // Enforce the browser's rules here too, so the session behaves the same on the `ws` client in Node.
    const invalid = checkClientCloseCode(code, reason ?? '')
    if (invalid) return { ok: false, error: invalid }
    try {
      if (code === undefined) socket.close()
      else socket.close(code, reason ?? '')
    } catch (e) {
      return { ok: false, error: e instanceof Error ? e.message : String(e) }
    }
    this.closeRequested = true
    this.stopKeepalive()
    this.readyState = 2
    this.emit({ kind: 'closing', direction: 'none', code, reason: reason || undefined, initiator: 'client' })
    return { ok: true }
  }

  setKeepalive(settings: KeepaliveSettings): Result {
    const problem = keepaliveIntervalProblem(settings.intervalMs)
    if (problem) {
      // An invalid setting turns keepalive off: a timer left running would send while the switch shows Off.
      this.stopKeepalive()
      this.keepalive = { ...this.keepalive, enabled: false }
      return { ok: false, error: problem }
    }
    this.keepalive = { ...settings }
    this.stopKeepalive()
    if (settings.enabled && this.readyState === 1) this.scheduleKeepalive()
    return { ok: true }
  }

  /** Stops every timer and closes the socket; the session stays usable. */
  dispose(): void {
    if (this.isActive) this.disconnect(1000, '')
    this.stopTimers()
  }

  /** Compares the socket's own readyState with the last one reported: the browser moves to CLOSING silently. */
  sample(): void {
    const socket = this.socket
    if (!socket || socket.readyState === this.readyState) return
    if (socket.readyState === 2 && this.readyState === 1) {
      this.readyState = 2
      this.closingSampled = true
      this.stopKeepalive()
      this.emit({ kind: 'closing', direction: 'none', initiator: this.closeRequested ? 'client' : 'server' })
    }
  }

  private handleOpen(socket: SocketLike): void {
    if (socket !== this.socket) return
    this.readyState = 1
    this.openedAt = this.now()
    this.protocol = socket.protocol
    // Schedule before emitting, so listeners see the next keepalive time along with the open.
    if (this.keepalive.enabled) this.scheduleKeepalive()
    this.emit({ kind: 'open', direction: 'none', protocol: socket.protocol || undefined })
  }

  private handleMessage(socket: SocketLike, data: unknown): void {
    if (socket !== this.socket) return
    const at = this.now()
    this.lastReceivedAt = at
    this.receivedCount++
    if (typeof data === 'string') {
      const source = this.source
      const openedAt = this.openedAt
      // A flood's every message: the whole event in one literal, the fields in the order `emit` gives them (one
      // object of one shape; completing a smaller one in place grows it, an allocation more per message). With a
      // place for the `seq` the log numbers it with (LOG_SEQ_SLOT), for the same reason.
      if (source !== undefined && openedAt !== undefined)
        this.dispatch({
          kind: 'received',
          direction: 'in',
          data,
          bytes: utf8Bytes(data),
          at,
          connection: this.connection,
          source,
          sinceOpen: at - openedAt,
          seq: LOG_SEQ_SLOT,
        } as SessionEvent)
      else this.emit({ kind: 'received', direction: 'in', data, bytes: utf8Bytes(data) }, at)
      return
    }
    // Binary frames are kept as base64 (never read as text or markup); the log shows them as hex or base64.
    const bytes = toBytes(data)
    this.emit({ kind: 'received', direction: 'in', data: toBase64(bytes), bytes: bytes.byteLength, binary: true }, at)
  }

  private handleError(socket: SocketLike): void {
    if (socket !== this.socket) return
    this.emit({
      kind: 'error',
      direction: 'none',
      message:
        this.openedAt === undefined
          ? this.closeRequested
            ? 'The connection attempt was cancelled before the handshake finished.'
            : 'The handshake failed. The browser does not say why: see the close code that follows.'
          : 'The connection failed. The browser does not say why: see the close code that follows.',
    })
  }

  private handleClose(socket: SocketLike, event: { code: number; reason: string; wasClean: boolean }): void {
    if (socket !== this.socket) return
    this.stopTimers()
    const beforeOpen = this.openedAt === undefined
    const initiator: CloseInitiator = this.closeRequested ? 'client' : 'server'
    // A clean close means the server's close frame arrived, which put the socket in CLOSING. No event reports that
    // moment and the 1 s sample rarely catches it, so CLOSING is recorded here, just before CLOSED, with its code.
    if (this.readyState === 1 && event.wasClean) {
      this.readyState = 2
      this.emit({ kind: 'closing', direction: 'none', code: event.code, reason: event.reason || undefined, initiator })
    } else if (this.closingSampled && event.wasClean) {
      // The sample saw CLOSING first, without a code: this completes that record rather than adding a second.
      // Only a clean close: an unclean one's 1006 is not the code of the close frame that caused the CLOSING.
      this.emit({
        kind: 'closing',
        direction: 'none',
        code: event.code,
        reason: event.reason || undefined,
        initiator,
        completes: true,
      })
    }
    this.closingSampled = false
    this.readyState = 3
    this.lastClose = {
      at: this.now(),
      code: event.code,
      reason: event.reason,
      wasClean: event.wasClean,
      initiator,
      beforeOpen,
    }
    this.emit({
      kind: 'closed',
      direction: 'none',
      code: event.code,
      reason: event.reason,
      wasClean: event.wasClean,
      initiator,
      beforeOpen,
    })
    socket.onopen = socket.onmessage = socket.onerror = socket.onclose = null
  }

  private scheduleKeepalive(): void {
    this.nextKeepaliveAt = this.now() + this.keepalive.intervalMs
    this.keepaliveTimer = setTimeout(() => {
      this.keepaliveTimer = undefined
      this.nextKeepaliveAt = undefined
      // Never send on a socket that is not OPEN; a closing socket stops the keepalive for good.
      if (this.socket?.readyState !== 1 || this.readyState !== 1) return
      this.scheduleKeepalive()
      this.send(this.keepalive.payload, { keepalive: true })
    }, this.keepalive.intervalMs)
  }

  private stopKeepalive(): void {
    if (this.keepaliveTimer !== undefined) clearTimeout(this.keepaliveTimer)
    this.keepaliveTimer = undefined
    this.nextKeepaliveAt = undefined
  }

  private stopTimers(): void {
    this.stopKeepalive()
    if (this.sampleTimer !== undefined) clearInterval(this.sampleTimer)
    this.sampleTimer = undefined
  }

  /**
   * Completes the caller's fresh event object in place rather than copying it: in a flood this runs for every
   * message, and one allocation fewer per message is measurable.
   */
  private emit(event: SessionEventBody, at = this.now()): void {
    const full = event as SessionEvent
    full.at = at
    full.connection = this.connection
    if (this.source !== undefined) full.source = this.source
    if (this.openedAt !== undefined) full.sinceOpen = full.at - this.openedAt
    this.dispatch(full)
  }

  private dispatch(event: SessionEvent): void {
    for (const listener of this.listeners) listener(event)
  }
}

function toBytes(data: unknown): Uint8Array {
  if (data instanceof ArrayBuffer) return new Uint8Array(data)
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
  return new Uint8Array(0)
}
