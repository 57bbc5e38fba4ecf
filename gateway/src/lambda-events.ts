/**
 * Lambda proxy (AWS_PROXY) events for WebSocket routes, shaped like AWS's examples
 * (https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-websocket-api-integration-requests.html)
 * and real captures: CONNECT carries the handshake headers, MESSAGE only the body, DISCONNECT a fixed four-header set plus the close status.
 */

export type WebSocketEventType = 'CONNECT' | 'MESSAGE' | 'DISCONNECT'

export interface WebSocketIdentity {
  sourceIp: string
  userAgent?: string
}

export interface WebSocketRequestContext {
  routeKey: string
  eventType: WebSocketEventType
  /** MESSAGE only. */
  messageId?: string
  extendedRequestId: string
  requestTime: string
  messageDirection: 'IN'
  stage: string
  connectedAt: number
  requestTimeEpoch: number
  identity: WebSocketIdentity
  requestId: string
  domainName: string
  connectionId: string
  apiId: string
  /** DISCONNECT only. */
  disconnectStatusCode?: number
  disconnectReason?: string
}

export interface WebSocketEvent {
  requestContext: WebSocketRequestContext
  isBase64Encoded: false
  /** MESSAGE only: the text frame as received. */
  body?: string
  headers?: Record<string, string>
  multiValueHeaders?: Record<string, string[]>
  queryStringParameters?: Record<string, string>
  multiValueQueryStringParameters?: Record<string, string[]>
}

/** What a proxy integration returns. Only `statusCode`, `headers` and `body` matter to the gateway. */
export interface WebSocketResult {
  statusCode?: number
  headers?: Record<string, string | number | boolean>
  multiValueHeaders?: Record<string, (string | number | boolean)[]>
  body?: string
  isBase64Encoded?: boolean
}

/** Per-connection facts every event repeats. */
export interface ConnectionFacts {
  connectionId: string
  connectedAt: number
  identity: WebSocketIdentity
  /** The Host header of the handshake (DISCONNECT repeats it). */
  host: string
}

export interface ApiFacts {
  apiId: string
  stage: string
  domainName: string
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']

/** Common Log Format time in UTC: `09/Feb/2024:18:11:43 +0000`. */
export function clfTime(epochMs: number): string {
  const d = new Date(epochMs)
  const two = (n: number) => String(n).padStart(2, '0')
  return `${two(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${two(d.getUTCHours())}:${two(
    d.getUTCMinutes(),
  )}:${two(d.getUTCSeconds())} +0000`
}

function context(
  api: ApiFacts,
  conn: ConnectionFacts,
  routeKey: string,
  eventType: WebSocketEventType,
  requestId: string,
  now: number,
): WebSocketRequestContext {
  return {
    routeKey,
    eventType,
    extendedRequestId: requestId,
    requestTime: clfTime(now),
    messageDirection: 'IN',
    stage: api.stage,
    connectedAt: conn.connectedAt,
    requestTimeEpoch: now,
    identity: { ...conn.identity },
    requestId,
    domainName: api.domainName,
    connectionId: conn.connectionId,
    apiId: api.apiId,
  }
}

// The Lambda integration's CONNECT event has no hop-by-hop handshake headers (the authorizer's event does).
const DROPPED_CONNECT_HEADERS = new Set(['connection', 'upgrade', 'content-length'])

export interface HandshakeFacts {
  /** Node's rawHeaders: name, value, name, value… in the client's case. */
  rawHeaders: string[]
  /** The raw query string without `?`, or '' when there is none. */
  rawQuery: string
  forwardedFor: string
  forwardedPort: number
  forwardedProto: 'http' | 'https'
  traceId: string
}

export function connectEvent(
  api: ApiFacts,
  conn: ConnectionFacts,
  requestId: string,
  now: number,
  hs: HandshakeFacts,
): WebSocketEvent {
  const headers: Record<string, string> = {}
  const multiValueHeaders: Record<string, string[]> = {}
  const add = (name: string, value: string) => {
    headers[name] = value
    ;(multiValueHeaders[name] ??= []).push(value)
  }
  for (let i = 0; i + 1 < hs.rawHeaders.length; i += 2) {
    const name = hs.rawHeaders[i]!
    if (!DROPPED_CONNECT_HEADERS.has(name.toLowerCase())) add(name, hs.rawHeaders[i + 1]!)
  }
  add('X-Amzn-Trace-Id', hs.traceId)
  add('X-Forwarded-For', hs.forwardedFor)
  add('X-Forwarded-Port', String(hs.forwardedPort))
  add('X-Forwarded-Proto', hs.forwardedProto)
  const event: WebSocketEvent = {
    headers,
    multiValueHeaders,
    requestContext: context(api, conn, '$connect', 'CONNECT', requestId, now),
    isBase64Encoded: false,
  }
  // Present only when the URL has a query string: absent, not {}, otherwise.
  if (hs.rawQuery) {
    const single: Record<string, string> = {}
    const multi: Record<string, string[]> = {}
    for (const [k, v] of new URLSearchParams(hs.rawQuery)) {
      single[k] = v
      ;(multi[k] ??= []).push(v)
    }
    if (Object.keys(single).length > 0) {
      event.queryStringParameters = single
      event.multiValueQueryStringParameters = multi
    }
  }
  return event
}

export function messageEvent(
  api: ApiFacts,
  conn: ConnectionFacts,
  routeKey: string,
  requestId: string,
  messageId: string,
  now: number,
  body: string,
): WebSocketEvent {
  const { routeKey: _key, ...rest } = context(api, conn, routeKey, 'MESSAGE', requestId, now)
  // Field order as in the capture: messageId right after routeKey.
  return {
    requestContext: { routeKey, messageId, ...rest },
    body,
    isBase64Encoded: false,
  }
}

export function disconnectEvent(
  api: ApiFacts,
  conn: ConnectionFacts,
  requestId: string,
  now: number,
  status: { code: number; reason: string },
): WebSocketEvent {
  const { routeKey: _key, ...base } = context(api, conn, '$disconnect', 'DISCONNECT', requestId, now)
  return {
    headers: { Host: conn.host, 'x-api-key': '', 'X-Forwarded-For': '', 'x-restapi': '' },
    multiValueHeaders: { Host: [conn.host], 'x-api-key': [''], 'X-Forwarded-For': [''], 'x-restapi': [''] },
    requestContext: {
      routeKey: '$disconnect',
      disconnectStatusCode: status.code,
      ...base,
      disconnectReason: status.reason,
    },
    isBase64Encoded: false,
  }
}
