import { linkQuery, parseLinkSetup, unknownLinkParams, type ConnectionSetup } from '@/core/session/url-setup'
import { checkEndpoint } from '@/core/session/endpoint'
import { settingsFor, settingsPatch, setupOf } from '@/core/session/connection-setup'
import { useDemoStore, type PreparedDemo } from '@/stores/demos'
import {
  addressWithoutSecrets,
  consentNeeded,
  rememberOrigin,
  type ConsentRequest,
  type LinkActions,
} from '@/core/session/link-consent'
import { useLayoutStore } from '@/stores/layout'
import { useSessionStore } from '@/stores/session'
import { useSettingsStore } from '@/stores/settings'
import { errorMessage } from '@/core/error-message'
import { loadLabStore } from './lab-store'

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

/** A link's request to connect, start keepalives, run a demo or start an experiment, waiting for the user's answer. */
export interface PendingLink {
  request: ConsentRequest
  /** Does what the link asked; `always` remembers the endpoints' origins. Returns what went wrong. */
  allow(always: boolean): string[]
}

export interface AppliedLink {
  /** What the link had to ignore or could not do. */
  problems: string[]
  pending?: PendingLink
}

/** A connection the link set up, and the keepalive it proposes for it (started only with the user's yes). */
interface LinkTarget {
  id: string
  name: string
  endpoint: string
  keepaliveSeconds?: number
}

/**
 * Applies a link to this tab (a tab's connections are its own: other tabs and the shared preferences stay as they
 * were). One endpoint (or none) sets up the tab's first connection; several replace the tab's connections with them
 * (see parseLinkSetup for the scheme); `demo=` replaces them with the demo's. Connecting, starting keepalives, running
 * the demo and starting an experiment wait for the user's yes (see link-consent). Only a link with an experiment
 * waits for code to load (the lab's); anything else is applied before the page first paints.
 */
export async function applyUrlSetup(search = location.search): Promise<AppliedLink> {
  const link = parseLinkSetup(search)
  const problems = [...link.problems]
  const settings = useSettingsStore()
  const session = useSessionStore()
  const demos = useDemoStore()
  let targets: LinkTarget[] = []
  let demo: PreparedDemo | undefined
  if (link.demo !== undefined) {
    demo = prepareDemo(link.demo, link.connections, problems)
    if (demo)
      targets = demo.ids.map((id, i) => ({
        id,
        name: demo!.plan.connections[i]!.name,
        endpoint: demo!.plan.connections[i]!.endpoint,
        keepaliveSeconds: demo!.plan.connections[i]!.keepaliveSeconds,
      }))
  }
  if (!demo && link.connections.length > 1) {
    const { ids, problems: failed } = demos.replaceConnections(link.connections)
    problems.push(...failed)
    targets = ids.map((id, i) => targetOf(id, link.connections[i]!.keepaliveSeconds))
  } else if (!demo && link.connections.length === 1) {
    const setup = link.connections[0]!
    const id = session.connections[0]!.id
    session.configure(settingsPatch(setup), id)
    if (setup.name) {
      const renamed = session.rename(id, setup.name)
      if (!renamed.ok) problems.push(`Ignored name=${setup.name}: ${renamed.error}`)
    }
    targets = [targetOf(id, setup.keepaliveSeconds)]
  }
  hideSecretsInAddressBar()

  const actions: LinkActions = { connect: false }
  let connectable = targets
  if (demo) actions.demo = { title: demo.plan.demo.title }
  if (demo || link.autoconnect) {
    // An endpoint the form already explains is not repeated here, and there is nothing to ask about.
    const secure = location.protocol === 'https:'
    connectable = targets.filter((t) => checkEndpoint(t.endpoint, secure).ok)
    if (connectable.length < targets.length)
      problems.push(
        targets.length === 1
          ? 'Did not connect: the endpoint in the link is not usable (see above).'
          : `Did not connect ${targets.length - connectable.length} of the ${targets.length} connections: their endpoints are not usable.`,
      )
    actions.connect = connectable.length > 0
    if (connectable.length > 1) actions.connections = connectable.length
    if (demo && connectable.length < targets.length) {
      actions.connect = false
      actions.demo = undefined
    }
  }
  const keepalives = targets.filter((t) => t.keepaliveSeconds)
  if (keepalives.length)
    actions.keepalives = keepalives.map((t) =>
      targets.length === 1 ? `every ${t.keepaliveSeconds} s` : `on “${t.name}” every ${t.keepaliveSeconds} s`,
    )
  const experiment = await applyExperimentSetup(new URLSearchParams(search))
  problems.push(...experiment.problems)
  problems.push(...unknownLinkParams(search, experiment.params))
  actions.experiment = experiment.start
  const endpoints = (actions.connect ? connectable : targets).map((t) => t.endpoint)
  const asked = endpoints.length ? endpoints : [session.connections[0]!.settings.endpoint]
  const request = consentNeeded(asked, actions, {
    allowedOrigins: settings.linkAllowedOrigins,
    scripted: window.__playgroundScripted === true,
  })
  const run = (schedule: (run: () => void) => void): string[] => {
    if (!demo || !actions.demo) return act(actions, connectable, keepalives, schedule)
    // Like an experiment, a demo times its connections: started while the page mounts, its keepalives would wait
    // behind that work and a short idle timeout could close the connection that has them. Its status says the rest.
    const prepared = demo
    schedule(() => void demos.start(prepared))
    return []
  }
  if (!request) return { problems: [...problems, ...run(whenPageSettles)] }
  return {
    problems,
    pending: {
      request,
      allow(always) {
        if (always)
          for (const origin of request.origins)
            settings.linkAllowedOrigins = rememberOrigin(settings.linkAllowedOrigins, origin)
        // The user's click came after the page settled: the experiment may start at once.
        return run((start) => start())
      },
    },
  }
}

