/** Plain-language explanations of what the @connections API answers, with the next step to take. */

export type ManagementErrorKind =
  | 'gone'
  | 'forbidden'
  | 'signature-scope'
  | 'unsigned'
  | 'too-large'
  | 'throttled'
  | 'expired'
  | 'sso-login'
  | 'signer-missing'
  | 'cors'
  | 'network'
  | 'bad-request'
  | 'unknown'

/** Where the credentials came from: the advice differs (a role to attach a policy to, keys to paste again…). */
export type CredentialSourceId = 'cognito' | 'keys' | 'server' | 'none'

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
  /** The AWS CLI profile the server signs with, for advice such as `aws sso login --profile …`. */
  profile?: string
  /** True when a no-cors probe reached the server although the call failed: the browser blocked the answer. */
  reachable?: boolean
  source?: CredentialSourceId
}

const EXPIRED_TEXT: Record<CredentialSourceId, string> = {
  cognito:
    'Temporary credentials from Cognito last about an hour. Get new credentials and try again (the panel refreshes them automatically when they run out).',
  keys: 'The pasted keys have expired. Paste fresh ones: `aws configure export-credentials --format env`, or `aws sts get-session-token`.',
  server:
    'The credentials the playground’s server signs with have expired. Refresh them where they come from (`aws sso login --profile …`, a new `aws sts` session in the environment) and try again.',
  none: 'The endpoint asked for credentials that have expired.',
}

const POLICY_TARGET: Record<CredentialSourceId, string> = {
  cognito: 'the identity pool’s role',
  keys: 'the IAM user or role these keys belong to',
  server: 'the IAM user or role of the server’s AWS CLI profile',
  none: 'the IAM identity you sign with',
}

/** SigV4 answers that name a problem with the credential scope (region, service, date), not with permissions. */
const SCOPE_ERROR =
  /Credential should be scoped|scoped to a valid region|scoped to correct service|Date in Credential scope/i

const METHOD = { PostToConnection: 'POST', GetConnection: 'GET', DeleteConnection: 'DELETE' } as const

export function manageConnectionsPolicy(ctx: Pick<ErrorContext, 'region' | 'apiId' | 'stage'>): string {
  const resource = `arn:aws:execute-api:${ctx.region ?? '*'}:*:${ctx.apiId ?? '*'}/${ctx.stage ?? '*'}/*/@connections/*`
  return JSON.stringify(
    {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: 'execute-api:ManageConnections', Resource: resource }],
    },
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
  const source = ctx.source ?? 'cognito'
  if (/aws sso login|SSO session|Token is expired.*sso|sso.*(expired|invalid)/i.test(message)) {
    return {
      kind: 'sso-login',
      title: 'The AWS CLI profile needs `aws sso login`',
      text: `The server’s profile uses IAM Identity Center (SSO) and its session has ended. Run \`aws sso login${ctx.profile ? ` --profile ${ctx.profile}` : ''}\` where the playground runs, then try again. (${message})`,
    }
  }
  if (/Signature expired/i.test(message)) {
    return {
      kind: 'signature-scope',
      title: 'The signature is too old, or the clock is off',
      text: `${message} Signed requests are valid for 5 minutes: check this computer's clock.`,
    }
  }
  if (/expired/i.test(name) || /expired/i.test(message)) {
    return { kind: 'expired', title: 'The credentials have expired', text: EXPIRED_TEXT[source] }
  }
  if (SCOPE_ERROR.test(message)) {
    return {
      kind: 'signature-scope',
      title: 'The request was signed for another region (or service)',
      text: `${message} This is not a permissions problem: sign for the API's own region${ctx.region ? ` (the panel signed for ${ctx.region})` : ''}, which is in the execute-api host name, e.g. abc123.execute-api.eu-west-1.amazonaws.com.`,
    }
  }
  if (/Missing Authentication Token/i.test(message) || (source === 'none' && status === 403)) {
    return {
      kind: 'unsigned',
      title: 'This endpoint wants signed requests',
      text: 'The call went out unsigned ("No signing"), and the endpoint requires SigV4 (AWS always does; the local gateway does with --auth iam). Choose a credential source: access keys, the AWS CLI through the playground’s server, or a Cognito identity pool.',
    }
  }
  if (name === 'ForbiddenException' || name === 'AccessDeniedException' || status === 403) {
    const signature = /signature|security token included in the request is invalid/i.test(message)
    return {
      kind: 'forbidden',
      title: `${name || 'Forbidden'} (403)${signature ? ': the signature does not match' : ''}`,
      text: signature
        ? `The request signature was refused: the credentials are wrong, unknown to this API's account (or to this local gateway: start it with --credential AKID:SECRET), or the clock is off by more than 5 minutes. (${message})`
        : `The credentials may not call ${METHOD[ctx.op]} on @connections of this API and stage, or the endpoint path is wrong (on execute-api hosts it must include the stage; on custom domains it must not). Attach this policy to ${POLICY_TARGET[source]}:`,
      policy: signature ? undefined : manageConnectionsPolicy(ctx),
    }
  }
  if (name === 'PayloadTooLargeException' || status === 413) {
    return {
      kind: 'too-large',
      title: 'PayloadTooLargeException (413)',
      text: 'The data is over 128 KB, the most API Gateway sends in one message. Split it into smaller messages.',
    }
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
    return {
      kind: 'bad-request',
      title: `${name || 'Bad request'} (400)`,
      text: message || 'The request was malformed.',
    }
  }
  return {
    kind: 'unknown',
    title: name || `HTTP ${status ?? '?'}`,
    text: message || 'An unexpected answer from the management API.',
  }
}
