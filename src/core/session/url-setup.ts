import type { ProfileId } from './timeout-profiles'
import { cutText } from '../cut-text'
import { keepaliveIntervalProblem } from './keepalive-settings'
import { redactUrl } from './redact'

/**
 * A set-up carried in the page URL, so a link or a Playwright script opens a ready experiment. One connection:
 *   ?endpoint=ws://…&protocols=a,b&autoconnect=1&keepalive=30&payload=ping&profile=custom&idle=10&max=60
 * Several connections: each `endpoint` starts one, and the connection parameters after it (up to the next
 * `endpoint`) are its own; given before the first `endpoint` they apply to every connection that does not set its
 * own. `autoconnect` and `demo` are for the whole page wherever they stand:
 *   ?profile=custom&idle=1.5&endpoint=ws://a/dev&name=with+keepalive&keepalive=0.5&endpoint=ws://a/dev&name=without
 */
export interface ConnectionSetup {
  endpoint?: string
  /** The connection's name in the list (unique in a link, at most MAX_LINK_NAME_LENGTH characters). */
  name?: string
  protocols?: string
  /** Keepalive interval in seconds; present means keepalive on. */
  keepaliveSeconds?: number
  payload?: string
  profile?: ProfileId
  idleSeconds?: number
  maxSeconds?: number
}

/** The one-connection form: a connection's set-up and whether the link connects on open. */
export interface UrlSetup extends ConnectionSetup {
  autoconnect?: boolean
}

export interface ParsedSetup {
  setup: UrlSetup
  problems: string[]
}

/** Everything a link asks for. */
export interface LinkSetup {
  /**
   * One entry per `endpoint` parameter, with the shared parameters filled in. A link without `endpoint` but with
   * connection parameters (`?keepalive=30`) has one entry without an endpoint: it changes the tab's first connection.
   */
  connections: ConnectionSetup[]
  autoconnect?: boolean
  /** A demo's name as given (demos.ts checks it). */
  demo?: string
  /** What was ignored, one sentence each. */
  problems: string[]
}

/** A link sets up at most this many connections: each is a socket the page opens after one yes. */
export const MAX_LINK_CONNECTIONS = 20
export const MAX_LINK_NAME_LENGTH = 40

/** The parameters that belong to one connection (everything else is page-wide: autoconnect, demo, experiment…). */
export const CONNECTION_PARAMS = ['name', 'protocols', 'keepalive', 'payload', 'profile', 'idle', 'max'] as const
type ConnectionParam = (typeof CONNECTION_PARAMS)[number]

/** Every parameter a link may carry, besides an experiment's own (which the lab knows). */
export const LINK_PARAMS = ['endpoint', 'autoconnect', 'demo', ...CONNECTION_PARAMS, 'experiment', 'runs', 'start']
/** Unknown parameters named in the message; a link of hundreds does not make it a wall of text. */
const MAX_NAMED_UNKNOWN = 5
const MAX_NAME_CHARS = 40

/**
 * Names the parameters a link carries that the page does not read (a typo such as connect=1 for autoconnect=1 did
 * nothing without a word). Only their names: a value may be a secret.
 */
export function unknownLinkParams(search: string, also: readonly string[] = []): string[] {
  let params: URLSearchParams
  try {
    params = new URLSearchParams(search)
  } catch {
    return []
  }
  const known = new Set([...LINK_PARAMS, ...also])
  const unknown = [...new Set(params.keys())].filter((key) => !known.has(key))
  if (!unknown.length) return []
  // A long name shows its first MAX_NAME_CHARS characters, then …
  const named = unknown
    .slice(0, MAX_NAMED_UNKNOWN)
    .map((key) => (key === '' ? '(a nameless parameter)' : cutText(key, MAX_NAME_CHARS + 1)))
  const more = unknown.length > MAX_NAMED_UNKNOWN ? ` and ${unknown.length - MAX_NAMED_UNKNOWN} more` : ''
  return [
    `Ignored ${named.join(', ')}${more}: not ${unknown.length === 1 ? 'a parameter' : 'parameters'} of a playground link, which are ${[...known].join(', ')}.`,
  ]
}

