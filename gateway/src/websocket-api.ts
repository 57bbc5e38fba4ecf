import type { IncomingMessage } from 'node:http'
import type { Duplex } from 'node:stream'
import { WebSocketServer, type RawData, type WebSocket } from 'ws'
import type { Connection, ConnectionRegistry } from './connection-registry'
import type { GatewayEvents } from './events'
import { FrameWatcher, type FrameViolation } from './frame-watcher'
import {
  describeError,
  invokeHandler,
  type InvocationOutcome,
  type RouteHandler,
  type RouteTable,
} from './handlers'
import { refuseUpgrade, sourceIp, splitUrl } from './http-util'
import { awsId, traceId } from './ids'
import {
  connectEvent,
  disconnectEvent,
  messageEvent,
  type ApiFacts,
  type WebSocketEvent,
  type WebSocketResult,
} from './lambda-events'
import type { CloseCause, CloseStatus, ResolvedOptions } from './options'
import { TokenBucket } from './rate-limit'
import { selectRoute, type CompiledExpression } from './route-selection'
import type { SignedRequest, Verification } from './sigv4-verify'

export interface WebSocketApiDeps {
  options: ResolvedOptions
  routes: RouteTable
  expression: CompiledExpression
  registry: ConnectionRegistry
  events: GatewayEvents
  api: () => ApiFacts
  port: () => number
  /** Present in IAM mode. */
  verify?: (req: SignedRequest) => Verification
  beforeInvoke: () => void
}

interface AcceptedHandshake {
  protocol?: string
  headers: [string, string][]
}

const ERROR_FRAME = (message: string, connectionId: string, requestId: string) =>
  // The exact spacing seen in wscat transcripts: a space after "message": and the commas, none after the ids' colons.
  `{"message": "${message}", "connectionId":"${connectionId}", "requestId":"${requestId}"}`

const WEBSOCKET_KEY = /^[+/0-9A-Za-z]{22}==$/
// Headers a $connect result may not override: they belong to the handshake itself.
const HANDSHAKE_HEADERS = new Set([
  'upgrade',
  'connection',
  'sec-websocket-accept',
  'sec-websocket-protocol',
  'sec-websocket-extensions',
  'content-length',
])
const KILL_AFTER_CLOSE_MS = 2000

/** The WebSocket side of the API: handshake + `$connect`, routing, limits, timers, `$disconnect`. */
export class WebSocketApi {
  private readonly wss: WebSocketServer
  private readonly bucket: TokenBucket
  private readonly accepted = new WeakMap<IncomingMessage, AcceptedHandshake>()
  private readonly pendingDisconnects = new Set<Promise<void>>()
  /** Sockets between the upgrade request and the 101 (or refusal), so shutdown can drop them. */
  private readonly handshakes = new Set<Duplex>()
  private shuttingDown = false
  private readonly o: ResolvedOptions

  constructor(private readonly d: WebSocketApiDeps) {
    this.o = d.options
    this.bucket = new TokenBucket(this.o.newConnectionsPerSecond)
    this.wss = new WebSocketServer({
      noServer: true,
      clientTracking: false,
      perMessageDeflate: false,
      // The frame watcher enforces both limits first with its own reasons; this is the backstop for messages.
      maxPayload: this.o.maxMessageBytes,
      autoPong: this.o.answerPings,
      // Only a subprotocol that $connect returned is accepted, as on AWS (ws would otherwise pick the first one).
      handleProtocols: (_protocols, req) => this.accepted.get(req)?.protocol ?? false,
    })
    this.wss.on('headers', (headers, req) => {
      for (const [name, value] of this.accepted.get(req)?.headers ?? []) headers.push(`${name}: ${value}`)
    })
  }

  private log(line: string, level: 'info' | 'error' = 'info') {
    this.o.log(line, level)
  }

  private isStagePath(path: string): boolean {
    const stage = `/${this.o.stage}`
    return path === stage || path === stage + '/'
  }

  private refuse(
    socket: Duplex,
    status: number,
    reason: string,
    body: string,
    headers: Record<string, string> = {},
    connectionId?: string,
  ) {
    refuseUpgrade(socket, status, body, headers)
    this.d.events.emitEvent('refused', { status, reason, connectionId, time: Date.now() })
  }

