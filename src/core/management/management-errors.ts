/** Plain-language explanations of what the @connections API answers, with the next step to take. */

export type ManagementErrorKind = 'gone' | 'forbidden' | 'too-large' | 'throttled' | 'expired' | 'cors' | 'network' | 'bad-request' | 'unknown'

export interface ManagementErrorExplanation {
  kind: ManagementErrorKind
  title: string
  text: string
  /** An IAM policy that would allow the call, for permission errors. */
  policy?: string
}

export interface ErrorLike {
  name?: string
  message?: string
  status?: number
}

export interface ErrorContext {
  op: 'PostToConnection' | 'GetConnection' | 'DeleteConnection'
  region?: string
  apiId?: string
  stage?: string
  /** True when a no-cors probe reached the server although the call failed: the browser blocked the answer. */
  reachable?: boolean
}

const METHOD = { PostToConnection: 'POST', GetConnection: 'GET', DeleteConnection: 'DELETE' } as const

export function manageConnectionsPolicy(ctx: Pick<ErrorContext, 'region' | 'apiId' | 'stage'>): string {
  const resource = `arn:aws:execute-api:${ctx.region ?? '*'}:*:${ctx.apiId ?? '*'}/${ctx.stage ?? '*'}/*/@connections/*`
  return JSON.stringify(
    { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'execute-api:ManageConnections', Resource: resource }] },
    null,
    2,
  )
}

export function explainManagementError(error: ErrorLike, ctx: ErrorContext): ManagementErrorExplanation {
  const name = error.name ?? ''
  const message = error.message ?? ''
  const status = error.status
  if (name === 'GoneException' || status === 410) {
    return {
      kind: 'gone',
      title: 'GoneException (410): the connection is closed, or never existed',
      text: 'API Gateway has no open connection with this id. It closed (by either side, idle timeout or the 2-hour limit), the id is from another API or stage, or the connection is still inside $connect. Get a fresh id: connect again and send whoami.',
    }
  }
  if (/expired/i.test(name) || /expired/i.test(message)) {
    return {
      kind: 'expired',
      title: 'The credentials have expired',
      text: 'Temporary credentials from Cognito last about an hour. Get new credentials and try again (the panel refreshes them automatically when they run out).',
    }
  }
  if (name === 'ForbiddenException' || name === 'AccessDeniedException' || status === 403) {
    const signature = /signature/i.test(message)
    return {
      kind: 'forbidden',
      title: `${name || 'Forbidden'} (403)${signature ? ': the signature does not match' : ''}`,
      text: signature
        ? 'The request signature was refused: the credentials are wrong or forged, the region does not match the endpoint, or the clock is off by more than 5 minutes.'
        : `The credentials may not call ${METHOD[ctx.op]} on @connections of this API and stage, or the endpoint path is wrong (on execute-api hosts it must include the stage; on custom domains it must not). Attach this policy to the identity pool's role:`,
      policy: signature ? undefined : manageConnectionsPolicy(ctx),
    }
  }
  if (name === 'PayloadTooLargeException' || status === 413) {
    return { kind: 'too-large', title: 'PayloadTooLargeException (413)', text: 'The data is over 128 KB, the most API Gateway sends in one message. Split it into smaller messages.' }
  }
  if (name === 'LimitExceededException' || status === 429) {
    return {
      kind: 'throttled',
      title: 'LimitExceededException (429)',
      text: 'Too many requests per second for the account and region (10,000 rps shared with all APIs), or the client side buffer is full because the client is not reading fast enough. Slow down and retry with backoff.',
    }
  }
  if (/Failed to fetch|NetworkError|Load failed|fetch failed/i.test(message) || name === 'TypeError') {
    if (ctx.reachable) {
      return {
        kind: 'cors',
        title: 'Blocked by the browser (CORS)',
        text: 'The server answered, but without CORS headers, so the browser hid the answer from this page. Real API Gateway WebSocket APIs have no CORS setting for @connections: use the playground relay (it forwards the request, already signed here, to *.execute-api.*.amazonaws.com only).',
      }
    }
    return {
      kind: 'network',
      title: 'The management endpoint could not be reached',
      text: 'Nothing answered: check the endpoint (https://{api}.execute-api.{region}.amazonaws.com/{stage}, or the local gateway) and that the server is running.',
    }
  }
  if (status === 400 || /BadRequest|Validation/i.test(name)) {
    return { kind: 'bad-request', title: `${name || 'Bad request'} (400)`, text: message || 'The request was malformed.' }
  }
  return { kind: 'unknown', title: name || `HTTP ${status ?? '?'}`, text: message || 'An unexpected answer from the management API.' }
}
