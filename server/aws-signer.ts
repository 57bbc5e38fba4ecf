import { randomBytes, timingSafeEqual } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import { resolve } from 'node:path'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { SignatureV4 } from '@smithy/signature-v4'
import { Sha256Js } from '@smithy/core/checksum'
import {
  SIGNER_ERROR_HEADER,
  SIGNER_PATH,
  SIGNER_TOKEN_HEADER,
  SIGNER_TOKEN_META,
  type SignerCallRequest,
  type SignerError,
  type SignerErrorKind,
  type SignerIdentity,
  type SignerPresignRequest,
} from '../src/core/management/relay-protocol.ts'
import { isOwnOrigin, readBody } from './http-guards.ts'

/**
 * Signs @connections calls and IAM $connect URLs with the AWS CLI's credentials (environment, ~/.aws profiles, SSO,
 * process credentials: the Node default provider chain), so users without an identity pool can use the keys they
 * already have and the page never receives them. It is not an open proxy or signing oracle: it answers only the
 * page this server served (same Origin, loopback Host, and the per-start token written into that page), and signs
 * only @connections URLs of execute-api hosts and of a gateway on this machine.
 */
export { SIGNER_PATH }
export const MAX_SIGNER_BODY_BYTES = 192 * 1024

const EXECUTE_API_HOST = /^[a-z0-9]{10}\.execute-api\.([a-z]{2}(-[a-z]+)+-\d+)\.amazonaws\.com(\.cn)?$/
const CONNECTIONS_PATH = /^(\/[^/]+)?\/@connections\/[^/]+$/
const LOOPBACK = /^(localhost|127\.\d+\.\d+\.\d+|\[::1\])$/i

export type TargetCheck = { ok: true; url: URL } | { ok: false; message: string }

/** Only execute-api hosts of the documented shape, or loopback (the local gateway); only @connections/{id}. */
export function checkSignerTarget(raw: unknown, kind: 'call' | 'presign'): TargetCheck {
  if (typeof raw !== 'string' || !raw) return { ok: false, message: 'No target URL.' }
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    return { ok: false, message: 'The target is not a URL.' }
  }
  if (url.username || url.password || url.hash)
    return { ok: false, message: 'The target may not carry user info or a fragment.' }
  const secure = kind === 'call' ? 'https:' : 'wss:'
  const plain = kind === 'call' ? 'http:' : 'ws:'
  const aws = EXECUTE_API_HOST.test(url.hostname)
  const local = LOOPBACK.test(url.hostname)
  if (
    aws
      ? url.protocol !== secure || (url.port !== '' && url.port !== '443')
      : !local || (url.protocol !== secure && url.protocol !== plain)
  ) {
    return {
      ok: false,
      message: `The signer refuses ${url.host}: it signs only for ${secure}//{api}.execute-api.{region}.amazonaws.com and a local gateway on this machine.`,
    }
  }
  if (kind === 'call' && !CONNECTIONS_PATH.test(url.pathname.replace(/%40/gi, '@'))) {
    return { ok: false, message: 'The signer signs only @connections calls ({stage}/@connections/{id}).' }
  }
  if (kind === 'call' && url.search) return { ok: false, message: '@connections calls have no query string.' }
  return { ok: true, url }
}

interface AwsCredentialIdentity {
  accessKeyId: string
  secretAccessKey: string
  sessionToken?: string
  expiration?: Date
}
type AwsCredentialIdentityProvider = () => Promise<AwsCredentialIdentity>

export interface SignerOptions {
  /** The profile to use; default --profile on the command line, then AWS_PROFILE, then the chain's default order. */
  profile?: string
  /** Tests may give credentials directly; the default is fromNodeProviderChain. */
  credentials?: AwsCredentialIdentityProvider
  /** Default: a random one per start. */
  token?: string
  fetchImpl?: typeof fetch
  log?: (line: string) => void
  /** Where STS is asked who the credentials belong to; tests point it elsewhere. */
  stsEndpoint?: string
}

