import { describeError as describe, type InvocationOutcome } from './handlers'
import type { WebSocketResult } from './lambda-events'

/**
 * The WebSocket handshake as API Gateway judges it, without sockets: which requests are refused before `$connect`
 * runs, and what HTTP status the client sees for each `$connect` outcome
 * (https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-websocket-api-route-keys-connect-disconnect.html,
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/websocket-connect-route-subprotocol.html).
 */

export interface HandshakeRefusal {
  status: number
  /** Short reason for the `refused` event. */
  reason: string
  /** The response body. */
  body: string
  headers?: Record<string, string>
  /** The one log line that says why. */
  log: string
  level: 'info' | 'error'
}

export interface AcceptedHandshake {
  protocol?: string
  headers: [string, string][]
}

export interface HandshakeRequest {
  method?: string
  headers: Record<string, string | string[] | undefined>
}

const WEBSOCKET_KEY = /^[+/0-9A-Za-z]{22}==$/
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/
// Headers a $connect result may not override: they belong to the handshake itself.
const HANDSHAKE_HEADERS = new Set([
  'upgrade',
  'connection',
  'sec-websocket-accept',
  'sec-websocket-protocol',
  'sec-websocket-extensions',
  'content-length',
])

const json = (message: string) => JSON.stringify({ message })
const INTERNAL = json('Internal server error')

function header(req: HandshakeRequest, name: string): string | undefined {
  const value = req.headers[name]
  return Array.isArray(value) ? value.join(', ') : value
}

/**
 * What `ws` would refuse, checked before `$connect` runs (so a `$connect` never succeeds for a socket that cannot
 * open, which would leave a connection without `$disconnect`). Undefined when the request is a valid handshake.
 */
export function handshakeProblem(req: HandshakeRequest): HandshakeRefusal | undefined {
  const refuse = (status: number, message: string, headers?: Record<string, string>): HandshakeRefusal => ({
    status,
    reason: message,
    body: json(message),
    headers,
    log: `handshake refused ${status}: ${message}`,
    level: 'error',
  })
  if (req.method !== 'GET') return refuse(405, `WebSocket handshakes use GET, not ${req.method}`)
  if ((header(req, 'upgrade') ?? '').toLowerCase() !== 'websocket') return refuse(400, 'Invalid Upgrade header')
  if (!WEBSOCKET_KEY.test(header(req, 'sec-websocket-key') ?? ''))
    return refuse(400, 'Missing or invalid Sec-WebSocket-Key header')
  if (header(req, 'sec-websocket-version') !== '13')
    return refuse(426, 'Unsupported Sec-WebSocket-Version (only 13)', { 'Sec-WebSocket-Version': '13' })
  const protocols = header(req, 'sec-websocket-protocol')
  if (protocols !== undefined && !validProtocolList(protocols))
    return refuse(400, 'Invalid Sec-WebSocket-Protocol header')
  return undefined
}

/** ws's rule (RFC 6455 §4.1): a comma-separated list of distinct tokens. */
function validProtocolList(value: string): boolean {
  const seen = new Set<string>()
  for (const part of value.split(',')) {
    const name = part.trim()
    if (!TOKEN.test(name) || seen.has(name)) return false
    seen.add(name)
  }
  return true
}

export interface ConnectSettings {
  integrationTimeoutMs: number
  connectTimeoutStatus: number
  connectWithoutStatusCode: 'accept' | 'reject'
}

/** `$connect`'s outcome → accept (with the headers for the 101) or an HTTP refusal. */
export function connectDecision(
  id: string,
  outcome: InvocationOutcome,
  o: ConnectSettings,
): { accept: AcceptedHandshake; log?: string } | { refuse: HandshakeRefusal } {
  const refuse = (
    status: number,
    reason: string,
    body: string,
    log: string,
    level: 'info' | 'error' = 'error',
    headers?: Record<string, string>,
  ) => ({
    refuse: { status, reason, body, log, level, headers },
  })
  if (outcome.kind === 'timeout')
    return refuse(
      o.connectTimeoutStatus,
      '$connect timed out',
      json('Endpoint request timed out'),
      `${id} $connect timed out after ${o.integrationTimeoutMs} ms → handshake ${o.connectTimeoutStatus}`,
    )
  if (outcome.kind === 'error')
    return refuse(502, '$connect threw', INTERNAL, `${id} $connect threw ${describe(outcome.error)} → handshake 502`)
  const result = outcome.value as WebSocketResult | null | undefined
  const status = result && typeof result === 'object' ? result.statusCode : undefined
  if (status === undefined) {
    if (o.connectWithoutStatusCode === 'accept')
      return {
        accept: { headers: [] },
        log: `${id} $connect returned no statusCode; accepted (connect-without-status-code=accept)`,
      }
    return refuse(
      502,
      'no statusCode',
      INTERNAL,
      `${id} $connect returned no statusCode → handshake 502 (connect-without-status-code=reject)`,
    )
  }
  if (!Number.isInteger(status) || status < 200 || status > 599)
    return refuse(
      502,
      'malformed result',
      INTERNAL,
      `${id} $connect returned statusCode ${JSON.stringify(status)}, not an HTTP status → handshake 502`,
    )
  const headers = resultHeaders(result!)
  if (status >= 300) {
    const extra: Record<string, string> = {}
    for (const [name, value] of headers) if (!HANDSHAKE_HEADERS.has(name.toLowerCase())) extra[name] = value
    return refuse(
      status,
      `$connect returned ${status}`,
      typeof result!.body === 'string' ? result!.body : '',
      `${id} $connect returned ${status} → handshake refused with ${status}`,
      'info',
      extra,
    )
  }
  const accepted: AcceptedHandshake = { headers: [] }
  for (const [name, value] of headers) {
    if (name.toLowerCase() === 'sec-websocket-protocol') accepted.protocol = value
    else if (!HANDSHAKE_HEADERS.has(name.toLowerCase())) accepted.headers.push([name, value])
  }
  return { accept: accepted }
}

/** `headers` and `multiValueHeaders` of a result, minus anything that could split the response. */
export function resultHeaders(result: WebSocketResult): [string, string][] {
  const list: [string, string][] = []
  const ok = (name: string, value: string) => !/[\r\n]/.test(value) && TOKEN.test(name)
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
