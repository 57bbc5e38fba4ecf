import { normalizeOrigin } from './access'
import { realClock, type Clock } from './clock'
import type { HandlerMap } from './handlers'
import { OPTION_TABLE, rangeText, tableDefaults } from './option-table'

/** Why a connection ended; server-side causes carry their own close code and `$disconnect` status. */
export type CloseCause =
  | 'client'
  | 'abnormal'
  | 'idle'
  | 'maxDuration'
  | 'binary'
  | 'frameTooLarge'
  | 'messageTooLarge'
  | 'invalidFrame'
  | 'protocolError'
  | 'throttled'
  | 'deleted'
  | 'shutdown'

export interface CloseStatus {
  code: number
  reason: string
}

export interface StaticCredentials {
  accessKeyId: string
  secretAccessKey: string
  sessionToken?: string
}

export type LogLevel = 'info' | 'error'
export type LogFunction = (line: string, level: LogLevel) => void

/** Everything `startGateway` and the CLI accept. Times are in seconds unless the name says `Ms`. */
export interface GatewayOptions {
  /** TCP port; 0 picks a free one. Default 4001. */
  port?: number
  /** Interface to listen on. Default 127.0.0.1. */
  host?: string
  /** Stage name, the first path segment. Default `dev`. */
  stage?: string
  region?: string
  /** The API id shown in events (`requestContext.apiId`). */
  apiId?: string
  /** `requestContext.domainName` and the host handlers post back to. Default `127.0.0.1:{port}`. */
  domainName?: string
  /** Seconds without a data message either way before the gateway closes the socket. AWS: 600. */
  idleTimeout?: number
  /** Seconds after which a connection is closed however busy it is. AWS: 7200. */
  maxDuration?: number
  /** `iam` checks SigV4 on `$connect` and `@connections`, as an API with AWS_IAM authorization does. */
  auth?: 'none' | 'iam'
  /** Extra Cognito identity pools; the default pool always exists. */
  identityPools?: string[]
  /**
   * Route handlers called in-process, merged over the default handlers (`null` removes a route); or a handlers module
   * path, which is the same as `backend`.
   */
  handlers?: string | HandlerMap
  /** serverless.yml, a SAM/CloudFormation template or a handlers module, run by the Lambda runtime in workers. */
  backend?: string
  /** With a backend: the built-in routes too, where the backend has none. Default false. */
  withDefaultHandlers?: boolean
  /** `@connections` calls a function's role does not allow: AccessDeniedException, a log line, or nothing. */
  permissions?: 'enforce' | 'warn' | 'off'
  /** Extra milliseconds before each function instance's first invocation. Default 0. */
  coldStartMs?: number
  /** Instances per function without reserved concurrency. Default 10. */
  functionConcurrency?: number
  /** Lambda's init limit in ms: a longer module init is retried once within the function's timeout. AWS: 10000. */
  initTimeoutMs?: number
  /** UNCONFIRMED on AWS (undocumented): seconds a warm function instance may stay idle before it is shut down. */
  instanceIdleTimeout?: number
  /** SAM/CloudFormation template parameters, as `sam deploy --parameter-overrides` (over each parameter's Default). */
  parameterOverrides?: Record<string, string>
  /** Extra two-way routes (their handler's `body` goes back to the client). */
  routeResponses?: string[]
  /** Load gateway/handlers/default.ts first. Default true. */
  defaultHandlers?: boolean
  /** Permissive CORS on `@connections` and Cognito (a local convenience; AWS has none). Default true. */
  cors?: boolean
  /** Seconds a browser may cache a preflight. */
  corsMaxAge?: number
  /** A function for log lines, or false for silence. Default: stdout/stderr. */
  log?: LogFunction | false
  /** Log errors only. */
  quiet?: boolean
  routeSelectionExpression?: string
  /** How long a route integration may run before the client gets `Endpoint request timed out`. AWS: 29000. */
  integrationTimeoutMs?: number
  /** UNCONFIRMED on AWS: the close frame sent on idle timeout. */
  idleCloseCode?: number
  idleCloseReason?: string
  /** UNCONFIRMED on AWS: the close frame sent at the maximum duration. */
  maxDurationCloseCode?: number
  maxDurationCloseReason?: string
  /** UNCONFIRMED on AWS: whether client pings reset the idle timer. Default false. */
  pingCountsAsActivity?: boolean
  /** UNCONFIRMED on AWS: whether client pings get a pong. Default true. */
  answerPings?: boolean
  maxFrameBytes?: number
  maxMessageBytes?: number
  /** New connections per second before handshakes get 429 (status UNCONFIRMED). 0 = no limit. AWS: 500. */
  newConnectionsPerSecond?: number
  /** The account throttle (AWS: 10,000 requests/s, burst 5,000) for client messages and `@connections` calls. 0 = none. */
  accountRequestsPerSecond?: number
  accountBurst?: number
  /** Route invocations for client messages running at once. Default 64. */
  maxConcurrentInvocations?: number
  /** Messages waiting for an invocation slot before senders are no longer read. Default 1024. */
  maxQueuedMessages?: number
  /** Unsent bytes per connection before posts get 429 and replies are dropped (UNCONFIRMED size). Default 4 MiB. */
  maxOutgoingBytes?: number
  /** UNCONFIRMED (not documented by AWS): messages per second one connection may send before it is closed with 1008. 0 = off. */
  connectionMessagesPerSecond?: number
  /** Cognito calls per client address and second (AWS quotas: GetId 25, GetCredentialsForIdentity 200). 0 = no limit. */
  cognitoGetIdPerSecond?: number
  cognitoCredentialsPerSecond?: number
  /** Lifetime in seconds of credentials from the Cognito emulator. Default 3600. */
  credentialsLifetime?: number
  /** Allowed SigV4 clock skew in seconds. Default 300. */
  clockSkew?: number
  /** More keys the SigV4 verifier accepts (besides Cognito credentials and the local Lambda role). */
  credentials?: StaticCredentials[]
  /** Set AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN, AWS_REGION for handlers, as Lambda does. */
  lambdaEnvironment?: boolean
  /** UNCONFIRMED: frame type for @connections Data. `auto` = text if valid UTF-8, else binary. */
  postDataFrame?: 'auto' | 'text' | 'binary'
  /** UNCONFIRMED: split outgoing messages into frames of this size (0 = one frame). */
  outgoingFrameBytes?: number
  /** UNCONFIRMED: what a `$connect` result without a statusCode means. Default accept. */
  connectWithoutStatusCode?: 'accept' | 'reject'
  /** UNCONFIRMED: handshake status when `$connect` outlives the integration timeout. Default 504. */
  connectTimeoutStatus?: number
  /** Seconds an HTTP request may take to send its headers (408 after). */
  headersTimeout?: number
  /** Seconds an HTTP request may take in all (408 after). */
  requestTimeout?: number
  /** Origins besides loopback ones that may open WebSockets and call the gateway from a page; `*` = any. */
  allowOrigins?: string[]
  /** Longest request URL accepted (AWS quota: 4096). */
  maxUrlLength?: number
  /** Close frames (code and reason) the gateway sends, by cause. UNCONFIRMED reasons. */
  closeFrames?: Partial<Record<CloseCause, CloseStatus>>
  /** `disconnectStatusCode`/`disconnectReason` reported to `$disconnect`, by cause. */
  disconnectStatus?: Partial<Record<CloseCause, CloseStatus>>
  /** The time source for every timer and expiry (tests pass a fake one). Default: real time. */
  clock?: Clock
}

