/** Validation and description of WebSocket endpoint URLs, with messages a user can act on. */
import { redactUrl } from './redact'

export type EndpointCheck =
  { ok: true; url: string; warnings: string[] } | { ok: false; error: string; suggestion?: string }

const KNOWN_SCHEME = /^(wss?):\/\//i
const ANY_SCHEME = /^([a-z][a-z0-9+.-]*):(\/*)/i

/** Schemes people type by mistake, mapped to what they most likely meant. */
const SCHEME_TYPOS: Record<string, string> = {
  http: 'ws',
  https: 'wss',
  ws: 'ws',
  wss: 'wss',
  wws: 'wss',
  wsss: 'wss',
  ss: 'wss',
  sws: 'wss',
  wsd: 'wss',
  was: 'wss',
  ew: 'ws',
  w: 'ws',
}

export function checkEndpoint(input: string, pageIsSecure = false): EndpointCheck {
  const raw = input.trim()
  if (!raw) return { ok: false, error: 'Enter a WebSocket URL that starts with ws:// or wss://.' }
  if (/\s/.test(raw)) {
    const squeezed = raw.replace(/\s+/g, '')
    return {
      ok: false,
      error: 'The URL contains spaces. WebSocket URLs cannot contain spaces; encode them as %20 in the query string.',
      suggestion: checkEndpoint(squeezed).ok ? squeezed : undefined,
    }
  }
  const known = KNOWN_SCHEME.exec(raw)
  if (!known) return schemeProblem(raw)

  // A % must start an escape such as %20: decoding a stray one (e.g. ?a%=1) throws, so say so here, where it shows.
  const stray = /%(?![0-9A-Fa-f]{2})/.exec(raw)
  if (stray) {
    const near = raw.slice(Math.max(0, stray.index - 12), stray.index + 3)
    return {
      ok: false,
      error: `The URL has a % that is not followed by two hex digits (near “${near}”): write %25 for a literal %, or complete the escape (e.g. %20).`,
      suggestion: raw.replace(/%(?![0-9A-Fa-f]{2})/g, '%25'),
    }
  }

  // URL parsers quietly turn ws:///dev into ws://dev/: a third slash means the host was left out.
  if (/^wss?:\/\/([/?#]|$)/i.test(raw)) {
    return {
      ok: false,
      error: 'The URL has no host: add one, e.g. wss://abc123.execute-api.us-east-1.amazonaws.com/prod.',
    }
  }
  let parsed: URL
  try {
    parsed = new URL(raw)
  } catch {
    return { ok: false, error: `“${raw}” is not a valid URL: check the host name and port.` }
  }
  if (!parsed.hostname)
    return {
      ok: false,
      error: 'The URL has no host: add one, e.g. wss://abc123.execute-api.us-east-1.amazonaws.com/prod.',
    }
  if (parsed.hash || raw.includes('#')) {
    return {
      ok: false,
      error: 'WebSocket URLs cannot have a #fragment; the browser refuses them.',
      suggestion: raw.slice(0, raw.indexOf('#')),
    }
  }
  if (parsed.username || parsed.password) {
    return {
      ok: false,
      error: 'Credentials in the URL (user:password@) are not sent by browsers on a WebSocket; remove them.',
    }
  }

  const warnings: string[] = []
  const info = describeEndpoint(parsed.href)
  if (info.kind === 'aws' && !info.stage) {
    warnings.push('API Gateway URLs need the stage in the path, e.g. /prod; without it the handshake is refused.')
  }
  if (pageIsSecure && parsed.protocol === 'ws:' && !isLoopback(parsed.hostname)) {
    warnings.push(
      'This page is served over HTTPS, so the browser blocks an insecure ws:// connection (mixed content). Use wss://.',
    )
  }
  // Keep the user's own spelling of the query string: URL.href would normalise it.
  return { ok: true, url: normalisePreservingQuery(raw, parsed), warnings }
}

function schemeProblem(raw: string): EndpointCheck {
  const scheme = ANY_SCHEME.exec(raw)
  if (scheme) {
    const name = scheme[1]!.toLowerCase()
    const rest = raw.slice(scheme[0].length)
    const fixed = SCHEME_TYPOS[name]
    if (name === 'http' || name === 'https') {
      return {
        ok: false,
        error: `This is an ${name.toUpperCase()} URL. WebSocket APIs use ${fixed}:// (API Gateway uses wss://).`,
        suggestion: `${fixed}://${rest}`,
      }
    }
    if (fixed) {
      return {
        ok: false,
        error: `“${scheme[0]}” is not a valid scheme. Use ${fixed}://.`,
        suggestion: `${fixed}://${rest}`,
      }
    }
    // `host:port/path` parses as a scheme too: treat it as a missing scheme.
    if (!/^\d+/.test(rest) || scheme[2]) {
      return { ok: false, error: `Unknown scheme “${name}:”. WebSocket URLs start with ws:// or wss://.` }
    }
  }
  const mangled = /^(wss?)[:/;]+/i.exec(raw)
  if (mangled) {
    const fixed = mangled[1]!.toLowerCase()
    return {
      ok: false,
      error: `The scheme is mistyped. Use ${fixed}://.`,
      suggestion: `${fixed}://${raw.slice(mangled[0].length)}`,
    }
  }
  if (raw.startsWith('/') || raw.startsWith('?')) {
    return { ok: false, error: 'The URL has no host: add one, e.g. ws://127.0.0.1:4001/dev.' }
  }
  const guess = isLoopback(raw.split(/[/:?]/)[0] ?? '') ? 'ws' : 'wss'
  return {
    ok: false,
    error: 'The URL has no scheme. WebSocket URLs start with ws:// or wss://.',
    suggestion: `${guess}://${raw}`,
  }
}

function normalisePreservingQuery(raw: string, parsed: URL): string {
  const queryStart = raw.indexOf('?')
  const query = queryStart >= 0 ? raw.slice(queryStart) : ''
  const path = parsed.pathname === '/' && !/^wss?:\/\/[^/?]+\//i.test(raw) ? '' : parsed.pathname
  return `${parsed.protocol}//${parsed.host}${path}${query}`
}

export function isLoopback(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase()
  return host === 'localhost' || host.endsWith('.localhost') || host === '::1' || /^127\./.test(host)
}

export type EndpointKind = 'aws' | 'local' | 'other'

export interface EndpointInfo {
  kind: EndpointKind
  host: string
  apiId?: string
  region?: string
  /** The first path segment: the stage on an execute-api host. On a custom domain it is a base path, or nothing. */
  stage?: string
}

const EXECUTE_API = /^([a-z0-9]{10})\.execute-api\.([a-z0-9-]+)\.amazonaws\.com(\.cn)?$/i

export function describeEndpoint(url: string): EndpointInfo {
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    return { kind: 'other', host: '' }
  }
  const stage = decodeURIComponent(parsed.pathname.split('/').filter(Boolean)[0] ?? '') || undefined
  const aws = EXECUTE_API.exec(parsed.hostname)
  if (aws) return { kind: 'aws', host: parsed.host, apiId: aws[1]!.toLowerCase(), region: aws[2]!.toLowerCase(), stage }
  if (isLoopback(parsed.hostname)) return { kind: 'local', host: parsed.host, stage }
  return { kind: 'other', host: parsed.host, stage }
}

/** RFC 6455 subprotocols are HTTP tokens; the browser throws a SyntaxError for anything else. */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/

export type SubprotocolCheck = { ok: true; protocols: string[] } | { ok: false; error: string }

export function checkSubprotocols(input: string): SubprotocolCheck {
  const protocols = input
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)
  const bad = protocols.find((p) => !TOKEN.test(p))
  if (bad)
    return {
      ok: false,
      error: `“${bad}” is not a valid subprotocol: use letters, digits and - . _ ~ only, separated by commas.`,
    }
  const seen = new Set<string>()
  for (const p of protocols) {
    if (seen.has(p)) return { ok: false, error: `“${p}” is listed twice; the browser refuses duplicate subprotocols.` }
    seen.add(p)
  }
  return { ok: true, protocols }
}

/** Without credential-looking query parameters (see redact.ts): for anything stored or shared. */
export function withoutSecrets(url: string): string {
  return redactUrl(url, 'remove').url
}

/** For display and logs: keeps the parameter names, so a presigned URL is recognisable, but not their values. */
export function redactSecrets(url: string): string {
  return redactUrl(url, 'mask').url
}

/** Most-recent-first list of endpoints, without duplicates or secrets. */
export function rememberEndpoint(list: readonly string[], url: string, max = 12): string[] {
  const clean = withoutSecrets(url)
  return [clean, ...list.filter((u) => u !== clean)].slice(0, max)
}
