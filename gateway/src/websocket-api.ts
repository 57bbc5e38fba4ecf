import type { IncomingMessage } from 'node:http'
import type { Duplex } from 'node:stream'
import { WebSocketServer, type RawData, type WebSocket } from 'ws'
import { foreignRequest, type AccessPolicy } from './access'
import type { Connection, ConnectionRegistry } from './connection-registry'
import type { GatewayEvents } from './events'
import { FrameWatcher, type FrameViolation } from './frame-watcher'
import { InvocationGate } from './invocation-gate'
import type { LogLimiter } from './log-limiter'
import type { Clock } from './clock'
import { describeError, type InvocationOutcome } from './handlers'
import { connectDecision, handshakeProblem, type AcceptedHandshake, type HandshakeRefusal } from './handshake-rules'
import { refuseUpgrade, sourceIp, splitUrl } from './http-util'
import { awsId, traceId } from './ids'
import { connectEvent, disconnectEvent, messageEvent, type ApiFacts, type WebSocketEvent } from './lambda-events'
import type { CloseCause, CloseStatus, ResolvedOptions } from './options'
import { TokenBucket } from './rate-limit'
import { errorFrame, errorFrameReply, routeReply, unmatchedReply, type RouteReply } from './route-reply'
import type { RouteInvoker } from './route-invoker'
import { selectRoute, type CompiledExpression } from './route-selection'
import type { SignedRequest, Verification } from './sigv4-verify'

export interface WebSocketApiDeps {
  options: ResolvedOptions
  /** The integration: in-process handlers or a backend's Lambda runtime. */
  routes: RouteInvoker
  expression: CompiledExpression
  registry: ConnectionRegistry
  events: GatewayEvents
  api: () => ApiFacts
  port: () => number
  /** Present in IAM mode. */
  verify?: (req: SignedRequest) => Verification
  clock: Clock
  access: AccessPolicy
  /** Per-address log lines, rate-limited. */
  logLimiter: LogLimiter
  /** Per-connection log lines (messages, error frames, drops), rate-limited so no client can flood the log. */
  connectionLog: LogLimiter
  /** A connection is gone and its `$disconnect` (if any) has run: nothing more will be logged about it. */
  afterDisconnect?: (connectionId: string) => void
  /** The account throttle, shared with `@connections`. */
  accountThrottle: TokenBucket
}

/** What happened to an outgoing message. */
export type SendResult = 'sent' | 'gone' | 'full'

const KILL_AFTER_CLOSE_MS = 2000

/** The WebSocket side of the API: handshake + `$connect`, routing, limits, timers, `$disconnect`. */
export class WebSocketApi {
  private readonly wss: WebSocketServer
  private readonly bucket: TokenBucket
  private readonly gate: InvocationGate
  private readonly accepted = new WeakMap<IncomingMessage, AcceptedHandshake>()
  private readonly pendingDisconnects = new Set<Promise<void>>()
  /** Sockets between the upgrade request and the 101 (or refusal), so shutdown can drop them. */
  private readonly handshakes = new Set<Duplex>()
  private shuttingDown = false
  private readonly o: ResolvedOptions
  private readonly clock: Clock

