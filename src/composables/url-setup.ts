import { parseUrlSetup, setupQuery, type UrlSetup } from '@/core/session/url-setup'
import { checkEndpoint } from '@/core/session/endpoint'
import { useExperimentsStore } from '@/stores/experiments'
import { useLayoutStore } from '@/stores/layout'
import { useSessionStore } from '@/stores/session'
import { useSettingsStore } from '@/stores/settings'

/** Applies ?endpoint=…&autoconnect=1&keepalive=…&payload=…&profile=… and returns what it had to ignore. */
export function applyUrlSetup(search = location.search): string[] {
  const { setup, problems } = parseUrlSetup(search)
  const settings = useSettingsStore()
  const session = useSessionStore()
  if (setup.endpoint) settings.endpoint = setup.endpoint
  if (setup.protocols !== undefined) settings.protocols = setup.protocols
  if (setup.profile) settings.profileId = setup.profile
  if (setup.idleSeconds) settings.customIdleSeconds = setup.idleSeconds
  if (setup.maxSeconds) settings.customMaxSeconds = setup.maxSeconds
  if (setup.payload !== undefined) settings.keepalivePayload = setup.payload
  if (setup.keepaliveSeconds) {
    settings.keepaliveSeconds = setup.keepaliveSeconds
    const result = session.setKeepalive(true)
    if (!result.ok) problems.push(result.error)
  }
  if (setup.autoconnect) {
    const result = session.connect()
    // An endpoint the form already explains is not repeated here.
    if (!result.ok && !checkEndpoint(settings.endpoint, location.protocol === 'https:').ok)
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

/** A link that reopens the current set-up (never with credentials), and what it left out of the endpoint. */
export function currentSetupLink(options: { autoconnect?: boolean } = {}): { link: string; leftOut: string[] } {
  const settings = useSettingsStore()
  const session = useSessionStore()
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