const PROFILES: ProfileId[] = ['aws', 'article', 'custom']

/** One connection's parameters as written, before they are checked: `off` for keepalive is kept as written. */
type RawGroup = Partial<Record<ConnectionParam, string>>

export function parseLinkSetup(search: string): LinkSetup {
  const problems: string[] = []
  let params: URLSearchParams
  try {
    params = new URLSearchParams(search)
  } catch {
    return { connections: [], problems: ['Ignored the link’s parameters: the address could not be read.'] }
  }
  const shared: RawGroup = {}
  const groups: { endpoint: string; raw: RawGroup }[] = []
  let extraEndpoints = 0
  let autoconnect: boolean | undefined
  let demo: string | undefined
  for (const [key, value] of params) {
    if (key === 'endpoint') {
      if (groups.length >= MAX_LINK_CONNECTIONS) extraEndpoints++
      else groups.push({ endpoint: value, raw: {} })
    } else if (key === 'autoconnect') autoconnect = value === '' || value === '1' || value === 'true'
    else if (key === 'demo') demo = value
    else if ((CONNECTION_PARAMS as readonly string[]).includes(key)) {
      // Parameters after an endpoint beyond the limit belong to a connection that is not made.
      if (extraEndpoints) continue
      const target = groups.at(-1)?.raw ?? shared
      target[key as ConnectionParam] = value
    }
  }
  if (extraEndpoints)
    problems.push(
      `A link sets up at most ${MAX_LINK_CONNECTIONS} connections: ignored the other ${extraEndpoints} endpoint${extraEndpoints === 1 ? '' : 's'}.`,
    )

  const several = groups.length > 1
  if (several && shared.name !== undefined) {
    problems.push(`Ignored name=${shared.name} before the first endpoint: a name goes after its endpoint.`)
    delete shared.name
  }
  const rawConnections: { endpoint?: string; raw: RawGroup }[] = groups.length
    ? groups.map((g) => ({ endpoint: g.endpoint, raw: { ...shared, ...g.raw } }))
    : Object.keys(shared).length
      ? [{ raw: shared }]
      : []
  const names = new Set<string>()
  const connections = rawConnections.map(({ endpoint, raw }, i) => {
    const label = several ? `connection ${i + 1}: ` : ''
    const setup = readConnection(raw, (problem) => problems.push(`${label}${problem}`))
    if (endpoint) setup.endpoint = endpoint
    if (setup.name !== undefined) {
      const key = setup.name.toLowerCase()
      if (names.has(key)) {
        problems.push(`${label}Ignored name=${setup.name}: another connection of the link has that name.`)
        delete setup.name
      } else names.add(key)
    }
    return setup
  })
  return { connections, autoconnect, demo, problems: capitalised(problems) }
}

function readConnection(raw: RawGroup, problem: (text: string) => void): ConnectionSetup {
  const setup: ConnectionSetup = {}
  const seconds = (name: 'keepalive' | 'idle' | 'max'): number | undefined => {
    const value = raw[name]
    if (value === undefined || value === '') return undefined
    const n = Number(value)
    if (!Number.isFinite(n) || n <= 0) {
      problem(`Ignored ${name}=${value}: expected a positive number of seconds.`)
      return undefined
    }
    return n
  }
  if (raw.name !== undefined) {
    const name = raw.name.trim()
    if (!name) problem('Ignored an empty name.')
    else if (name.length > MAX_LINK_NAME_LENGTH)
      problem(`Ignored a name of ${name.length} characters: at most ${MAX_LINK_NAME_LENGTH}.`)
    else setup.name = name
  }
  if (raw.protocols) setup.protocols = raw.protocols
  if (raw.keepalive !== 'off' && raw.keepalive !== '0') {
    const keepalive = seconds('keepalive')
    const refused = keepalive === undefined ? undefined : keepaliveIntervalProblem(keepalive * 1000)
    if (refused) problem(`Ignored keepalive=${raw.keepalive}: ${refused.charAt(0).toLowerCase()}${refused.slice(1)}`)
    else if (keepalive !== undefined) setup.keepaliveSeconds = keepalive
  }
  if (raw.payload !== undefined) setup.payload = raw.payload
  if (raw.profile) {
    if ((PROFILES as string[]).includes(raw.profile)) setup.profile = raw.profile as ProfileId
    else problem(`Ignored profile=${raw.profile}: use aws, article or custom.`)
  }
  const idle = seconds('idle')
  if (idle !== undefined) setup.idleSeconds = idle
  const max = seconds('max')
  if (max !== undefined) setup.maxSeconds = max
  return setup
}

