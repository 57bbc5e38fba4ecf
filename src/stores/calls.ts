import { acceptHMRUpdate, defineStore } from 'pinia'
import { computed, shallowRef, watch } from 'vue'
import { cliCommand, decodePayload, type ManagementCall, type PayloadEncoding } from '@/core/management/aws-cli'
import { errorMessage } from '@/core/error-message'
import { describeEndpoint } from '@/core/session/endpoint'
import { checkManagementEndpoint, managementEndpointFor } from '@/core/management/management-endpoint'
import { KnownConnectionIds } from '@/core/management/known-ids'
import { explainManagementError, type ManagementErrorExplanation } from '@/core/management/management-errors'
import type { ConnectionInfo, ManagementOutcome } from '@/aws/management-api'
import type { ManagementApi, ManagementResult } from '@/core/experiments/types'
import { useCredentialsStore } from './credentials'
import { useSessionStore } from './session'

/** What the timeout lab needs to connect and call @connections with the chosen credentials. */
export interface ExperimentAws {
  management: ManagementApi
  /** The URL to open (presigned for IAM); undefined when nothing needs signing. */
  signUrl?: (url: string) => Promise<string>
}

/** @connections calls (PostToConnection, GetConnection, DeleteConnection) and the IAM-signed connect. */
export const useCallsStore = defineStore('calls', () => {
  const session = useSessionStore()
  /** The selected connection's endpoint: the management endpoint is derived from it. */
  const wsEndpoint = computed(() => session.selected.settings.endpoint)
  const credentials = useCredentialsStore()

  const endpointOverride = shallowRef('')
  const useRelay = shallowRef(false)
  const connectionId = shallowRef('')
  const known = new KnownConnectionIds()
  /** Bumped when `known` changes (it is a plain object, kept out of Vue's reach). */
  const knownVersion = shallowRef(0)
  const busy = shallowRef(false)

  const lastOutcome = shallowRef<ManagementOutcome>()
  const lastConnection = shallowRef<ConnectionInfo>()
  const lastExplanation = shallowRef<ManagementErrorExplanation>()
  const lastCli = shallowRef<string>()

  const derived = computed(() => managementEndpointFor(wsEndpoint.value))
  const endpoint = computed(() => endpointOverride.value.trim() || derived.value?.endpoint || '')
  /** The region in an execute-api host wins over the one typed in the panel. */
  const apiRegion = computed(() => derived.value?.region ?? credentials.region)
  const endpointProblem = computed(() =>
    endpoint.value ? checkManagementEndpoint(endpoint.value) : 'Enter a WebSocket endpoint first.',
  )
  const endpointKind = computed(() => describeEndpoint(wsEndpoint.value).kind)
  /** The API the panel calls, as the key of the ids learned from it: the selected connection's management endpoint. */
  const api = computed(() => derived.value?.endpoint)
  /** Connection ids learned from the selected connection's API, newest first. */
  const knownIds = computed(() => {
    void knownVersion.value
    return [...known.list(api.value)]
  })
  /** The connection that was sent whoami and has yet to answer: its answer goes into the connection id field. */
  let awaitingWhoami: string | undefined

  /**
   * Each page connection's API Gateway connection id, learned from what it received (the article's $default reply and
   * whoami carry one; a broadcast names its sender as `from`, not `connectionId`). Forgotten when it connects again.
   */
  const idsByConnection = shallowRef<Record<string, string>>({})

  session.subscribe((event) => {
    if (event.kind === 'connecting' && event.source === awaitingWhoami) awaitingWhoami = undefined
    if (event.kind === 'connecting' && event.source && idsByConnection.value[event.source]) {
      const rest = { ...idsByConnection.value }
      delete rest[event.source]
      idsByConnection.value = rest
    }
  })
  // Connection ids show up in received messages: the article's $default reply and whoami both carry one. The
  // session host looks for them where the messages arrive (a worker), so the page does not parse every message.
  session.subscribeConnectionIds((source, ids) => {
    const from = session.connections.find((c) => c.id === source)
    const sourceApi = from ? apiOf(from) : api.value
    for (const id of ids) addKnownId(id, sourceApi)
    // The answer to whoami replaces whatever the field held: that is what the button promises.
    if (source === awaitingWhoami && ids.length === 1) {
      awaitingWhoami = undefined
      if (sourceApi === api.value) connectionId.value = ids[0]!
    }
    if (ids.length === 1 && idsByConnection.value[source] !== ids[0])
      idsByConnection.value = { ...idsByConnection.value, [source]: ids[0]! }
  })

  /** The management endpoint of a page connection: of the URL it opened, else of the one it would open. */
  function apiOf(connection: { state: { url?: string }; settings: { endpoint: string } }): string | undefined {
    return managementEndpointFor(connection.state.url ?? connection.settings.endpoint)?.endpoint
  }

  /**
   * The page's connections by name, with the connection id each has learned (if any), for the picker; `otherApi` when
   * it belongs to another API than the one the panel calls, where its id would only earn a GoneException.
   */
  const pageConnections = computed(() =>
    session.connections.map((c) => ({
      id: c.id,
      name: c.name,
      colour: c.colour,
      readyState: c.state.readyState,
      connectionId: idsByConnection.value[c.id],
      otherApi: apiOf(c) !== api.value,
    })),
  )

  function addKnownId(id: string, from: string | undefined = api.value) {
    if (from === undefined || !known.add(from, id)) return
    knownVersion.value++
    if (!connectionId.value && from === api.value) connectionId.value = id
  }

  /** Asks the selected connection's server for its connection id (the whoami route); the answer fills the field. */
  function whoami() {
    const result = session.send('{"action":"whoami"}')
    if (result.ok) awaitingWhoami = session.selected.id
    return result
  }

  /** Forgets the last call's result: shown beside a later call's refusal, or under another API, it misleads. */
  function clearResult() {
    lastOutcome.value = undefined
    lastConnection.value = undefined
    lastExplanation.value = undefined
    lastCli.value = undefined
  }

  function explain(
    outcome: Extract<ManagementOutcome, { ok: false }>,
    reachable?: boolean,
  ): ManagementErrorExplanation {
    if (outcome.signer === 'missing')
      return {
        kind: 'signer-missing',
        title: 'The playground’s server-side signer is not running',
        text: outcome.message,
      }
    if (outcome.signer === 'refused')
      return { kind: 'forbidden', title: 'The server-side signer refused', text: outcome.message }
    if (outcome.signer === 'no-credentials')
      return {
        kind: 'expired',
        title: 'The server has no AWS credentials to sign with',
        text: `${outcome.message} Set AWS_PROFILE or start with --profile NAME, or export AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, then restart.`,
      }
    return explainManagementError(
      { name: outcome.name, message: outcome.message, status: outcome.status },
      {
        op: outcome.op,
        region: apiRegion.value,
        apiId: derived.value?.apiId,
        stage: derived.value?.stage,
        reachable,
        source: credentials.source,
        profile: credentials.serverIdentity?.profile,
      },
    )
  }

  async function call(
    op: ManagementCall['op'],
    payload = '',
    encoding: PayloadEncoding = 'text',
  ): Promise<ManagementOutcome | undefined> {
    // A call refused before it is sent has no result and no CLI equivalent: never leave the previous call's on show.
    clearResult()
    const id = connectionId.value.trim()
    if (!id) {
      lastExplanation.value = {
        kind: 'bad-request',
        title: 'No connection id',
        text: 'Pick or paste a connection id, or send whoami to learn yours.',
      }
      return undefined
    }
    if (endpointProblem.value) {
      lastExplanation.value = { kind: 'bad-request', title: 'Bad management endpoint', text: endpointProblem.value }
      return undefined
    }
    let managementCall: ManagementCall
    if (op === 'PostToConnection') {
      const decoded = decodePayload(payload, encoding)
      if (!decoded.ok) {
        lastExplanation.value = { kind: 'bad-request', title: 'Cannot encode the data', text: decoded.error }
        return undefined
      }
      managementCall = { op, connectionId: id, data: decoded.bytes, text: decoded.text }
    } else managementCall = { op, connectionId: id }
    lastCli.value = cliCommand(managementCall, endpoint.value, apiRegion.value)
    busy.value = true
    try {
      const chosen = await credentials.signer()
      if (!chosen.ok) {
        lastExplanation.value = { kind: 'expired', title: 'No credentials', text: chosen.error }
        return undefined
      }
      const outcome = await chosen.signer.call(managementCall, {
        endpoint: endpoint.value,
        region: apiRegion.value,
        relay: useRelay.value,
      })
      lastOutcome.value = outcome
      if (outcome.ok) lastConnection.value = outcome.connection ?? lastConnection.value
      else {
        const { isReachable } = await import('@/aws/management-api')
        const reachable =
          outcome.status === undefined && !outcome.signer ? await isReachable(endpoint.value) : undefined
        lastExplanation.value = explain(outcome, reachable)
      }
      const ownerId = Object.keys(idsByConnection.value).find((key) => idsByConnection.value[key] === id)
      const owner = session.connections.find((c) => c.id === ownerId) ?? session.selected
      const openedAt = owner.state.openedAt
      session.record({
        at: Date.now(),
        // On the row and lane of the page connection the id belongs to, when the page knows it.
        connection: owner.state.connection,
        source: owner.id,
        kind: 'aws',
        direction: 'none',
        sinceOpen: openedAt !== undefined ? Date.now() - openedAt : undefined,
        bytes: managementCall.op === 'PostToConnection' ? managementCall.data.length : undefined,
        data:
          managementCall.op === 'PostToConnection'
            ? (managementCall.text ?? `(${managementCall.data.length} bytes)`)
            : undefined,
        aws: {
          op,
          connectionId: id,
          ok: outcome.ok,
          status: outcome.status,
          latencyMs: outcome.latencyMs,
          error: outcome.ok ? undefined : outcome.name,
        },
      })
      return outcome
    } catch (e) {
      lastExplanation.value = { kind: 'unknown', title: 'The call could not be made', text: errorMessage(e) }
      return undefined
    } finally {
      busy.value = false
    }
  }

  /** Connects with the URL presigned by the chosen credentials: how a browser authenticates an IAM $connect. */
  async function connectSigned(): Promise<string | undefined> {
    try {
      const chosen = await credentials.signer()
      if (!chosen.ok) return `Could not sign the URL: ${chosen.error}`
      const signed = await chosen.signer.presign(wsEndpoint.value, apiRegion.value)
      const result = session.connect({ signedUrl: signed })
      return result.ok ? undefined : result.error
    } catch (e) {
      return errorMessage(e)
    }
  }

  /** The timeout lab's connections and @connections calls, signed like every other AWS call on the page. */
  async function experimentAws(): Promise<ExperimentAws> {
    const chosen = await credentials.signer()
    if (!chosen.ok)
      throw new Error(
        `The experiment needs credentials for ${credentials.source === 'keys' ? 'its pasted keys' : 'the chosen source'}: ${chosen.error}`,
      )
    const { signer } = chosen
    const target = () => ({ endpoint: endpoint.value, region: apiRegion.value, relay: useRelay.value })
    const toResult = (out: ManagementOutcome): ManagementResult =>
      out.ok
        ? { ok: true, status: out.status, lastActiveAt: out.connection?.lastActiveAt }
        : { ok: false, status: out.status ?? 0, name: out.name }
    const management: ManagementApi = {
      post: async (id, data) =>
        toResult(
          await signer.call(
            { op: 'PostToConnection', connectionId: id, data: new TextEncoder().encode(data), text: data },
            target(),
          ),
        ),
      get: async (id) => toResult(await signer.call({ op: 'GetConnection', connectionId: id }, target())),
    }
    if (credentials.source === 'none') return { management }
    return { management, signUrl: (url) => signer.presign(url, apiRegion.value) }
  }

  // A new WebSocket endpoint means another management endpoint; another API also means other connection ids, and the
  // last result was about a connection of the old one.
  watch(
    () => wsEndpoint.value,
    () => {
      endpointOverride.value = ''
    },
  )
  watch(api, (current, previous) => {
    clearResult()
    const id = connectionId.value.trim()
    if (id && known.has(previous, id) && !known.has(current, id)) connectionId.value = known.list(current)[0] ?? ''
  })

  return {
    endpointOverride,
    useRelay,
    connectionId,
    knownIds,
    idsByConnection,
    pageConnections,
    busy,
    lastOutcome,
    lastConnection,
    lastExplanation,
    lastCli,
    derived,
    endpoint,
    apiRegion,
    endpointProblem,
    endpointKind,
    call,
    whoami,
    connectSigned,
    addKnownId,
    experimentAws,
  }
})

if (import.meta.hot) import.meta.hot.accept(acceptHMRUpdate(useCallsStore, import.meta.hot))
