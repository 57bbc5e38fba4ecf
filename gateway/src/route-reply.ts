import { describeError, type InvocationOutcome } from './handlers'
import type { WebSocketResult } from './lambda-events'

/**
 * What the client gets after a route's integration finishes, without sockets: nothing (one-way routes, or a two-way
 * route without a body), the handler's body (two-way routes), or one of AWS's error frames; the connection stays
 * open in every case (https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-websocket-api-route-response.html,
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-websocket-api-overview.html).
 */
export type RouteReply =
  | { kind: 'none'; note?: string }
  | { kind: 'reply'; body: string }
  | { kind: 'error-frame'; message: ErrorFrameMessage; why: string; log: string }

export type ErrorFrameMessage =
  'Forbidden' | 'Internal server error' | 'Endpoint request timed out' | 'Too Many Requests'

/** The exact spacing seen in wscat transcripts: a space after "message": and the commas, none after the ids' colons. */
export function errorFrame(message: ErrorFrameMessage, connectionId: string, requestId: string): string {
  return `{"message": "${message}", "connectionId":"${connectionId}", "requestId":"${requestId}"}`
}

/** An error frame, and the log line that says why it was sent. */
export function errorFrameReply(message: ErrorFrameMessage, why: string): RouteReply {
  return { kind: 'error-frame', message, why, log: `${why} → "${message}" frame` }
}

export interface ReplyContext {
  connectionId: string
  routeKey: string
  twoWay: boolean
  integrationTimeoutMs: number
  /** Largest reply AWS delivers (the 128 KB message quota). */
  maxReplyBytes: number
}

export function routeReply(outcome: InvocationOutcome, c: ReplyContext): RouteReply {
  const at = `${c.connectionId} ${c.routeKey}`
  if (outcome.kind === 'timeout')
    return errorFrameReply('Endpoint request timed out', `${at} took longer than ${c.integrationTimeoutMs} ms`)
  if (outcome.kind === 'error')
    return errorFrameReply('Internal server error', `${at} threw ${describeError(outcome.error)}`)
  if (!c.twoWay) return { kind: 'none' }
  const result = outcome.value as WebSocketResult | null | undefined
  // A bare string (or number…) is not a proxy result: nothing goes back, and without this line nothing says why.
  if (result !== null && result !== undefined && typeof result !== 'object')
    return {
      kind: 'none',
      note: `${at} returned a ${typeof result}, not { statusCode, body }, so nothing was sent back; return { statusCode: 200, body: '…' } to reply (how AWS treats such a result is UNCONFIRMED)`,
    }
  const body = result && typeof result === 'object' ? result.body : undefined
  if (body === undefined || body === null) return { kind: 'none' }
  if (typeof body !== 'string')
    return errorFrameReply('Internal server error', `${at} returned a non-string body (${typeof body})`)
  const bytes = Buffer.byteLength(body)
  if (bytes > c.maxReplyBytes)
    return errorFrameReply(
      'Internal server error',
      `${at} returned a ${bytes}-byte body, over the ${c.maxReplyBytes}-byte message limit`,
    )
  return { kind: 'reply', body }
}

/** A message no route matched, with no `$default`. */
export function unmatchedReply(connectionId: string): RouteReply {
  return errorFrameReply('Forbidden', `MESSAGE    ${connectionId} no route matched and there is no $default`)
}
