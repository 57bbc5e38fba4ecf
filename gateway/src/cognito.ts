import type { IncomingMessage, ServerResponse } from 'node:http'
import type { Clock } from './clock'
import { CredentialStore } from './credential-store'
import { readBody, sendJson, sourceIp } from './http-util'
import { secretAccessKey, sessionToken, stableUuid, temporaryAccessKeyId } from './ids'
import type { LogLimiter } from './log-limiter'
import { TokenBucket } from './rate-limit'

/**
 * Cognito Identity (identity pools) on the gateway's port: the two unsigned AWS JSON 1.1 operations that
 * `fromCognitoIdentityPool` calls, GetId and GetCredentialsForIdentity. Identity ids are derived from the pool and
 * the login, so they are stable across restarts (the SDK caches them in IndexedDB/localStorage). Tokens in `Logins`
 * are not verified: any token is accepted, and a JWT's `sub` picks the identity.
 */

const TARGET_PREFIX = 'AWSCognitoIdentityService.'
const CONTENT_TYPE = 'application/x-amz-json-1.1'
const POOL_ID = /^[\w-]+:[0-9a-f-]+$/
const IDENTITY_ID = /^[\w-]+:[0-9a-f-]+$/
const MAX_BODY = 64 * 1024
const MAX_IDENTITIES = 50_000
/** Client addresses whose Cognito rates are tracked; the least recently seen is forgotten past this. */
const MAX_SOURCES = 1000

export interface CognitoOptions {
  poolIds: string[]
  credentialsLifetimeSeconds: number
  store: CredentialStore
  clock: Clock
  /** Calls per client address and second (AWS quotas: GetId 25, GetCredentialsForIdentity 200); 0 = no limit. */
  getIdPerSecond: number
  credentialsPerSecond: number
  /** Lines per client address, rate-limited. */
  logLimiter: LogLimiter
  logInfo: boolean
}

class CognitoError extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly status = 400,
  ) {
    super(message)
  }
}

function sendCognito(res: ServerResponse, status: number, body: unknown, errorType?: string): void {
  sendJson(res, status, body, {
    'Content-Type': CONTENT_TYPE,
    ...(errorType ? { 'x-amzn-ErrorType': errorType } : {}),
  })
}

function validation(field: string, value: unknown, constraint: string): CognitoError {
  return new CognitoError(
    'ValidationException',
    `1 validation error detected: Value '${typeof value === 'string' ? value : JSON.stringify(value)}' at '${field}' failed to satisfy constraint: ${constraint}`,
  )
}

/** `Logins` picks the identity: a JWT by its `sub`, anything else by the token itself. */
function loginKey(logins: unknown): string {
  if (logins === undefined || logins === null) return ''
  if (typeof logins !== 'object' || Array.isArray(logins))
    throw validation('logins', logins, 'Member must be a map of provider name to token')
  const parts: string[] = []
  for (const [provider, token] of Object.entries(logins as Record<string, unknown>).sort(([a], [b]) =>
    a < b ? -1 : 1,
  )) {
    if (typeof token !== 'string' || token.length === 0)
      throw validation(`logins.${provider}`, token, 'Member must have length greater than or equal to 1')
    parts.push(`${provider}=${jwtSubject(token) ?? token}`)
  }
  return parts.join('\n')
}

function jwtSubject(token: string): string | undefined {
  const parts = token.split('.')
  if (parts.length !== 3) return undefined
  try {
    const payload = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8')) as {
      sub?: unknown
      iss?: unknown
    }
    return typeof payload.sub === 'string' ? `${String(payload.iss ?? '')}#${payload.sub}` : undefined
  } catch {
    return undefined
  }
}

/** Cognito's throttling error: `{"__type":"TooManyRequestsException","message":"Rate exceeded"}`. */
function tooManyRequests(message = 'Rate exceeded'): CognitoError {
  return new CognitoError('TooManyRequestsException', message)
}

export class CognitoIdentity {
  /** IdentityId → pool; bounded (oldest first) so a flood of logins can't grow it forever. */
  private readonly identities = new Map<string, { poolId: string; authenticated: boolean }>()
  /** Token buckets per client address and operation. */
  private readonly rates = new Map<string, { getId: TokenBucket; credentials: TokenBucket }>()

  constructor(private readonly o: CognitoOptions) {}

  private line(source: string, text: string, level: 'info' | 'error'): void {
    if (level === 'info' && !this.o.logInfo) return
    this.o.logLimiter.line(`cognito ${source}`, text, level)
  }

