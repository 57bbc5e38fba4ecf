import { parseUrlSetup, setupQuery, type UrlSetup } from '@/core/session/url-setup'
import { checkEndpoint } from '@/core/session/endpoint'
import type { ConnectionSettings } from '@/core/session/page-connection'
import {
  addressWithoutSecrets,
  consentNeeded,
  rememberOrigin,
  type ConsentRequest,
  type LinkActions,
} from '@/core/session/link-consent'
import { useExperimentsStore } from '@/stores/experiments'
import { useLayoutStore } from '@/stores/layout'
import { useSessionStore } from '@/stores/session'
import { useSettingsStore } from '@/stores/settings'

declare global {
  interface Window {
    /**
     * Set by a script that drives the page (Playwright's addInitScript in the e2e fixtures, `npm run experiment`,
     * `npm run bench`) to let its own links connect and start experiments without the consent dialog. A link
     * cannot set it: only code running in the page can.
     */
    __playgroundScripted?: boolean
  }
}

/** A link's request to connect or start an experiment, waiting for the user's answer. */
export interface PendingLink {
  request: ConsentRequest
  /** Does what the link asked; `always` remembers the endpoint's origin. Returns what went wrong. */
  allow(always: boolean): string[]
}

export interface AppliedLink {
  /** What the link had to ignore or could not do. */
  problems: string[]
  pending?: PendingLink
}

/**
 * Applies ?endpoint=…&autoconnect=1&keepalive=…&payload=…&profile=… to this tab's first connection (a tab's
 * connections are its own: other tabs and the shared preferences stay as they were). Connecting and starting an
 * experiment wait for the user's yes (see link-consent).
 */
export function applyUrlSetup(search = location.search): AppliedLink {
  const { setup, problems } = parseUrlSetup(search)
  const settings = useSettingsStore()
  const session = useSessionStore()
  const id = session.connections[0]!.id
  const patch: Partial<ConnectionSettings> = {
    endpoint: setup.endpoint,
    protocols: setup.protocols,
    profileId: setup.profile,
    customIdleSeconds: setup.idleSeconds,
    customMaxSeconds: setup.maxSeconds,
    keepalivePayload: setup.payload,
    keepaliveSeconds: setup.keepaliveSeconds,
  }
  for (const key of Object.keys(patch) as (keyof ConnectionSettings)[]) if (patch[key] === undefined) delete patch[key]
  session.configure(patch, id)
  hideSecretsInAddressBar()
  if (setup.keepaliveSeconds) {
    const result = session.setKeepalive(true, id)
    if (!result.ok) problems.push(result.error)
  }
  const endpoint = session.connections[0]!.settings.endpoint
  const actions: LinkActions = { connect: false }
  if (setup.autoconnect) {
    // An endpoint the form already explains is not repeated here, and there is nothing to ask about.
    if (checkEndpoint(endpoint, location.protocol === 'https:').ok) actions.connect = true
    else problems.push('Did not connect: the endpoint in the link is not usable (see above).')
  }
  const experiment = applyExperimentSetup(new URLSearchParams(search))
  problems.push(...experiment.problems)
  actions.experiment = experiment.start
  const request = consentNeeded(endpoint, actions, {
    allowedOrigins: settings.linkAllowedOrigins,
    scripted: window.__playgroundScripted === true,
  })
  if (!request) return { problems: [...problems, ...act(actions, id, whenPageSettles)] }
  return {
    problems,
    pending: {
      request,
      allow(always) {
        if (always && request.origin)
          settings.linkAllowedOrigins = rememberOrigin(settings.linkAllowedOrigins, request.origin)
        // The user's click came after the page settled: the experiment may start at once.
        return act(actions, id, (run) => run())
      },
    },
  }
}

function act(actions: LinkActions, id: string, schedule: (run: () => void) => void): string[] {
  const problems: string[] = []
  if (actions.connect) {
    const result = useSessionStore().connect({ id })
    if (!result.ok) problems.push(`Could not connect: ${result.error}`)
  }
  if (actions.experiment) {
    const lab = useExperimentsStore()
    schedule(() => void lab.start())
  }
  return problems
}

/**
 * A presigned endpoint in a link carries a session token and signature: the tab uses them, but the address bar (and
 * so history, bookmarks and a copied address) keeps the link without them.
 */
function hideSecretsInAddressBar() {
  const cleaned = addressWithoutSecrets(location.href)
  if (cleaned) history.replaceState(history.state, '', cleaned)
}

/** ?experiment=idle&runs=3&start=1 and the experiment's own parameters by name (e.g. intervalSeconds=30). */
function applyExperimentSetup(params: URLSearchParams): { problems: string[]; start?: LinkActions['experiment'] } {
  const id = params.get('experiment')
  if (!id) return { problems: [] }
  const lab = useExperimentsStore()
  if (!lab.select(id, { fromLink: true })) return { problems: [`Ignored experiment=${id}: unknown experiment.`] }
  useLayoutStore().openTool('lab')
  const runs = Number(params.get('runs'))
  if (params.has('runs')) {
    if (Number.isInteger(runs) && runs >= 1) lab.runs = runs
    else return { problems: [`Ignored runs=${params.get('runs')}: expected a whole number of runs.`] }
  }
  for (const spec of lab.definition.params) {
    const value = params.get(spec.name)
    if (value !== null) lab.inputs[spec.name] = value
  }
  const start = params.get('start')
  if (start !== '1' && start !== 'true') return { problems: [] }
  return { problems: [], start: { title: lab.definition.title, runs: lab.runs } }
}

/**
 * Experiments time their connections from the browser's open and close events. Started while the page is still
 * mounting, the first connection's open event waits behind that work and its run reads short by a few hundred ms on a
 * busy machine, so a start from the URL waits until the page is idle (at most 2 s).
 */
function whenPageSettles(run: () => void): void {
  if (typeof requestIdleCallback === 'function') requestIdleCallback(run, { timeout: 2000 })
  else setTimeout(run, 0)
}

/** A link that reopens the selected connection's set-up (never with credentials), and what it left out of the endpoint. */
export function currentSetupLink(options: { autoconnect?: boolean } = {}): { link: string; leftOut: string[] } {
  const session = useSessionStore()
  const { settings } = session.selected
  const setup: UrlSetup = {
    endpoint: settings.endpoint,
    protocols: settings.protocols || undefined,
    autoconnect: options.autoconnect,
    keepaliveSeconds: session.state.keepaliveEnabled ? settings.keepaliveSeconds : undefined,
    payload: settings.keepalivePayload,
    profile: settings.profileId,
    idleSeconds: settings.customIdleSeconds,
    maxSeconds: settings.customMaxSeconds,
  }
  const { query, leftOut } = setupQuery(setup)
  return { link: `${location.origin}${location.pathname}${query}`, leftOut }
}
