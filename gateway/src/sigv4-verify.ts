/**
 * SigV4 verification for `execute-api`, written by hand on node:crypto. Why not reuse a library: the SDK's
 * @smithy/signature-v4 signs but has no verify, and re-signing with its presign() to compare always adds
 * X-Amz-Expires, which breaks URLs presigned by other tools (aws4, Amplify). The algorithm follows the SigV4
 * documentation: canonical request → string to sign → HMAC chain, with the non-S3 double encoding of the path.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto'

export interface SignedRequest {
  method: string
  /** The raw request path as received, percent-encodings intact. */
  path: string
  /** The raw query string without `?`, '' if none. */
  query: string
  /** Node's rawHeaders: name, value, name, value… */
  rawHeaders: string[]
  body?: Buffer
}

export interface CredentialsForKey {
  secretAccessKey: string
  sessionToken?: string
  expiresAt?: number
  source: string
}

export interface VerifyOptions {
  region: string
  service: string
  now: number
  clockSkewMs: number
  lookup: (accessKeyId: string) => CredentialsForKey | undefined
}

export type VerifyFailure =
  | 'missing'
  | 'malformed'
  | 'scope'
  | 'unknown-key'
  | 'bad-token'
  | 'expired-token'
  | 'skew'
  | 'expired-url'
  | 'content-hash'
  | 'signature'

export type Verification =
  | { ok: true; accessKeyId: string; source: string; form: 'header' | 'query' }
  | { ok: false; failure: VerifyFailure; message: string; accessKeyId?: string }

const ALGORITHM = 'AWS4-HMAC-SHA256'
const MAX_PRESIGN_SECONDS = 604_800

/** RFC 3986 percent-encoding: everything but A-Z a-z 0-9 - _ . ~ */
export function encodeRfc3986(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase())
}

/**
 * The canonical URI for non-S3 services: remove empty, `.` and `..` segments, then encode each segment of the raw
 * path once more (so `@` → `%40` and an already-encoded `%3D` → `%253D`).
 */
export function canonicalUri(rawPath: string): string {
  const segments: string[] = []
  for (const segment of rawPath.split('/')) {
    if (segment === '' || segment === '.') continue
    if (segment === '..') segments.pop()
    else segments.push(encodeRfc3986(segment))
  }
  if (segments.length === 0) return '/'
  return '/' + segments.join('/') + (rawPath.endsWith('/') ? '/' : '')
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value)
  } catch {
    return value
  }
}

export function parseRawQuery(rawQuery: string): [string, string][] {
  if (!rawQuery) return []
  const pairs: [string, string][] = []
  for (const part of rawQuery.split('&')) {
    if (!part) continue
    const eq = part.indexOf('=')
    const key = eq < 0 ? part : part.slice(0, eq)
    const value = eq < 0 ? '' : part.slice(eq + 1)
    pairs.push([safeDecode(key), safeDecode(value)])
  }
  return pairs
}

export function canonicalQuery(pairs: [string, string][], exclude?: string): string {
  return pairs
    .filter(([k]) => k !== exclude)
    .map(([k, v]) => [encodeRfc3986(k), encodeRfc3986(v)] as const)
    .sort(([ak, av], [bk, bv]) => (ak < bk ? -1 : ak > bk ? 1 : av < bv ? -1 : av > bv ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join('&')
}

function headerValues(rawHeaders: string[]): Map<string, string[]> {
  const map = new Map<string, string[]>()
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const name = rawHeaders[i]!.toLowerCase()
    const value = rawHeaders[i + 1]!.trim().replace(/\s+/g, ' ')
    const list = map.get(name)
    if (list) list.push(value)
    else map.set(name, [value])
  }
  return map
}

export function sha256Hex(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex')
}

const signingKeys = new Map<string, Buffer>()

function signingKey(secret: string, date: string, region: string, service: string): Buffer {
  const cacheKey = `${secret}\n${date}\n${region}\n${service}`
  let key = signingKeys.get(cacheKey)
  if (!key) {
    const kDate = createHmac('sha256', 'AWS4' + secret)
      .update(date)
      .digest()
    const kRegion = createHmac('sha256', kDate).update(region).digest()
    const kService = createHmac('sha256', kRegion).update(service).digest()
    key = createHmac('sha256', kService).update('aws4_request').digest()
    if (signingKeys.size > 1000) signingKeys.clear()
    signingKeys.set(cacheKey, key)
  }
  return key
}

/** `20240209T181143Z` → epoch ms, or NaN. */
export function parseAmzDate(value: string): number {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value)
  if (!m) return NaN
  return Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]))
}

export function formatAmzDate(epochMs: number): string {
  return new Date(epochMs)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '')
}