function capitalised(problems: string[]): string[] {
  return problems.map((p) => p.charAt(0).toUpperCase() + p.slice(1))
}

/** The one-connection reading of a link (its first connection), as the page read links before they had several. */
export function parseUrlSetup(search: string): ParsedSetup {
  const link = parseLinkSetup(search)
  const setup: UrlSetup = { ...link.connections[0] }
  if (link.autoconnect !== undefined) setup.autoconnect = link.autoconnect
  return { setup, problems: link.problems }
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
  return linkQuery([setup], { autoconnect: setup.autoconnect })
}

/** A connection's parameters as the link writes them, in order; undefined values are left out. */
function connectionParams(setup: ConnectionSetup): [ConnectionParam, string | undefined][] {
  const keepalive = setup.keepaliveSeconds ? String(setup.keepaliveSeconds) : undefined
  const custom = setup.profile === 'custom'
  return [
    ['name', setup.name],
    ['protocols', setup.protocols || undefined],
    ['keepalive', keepalive],
    // A payload means nothing without a keepalive.
    ['payload', keepalive === undefined ? undefined : setup.payload],
    ['profile', setup.profile],
    ['idle', custom && setup.idleSeconds ? String(setup.idleSeconds) : undefined],
    ['max', custom && setup.maxSeconds ? String(setup.maxSeconds) : undefined],
  ]
}

/**
 * The query string for several connections (the scheme in parseLinkSetup's comment), never with credentials, and the
 * names of the endpoint parameters it left out. A parameter every connection shares is written once, before the
 * first endpoint. One connection is written as before: `?endpoint=…&keepalive=…`.
 */
export function linkQuery(
  connections: readonly ConnectionSetup[],
  options: { autoconnect?: boolean; demo?: string } = {},
): { query: string; leftOut: string[] } {
  const params = new URLSearchParams()
  const leftOut: string[] = []
  const endpoints = connections.map((c) => {
    if (!c.endpoint) return undefined
    const cleaned = redactUrl(c.endpoint, 'remove')
    for (const name of cleaned.removed) if (!leftOut.includes(name)) leftOut.push(name)
    return cleaned.url
  })
  const perConnection = connections.map(connectionParams)
  const sharedKeys = new Set<ConnectionParam>()
  if (connections.length > 1)
    for (const [index, [key, value]] of perConnection[0]!.entries())
      if (key !== 'name' && value !== undefined && perConnection.every((p) => p[index]![1] === value))
        sharedKeys.add(key)
  for (const [key, value] of perConnection[0] ?? [])
    if (sharedKeys.has(key) && value !== undefined) params.append(key, value)
  for (const [i, own] of perConnection.entries()) {
    // With several, every connection has its `endpoint` (empty if it has none): it is what separates them.
    const endpoint = endpoints[i]
    if (endpoint || connections.length > 1) params.append('endpoint', endpoint ?? '')
    for (const [key, value] of own) if (!sharedKeys.has(key) && value !== undefined) params.append(key, value)
  }
  if (options.autoconnect) params.set('autoconnect', '1')
  if (options.demo) params.set('demo', options.demo)
  const query = params.toString()
  return { query: query ? `?${query}` : '', leftOut }
}
