import type { IncomingMessage, ServerResponse } from 'node:http'
import { RELAY_PATH, RELAY_TARGET_HEADER } from '../src/core/management/relay-protocol.ts'
import { isOwnOrigin, readBody } from './http-guards.ts'

/**
 * A relay for requests the page has already signed with SigV4: real API Gateway WebSocket APIs have no CORS
 * setting, so a browser cannot read @connections answers from another origin. The relay forwards the request
 * unchanged (the credentials and the signing stay in the browser) to https://{api}.execute-api.{region}.amazonaws.com
 * and to no other host: it is not an open proxy.
 */
export { RELAY_PATH, RELAY_TARGET_HEADER }
export const MAX_RELAY_BODY_BYTES = 256 * 1024

const EXECUTE_API_HOST = /^[a-z0-9]{10}\.execute-api\.[a-z]{2}(-[a-z]+)+-\d+\.amazonaws\.com(\.cn)?$/

/** Headers a signed SDK request carries; everything else (cookies above all) stays behind. */
const FORWARDED_REQUEST_HEADERS = [
  'authorization',
  'content-type',
  'x-amz-date',
  'x-amz-security-token',
  'x-amz-content-sha256',
  'x-amz-user-agent',
  'amz-sdk-invocation-id',
  'amz-sdk-request',
]
const FORWARDED_RESPONSE_HEADERS = ['content-type', 'x-amzn-errortype', 'x-amzn-requestid', 'x-amz-apigw-id', 'date']

export type RelayTarget = { ok: true; url: URL } | { ok: false; status: number; message: string }

export function checkRelayTarget(
  raw: string | undefined,
  allowHost: (host: string) => boolean = (h) => EXECUTE_API_HOST.test(h),
): RelayTarget {
  if (!raw) return { ok: false, status: 400, message: `Missing ${RELAY_TARGET_HEADER} header.` }
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    return { ok: false, status: 400, message: 'The relay target is not a URL.' }
  }
  if (url.protocol !== 'https:' || url.username || url.password || (url.port && url.port !== '443')) {
    return {
      ok: false,
      status: 403,
      message: 'The relay only forwards to https://{api}.execute-api.{region}.amazonaws.com.',
    }
  }
  if (!allowHost(url.hostname)) {
    return {
      ok: false,
      status: 403,
      message: `The relay refuses ${url.hostname}: it only forwards to *.execute-api.*.amazonaws.com.`,
    }
  }
  if (!/^\/([^/]+\/)?@connections\/[^/]+$/.test(url.pathname.replace(/%40/gi, '@'))) {
    return {
      ok: false,
      status: 403,
      message: 'The relay only forwards @connections calls ({stage}/@connections/{id}).',
    }
  }
  return { ok: true, url }
}

export interface RelayOptions {
  /** Tests point the relay at a local server; the default allows execute-api hosts only. */
  allowHost?: (host: string) => boolean
  fetchImpl?: typeof fetch
  log?: (line: string) => void
}

type Next = (error?: unknown) => void

export function createRelayMiddleware(options: RelayOptions = {}) {
  const doFetch = options.fetchImpl ?? fetch
  const log = options.log ?? ((line: string) => console.warn(line))
  return async (req: IncomingMessage, res: ServerResponse, next: Next) => {
    if (!req.url || !req.url.startsWith(RELAY_PATH)) return next()
    const reply = (status: number, message: string) => {
      res.statusCode = status
      res.setHeader('content-type', 'application/json')
      res.setHeader('x-amzn-errortype', status === 403 ? 'RelayRefused' : 'RelayError')
      res.end(JSON.stringify({ message }))
    }
    if (!['GET', 'POST', 'DELETE'].includes(req.method ?? ''))
      return reply(405, 'The relay forwards GET, POST and DELETE only.')
    // Only the playground's own page: not every page open on this machine (same-origin GETs carry no Origin).
    if (!isOwnOrigin(req, false)) {
      log(
        `[relay] refused ${req.method} from ${header(req, 'origin') ?? '(no origin)'} for host ${header(req, 'host') ?? '(none)'}`,
      )
      return reply(403, 'The relay answers only the playground page this server served.')
    }
    const target = checkRelayTarget(header(req, RELAY_TARGET_HEADER), options.allowHost)
    if (!target.ok) {
      log(`[relay] refused ${req.method} to ${header(req, RELAY_TARGET_HEADER) ?? '(none)'}: ${target.message}`)
      return reply(target.status, target.message)
    }
    let body: Buffer
    try {
      body = await readBody(req, MAX_RELAY_BODY_BYTES)
    } catch {
      return reply(413, `The relay accepts bodies up to ${MAX_RELAY_BODY_BYTES} bytes.`)
    }
    const headers: Record<string, string> = {}
    for (const name of FORWARDED_REQUEST_HEADERS) {
      const value = header(req, name)
      if (value !== undefined) headers[name] = value
    }
    try {
      const upstream = await doFetch(target.url, {
        method: req.method,
        headers,
        body: req.method === 'POST' ? new Uint8Array(body) : undefined,
        redirect: 'manual',
        signal: AbortSignal.timeout(30_000),
      })
      const answer = Buffer.from(await upstream.arrayBuffer())
      if (answer.length > MAX_RELAY_BODY_BYTES)
        return reply(502, 'The upstream answer was larger than the relay passes on.')
      res.statusCode = upstream.status
      for (const name of FORWARDED_RESPONSE_HEADERS) {
        const value = upstream.headers.get(name)
        if (value !== null) res.setHeader(name, value)
      }
      res.end(answer)
    } catch (e) {
      log(`[relay] ${req.method} ${target.url.href} failed: ${(e as Error).message}`)
      reply(502, `The relay could not reach ${target.url.hostname}: ${(e as Error).message}`)
    }
  }
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name]
  return Array.isArray(value) ? value[0] : value
}

/** The Vite plugin: the relay in both `vite` (dev) and `vite preview`. */
export function awsRelayPlugin(options: RelayOptions = {}) {
  const middleware = createRelayMiddleware(options)
  return {
    name: 'playground-aws-relay',
    configureServer(server: { middlewares: { use: (fn: typeof middleware) => void } }) {
      server.middlewares.use(middleware)
    },
    configurePreviewServer(server: { middlewares: { use: (fn: typeof middleware) => void } }) {
      server.middlewares.use(middleware)
    },
  }
}