  private ratesFor(source: string) {
    let r = this.rates.get(source)
    if (r) {
      // Most recently seen last, so the one forgotten past MAX_SOURCES is the longest quiet.
      this.rates.delete(source)
    } else {
      if (this.rates.size >= MAX_SOURCES) this.rates.delete(this.rates.keys().next().value!)
      r = {
        getId: new TokenBucket(this.o.getIdPerSecond, this.o.clock),
        credentials: new TokenBucket(this.o.credentialsPerSecond, this.o.clock),
      }
    }
    this.rates.set(source, r)
    return r
  }

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const source = sourceIp(req.socket.remoteAddress)
    try {
      const body = await readBody(req, MAX_BODY)
      if (!body.ok) {
        if (body.tooLarge)
          throw new CognitoError('SerializationException', `Request body too large (over ${MAX_BODY} bytes)`, 413)
        throw new CognitoError('SerializationException', body.error.message)
      }
      const target = String(req.headers['x-amz-target'] ?? '')
      if (!target.startsWith(TARGET_PREFIX)) {
        throw new CognitoError(
          'UnknownOperationException',
          target
            ? `Unknown X-Amz-Target '${target}'`
            : 'Missing X-Amz-Target header (expected AWSCognitoIdentityService.GetId or .GetCredentialsForIdentity)',
        )
      }
      let input: unknown
      try {
        input = body.body.length ? JSON.parse(body.body.toString('utf8')) : {}
      } catch (error) {
        throw new CognitoError('SerializationException', `Request body is not valid JSON: ${(error as Error).message}`)
      }
      if (input === null || typeof input !== 'object' || Array.isArray(input)) {
        throw new CognitoError('SerializationException', 'Request body must be a JSON object')
      }
      const operation = target.slice(TARGET_PREFIX.length)
      const params = input as Record<string, unknown>
      if (operation === 'GetId') {
        if (!this.ratesFor(source).getId.take())
          throw tooManyRequests(`Rate exceeded (GetId: ${this.o.getIdPerSecond} per second from ${source})`)
        return sendCognito(res, 200, this.getId(params, source))
      }
      if (operation === 'GetCredentialsForIdentity') {
        if (!this.ratesFor(source).credentials.take())
          throw tooManyRequests(
            `Rate exceeded (GetCredentialsForIdentity: ${this.o.credentialsPerSecond} per second from ${source})`,
          )
        return sendCognito(res, 200, this.getCredentials(params, source))
      }
      throw new CognitoError(
        'UnknownOperationException',
        `Operation ${operation} is not supported by the local gateway (only GetId and GetCredentialsForIdentity)`,
      )
    } catch (error) {
      if (error instanceof CognitoError) {
        this.line(source, `cognito ${error.status} ${error.type}: ${error.message}`, 'error')
        return sendCognito(res, error.status, { __type: error.type, message: error.message }, error.type)
      }
      throw error
    }
  }

  private getId(params: Record<string, unknown>, source: string): { IdentityId: string } {
    const poolId = params.IdentityPoolId
    if (typeof poolId !== 'string' || poolId.length === 0)
      throw validation('identityPoolId', poolId ?? null, 'Member must not be null')
    if (!POOL_ID.test(poolId) || poolId.length > 55) {
      throw validation('identityPoolId', poolId, 'Member must satisfy regular expression pattern: [\\w-]+:[0-9a-f-]+')
    }
    if (!this.o.poolIds.includes(poolId)) {
      throw new CognitoError(
        'ResourceNotFoundException',
        `IdentityPool '${poolId}' not found. This local gateway has: ${this.o.poolIds.join(', ')}`,
      )
    }
    const key = loginKey(params.Logins)
    const region = poolId.split(':')[0]!
    const identityId = `${region}:${stableUuid(`${poolId}\n${key}`)}`
    this.remember(identityId, poolId, key !== '')
    this.line(source, `cognito GetId ${poolId} → ${identityId}${key ? ' (with Logins)' : ''}`, 'info')
    return { IdentityId: identityId }
  }

  private remember(identityId: string, poolId: string, authenticated: boolean): void {
    this.identities.delete(identityId)
    if (this.identities.size >= MAX_IDENTITIES) {
      const oldest = this.identities.keys().next().value
      if (oldest !== undefined) this.identities.delete(oldest)
    }
    this.identities.set(identityId, { poolId, authenticated })
  }

  private getCredentials(params: Record<string, unknown>, source: string) {
    const identityId = params.IdentityId
    if (typeof identityId !== 'string' || identityId.length === 0)
      throw validation('identityId', identityId ?? null, 'Member must not be null')
    if (!IDENTITY_ID.test(identityId) || identityId.length > 55) {
      throw validation('identityId', identityId, 'Member must satisfy regular expression pattern: [\\w-]+:[0-9a-f-]+')
    }
    if (params.Logins !== undefined) loginKey(params.Logins)
    if (!this.identities.has(identityId)) {
      throw new CognitoError('ResourceNotFoundException', `Identity '${identityId}' not found.`)
    }
    const accessKeyId = temporaryAccessKeyId()
    const secret = secretAccessKey()
    const token = sessionToken()
    const expiresAt = this.o.clock.now() + this.o.credentialsLifetimeSeconds * 1000
    const stored = this.o.store.issue(
      accessKeyId,
      { secretAccessKey: secret, sessionToken: token, expiresAt, source: `Cognito identity ${identityId}` },
      identityId,
    )
    if (stored !== 'issued') {
      // Refused rather than revoking a key someone still uses (see CredentialStore).
      throw tooManyRequests(
        stored === 'identity-full'
          ? `Rate exceeded (identity ${identityId} already holds ${this.o.store.heldBy(identityId)} unexpired keys, the local gateway's limit)`
          : `Rate exceeded (the local gateway holds its limit of unexpired keys; more are issued as old ones expire)`,
      )
    }
    this.line(
      source,
      `cognito GetCredentialsForIdentity ${identityId} → ${accessKeyId} (expires ${new Date(expiresAt).toISOString()})`,
      'info',
    )
    return {
      IdentityId: identityId,
      // Epoch seconds as a JSON number: the SDK rejects an ISO string here.
      Credentials: {
        AccessKeyId: accessKeyId,
        SecretKey: secret,
        SessionToken: token,
        Expiration: expiresAt / 1000,
      },
    }
  }
}