export const DEFAULT_IDENTITY_POOL_SUFFIX = '00000000-0000-4000-8000-000000000000'

export interface ResolvedOptions extends Required<
  Omit<GatewayOptions, 'handlers' | 'backend' | 'log' | 'domainName' | 'closeFrames' | 'disconnectStatus'>
> {
  handlers: string | HandlerMap | undefined
  /** The backend file: `backend`, or `handlers` when it is a path. */
  backend: string | undefined
  log: LogFunction
  /** False when info lines go nowhere (quiet or log: false), so hot paths skip building them. */
  logInfo: boolean
  domainName: string | undefined
  closeFrames: Record<CloseCause, CloseStatus>
  disconnectStatus: Record<CloseCause, CloseStatus>
}

export class OptionError extends Error {}

/** Resolved values of the options that have a default (the others are filled in by resolveOptions). */
type Defaulted = Required<
  Omit<
    GatewayOptions,
    | 'handlers'
    | 'backend'
    | 'log'
    | 'domainName'
    | 'closeFrames'
    | 'disconnectStatus'
    | 'identityPools'
    | 'credentials'
    | 'routeResponses'
    | 'allowOrigins'
    | 'parameterOverrides'
  >
>

/** Client close codes are copied; the rest are the gateway's own (see README: most are UNCONFIRMED on AWS). */
function closeTables(o: GatewayOptions & Defaulted) {
  const frames: Record<CloseCause, CloseStatus> = {
    client: { code: 1000, reason: '' },
    abnormal: { code: 1006, reason: '' },
    idle: { code: o.idleCloseCode, reason: o.idleCloseReason },
    maxDuration: { code: o.maxDurationCloseCode, reason: o.maxDurationCloseReason },
    binary: { code: 1003, reason: '' },
    frameTooLarge: { code: 1009, reason: '' },
    messageTooLarge: { code: 1009, reason: '' },
    invalidFrame: { code: 1007, reason: '' },
    protocolError: { code: 1002, reason: '' },
    // AWS's overview lists 1008 for a client that sends too many messages; the reason text is unknown.
    throttled: { code: 1008, reason: '' },
    deleted: { code: 1000, reason: '' },
    shutdown: { code: 1001, reason: 'Going away' },
    ...o.closeFrames,
  }
  const disconnect: Record<CloseCause, CloseStatus> = {
    ...frames,
    // chalice#2060: a backend DELETE shows up in $disconnect as 1000 "Connection Closed Normally".
    deleted: { code: 1000, reason: 'Connection Closed Normally' },
    ...o.disconnectStatus,
  }
  return { frames, disconnect }
}