type Next = (error?: unknown) => void

export function profileFromArgs(argv: readonly string[] = process.argv): string | undefined {
  const at = argv.findIndex((a) => a === '--profile' || a.startsWith('--profile='))
  if (at < 0) return undefined
  const arg = argv[at]!
  return arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : argv[at + 1]
}

export function createSigner(options: SignerOptions = {}) {
  const token = options.token ?? randomBytes(32).toString('base64url')
  const profile = options.profile ?? profileFromArgs() ?? (process.env.AWS_PROFILE || undefined)
  const doFetch = options.fetchImpl ?? fetch
  const log = options.log ?? ((line: string) => console.warn(line))
  let provider = options.credentials

  /** The chain caches and refreshes by itself; it is made on first use so a start without AWS config stays quiet. */
  async function credentials(): Promise<AwsCredentialIdentity> {
    if (!provider) {
      const { fromNodeProviderChain } = await import('@aws-sdk/credential-providers')
      provider = fromNodeProviderChain(profile ? { profile } : {})
    }
    return provider()
  }

  function signerFor(region: string, service = 'execute-api') {
    return new SignatureV4({ service, region, sha256: Sha256Js, credentials, applyChecksum: false })
  }

  const tokenMatches = (given: string | undefined) => {
    if (!given) return false
    const a = Buffer.from(given)
    const b = Buffer.from(token)
    return a.length === b.length && timingSafeEqual(a, b)
  }

  async function call(
    request: SignerCallRequest,
  ): Promise<{ status: number; headers: Record<string, string>; body: Buffer }> {
    const target = checkSignerTarget(request.url, 'call')
    if (!target.ok) throw signerError('refused', target.message)
    if (!['GET', 'POST', 'DELETE'].includes(request.method))
      throw signerError('bad-request', 'Only GET, POST and DELETE.')
    const url = target.url
    const body = request.method === 'POST' ? Buffer.from(request.body ?? '', 'base64') : undefined
    const signed = await signerFor(checkRegion(request.region)).sign({
      method: request.method,
      protocol: url.protocol,
      hostname: url.hostname,
      port: url.port ? Number(url.port) : undefined,
      path: url.pathname,
      query: {},
      headers: { host: url.host, ...(body ? { 'content-type': 'application/json' } : {}) },
      body,
    })
    const headers: Record<string, string> = {}
    // fetch sets Host itself, from the same URL.
    for (const [name, value] of Object.entries(signed.headers)) if (name.toLowerCase() !== 'host') headers[name] = value
    const upstream = await doFetch(url, {
      method: request.method,
      headers,
      body: body ? new Uint8Array(body) : undefined,
      redirect: 'manual',
      signal: AbortSignal.timeout(30_000),
    })
    const answer = Buffer.from(await upstream.arrayBuffer())
    const passed: Record<string, string> = {}
    for (const name of ['content-type', 'x-amzn-errortype', 'x-amzn-requestid']) {
      const value = upstream.headers.get(name)
      if (value !== null) passed[name] = value
    }
    return { status: upstream.status, headers: passed, body: answer.subarray(0, MAX_SIGNER_BODY_BYTES) }
  }

  async function presign(request: SignerPresignRequest): Promise<string> {
    const target = checkSignerTarget(request.url, 'presign')
    if (!target.ok) throw signerError('refused', target.message)
    const url = target.url
    const query: Record<string, string> = {}
    url.searchParams.forEach((value, key) => {
      if (!/^x-amz-/i.test(key)) query[key] = value
    })
    const signed = await signerFor(checkRegion(request.region)).presign(
      {
        method: 'GET',
        protocol: url.protocol === 'wss:' ? 'https:' : 'http:',
        hostname: url.hostname,
        port: url.port ? Number(url.port) : undefined,
        path: url.pathname || '/',
        query,
        headers: { host: url.host },
      },
      { expiresIn: 300 },
    )
    const search = Object.entries(signed.query ?? {})
      .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`)
      .join('&')
    return `${url.protocol}//${url.host}${url.pathname}?${search}`
  }

  async function identity(): Promise<SignerIdentity> {
    const creds = await credentials()
    const out: SignerIdentity = {
      profile,
      maskedAccessKeyId: maskKey(creds.accessKeyId),
      expiresAt: creds.expiration?.getTime(),
    }
    try {
      const sts = new URL(options.stsEndpoint ?? 'https://sts.amazonaws.com/')
      const body = 'Action=GetCallerIdentity&Version=2011-06-15'
      const signed = await signerFor('us-east-1', 'sts').sign({
        method: 'POST',
        protocol: sts.protocol,
        hostname: sts.hostname,
        port: sts.port ? Number(sts.port) : undefined,
        path: sts.pathname,
        headers: { host: sts.host, 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
        body,
      })
      const headers: Record<string, string> = {}
      for (const [name, value] of Object.entries(signed.headers))
        if (name.toLowerCase() !== 'host') headers[name] = value
      const response = await doFetch(sts, { method: 'POST', headers, body, signal: AbortSignal.timeout(4000) })
      const xml = (await response.text()).slice(0, 16_384)
      if (response.ok) {
        out.arn = /<Arn>([^<]+)<\/Arn>/.exec(xml)?.[1]
        out.account = /<Account>([^<]+)<\/Account>/.exec(xml)?.[1]
      } else
        out.stsProblem = `STS answered ${response.status}: ${/<Message>([^<]+)<\/Message>/.exec(xml)?.[1] ?? 'no message'}`
    } catch (e) {
      out.stsProblem = `STS could not be reached (${e instanceof Error ? e.message : String(e)})`
    }
    return out
  }

  const middleware = async (req: IncomingMessage, res: ServerResponse, next: Next) => {
    if (!req.url || !req.url.startsWith(`${SIGNER_PATH}/`)) return next()
    const reply = (status: number, payload: unknown, error?: SignerErrorKind) => {
      res.statusCode = status
      res.setHeader('content-type', 'application/json')
      res.setHeader('cache-control', 'no-store')
      if (error) res.setHeader(SIGNER_ERROR_HEADER, error)
      res.end(JSON.stringify(payload))
    }
    const refuse = (status: number, message: string) => {
      log(`[signer] refused ${req.method} ${req.url} from ${header(req, 'origin') ?? '(no origin)'}: ${message}`)
      reply(status, { kind: 'refused', message } satisfies SignerError, 'refused')
    }
    if (req.method !== 'POST') return refuse(405, 'The signer takes POST only.')
    if (!isOwnOrigin(req))
      return refuse(
        403,
        'The signer answers only the playground page this server served (same origin, on this machine).',
      )
    if (!tokenMatches(header(req, SIGNER_TOKEN_HEADER)))
      return refuse(403, 'The signer needs the token of the page this server served: reload the page.')
    let parsed: unknown
    try {
      parsed = JSON.parse((await readBody(req, MAX_SIGNER_BODY_BYTES)).toString('utf8') || '{}')
    } catch {
      return reply(
        400,
        { kind: 'bad-request', message: `Expected a JSON body of at most ${MAX_SIGNER_BODY_BYTES} bytes.` },
        'bad-request',
      )
    }
    const action = req.url.slice(SIGNER_PATH.length + 1).split('?')[0]
    try {
      if (action === 'identity') return reply(200, await identity())
      if (action === 'presign') return reply(200, { url: await presign(parsed as SignerPresignRequest) })
      if (action === 'call') {
        const answer = await call(parsed as SignerCallRequest)
        res.statusCode = answer.status
        for (const [name, value] of Object.entries(answer.headers)) res.setHeader(name, value)
        return res.end(answer.body)
      }
      return reply(404, { kind: 'bad-request', message: `No signer action ${action}.` }, 'bad-request')
    } catch (e) {
      const error = toSignerError(e)
      if (error.kind === 'refused') return refuse(403, error.message)
      log(`[signer] ${action}: ${error.message}`)
      reply(error.kind === 'bad-request' ? 400 : 502, error, error.kind)
    }
  }

  /** Puts the token into the page: only a page loaded from this server can read it (no CORS on this server). */
  function injectToken(html: string): string {
    return html.replace(/<head>/i, `<head>\n    <meta name="${SIGNER_TOKEN_META}" content="${token}" />`)
  }

  return { token, profile, middleware, injectToken }
}

function checkRegion(region: unknown): string {
  if (typeof region !== 'string' || !/^[a-z]{2}(-[a-z]+)+-\d+$/.test(region))
    throw signerError('bad-request', `“${String(region)}” is not an AWS region.`)
  return region
}

class SignerFailure extends Error {
  constructor(
    readonly kind: SignerErrorKind,
    message: string,
  ) {
    super(message)
  }
}

function signerError(kind: SignerErrorKind, message: string): SignerFailure {
  return new SignerFailure(kind, message)
}

/** The provider chain's own words are the most useful; SSO problems get their own kind for the advice. */
function toSignerError(e: unknown): SignerError {
  if (e instanceof SignerFailure) return { kind: e.kind, message: e.message }
  const message = e instanceof Error ? e.message : String(e)
  const name = e instanceof Error ? e.name : ''
  if (/sso/i.test(message) && /(expired|invalid|login|refresh)/i.test(message)) return { kind: 'sso-login', message }
  if (name === 'CredentialsProviderError' || /Could not load credentials|credential/i.test(message)) {
    return { kind: 'no-credentials', message: `No AWS credentials for the server to sign with: ${message}` }
  }
  return { kind: 'no-credentials', message: `The signer could not sign or send the request: ${message}` }
}

function maskKey(key: string): string {
  return key.length > 8 ? `${key.slice(0, 4)}…${key.slice(-4)}` : '…'
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name]
  return Array.isArray(value) ? value[0] : value
}

