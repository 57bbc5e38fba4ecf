import { parseUrlSetup, setupQuery, type UrlSetup } from '@/core/session/url-setup'
import { checkEndpoint } from '@/core/session/endpoint'
import type { ConnectionSettings } from '@/core/session/page-connection'
import { useExperimentsStore } from '@/stores/experiments'
import { useLayoutStore } from '@/stores/layout'
import { useSessionStore } from '@/stores/session'

/**
 * Applies ?endpoint=…&autoconnect=1&keepalive=…&payload=…&profile=… to the tab's first connection and returns what
 * it had to ignore.
 */
export function applyUrlSetup(search = location.search): string[] {
  const { setup, problems } = parseUrlSetup(search)
  const session = useSessionStore()
  const id = session.connections[0]!.id
  const patch: Partial<ConnectionSettings> = {}
  if (setup.endpoint) patch.endpoint = setup.endpoint
  if (setup.protocols !== undefined) patch.protocols = setup.protocols
  if (setup.profile) patch.profileId = setup.profile
  if (setup.idleSeconds) patch.customIdleSeconds = setup.idleSeconds
  if (setup.maxSeconds) patch.customMaxSeconds = setup.maxSeconds
  if (setup.payload !== undefined) patch.keepalivePayload = setup.payload
  if (setup.keepaliveSeconds) patch.keepaliveSeconds = setup.keepaliveSeconds
  session.configure(patch, id)
  if (setup.keepaliveSeconds) {
    const result = session.setKeepalive(true, id)
    if (!result.ok) problems.push(result.error)
  }
  if (setup.autoconnect) {
    const result = session.connect({ id })
    const endpoint = session.connections[0]!.settings.endpoint
    // An endpoint the form already explains is not repeated here.
    if (!result.ok && !checkEndpoint(endpoint, location.protocol === 'https:').ok)
      problems.push('Did not connect: the endpoint in the link is not usable (see above).')
    else if (!result.ok) problems.push(`Could not connect: ${result.error}`)
  }
  problems.push(...applyExperimentSetup(new URLSearchParams(search)))
  return problems
}

/** ?experiment=idle&runs=3&start=1 and the experiment's own parameters by name (e.g. intervalSeconds=30). */
function applyExperimentSetup(params: URLSearchParams): string[] {
  const id = params.get('experiment')
  if (!id) return []
  const lab = useExperimentsStore()
  if (!lab.select(id)) return [`Ignored experiment=${id}: unknown experiment.`]
  useLayoutStore().openTool('lab')
  const runs = Number(params.get('runs'))
  if (params.has('runs')) {
    if (Number.isInteger(runs) && runs >= 1) lab.runs = runs
    else return [`Ignored runs=${params.get('runs')}: expected a whole number of runs.`]
  }
  for (const spec of lab.definition.params) {
    const value = params.get(spec.name)
    if (value !== null) lab.inputs[spec.name] = value
  }
  const start = params.get('start')
  if (start === '1' || start === 'true') whenPageSettles(() => void lab.start())
  return []
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
