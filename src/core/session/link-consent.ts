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
  /** An experiment to start: its title and number of runs. */
  experiment?: { title: string; runs: number }
}

export interface ConsentRequest {
  /** The endpoint as shown to the user: credential parameters masked. */
  endpoint: string
  /** What "always allow" remembers; undefined when the endpoint has no origin (then only "allow once"). */
  origin?: string
  actions: LinkActions
  /** One sentence naming what will happen, for the dialog. */
  question: string
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
 * script opted in, or the user always allows the endpoint's origin.
 */
export function consentNeeded(
  endpoint: string,
  actions: LinkActions,
  options: { allowedOrigins: readonly string[]; scripted: boolean },
): ConsentRequest | undefined {
  if (!actions.connect && !actions.experiment) return undefined
  if (options.scripted) return undefined
  const origin = endpointOrigin(endpoint)
  if (origin && options.allowedOrigins.includes(origin)) return undefined
  const shown = redactUrl(endpoint, 'mask').url
  const { experiment } = actions
  const runs = experiment && `${experiment.runs} ${experiment.runs === 1 ? 'run' : 'runs'}`
  const question = experiment
    ? `${actions.connect ? `Connect to ${shown} and start` : 'Start'} the experiment “${experiment.title}” (${runs}), which opens its own connections to ${shown}?`
    : `Connect to ${shown}?`
  return { endpoint: shown, origin, actions, question }
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
  const params = new URLSearchParams(url.search)
  const endpoint = params.get('endpoint')
  let changed = false
  if (endpoint) {
    const cleaned = redactUrl(endpoint, 'remove')
    if (cleaned.removed.length) {
      params.set('endpoint', cleaned.url)
      changed = true
    }
  }
  const rest = redactUrl(`?${params.toString()}`, 'remove')
  if (rest.removed.length) changed = true
  if (!changed) return undefined
  const query = rest.url === '?' ? '' : rest.url
  return `${url.origin}${url.pathname}${query}${url.hash}`
}