  /** The HTTP server's 'upgrade' event. Never throws: every failure becomes an HTTP refusal and one log line. */
  async handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    const onError = (error: Error) => this.log(`socket error during handshake: ${error.message}`, 'error')
    socket.on('error', onError)
    this.handshakes.add(socket)
    try {
      await this.upgrade(req, socket, head)
    } catch (error) {
      this.log(`handshake failed: ${describeError(error)}`, 'error')
      this.refuse(socket, 500, 'internal error', JSON.stringify({ message: 'Internal server error' }))
    } finally {
      this.handshakes.delete(socket)
      // From here on ws (or the refusal) owns the socket's errors.
      socket.off('error', onError)
      socket.on('error', () => {})
    }
  }

  private async upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    const url = req.url ?? '/'
    const { path, query } = splitUrl(url)
    const forbidden = JSON.stringify({ message: 'Forbidden' })
    if (url.length > this.o.maxUrlLength) {
      this.log(
        `handshake refused 414: URL is ${url.length} characters (limit ${this.o.maxUrlLength})`,
        'error',
      )
      return this.refuse(socket, 414, 'URL too long', JSON.stringify({ message: 'Request-URI Too Long' }))
    }
    if (!this.isStagePath(path)) {
      this.log(`handshake refused 403: path ${path.slice(0, 200)} is not the stage /${this.o.stage}`, 'error')
      return this.refuse(socket, 403, 'wrong path', forbidden)
    }
    const problem = this.handshakeProblem(req)
    if (problem) {
      this.log(`handshake refused ${problem.status}: ${problem.message}`, 'error')
      return this.refuse(
        socket,
        problem.status,
        problem.message,
        JSON.stringify({ message: problem.message }),
        problem.headers,
      )
    }
    if (this.shuttingDown)
      return this.refuse(socket, 503, 'shutting down', JSON.stringify({ message: 'Service Unavailable' }))
    if (!this.bucket.take()) {
      this.log(
        `handshake refused 429: over ${this.o.newConnectionsPerSecond} new connections per second`,
        'error',
      )
      return this.refuse(socket, 429, 'throttled', JSON.stringify({ message: 'Too Many Requests' }))
    }
    if (this.d.verify) {
      const result = this.d.verify({ method: 'GET', path, query, rawHeaders: req.rawHeaders })
      if (!result.ok) {
        this.log(`handshake refused 403 (IAM): ${result.message.split('\n')[0]}`, 'error')
        return this.refuse(socket, 403, `IAM: ${result.failure}`, JSON.stringify({ message: result.message }))
      }
    }

    const now = Date.now()
    const userAgent = req.headers['user-agent']
    const conn: Connection = {
      connectionId: awsId(),
      connectedAt: now,
      lastActiveAt: now,
      identity:
        userAgent === undefined
          ? { sourceIp: sourceIp(req.socket.remoteAddress) }
          : { sourceIp: sourceIp(req.socket.remoteAddress), userAgent },
      host: req.headers.host ?? this.d.api().domainName,
      state: 'connecting',
    }
    this.d.registry.add(conn)
    let socketGone = false
    const onEarlyClose = () => (socketGone = true)
    socket.once('close', onEarlyClose)

    const accepted = await this.runConnect(req, socket, conn, query, now)
    socket.removeListener('close', onEarlyClose)
    if (!accepted) return this.d.registry.forget(conn.connectionId)
    if (socketGone || socket.destroyed) {
      this.log(`${conn.connectionId} left during $connect; no connection was made`)
      return this.d.registry.forget(conn.connectionId)
    }
    if (this.shuttingDown) {
      this.d.registry.forget(conn.connectionId)
      return this.refuse(socket, 503, 'shutting down', JSON.stringify({ message: 'Service Unavailable' }))
    }
    this.accepted.set(req, accepted)
    let opened = false
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      opened = true
      this.onOpen(conn, ws, accepted)
    })
    // ws completes synchronously; if it bailed out (socket unwritable) the connection never existed.
    if (!opened) this.d.registry.forget(conn.connectionId)
  }

  private handshakeProblem(
    req: IncomingMessage,
  ): { status: number; message: string; headers?: Record<string, string> } | undefined {
    if (req.method !== 'GET')
      return { status: 405, message: `WebSocket handshakes use GET, not ${req.method}` }
    if ((req.headers.upgrade ?? '').toLowerCase() !== 'websocket')
      return { status: 400, message: 'Invalid Upgrade header' }
    if (!WEBSOCKET_KEY.test(req.headers['sec-websocket-key'] ?? ''))
      return { status: 400, message: 'Missing or invalid Sec-WebSocket-Key header' }
    if (req.headers['sec-websocket-version'] !== '13') {
      return {
        status: 426,
        message: 'Unsupported Sec-WebSocket-Version (only 13)',
        headers: { 'Sec-WebSocket-Version': '13' },
      }
    }
    return undefined
  }

  /** Runs `$connect` (if there is one); returns what to put in the 101, or undefined after refusing. */
  private async runConnect(
    req: IncomingMessage,
    socket: Duplex,
    conn: Connection,
    query: string,
    now: number,
  ): Promise<AcceptedHandshake | undefined> {
    const handler = this.d.routes.handlers.get('$connect')
    if (!handler) return { headers: [] }
    const requestId = awsId()
    const event = connectEvent(this.d.api(), conn, requestId, now, {
      rawHeaders: req.rawHeaders,
      rawQuery: query,
      forwardedFor: conn.identity.sourceIp,
      forwardedPort: this.d.port(),
      forwardedProto: 'http',
      traceId: traceId(now),
    })
    const outcome = await this.invoke('$connect', handler, event, requestId)
    const id = conn.connectionId
    const refuse = (status: number, reason: string, body: string, headers: Record<string, string> = {}) => {
      this.refuse(socket, status, reason, body, headers, id)
      return undefined
    }
    if (outcome.kind === 'timeout') {
      this.log(
        `${id} $connect timed out after ${this.o.integrationTimeoutMs} ms → handshake ${this.o.connectTimeoutStatus}`,
        'error',
      )
      return refuse(
        this.o.connectTimeoutStatus,
        '$connect timed out',
        JSON.stringify({ message: 'Endpoint request timed out' }),
      )
    }
    if (outcome.kind === 'error') {
      this.log(`${id} $connect threw ${describeError(outcome.error)} → handshake 502`, 'error')
      return refuse(502, '$connect threw', JSON.stringify({ message: 'Internal server error' }))
    }
    const result = outcome.value as WebSocketResult | null | undefined
    const status = result && typeof result === 'object' ? result.statusCode : undefined
    if (status === undefined) {
      if (this.o.connectWithoutStatusCode === 'accept') {
        this.log(`${id} $connect returned no statusCode; accepted (connect-without-status-code=accept)`)
        return { headers: [] }
      }
      this.log(
        `${id} $connect returned no statusCode → handshake 502 (connect-without-status-code=reject)`,
        'error',
      )
      return refuse(502, 'no statusCode', JSON.stringify({ message: 'Internal server error' }))
    }
    if (!Number.isInteger(status) || status < 200 || status > 599) {
      this.log(
        `${id} $connect returned statusCode ${JSON.stringify(status)}, not an HTTP status → handshake 502`,
        'error',
      )
      return refuse(502, 'malformed result', JSON.stringify({ message: 'Internal server error' }))
    }
    const headers = resultHeaders(result!)
    if (status >= 300) {
      this.log(`${id} $connect returned ${status} → handshake refused with ${status}`)
      const body = typeof result!.body === 'string' ? result!.body : ''
      const extra: Record<string, string> = {}
      for (const [name, value] of headers) if (!HANDSHAKE_HEADERS.has(name.toLowerCase())) extra[name] = value
      return refuse(status, `$connect returned ${status}`, body, extra)
    }
    const accepted: AcceptedHandshake = { headers: [] }
    for (const [name, value] of headers) {
      if (name.toLowerCase() === 'sec-websocket-protocol') accepted.protocol = value
      else if (!HANDSHAKE_HEADERS.has(name.toLowerCase())) accepted.headers.push([name, value])
    }
    return accepted
  }

  private onOpen(conn: Connection, ws: WebSocket, accepted: AcceptedHandshake): void {
    const now = Date.now()
    conn.ws = ws
    conn.state = 'open'
    conn.lastActiveAt = now
    const socket = (ws as unknown as { _socket: Duplex })._socket
    const watcher = new FrameWatcher(this.o.maxFrameBytes, this.o.maxMessageBytes, (v) =>
      this.onViolation(conn, v),
    )
    conn.watcher = watcher
    // Before ws's own listener, so a bad frame is caught from its header, before its payload is read.
    socket.prependListener('data', (chunk: Buffer) => watcher.push(chunk))

    ws.on('message', (data, isBinary) => this.onMessage(conn, data, isBinary))
    ws.on('close', (code, reason) => this.onClose(conn, code, reason.toString()))
    ws.on('error', (error: Error & { code?: string }) => {
      // ws closes the socket itself (1007 invalid UTF-8, 1002 protocol error, 1009 over maxPayload).
      conn.cause ??=
        error.code === 'WS_ERR_INVALID_UTF8'
          ? 'invalidFrame'
          : error.code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH'
            ? 'messageTooLarge'
            : 'protocolError'
      conn.state = 'closing'
      this.log(`${conn.connectionId} protocol error: ${error.message}; ws closes the connection`, 'error')
    })
    if (this.o.pingCountsAsActivity) ws.on('ping', () => this.touch(conn))

    conn.idleTimer = setTimeout(() => this.closeBy(conn, 'idle'), this.o.idleTimeout * 1000)
    conn.maxTimer = setTimeout(
      () => this.closeBy(conn, 'maxDuration'),
      Math.max(0, conn.connectedAt + this.o.maxDuration * 1000 - now),
    )
    conn.idleTimer.unref()
    conn.maxTimer.unref()

    const ua = conn.identity.userAgent
    if (this.o.logInfo)
      this.log(
        `CONNECT    ${conn.connectionId} from ${conn.identity.sourceIp}${ua ? ` (${ua.slice(0, 60)})` : ''}${accepted.protocol ? ` protocol ${accepted.protocol}` : ''}`,
      )
    this.d.events.emitEvent('connect', {
      connectionId: conn.connectionId,
      connectedAt: conn.connectedAt,
      time: now,
      sourceIp: conn.identity.sourceIp,
      userAgent: ua,
      protocol: accepted.protocol,
    })
  }

  private touch(conn: Connection): void {
    conn.lastActiveAt = Date.now()
    conn.idleTimer?.refresh()
  }

  private onViolation(conn: Connection, v: FrameViolation): void {
    const detail =
      v.kind === 'binary'
        ? 'a binary frame (API Gateway accepts text only)'
        : v.kind === 'frameTooLarge'
          ? `a ${v.bytes}-byte frame (limit ${this.o.maxFrameBytes})`
          : `a ${v.bytes}-byte message (limit ${this.o.maxMessageBytes})`
    this.log(`${conn.connectionId} sent ${detail} → close ${this.o.closeFrames[v.kind].code}`, 'error')
    this.closeBy(conn, v.kind)
  }

  private onMessage(conn: Connection, data: RawData, isBinary: boolean): void {
    if (conn.state !== 'open') return
    if (isBinary) return this.closeBy(conn, 'binary')
    this.touch(conn)
    const body = (data as Buffer).toString('utf8')
    const now = conn.lastActiveAt
    const requestId = awsId()
    const routes = this.d.routes.handlers
    const { routeKey } = selectRoute(this.d.expression, body, (key) => routes.has(key))
    this.d.events.emitEvent('message', {
      connectionId: conn.connectionId,
      body,
      time: now,
      requestId,
      routeKey,
    })
    if (routeKey === undefined) {
      this.log(
        `MESSAGE    ${conn.connectionId} no route matched and there is no $default → "Forbidden" frame`,
        'error',
      )
      this.sendText(conn, ERROR_FRAME('Forbidden', conn.connectionId, requestId), 'error-frame')
      return
    }
    if (this.o.logInfo) this.log(`MESSAGE    ${conn.connectionId} ${routeKey} ${Buffer.byteLength(body)} B`)
    const event = messageEvent(this.d.api(), conn, routeKey, requestId, awsId(), now, body)
    void this.invoke(routeKey, routes.get(routeKey)!, event, requestId).then((outcome) =>
      this.afterMessage(conn, routeKey, requestId, outcome),
    )
  }

  private afterMessage(
    conn: Connection,
    routeKey: string,
    requestId: string,
    outcome: InvocationOutcome,
  ): void {
    const id = conn.connectionId
    if (outcome.kind === 'timeout') {
      this.log(
        `${id} ${routeKey} took longer than ${this.o.integrationTimeoutMs} ms → "Endpoint request timed out" frame`,
        'error',
      )
      this.sendText(conn, ERROR_FRAME('Endpoint request timed out', id, requestId), 'error-frame')
      return
    }
    if (outcome.kind === 'error') {
      this.log(
        `${id} ${routeKey} threw ${describeError(outcome.error)} → "Internal server error" frame`,
        'error',
      )
      this.sendText(conn, ERROR_FRAME('Internal server error', id, requestId), 'error-frame')
      return
    }
    if (!this.d.routes.twoWay.has(routeKey)) return
    const result = outcome.value as WebSocketResult | null | undefined
    const body = result && typeof result === 'object' ? result.body : undefined
    if (body === undefined || body === null) return
    if (typeof body !== 'string') {
      this.log(
        `${id} ${routeKey} returned a non-string body (${typeof body}) → "Internal server error" frame`,
        'error',
      )
      this.sendText(conn, ERROR_FRAME('Internal server error', id, requestId), 'error-frame')
      return
    }
    this.sendText(conn, body, 'route-response')
  }

  private sendText(conn: Connection, text: string, via: 'route-response' | 'error-frame'): void {
    if (this.send(conn, text, false)) {
      this.d.events.emitEvent('send', { connectionId: conn.connectionId, data: text, time: Date.now(), via })
    }
  }

  /** Sends one message to an open connection; outgoing data counts as activity. False when it is not open. */
  send(conn: Connection, data: string | Buffer, binary: boolean): boolean {
    if (conn.state !== 'open' || !conn.ws) return false
    const ws = conn.ws
    const size = this.o.outgoingFrameBytes
    const length = typeof data === 'string' ? Buffer.byteLength(data) : data.length
    if (size > 0 && length > size) {
      const bytes = typeof data === 'string' ? Buffer.from(data) : data
      for (let offset = 0; offset < bytes.length; offset += size) {
        ws.send(bytes.subarray(offset, offset + size), { binary, fin: offset + size >= bytes.length })
      }
    } else {
      ws.send(data, { binary })
    }
    this.touch(conn)
    return true
  }

  /** Bytes queued for a connection's socket (for the @connections 429 check). */
  buffered(conn: Connection): number {
    return conn.ws?.bufferedAmount ?? 0
  }

  /** Starts a server-side close: sends the cause's close frame, and cuts the socket if the peer doesn't answer. */
  closeBy(conn: Connection, cause: CloseCause): void {
    if (conn.state !== 'open' || !conn.ws) return
    conn.state = 'closing'
    conn.cause = cause
    conn.watcher?.stop()
    clearTimeout(conn.idleTimer)
    clearTimeout(conn.maxTimer)
    const { code, reason } = this.o.closeFrames[cause]
    if (cause === 'idle' || cause === 'maxDuration' || cause === 'deleted' || cause === 'shutdown') {
      this.log(
        `CLOSE      ${conn.connectionId} ${cause} → close frame ${code}${reason ? ` "${reason}"` : ''}`,
      )
    }
    const ws = conn.ws
    ws.close(code, reason)
    conn.killTimer = setTimeout(() => ws.terminate(), KILL_AFTER_CLOSE_MS)
    conn.killTimer.unref()
  }

  private onClose(conn: Connection, code: number, reason: string): void {
    clearTimeout(conn.idleTimer)
    clearTimeout(conn.maxTimer)
    clearTimeout(conn.killTimer)
    conn.watcher?.stop()
    conn.state = 'closing'
    const cause: CloseCause = conn.cause ?? (code === 1006 ? 'abnormal' : 'client')
    const status = this.disconnectStatus(cause, code, reason)
    this.d.registry.remove(conn.connectionId, status.code, status.reason)
    conn.ws = undefined
    conn.watcher = undefined
    const now = Date.now()
    if (this.o.logInfo)
      this.log(
        `DISCONNECT ${conn.connectionId} ${status.code}${status.reason ? ` "${status.reason}"` : ''} (${cause === 'client' ? 'closed by the client' : cause})`,
      )
    this.d.events.emitEvent('disconnect', {
      connectionId: conn.connectionId,
      code: status.code,
      reason: status.reason,
      time: now,
      cause,
      connectedAt: conn.connectedAt,
    })
    const handler = this.d.routes.handlers.get('$disconnect')
    if (!handler) return
    const requestId = awsId()
    const event = disconnectEvent(this.d.api(), conn, requestId, now, status)
    // Best effort, after the close, result ignored: as on AWS.
    const done = this.invoke('$disconnect', handler, event, requestId).then((outcome) => {
      if (outcome.kind === 'error')
        this.log(`${conn.connectionId} $disconnect threw ${describeError(outcome.error)} (ignored)`, 'error')
      if (outcome.kind === 'timeout')
        this.log(
          `${conn.connectionId} $disconnect took longer than ${this.o.integrationTimeoutMs} ms (ignored)`,
          'error',
        )
    })
    this.pendingDisconnects.add(done)
    void done.finally(() => this.pendingDisconnects.delete(done))
  }

  /** The spec's table: the client's code and reason are copied; no code → 1005 with AWS's wording. */
  private disconnectStatus(cause: CloseCause, code: number, reason: string): CloseStatus {
    if (cause !== 'client') return this.o.disconnectStatus[cause]
    if (code === 1005) return { code: 1005, reason: 'Client-side close frame status not set' }
    return { code, reason }
  }

  private invoke(
    routeKey: string,
    handler: RouteHandler,
    event: WebSocketEvent,
    requestId: string,
  ): Promise<InvocationOutcome> {
    return invokeHandler(handler, event, {
      routeKey,
      requestId,
      timeoutMs: this.o.integrationTimeoutMs,
      region: this.o.region,
      apiId: this.o.apiId,
      beforeInvoke: this.d.beforeInvoke,
    })
  }

  /** Closes every socket with 1001 and waits (bounded) for their `$disconnect` handlers. */
  async shutdown(): Promise<void> {
    this.shuttingDown = true
    // Handshakes still in $connect never become connections.
    for (const socket of this.handshakes) socket.destroy()
    const open = [...this.d.registry.all()].filter((conn) => conn.state !== 'connecting')
    for (const conn of open) this.closeBy(conn, 'shutdown')
    const deadline = Date.now() + KILL_AFTER_CLOSE_MS + 500
    while (open.some((conn) => conn.ws) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10))
    for (const conn of open) conn.ws?.terminate()
    const disconnects = Promise.allSettled([...this.pendingDisconnects])
    await Promise.race([
      disconnects,
      new Promise((r) => setTimeout(r, Math.min(this.o.integrationTimeoutMs, 5000)).unref()),
    ])
    this.wss.close()
  }
}

function resultHeaders(result: WebSocketResult): [string, string][] {
  const list: [string, string][] = []
  const ok = (name: string, value: string) =>
    !/[\r\n]/.test(name) && !/[\r\n]/.test(value) && /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name)
  if (result.headers && typeof result.headers === 'object') {
    for (const [name, value] of Object.entries(result.headers))
      if (ok(name, String(value))) list.push([name, String(value)])
  }
  if (result.multiValueHeaders && typeof result.multiValueHeaders === 'object') {
    for (const [name, values] of Object.entries(result.multiValueHeaders)) {
      if (!Array.isArray(values) || list.some(([n]) => n.toLowerCase() === name.toLowerCase())) continue
      for (const value of values) if (ok(name, String(value))) list.push([name, String(value)])
    }
  }
  return list
}
