import type { ProfileId } from './timeout-profiles'
import { redactUrl } from './redact'

/**
 * An experiment set-up carried in the page URL, so a link or a Playwright script opens a ready experiment:
 * ?endpoint=ws://…&protocols=a,b&autoconnect=1&keepalive=30&payload=ping&profile=custom&idle=10&max=60
 */
export interface UrlSetup {
  endpoint?: string
  protocols?: string
  autoconnect?: boolean
  /** Keepalive interval in seconds; present means keepalive on. */
  keepaliveSeconds?: number
  payload?: string
  profile?: ProfileId
  idleSeconds?: number
  maxSeconds?: number
}

export interface ParsedSetup {
  setup: UrlSetup
  problems: string[]
}

const PROFILES: ProfileId[] = ['aws', 'article', 'custom']

export function parseUrlSetup(search: string): ParsedSetup {
  const params = new URLSearchParams(search)
  const setup: UrlSetup = {}
  const problems: string[] = []
  const endpoint = params.get('endpoint')
  if (endpoint) setup.endpoint = endpoint
  const protocols = params.get('protocols')
  if (protocols) setup.protocols = protocols
  const auto = params.get('autoconnect')
  if (auto !== null) setup.autoconnect = auto === '' || auto === '1' || auto === 'true'
  const seconds = (name: string): number | undefined => {
    const raw = params.get(name)
    if (raw === null || raw === '') return undefined
    const n = Number(raw)
    if (!Number.isFinite(n) || n <= 0) {
      problems.push(`Ignored ${name}=${raw}: expected a positive number of seconds.`)
      return undefined
    }
    return n
  }
  const keepalive = params.get('keepalive')
  if (keepalive === 'off' || keepalive === '0') setup.keepaliveSeconds = undefined
  else setup.keepaliveSeconds = seconds('keepalive')
  const payload = params.get('payload')
  if (payload !== null) setup.payload = payload
  const profile = params.get('profile')
  if (profile) {
    if ((PROFILES as string[]).includes(profile)) setup.profile = profile as ProfileId
    else problems.push(`Ignored profile=${profile}: use aws, article or custom.`)
  }
  setup.idleSeconds = seconds('idle')
  setup.maxSeconds = seconds('max')
  for (const key of Object.keys(setup) as (keyof UrlSetup)[]) if (setup[key] === undefined) delete setup[key]
  return { setup, problems }
}

/** The query string for a set-up. */
export function toUrlQuery(setup: UrlSetup): string {
  return setupQuery(setup).query
}

/**
 * The query string for a set-up, and the names of the endpoint's parameters it left out: a link must never carry
 * credentials (a token, a presigned URL's signature), and the user should know what the link will lack.
 */
export function setupQuery(setup: UrlSetup): { query: string; leftOut: string[] } {
  const params = new URLSearchParams()
  const endpoint = setup.endpoint ? redactUrl(setup.endpoint, 'remove') : undefined
  if (endpoint) params.set('endpoint', endpoint.url)
  if (setup.protocols) params.set('protocols', setup.protocols)
  if (setup.autoconnect) params.set('autoconnect', '1')
  if (setup.keepaliveSeconds) params.set('keepalive', String(setup.keepaliveSeconds))
  if (setup.payload !== undefined && setup.keepaliveSeconds) params.set('payload', setup.payload)
  if (setup.profile) params.set('profile', setup.profile)
  if (setup.profile === 'custom') {
    if (setup.idleSeconds) params.set('idle', String(setup.idleSeconds))
    if (setup.maxSeconds) params.set('max', String(setup.maxSeconds))
  }
  const query = params.toString()
  return { query: query ? `?${query}` : '', leftOut: endpoint?.removed ?? [] }
}