/** The Vite plugin: the signer in `vite` (dev) and `vite preview`, with the token written into index.html. */
export function awsSignerPlugin(options: SignerOptions = {}) {
  const signer = createSigner(options)
  let outDir = 'dist'
  type Use = (fn: (req: IncomingMessage, res: ServerResponse, next: Next) => void) => void
  return {
    name: 'playground-aws-signer',
    configResolved(config: { root: string; build: { outDir: string } }) {
      outDir = resolve(config.root, config.build.outDir)
    },
    // Dev serves index.html through this hook; a build must not carry a token (preview adds its own below).
    transformIndexHtml(html: string, ctx?: { server?: unknown }) {
      return ctx?.server ? signer.injectToken(html) : html
    },
    configureServer(server: { middlewares: { use: Use } }) {
      server.middlewares.use((req, res, next) => void signer.middleware(req, res, next))
    },
    configurePreviewServer(server: { middlewares: { use: Use } }) {
      server.middlewares.use((req, res, next) => void signer.middleware(req, res, next))
      // Preview serves the built index.html as a file: add the token on the way out.
      server.middlewares.use((req, res, next) => {
        const path = (req.url ?? '').split('?')[0]!
        const isPage =
          (req.method === 'GET' || req.method === 'HEAD') &&
          (path === '/' ||
            path === '/index.html' ||
            (!/\.[a-z0-9]+$/i.test(path) && /text\/html/.test(header(req, 'accept') ?? '')))
        if (!isPage) return next()
        readFile(resolve(outDir, 'index.html'), 'utf8').then(
          (html) => {
            res.statusCode = 200
            res.setHeader('content-type', 'text/html; charset=utf-8')
            res.setHeader('cache-control', 'no-store')
            res.end(req.method === 'HEAD' ? undefined : signer.injectToken(html))
          },
          () => next(),
        )
      })
    },
  }
}
