import { isIP } from 'node:net'

/**
 * Who may reach the gateway: it is a local tool, so by default only pages served from a loopback origin
 * (`http://127.0.0.1:*`, `http://localhost:*`, `http://[::1]:*`) may open WebSockets or read answers, and only requests
 * addressed to a loopback name or the gateway's own name are served (a foreign `Host` means DNS rebinding). Requests
 * without `Origin` (wscat, the AWS SDK in Node, curl) are not from a web page and are let through.
 */

export interface AccessOptions {
  /** Extra origins (`https://example.com:8443`), or `*` for every origin. */
  allowOrigins: readonly string[]
  /** The interface the gateway listens on. */
  host: string
  /** `--domain-name`, when set. */
  domainName: string | undefined
}

export interface AccessPolicy {
  /** True for an allowed `Origin` header value. */
  originAllowed(origin: string): boolean
  /** True when the `Host` header names this gateway. */
  hostAllowed(host: string | undefined): boolean
  /** The names `Host` may carry, for messages. */
  readonly hostNames: string
}

const WILDCARD_HOSTS = new Set(['0.0.0.0', '::', '[::]'])

/** `https://example.com:8443` → itself; anything that is not a bare origin → undefined. */
export function normalizeOrigin(value: string): string | undefined {
  let url: URL
  try {
    url = new URL(value)
  } catch {
    return undefined
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined
  if (url.username || url.password || url.search || url.hash || (url.pathname !== '/' && url.pathname !== ''))
    return undefined
  if (value.replace(/\/$/, '').toLowerCase() !== url.origin.toLowerCase()) return undefined
  return url.origin
}

export function isLoopbackName(hostname: string): boolean {
  const h = hostname.toLowerCase().replace(/\.$/, '')
  if (h === 'localhost' || h.endsWith('.localhost')) return true
  if (h === '[::1]' || h === '::1') return true
  return isIP(h) === 4 && h.startsWith('127.')
}

/** `127.0.0.1:4001` → `127.0.0.1`; `[::1]:4001` → `[::1]`. */
export function hostnameOf(hostHeader: string): string {
  const h = hostHeader.trim().toLowerCase()
  if (h.startsWith('[')) {
    const end = h.indexOf(']')
    return end < 0 ? h : h.slice(0, end + 1)
  }
  const colon = h.indexOf(':')
  return colon < 0 ? h : h.slice(0, colon)
}

export function accessPolicy(o: AccessOptions): AccessPolicy {
  const any = o.allowOrigins.includes('*')
  const origins = new Set(o.allowOrigins.map((value) => normalizeOrigin(value)).filter((v) => v !== undefined))
  const names = new Set<string>()
  const bare = (h: string) => (h.includes(':') && !h.startsWith('[') ? `[${h}]` : h).toLowerCase()
  const wildcard = WILDCARD_HOSTS.has(o.host)
  if (!wildcard) names.add(bare(o.host))
  if (o.domainName) names.add(hostnameOf(o.domainName))
  return {
    originAllowed(origin) {
      if (any) return true
      const normalized = normalizeOrigin(origin)
      if (!normalized) return false
      if (origins.has(normalized)) return true
      return isLoopbackName(new URL(normalized).hostname)
    },
    hostAllowed(host) {
      if (host === undefined || host === '') return false
      const name = hostnameOf(host)
      if (isLoopbackName(name) || names.has(name)) return true
      // Listening on every interface: a LAN address is fine. Rebinding needs a DNS name, never an IP literal.
      return wildcard && isIP(name.replace(/^\[|\]$/g, '')) !== 0
    },
    hostNames:
      ['localhost', '127.0.0.1', '[::1]', ...names].filter((v, i, a) => a.indexOf(v) === i).join(', ') +
      (wildcard ? ' or any IP address' : ''),
  }
}

export interface ForeignRefusal {
  status: number
  /** The response's message. */
  message: string
  /** The log line's reason. */
  why: string
}

/** A request from a page of another site, or addressed to another name (DNS rebinding): its refusal, else undefined. */
export function foreignRequest(
  access: AccessPolicy,
  host: string | undefined,
  origin: string | string[] | undefined,
): ForeignRefusal | undefined {
  if (!access.hostAllowed(host))
    return {
      status: 421,
      message: `Misdirected Request: this gateway answers to ${access.hostNames} (see --host, --domain-name)`,
      why: `Host "${String(host).slice(0, 100)}" is not ${access.hostNames} (DNS rebinding?)`,
    }
  if (origin !== undefined && (Array.isArray(origin) || !access.originAllowed(origin)))
    return {
      status: 403,
      message: `Forbidden: pages from ${String(origin).slice(0, 100)} may not use this local gateway (see --allow-origin)`,
      why: `Origin ${String(origin).slice(0, 100)} is neither a loopback origin nor named with --allow-origin`,
    }
  return undefined
}
