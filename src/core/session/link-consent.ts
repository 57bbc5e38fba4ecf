import { redactUrl } from './redact'

/**
 * A link is a proposal: anyone can send one, so what it asks the page to do on its own (connect, start an experiment)
 * waits for the user's yes, unless the user said "always" for that endpoint's origin or a script opted in.
 */

/** Origins the user always allows links to connect to: a preference, kept bounded, newest first. */
export const MAX_ALLOWED_ORIGINS = 50

/** What a link asks to do without a click. */
export interface LinkActions {
  connect: boolean
  /** How many connections it connects, when more than one. */
  connections?: number
  /** Keepalives it starts, one phrase each (“every 30 s”, or “on “with keepalive” every 0.5 s”). */
  keepalives?: string[]
  /** A demo it runs: its title (the demo connects its own connections). */
  demo?: { title: string }
  /** An experiment to start: its title and number of runs. */
  experiment?: { title: string; runs: number }
}

export interface ConsentRequest {
  /** The endpoints as shown to the user: credential parameters masked, each once, comma-separated. */
  endpoint: string
  /** What "always allow" remembers: every endpoint's origin; empty when one has none (then only "allow once"). */
  origins: string[]
  actions: LinkActions
  /** One sentence naming what will happen, for the dialog. */
  question: string
  /** The same as a statement, for the note shown when the user declined (“connect to ws://…”). */
  proposal: string
}

/** `ws://host:port` for an endpoint URL, or undefined if it is not a URL with a host. */
export function endpointOrigin(endpoint: string): string | undefined {
  try {
    const url = new URL(endpoint)
    return url.host ? `${url.protocol}//${url.host}`.toLowerCase() : undefined
  } catch {
    return undefined
  }
}

/** The allowed origins with `origin` first, once, and at most MAX_ALLOWED_ORIGINS of them. */
export function rememberOrigin(allowed: readonly string[], origin: string): string[] {
  return [origin, ...allowed.filter((o) => o !== origin)].slice(0, MAX_ALLOWED_ORIGINS)
}

/**
 * The question to ask before acting on a link, or undefined when the link may act at once: it asks nothing, a
 * script opted in, or the user always allows every endpoint's origin.
 */
export function consentNeeded(
  endpoints: string | readonly string[],
  actions: LinkActions,
  options: { allowedOrigins: readonly string[]; scripted: boolean },
): ConsentRequest | undefined {
  if (!actions.connect && !actions.experiment && !actions.demo && !actions.keepalives?.length) return undefined
  if (options.scripted) return undefined
  const list = typeof endpoints === 'string' ? [endpoints] : [...endpoints]
  const found = list.map(endpointOrigin)
  const origins = found.every((o) => o !== undefined) ? [...new Set(found as string[])] : []
  if (origins.length && origins.every((o) => options.allowedOrigins.includes(o))) return undefined
  const shown = [...new Set(list.map((e) => redactUrl(e, 'mask').url))].join(', ')
  const proposal = describe(actions, shown)
  return { endpoint: shown, origins, actions, question: `${proposal}?`, proposal }
}

function describe(actions: LinkActions, shown: string): string {
  const { experiment, demo } = actions
  const keepalive = actions.keepalives?.length ? ` with a keepalive ${actions.keepalives.join(' and ')}` : ''
  const to = actions.connections && actions.connections > 1 ? `${actions.connections} connections to` : 'to'
  if (demo) return `Run the demo “${demo.title}”: connect ${to} ${shown}${keepalive}`
  if (experiment) {
    const runs = `${experiment.runs} ${experiment.runs === 1 ? 'run' : 'runs'}`
    return `${actions.connect ? `Connect ${to} ${shown}${keepalive} and start` : 'Start'} the experiment “${experiment.title}” (${runs}), which opens its own connections to ${shown}`
  }
  if (actions.connect) return `Connect ${to} ${shown}${keepalive}`
  return `Start a keepalive ${actions.keepalives!.join(' and ')} (on ${shown}, once connected)`
}

/**
 * The page's address with credential-looking parameters removed, both its own (`?token=…`) and those inside the
 * `endpoint` parameter (a presigned URL's X-Amz-Signature and X-Amz-Security-Token), or undefined if it has none.
 * The tab keeps using the full endpoint in memory; the address bar, history and bookmarks get the rest.
 */
export function addressWithoutSecrets(href: string): string | undefined {
  let url: URL
  try {
    url = new URL(href)
  } catch {
    return undefined
  }
  // Every `endpoint` (a link may set up several), kept in place among the other parameters.
  const params = new URLSearchParams()
  let changed = false
  for (const [key, value] of new URLSearchParams(url.search)) {
    const cleaned = key === 'endpoint' && value ? redactUrl(value, 'remove') : undefined
    if (cleaned?.removed.length) changed = true
    params.append(key, cleaned ? cleaned.url : value)
  }
  const rest = redactUrl(`?${params.toString()}`, 'remove')
  if (rest.removed.length) changed = true
  if (!changed) return undefined
  const query = rest.url === '?' ? '' : rest.url
  return `${url.origin}${url.pathname}${query}${url.hash}`
}