export function defaultIdentityPool(region: string): string {
  return `${region}:${DEFAULT_IDENTITY_POOL_SUFFIX}`
}

const POOL_ID = /^[\w-]+:[0-9a-f-]+$/
const REGION = /^[a-z]{2}(-[a-z]+)+-\d+$/

function check(condition: boolean, message: string): void {
  if (!condition) throw new OptionError(message)
}

/** Every number in the option table, against its documented range. */
function checkRanges(r: Record<string, unknown>): void {
  for (const row of OPTION_TABLE) {
    if (row.min === undefined) continue
    const value = r[row.key]
    if (value === undefined) continue
    const n = value as number
    check(
      typeof n === 'number' &&
        Number.isFinite(n) &&
        n >= row.min &&
        n <= row.max! &&
        (row.kind !== 'int' || Number.isInteger(n)),
      `${row.flag} must be ${row.kind === 'int' ? 'a whole number' : 'a number'} from ${rangeText(row)}, got ${String(value)}`,
    )
  }
}

function checkCloseCode(name: string, code: number): void {
  check(
    Number.isInteger(code) &&
      (code === 1000 ||
        (code >= 1001 && code <= 1014 && ![1004, 1005, 1006].includes(code)) ||
        (code >= 3000 && code <= 4999)),
    `${name} must be a close code a server may send (1000-1003, 1007-1014, 3000-4999), got ${String(code)}`,
  )
}

export function defaultLog(): LogFunction {
  return (line, level) => {
    const stamp = new Date().toISOString().slice(11, 23)
    const out = `${stamp} ${line}\n`
    if (level === 'error') process.stderr.write(out)
    else process.stdout.write(out)
  }
}