  constructor(private readonly d: WebSocketApiDeps) {
    this.o = d.options
    this.clock = d.clock
    this.bucket = new TokenBucket(this.o.newConnectionsPerSecond, d.clock)
    this.gate = new InvocationGate(this.o.maxConcurrentInvocations, this.o.maxQueuedMessages)
    this.wss = new WebSocketServer({
      noServer: true,
      clientTracking: false,
      perMessageDeflate: false,
      // The frame watcher enforces both limits first with its own reasons; this is the backstop for messages.
      maxPayload: this.o.maxMessageBytes,
      // One message per turn of the event loop: a socket read can hold thousands of small frames (64 KB of 5-byte
      // messages is ~6,000), and handling them in one go would stall every other connection and HTTP request.
      allowSynchronousEvents: false,
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

  /** A line about one connection, within that connection's log budget. */
  private connLine(conn: Connection, line: string, level: 'info' | 'error') {
    if (level === 'info' && !this.o.logInfo) return
    this.d.connectionLog.line(conn.connectionId, line, level)
  }

  /** Invocations running and waiting, and connections whose sockets are paused (for `gateway.stats()`). */
  get invocationStats(): { running: number; queued: number; paused: number } {
    return this.gate.stats
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
    this.d.events.emitEvent('refused', { status, reason, connectionId, time: this.clock.now() })
  }

  private refuseWith(socket: Duplex, r: HandshakeRefusal, connectionId?: string): void {
    this.log(r.log, r.level)
    this.refuse(socket, r.status, r.reason, r.body, r.headers, connectionId)
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
    const foreign = foreignRequest(this.d.access, req.headers.host, req.headers.origin)
    if (foreign) {
      this.d.logLimiter.line(
        sourceIp(req.socket.remoteAddress),
        `handshake refused ${foreign.status}: ${foreign.why}`,
        'error',
      )
      return this.refuse(socket, foreign.status, 'foreign origin or host', JSON.stringify({ message: foreign.message }))
    }
    if (url.length > this.o.maxUrlLength) {
      this.log(`handshake refused 414: URL is ${url.length} characters (limit ${this.o.maxUrlLength})`, 'error')
      return this.refuse(socket, 414, 'URL too long', JSON.stringify({ message: 'Request-URI Too Long' }))
    }
    if (!this.isStagePath(path)) {
      this.log(`handshake refused 403: path ${path.slice(0, 200)} is not the stage /${this.o.stage}`, 'error')
      return this.refuse(socket, 403, 'wrong path', forbidden)
    }
    const problem = handshakeProblem(req)
    if (problem) return this.refuseWith(socket, problem)
    if (this.shuttingDown)
      return this.refuse(socket, 503, 'shutting down', JSON.stringify({ message: 'Service Unavailable' }))
    if (!this.bucket.take()) {
      this.log(`handshake refused 429: over ${this.o.newConnectionsPerSecond} new connections per second`, 'error')
      return this.refuse(socket, 429, 'throttled', JSON.stringify({ message: 'Too Many Requests' }))
    }
    if (this.d.verify) {
      const result = this.d.verify({ method: 'GET', path, query, rawHeaders: req.rawHeaders })
      if (!result.ok) {
        this.log(`handshake refused 403 (IAM): ${result.message.split('\n')[0]}`, 'error')
        return this.refuse(socket, 403, `IAM: ${result.failure}`, JSON.stringify({ message: result.message }))
      }
    }

    const now = this.clock.now()
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
    // A client that half-closes during $connect has left: release its descriptor now, not after $connect.
    const onEarlyEnd = () => {
      socketGone = true
      socket.destroy()
    }
    socket.once('close', onEarlyClose)
    socket.once('end', onEarlyEnd)

    const accepted = await this.runConnect(req, socket, conn, query, now)
    socket.removeListener('close', onEarlyClose)
    socket.removeListener('end', onEarlyEnd)
    if (!accepted) return this.d.registry.forget(conn.connectionId)
    if (socketGone || socket.destroyed) {
      this.log(`${conn.connectionId} left during $connect; $disconnect runs for it`)
      return this.connectedButGone(conn, 'abnormal')
    }
    if (this.shuttingDown) {
      this.refuse(socket, 503, 'shutting down', JSON.stringify({ message: 'Service Unavailable' }))
      return this.connectedButGone(conn, 'shutdown')
    }
    this.accepted.set(req, accepted)
    let opened = false
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      opened = true
      this.onOpen(conn, ws, accepted)
    })
    // ws completes synchronously; if it bailed out (socket half-closed) the socket is gone, but $connect said yes.
    if (!opened) {
      this.log(`${conn.connectionId} closed before its 101 could be sent; $disconnect runs for it`)
      this.connectedButGone(conn, 'abnormal')
    }
  }

  /** `$connect` accepted a socket that never opened: the handlers still get their `$disconnect`, as for any close. */
  private connectedButGone(conn: Connection, cause: CloseCause): void {
    const status = this.o.disconnectStatus[cause]
    this.d.registry.remove(conn.connectionId, status.code, status.reason)
    this.runDisconnect(conn, status)
  }

  /** Runs `$connect` (if there is one); returns what to put in the 101, or undefined after refusing. */
  private async runConnect(
    req: IncomingMessage,
    socket: Duplex,
    conn: Connection,
    query: string,
    now: number,
  ): Promise<AcceptedHandshake | undefined> {
    if (!this.d.routes.has('$connect')) return { headers: [] }
    const requestId = awsId()
    const event = connectEvent(this.d.api(), conn, requestId, now, {
      rawHeaders: req.rawHeaders,
      rawQuery: query,
      forwardedFor: conn.identity.sourceIp,
      forwardedPort: this.d.port(),
      forwardedProto: 'http',
      traceId: traceId(now),
    })
    const outcome = await this.invoke('$connect', event, requestId)
    // Stopping destroyed the socket and cut $connect short: no refusal to send, nothing to blame on the handler.
    if (this.shuttingDown && outcome.kind !== 'result') return undefined
    const decision = connectDecision(conn.connectionId, outcome, this.o)
    if ('refuse' in decision) {
      this.refuseWith(socket, decision.refuse, conn.connectionId)
      return undefined
    }
    if (decision.log) this.log(decision.log)
    return decision.accept
  }

  private onOpen(conn: Connection, ws: WebSocket, accepted: AcceptedHandshake): void {
    const now = this.clock.now()
    conn.ws = ws
    conn.state = 'open'
    conn.lastActiveAt = now
    const socket = (ws as unknown as { _socket: Duplex })._socket
    const watcher = new FrameWatcher(this.o.maxFrameBytes, this.o.maxMessageBytes, (v) => this.onViolation(conn, v))
    conn.watcher = watcher
    // Before ws's own listener, so a bad frame is caught from its header, before its payload is read.
    socket.prependListener('data', (chunk: Buffer) => watcher.push(chunk))
    // A clean close comes after every message sent before it (ws hands them over in order), so only a socket that
    // dies with messages still unread in ws's buffer (up to one 64 KB read) leaves some: a flooder that resets its
    // connection would otherwise keep its handler busy for thousands of messages after it left.
    socket.once('close', () => (conn.socketGone = true))

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

    if (this.o.connectionMessagesPerSecond > 0)
      conn.messageBucket = new TokenBucket(this.o.connectionMessagesPerSecond, this.clock)
    conn.idleTimer = this.clock.after(this.o.idleTimeout * 1000, () => this.closeBy(conn, 'idle'))
    conn.maxTimer = this.clock.after(Math.max(0, conn.connectedAt + this.o.maxDuration * 1000 - now), () =>
      this.closeBy(conn, 'maxDuration'),
    )

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
    conn.lastActiveAt = this.clock.now()
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
    if (conn.socketGone) {
      conn.unread = (conn.unread ?? 0) + 1
      return
    }
    if (isBinary) return this.closeBy(conn, 'binary')
    if (conn.messageBucket && !conn.messageBucket.take()) {
      this.log(
        `${conn.connectionId} sent more than ${this.o.connectionMessagesPerSecond} messages per second → close ${this.o.closeFrames.throttled.code} (--connection-messages-per-second)`,
        'error',
      )
      return this.closeBy(conn, 'throttled')
    }
    this.touch(conn)
    const body = (data as Buffer).toString('utf8')
    const now = conn.lastActiveAt
    const requestId = awsId()
    const routes = this.d.routes
    const { routeKey } = selectRoute(this.d.expression, body, (key) => routes.has(key))
    this.d.events.emitEvent('message', {
      connectionId: conn.connectionId,
      body,
      time: now,
      requestId,
      routeKey,
    })
    if (!this.d.accountThrottle.take()) {
      return this.deliver(
        conn,
        requestId,
        errorFrameReply(
          'Too Many Requests',
          `MESSAGE    ${conn.connectionId} over the account throttle (${this.o.accountRequestsPerSecond}/s, burst ${this.o.accountBurst})`,
        ),
      )
    }
    if (routeKey === undefined) return this.deliver(conn, requestId, unmatchedReply(conn.connectionId))
    this.connLine(conn, `MESSAGE    ${conn.connectionId} ${routeKey} ${Buffer.byteLength(body)} B`, 'info')
    this.gate.submit(conn.connectionId, conn.ws!, async () => {
      // Built when it runs, so a waiting message holds its body and little else.
      const event = messageEvent(this.d.api(), conn, routeKey, requestId, awsId(), now, body)
      const outcome = await this.invoke(routeKey, event, requestId)
      this.afterMessage(conn, routeKey, requestId, outcome)
    })
  }

  private afterMessage(conn: Connection, routeKey: string, requestId: string, outcome: InvocationOutcome): void {
    const reply = routeReply(outcome, {
      connectionId: conn.connectionId,
      routeKey,
      twoWay: this.d.routes.isTwoWay(routeKey),
      integrationTimeoutMs: this.o.integrationTimeoutMs,
      maxReplyBytes: this.o.maxMessageBytes,
    })
    this.deliver(conn, requestId, reply)
  }

  private deliver(conn: Connection, requestId: string, reply: RouteReply): void {
    if (conn.state !== 'open' || !conn.ws) {
      // Nothing can be sent to a closed connection, so no line may say a frame was. While the gateway stops, the
      // invocations it cuts short are its own doing and its stop line counts them: nothing to add.
      if (reply.kind === 'error-frame' && !this.shuttingDown)
        this.log(`${reply.why}; the connection had closed, so nothing was sent`, 'error')
      return
    }
    if (reply.kind === 'none') {
      if (reply.note) this.connLine(conn, reply.note, 'error')
      return
    }
    if (reply.kind === 'reply') return this.sendText(conn, reply.body, 'route-response')
    this.connLine(conn, reply.log, 'error')
    this.sendText(conn, errorFrame(reply.message, conn.connectionId, requestId), 'error-frame')
  }

  private sendText(conn: Connection, text: string, via: 'route-response' | 'error-frame'): void {
    const result = this.send(conn, text, false)
    if (result === 'sent') {
      this.d.events.emitEvent('send', { connectionId: conn.connectionId, data: text, time: this.clock.now(), via })
    } else if (result === 'full') {
      // No caller to answer 429 to, so the message is lost, as a post to a full buffer would be; counted and logged.
      conn.dropped = (conn.dropped ?? 0) + 1
      this.connLine(
        conn,
        `${conn.connectionId} is not reading (${this.buffered(conn)} bytes unsent, limit ${this.o.maxOutgoingBytes}): ${via} dropped (${conn.dropped} so far)`,
        'error',
      )
    }
  }

  /**
   * Sends one message to an open connection; outgoing data counts as activity. 'full' (nothing sent) when the
   * message would take the connection's unsent bytes over --max-outgoing-bytes: the one cap for replies, error frames
   * and `@connections` posts.
   */
  send(conn: Connection, data: string | Buffer, binary: boolean): SendResult {
    if (conn.state !== 'open' || !conn.ws) return 'gone'
    const ws = conn.ws
    const size = this.o.outgoingFrameBytes
    const length = typeof data === 'string' ? Buffer.byteLength(data) : data.length
    if (ws.bufferedAmount + length > this.o.maxOutgoingBytes) return 'full'
    if (size > 0 && length > size) {
      const bytes = typeof data === 'string' ? Buffer.from(data) : data
      for (let offset = 0; offset < bytes.length; offset += size) {
        ws.send(bytes.subarray(offset, offset + size), { binary, fin: offset + size >= bytes.length })
      }
    } else {
      ws.send(data, { binary })
    }
    this.touch(conn)
    return 'sent'
  }

  /** Bytes queued for a connection's socket. */
  buffered(conn: Connection): number {
    return conn.ws?.bufferedAmount ?? 0
  }

  /** Starts a server-side close: sends the cause's close frame, and cuts the socket if the peer doesn't answer. */
  closeBy(conn: Connection, cause: CloseCause): void {
    if (conn.state !== 'open' || !conn.ws) return
    conn.state = 'closing'
    conn.cause = cause
    conn.watcher?.stop()
    conn.idleTimer?.cancel()
    conn.maxTimer?.cancel()
    const { code, reason } = this.o.closeFrames[cause]
    if (cause === 'idle' || cause === 'maxDuration' || cause === 'deleted' || cause === 'shutdown') {
      this.log(`CLOSE      ${conn.connectionId} ${cause} → close frame ${code}${reason ? ` "${reason}"` : ''}`)
    }
    const ws = conn.ws
    ws.close(code, reason)
    conn.killTimer = this.clock.after(KILL_AFTER_CLOSE_MS, () => ws.terminate())
  }

  private onClose(conn: Connection, code: number, reason: string): void {
    conn.idleTimer?.cancel()
    conn.maxTimer?.cancel()
    conn.killTimer?.cancel()
    conn.watcher?.stop()
    conn.state = 'closing'
    this.gate.forget(conn.connectionId)
    this.d.connectionLog.flush(conn.connectionId)
    if (conn.dropped)
      this.log(`${conn.connectionId} did not read ${conn.dropped} reply/error frame(s); they were dropped`, 'error')
    if (conn.unread)
      this.log(
        `${conn.connectionId} dropped its connection with ${conn.unread} message(s) read but not yet routed; they were not invoked`,
        'error',
      )
    const cause: CloseCause = conn.cause ?? (code === 1006 ? 'abnormal' : 'client')
    const status = this.disconnectStatus(cause, code, reason)
    this.d.registry.remove(conn.connectionId, status.code, status.reason)
    conn.ws = undefined
    conn.watcher = undefined
    const now = this.clock.now()
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
    this.runDisconnect(conn, status)
  }

  private runDisconnect(conn: Connection, status: CloseStatus): void {
    if (!this.d.routes.has('$disconnect')) return this.d.afterDisconnect?.(conn.connectionId)
    const requestId = awsId()
    const event = disconnectEvent(this.d.api(), conn, requestId, this.clock.now(), status)
    // Best effort, after the close, result ignored: as on AWS.
    const done = this.invoke('$disconnect', event, requestId).then((outcome) => {
      // A $disconnect still running when the gateway stops is cut short by the stop itself, not by the handler.
      if (this.shuttingDown && outcome.kind !== 'result') return
      if (outcome.kind === 'error')
        this.log(`${conn.connectionId} $disconnect threw ${describeError(outcome.error)} (ignored)`, 'error')
      if (outcome.kind === 'timeout')
        this.log(
          `${conn.connectionId} $disconnect took longer than ${this.o.integrationTimeoutMs} ms (ignored)`,
          'error',
        )
    })
    this.pendingDisconnects.add(done)
    void done.finally(() => {
      this.pendingDisconnects.delete(done)
      this.d.afterDisconnect?.(conn.connectionId)
    })
  }

  /** The spec's table: the client's code and reason are copied; no code → 1005 with AWS's wording. */
  private disconnectStatus(cause: CloseCause, code: number, reason: string): CloseStatus {
    if (cause !== 'client') return this.o.disconnectStatus[cause]
    if (code === 1005) return { code: 1005, reason: 'Client-side close frame status not set' }
    return { code, reason }
  }

  private invoke(routeKey: string, event: WebSocketEvent, requestId: string): Promise<InvocationOutcome> {
    return this.d.routes.invoke(routeKey, event, requestId)
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