interface Parsed {
  form: 'header' | 'query'
  accessKeyId: string
  scopeDate: string
  scopeRegion: string
  scopeService: string
  scopeTerminal: string
  signedHeaders: string[]
  signature: string
  amzDate: string
  expiresSeconds?: number
  securityToken?: string
}

type ParseResult = { parsed: Parsed } | { failure: VerifyFailure; message: string }

function parse(headers: Map<string, string[]>, query: [string, string][]): ParseResult {
  const authorization = headers.get('authorization')?.[0]
  const queryValue = (name: string) => query.find(([k]) => k === name)?.[1]
  let credential: string
  let signedHeaders: string
  let signature: string
  let amzDate: string | undefined
  let expiresSeconds: number | undefined
  let securityToken: string | undefined
  let form: 'header' | 'query'

  if (authorization !== undefined) {
    form = 'header'
    if (!authorization.startsWith(ALGORITHM + ' ')) {
      return { failure: 'malformed', message: `Authorization header requires the ${ALGORITHM} algorithm.` }
    }
    const fields = new Map<string, string>()
    for (const part of authorization.slice(ALGORITHM.length + 1).split(',')) {
      const eq = part.indexOf('=')
      if (eq > 0) fields.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim())
    }
    const missing = ['Credential', 'SignedHeaders', 'Signature'].filter((f) => !fields.get(f))
    if (missing.length) {
      return {
        failure: 'malformed',
        message:
          missing.map((f) => `Authorization header requires '${f}' parameter.`).join(' ') +
          ` Authorization=${authorization}`,
      }
    }
    credential = fields.get('Credential')!
    signedHeaders = fields.get('SignedHeaders')!
    signature = fields.get('Signature')!
    amzDate = headers.get('x-amz-date')?.[0]
    if (amzDate === undefined && headers.has('date')) {
      const t = Date.parse(headers.get('date')![0]!)
      if (!Number.isNaN(t)) amzDate = formatAmzDate(t)
    }
    if (amzDate === undefined) {
      return {
        failure: 'malformed',
        message: "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.",
      }
    }
    securityToken = headers.get('x-amz-security-token')?.[0]
  } else {
    form = 'query'
    const missing = [
      'X-Amz-Algorithm',
      'X-Amz-Credential',
      'X-Amz-SignedHeaders',
      'X-Amz-Date',
      'X-Amz-Signature',
    ].filter((p) => queryValue(p) === undefined)
    if (missing.length === 5) return { failure: 'missing', message: 'Missing Authentication Token' }
    if (missing.length) {
      return {
        failure: 'malformed',
        message: missing.map((p) => `Authorization query string requires '${p}' parameter.`).join(' '),
      }
    }
    if (queryValue('X-Amz-Algorithm') !== ALGORITHM) {
      return { failure: 'malformed', message: `X-Amz-Algorithm must be ${ALGORITHM}.` }
    }
    credential = queryValue('X-Amz-Credential')!
    signedHeaders = queryValue('X-Amz-SignedHeaders')!
    signature = queryValue('X-Amz-Signature')!
    amzDate = queryValue('X-Amz-Date')!
    securityToken = queryValue('X-Amz-Security-Token')
    const expires = queryValue('X-Amz-Expires')
    if (expires !== undefined) {
      expiresSeconds = Number(expires)
      if (!/^\d+$/.test(expires) || expiresSeconds < 1 || expiresSeconds > MAX_PRESIGN_SECONDS) {
        return {
          failure: 'malformed',
          message: `X-Amz-Expires must be a number of seconds from 1 to ${MAX_PRESIGN_SECONDS}.`,
        }
      }
    }
  }

  const scope = credential.split('/')
  if (scope.length !== 5 || !scope[0]) {
    return {
      failure: 'malformed',
      message: `Credential should be AKID/yyyyMMdd/region/service/aws4_request, got '${credential}'.`,
    }
  }
  if (Number.isNaN(parseAmzDate(amzDate))) {
    return {
      failure: 'malformed',
      message: `X-Amz-Date must be in the ISO8601 basic format yyyyMMdd'T'HHmmss'Z', got '${amzDate}'.`,
    }
  }
  return {
    parsed: {
      form,
      accessKeyId: scope[0],
      scopeDate: scope[1]!,
      scopeRegion: scope[2]!,
      scopeService: scope[3]!,
      scopeTerminal: scope[4]!,
      signedHeaders: signedHeaders.split(';').filter(Boolean),
      signature: signature.toLowerCase(),
      amzDate,
      expiresSeconds,
      securityToken,
    },
  }
}

