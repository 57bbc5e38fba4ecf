import { isUtf8 } from 'node:buffer'
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { ConnectionsCall, Denial } from './backend/permissions'
import type { ConnectionRegistry } from './connection-registry'
import type { GatewayEvents } from './events'
import { readBody, sendAwsError, sendJson } from './http-util'
import type { LogLimiter } from './log-limiter'
import type { TokenBucket } from './rate-limit'
import type { ResolvedOptions } from './options'
import type { SignedRequest, Verification } from './sigv4-verify'
import type { WebSocketApi } from './websocket-api'

/**
 * The `@connections` management API (ApiGatewayManagementApi 2018-11-29): POST sends Data to the client (200),
 * GET describes the connection (200), DELETE closes it (204). Errors carry `x-amzn-ErrorType` because that is the
 * only place the AWS SDK v3 reads the exception name from (a bare 410 becomes "Unknown", not GoneException).
 */

export interface ConnectionsApiDeps {
  options: ResolvedOptions
  registry: ConnectionRegistry
  websocket: WebSocketApi
  events: GatewayEvents
  verify?: (req: SignedRequest) => Verification
  /** A backend's IAM check of the calling function's role (src/backend/permissions.ts). */
  authorize?: (call: ConnectionsCall) => Denial | undefined
  /** The account throttle, shared with client messages ("WebSocket callback APIs" count towards it on AWS). */
  accountThrottle: TokenBucket
  /** Lines about one connection id, rate-limited (a backend posting in a loop must not flood the log). */
  connectionLog: LogLimiter
}

export class ConnectionsApi {
  constructor(private readonly d: ConnectionsApiDeps) {}

  private idLine(id: string, line: string, level: 'info' | 'error' = 'info') {
    if (level === 'info' && !this.d.options.logInfo) return
    this.d.connectionLog.line(id, line, level)
  }

  async handle(
    req: IncomingMessage,
    res: ServerResponse,
    rawPath: string,
    rawQuery: string,
    rawId: string,
  ): Promise<void> {
    const method = req.method ?? 'GET'
    if (method !== 'POST' && method !== 'GET' && method !== 'DELETE') {
      this.idLine(rawId, `@connections ${method} ${rawPath} → 405 (POST, GET or DELETE)`, 'error')
      return sendAwsError(
        res,
        405,
        'MethodNotAllowedException',
        `Method ${method} is not allowed on @connections; use POST, GET or DELETE`,
        {
          Allow: 'POST, GET, DELETE',
        },
      )
    }
    let id: string
    try {
      id = decodeURIComponent(rawId)
    } catch {
      id = rawId
    }
    const limit = this.d.options.maxMessageBytes
    let body: Buffer | undefined
    if (method === 'POST') {
      const read = await readBody(req, limit)
      if (!read.ok) {
        if (read.tooLarge) {
          this.idLine(id, `@connections POST ${id} → 413: ${read.bytes} bytes is over the ${limit}-byte limit`, 'error')
          return sendAwsError(
            res,
            413,
            'PayloadTooLargeException',
            `Payload too large: ${read.bytes} bytes, the limit is ${limit} bytes`,
            {
              Connection: 'close',
            },
          )
        }
        this.idLine(id, `@connections POST ${id}: could not read the body: ${read.error.message}`, 'error')
        return
      }
      body = read.body
    }

    if (this.d.verify) {
      const result = this.d.verify({
        method,
        path: rawPath,
        query: rawQuery,
        rawHeaders: req.rawHeaders,
        body,
      })
      if (!result.ok) {
        this.idLine(
          id,
          `@connections ${method} ${id} → 403 (IAM, ${result.failure}): ${result.message.split('\n')[0]}`,
          'error',
        )
        return sendAwsError(res, 403, 'ForbiddenException', result.message)
      }
    }

    if (!this.d.accountThrottle.take()) {
      this.idLine(id, `@connections ${method} ${id} → 429: over the account throttle`, 'error')
      return sendAwsError(res, 429, 'LimitExceededException', 'Too Many Requests')
    }

    // IAM authorizes the call before the connection is looked up.
    const denial = this.d.authorize?.({ method, connectionId: id, rawHeaders: req.rawHeaders, query: rawQuery })
    if (denial) {
      this.idLine(id, denial.log, 'error')
      return sendJson(res, denial.status, denial.body, { 'x-amzn-ErrorType': denial.errorType })
    }

    const conn = this.d.registry.get(id)
    if (!conn || conn.state !== 'open') {
      const why = this.d.registry.explainGone(id)
      this.idLine(id, `@connections ${method} ${id} → 410 GoneException: ${why}`, 'error')
      return sendAwsError(res, 410, 'GoneException', `Connection ${id} is gone: ${why}`)
    }

    if (method === 'GET') {
      const identity: { sourceIp: string; userAgent?: string } = { sourceIp: conn.identity.sourceIp }
      if (conn.identity.userAgent !== undefined) identity.userAgent = conn.identity.userAgent
      this.idLine(id, `@connections GET ${id} → 200`)
      return sendJson(res, 200, {
        connectedAt: new Date(conn.connectedAt).toISOString(),
        identity,
        lastActiveAt: new Date(conn.lastActiveAt).toISOString(),
      })
    }

    if (method === 'DELETE') {
      this.idLine(id, `@connections DELETE ${id} → 204`)
      this.d.websocket.closeBy(conn, 'deleted')
      res.writeHead(204)
      res.end()
      return
    }

    const data = body!
    const mode = this.d.options.postDataFrame
    const binary = mode === 'binary' || (mode === 'auto' && !isUtf8(data))
    // ws sends a Buffer as a text frame when binary is false, so text is never decoded and re-encoded here.
    if (this.d.websocket.send(conn, data, binary) === 'full') {
      this.idLine(
        id,
        `@connections POST ${id} → 429: the client is not reading (${this.d.websocket.buffered(conn)} bytes unsent, limit ${this.d.options.maxOutgoingBytes})`,
        'error',
      )
      return sendAwsError(res, 429, 'LimitExceededException', 'The WebSocket client side buffer is full')
    }
    this.idLine(id, `@connections POST ${id} → 200 (${data.length} B${binary ? ', binary frame' : ''})`)
    if (this.d.events.listenerCount('send') > 0) {
      this.d.events.emitEvent('send', {
        connectionId: id,
        data: binary ? data : data.toString('utf8'),
        time: Date.now(),
        via: '@connections',
      })
    }
    res.writeHead(200, { 'Content-Length': '0' })
    res.end()
  }
}