function targetOf(id: string, keepaliveSeconds: number | undefined): LinkTarget {
  const connection = useSessionStore().connections.find((c) => c.id === id)!
  return { id, name: connection.name, endpoint: connection.settings.endpoint, keepaliveSeconds }
}

/** `?demo=…`: the demo's connections from the link's first connection's set-up over the tab's first connection's. */
function prepareDemo(id: string, setups: ConnectionSetup[], problems: string[]): PreparedDemo | undefined {
  const demos = useDemoStore()
  const { settings } = useSessionStore().connections[0]!
  const setup = { ...settingsFor(setups[0] ?? {}, settings), keepaliveSeconds: setups[0]?.keepaliveSeconds }
  if (setups.length > 1)
    problems.push(`The demo uses the link’s first endpoint: ignored the other ${setups.length - 1}.`)
  const planned = demos.plan(id, {
    endpoint: setup.endpoint,
    protocols: setup.protocols,
    payload: setup.keepalivePayload,
    profile: setup.profileId,
    idleSeconds: setup.customIdleSeconds,
    maxSeconds: setup.customMaxSeconds,
    keepaliveSeconds: setup.keepaliveSeconds,
  })
  if (!planned.ok) {
    problems.push(`Did not set up the demo: ${planned.error}`)
    return undefined
  }
  const prepared = demos.prepare(planned.plan)
  problems.push(...prepared.problems)
  return prepared
}

function act(
  actions: LinkActions,
  connectable: LinkTarget[],
  keepalives: LinkTarget[],
  schedule: (run: () => void) => void,
): string[] {
  const problems: string[] = []
  const session = useSessionStore()
  for (const target of keepalives) {
    const result = session.setKeepalive(true, target.id)
    if (!result.ok) problems.push(result.error)
  }
  if (actions.connect)
    for (const target of connectable) {
      const result = session.connect({ id: target.id })
      if (!result.ok)
        problems.push(`Could not connect${connectable.length > 1 ? ` “${target.name}”` : ''}: ${result.error}`)
    }
  // The link loaded the lab to set it up.
  if (actions.experiment) schedule(() => void loadLabStore().then((lab) => lab.start()))
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
async function applyExperimentSetup(
  params: URLSearchParams,
): Promise<{ problems: string[]; start?: LinkActions['experiment']; params?: string[] }> {
  const id = params.get('experiment')
  if (!id) return { problems: [] }
  let lab: Awaited<ReturnType<typeof loadLabStore>>
  try {
    lab = await loadLabStore()
  } catch (e) {
    return { problems: [`Ignored experiment=${id}: the Timeout lab did not load (${errorMessage(e)}).`] }
  }
  if (!lab.select(id, { fromLink: true })) return { problems: [`Ignored experiment=${id}: unknown experiment.`] }
  useLayoutStore().openTool('lab')
  // The experiment's own parameters are known parameters of this link.
  const own = lab.definition.params.map((spec) => spec.name)
  const runs = Number(params.get('runs'))
  if (params.has('runs')) {
    if (Number.isInteger(runs) && runs >= 1) lab.runs = runs
    else return { problems: [`Ignored runs=${params.get('runs')}: expected a whole number of runs.`], params: own }
  }
  for (const spec of lab.definition.params) {
    const value = params.get(spec.name)
    if (value !== null) lab.inputs[spec.name] = value
  }
  const start = params.get('start')
  if (start !== '1' && start !== 'true') return { problems: [], params: own }
  return { problems: [], start: { title: lab.definition.title, runs: lab.runs }, params: own }
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

/** A link that rebuilds the tab's connections (never with credentials), and what it left out of the endpoints. */
export function currentSetupLink(options: { autoconnect?: boolean } = {}): { link: string; leftOut: string[] } {
  const session = useSessionStore()
  const setups = session.connections.map((c, i) =>
    setupOf({ name: c.name, settings: c.settings, keepaliveEnabled: c.state.keepaliveEnabled }, i),
  )
  const { query, leftOut } = linkQuery(setups, { autoconnect: options.autoconnect })
  return { link: `${location.origin}${location.pathname}${query}`, leftOut }
}

/** A link that runs a demo from the selected connection's endpoint and profile. */
export function demoLink(id: string): { link: string; leftOut: string[] } {
  const session = useSessionStore()
  const { settings } = session.selected
  const setup = setupOf({ name: '', settings, keepaliveEnabled: false }, 0)
  delete setup.name
  const { query, leftOut } = linkQuery([setup], { demo: id })
  return { link: `${location.origin}${location.pathname}${query}`, leftOut }
}