function skewMessage(amzDate: string, now: number, skewMs: number): string | undefined {
  const t = parseAmzDate(amzDate)
  const minutes = Math.round(skewMs / 60_000)
  if (t < now - skewMs) {
    return `Signature expired: ${amzDate} is now earlier than ${formatAmzDate(now - skewMs)} (${formatAmzDate(now)} - ${minutes} min.)`
  }
  if (t > now + skewMs) {
    return `Signature not yet current: ${amzDate} is still later than ${formatAmzDate(now + skewMs)} (${formatAmzDate(now)} + ${minutes} min.)`
  }
  return undefined
}

export function verifySigV4(req: SignedRequest, o: VerifyOptions): Verification {
  const headers = headerValues(req.rawHeaders)
  const query = parseRawQuery(req.query)
  const result = parse(headers, query)
  if ('failure' in result) return { ok: false, failure: result.failure, message: result.message }
  const p = result.parsed
  const fail = (failure: VerifyFailure, message: string): Verification => ({
    ok: false,
    failure,
    message,
    accessKeyId: p.accessKeyId,
  })

  if (p.scopeTerminal !== 'aws4_request')
    return fail('scope', "Credential should be scoped with a valid terminator: 'aws4_request'.")
  if (p.scopeService !== o.service)
    return fail('scope', `Credential should be scoped to correct service: '${o.service}'.`)
  if (p.scopeRegion !== o.region) {
    return fail(
      'scope',
      `Credential should be scoped to a valid region, not '${p.scopeRegion}'. This API is in '${o.region}'.`,
    )
  }
  if (p.scopeDate !== p.amzDate.slice(0, 8)) {
    return fail(
      'scope',
      `Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${p.scopeDate}' != '${p.amzDate.slice(0, 8)}', from '${p.amzDate}'.`,
    )
  }
  if (!p.signedHeaders.includes('host')) {
    return fail('malformed', "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.")
  }

  const known = o.lookup(p.accessKeyId)
  if (!known) return fail('unknown-key', 'The security token included in the request is invalid.')
  if ((known.sessionToken ?? undefined) !== p.securityToken) {
    return fail('bad-token', 'The security token included in the request is invalid.')
  }
  if (known.expiresAt !== undefined && known.expiresAt <= o.now) {
    return fail('expired-token', 'The security token included in the request is expired')
  }

  if (p.form === 'query' && p.expiresSeconds !== undefined) {
    const signedAt = parseAmzDate(p.amzDate)
    if (signedAt > o.now + o.clockSkewMs) return fail('skew', skewMessage(p.amzDate, o.now, o.clockSkewMs)!)
    if (signedAt + p.expiresSeconds * 1000 < o.now) {
      return fail(
        'expired-url',
        `Signature expired: ${p.amzDate} + ${p.expiresSeconds} s (X-Amz-Expires) is earlier than ${formatAmzDate(o.now)}.`,
      )
    }
  } else {
    const skew = skewMessage(p.amzDate, o.now, o.clockSkewMs)
    if (skew) return fail('skew', skew)
  }

  const bodyHash = sha256Hex(req.body ?? Buffer.alloc(0))
  let payloadHash = bodyHash
  const declaredHash = headers.get('x-amz-content-sha256')?.[0]
  if (declaredHash !== undefined) {
    if (declaredHash === 'UNSIGNED-PAYLOAD') payloadHash = declaredHash
    else if (declaredHash.toLowerCase() !== bodyHash) {
      return fail('content-hash', "The provided 'x-amz-content-sha256' header does not match what was computed.")
    }
  }

  const canonicalHeaders = p.signedHeaders.map((name) => `${name}:${(headers.get(name) ?? []).join(',')}\n`).join('')
  const canonicalRequest = [
    req.method.toUpperCase(),
    canonicalUri(req.path),
    canonicalQuery(query, p.form === 'query' ? 'X-Amz-Signature' : undefined),
    canonicalHeaders,
    p.signedHeaders.join(';'),
    payloadHash,
  ].join('\n')
  const scope = `${p.scopeDate}/${p.scopeRegion}/${p.scopeService}/aws4_request`
  const stringToSign = [ALGORITHM, p.amzDate, scope, sha256Hex(canonicalRequest)].join('\n')
  const expected = createHmac('sha256', signingKey(known.secretAccessKey, p.scopeDate, p.scopeRegion, p.scopeService))
    .update(stringToSign)
    .digest('hex')
  const a = Buffer.from(expected)
  const b = Buffer.from(p.signature)
  if (a.length !== b.length || !timingSafeEqual(a, b)) {
    return fail(
      'signature',
      'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. ' +
        `Consult the service documentation for details.\n\nThe Canonical String for this request should have been\n'${canonicalRequest}'\n\n` +
        `The String-to-Sign should have been\n'${stringToSign}'\n`,
    )
  }
  return { ok: true, accessKeyId: p.accessKeyId, source: known.source, form: p.form }
}