/** Fills in defaults and checks every value, throwing OptionError with a one-line message. */
export function resolveOptions(o: GatewayOptions = {}): ResolvedOptions {
  const r = { ...tableDefaults(), clock: realClock, ...stripUndefined(o) } as GatewayOptions & Defaulted
  checkRanges(r as unknown as Record<string, unknown>)
  check(typeof r.host === 'string' && r.host.length > 0, 'host must not be empty')
  check(/^[A-Za-z0-9_-]{1,128}$/.test(r.stage), `stage must be 1-128 letters, digits, - or _, got "${r.stage}"`)
  check(REGION.test(r.region), `region must look like us-east-1, got "${r.region}"`)
  check(
    /^[a-z0-9]{1,32}$/.test(r.apiId),
    `api-id must be lower-case letters and digits (AWS uses 10), got "${r.apiId}"`,
  )
  check(r.auth === 'none' || r.auth === 'iam', `auth must be none or iam, got "${String(r.auth)}"`)
  checkCloseCode('idle-close-code', r.idleCloseCode)
  checkCloseCode('max-duration-close-code', r.maxDurationCloseCode)
  for (const reason of [r.idleCloseReason, r.maxDurationCloseReason]) {
    check(Buffer.byteLength(reason) <= 123, 'a close reason must be at most 123 bytes')
  }
  check(['enforce', 'warn', 'off'].includes(r.permissions), 'permissions must be enforce, warn or off')
  check(
    r.backend === undefined || typeof r.handlers !== 'string' || r.backend === r.handlers,
    'give --backend or --handlers, not both',
  )
  check(['auto', 'text', 'binary'].includes(r.postDataFrame), 'post-data-frame must be auto, text or binary')
  check(
    ['accept', 'reject'].includes(r.connectWithoutStatusCode),
    'connect-without-status-code must be accept or reject',
  )
  if (r.domainName !== undefined)
    check(/^[A-Za-z0-9.:[\]-]+$/.test(r.domainName), `domain-name "${r.domainName}" is not a host[:port]`)

  check(
    r.headersTimeout <= r.requestTimeout,
    `headers-timeout (${r.headersTimeout} s) must not be longer than request-timeout (${r.requestTimeout} s)`,
  )
  for (const origin of r.allowOrigins ?? []) {
    check(
      origin === '*' || normalizeOrigin(origin) !== undefined,
      `allow-origin must be * or an origin such as https://example.com:8443 (scheme, host, optional port; no path), got "${origin}"`,
    )
  }
  for (const [key, value] of Object.entries(r.parameterOverrides ?? {}))
    check(
      /^[A-Za-z0-9]+$/.test(key) && typeof value === 'string',
      `parameter-overrides: "${key}" must be a template parameter name (letters and digits) with a string value`,
    )
  check(
    r.parameterOverrides === undefined || Object.keys(r.parameterOverrides).length === 0 || r.backend !== undefined,
    'parameter-overrides needs --backend (a SAM/CloudFormation template)',
  )
  const pools = [defaultIdentityPool(r.region)]
  for (const pool of r.identityPools ?? []) {
    check(POOL_ID.test(pool) && pool.length <= 55, `identity pool id must look like us-east-1:0000-..., got "${pool}"`)
    if (!pools.includes(pool)) pools.push(pool)
  }
  for (const c of r.credentials ?? []) {
    check(typeof c.accessKeyId === 'string' && c.accessKeyId.length >= 3, 'a credential needs an access key id')
    check(
      typeof c.secretAccessKey === 'string' && c.secretAccessKey.length > 0,
      'a credential needs a secret access key',
    )
  }
  const { frames, disconnect } = closeTables(r)
  const sink = r.log === false ? undefined : (r.log ?? defaultLog())
  return {
    ...r,
    identityPools: pools,
    handlers: r.handlers,
    backend: r.backend ?? (typeof r.handlers === 'string' ? r.handlers : undefined),
    routeResponses: r.routeResponses ?? [],
    allowOrigins: r.allowOrigins ?? [],
    parameterOverrides: r.parameterOverrides ?? {},
    credentials: r.credentials ?? [],
    domainName: r.domainName,
    log: !sink ? () => {} : r.quiet ? (line, level) => level === 'error' && sink(line, level) : sink,
    logInfo: sink !== undefined && !r.quiet,
    closeFrames: frames,
    disconnectStatus: disconnect,
  }
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>
}
