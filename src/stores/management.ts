import { acceptHMRUpdate, defineStore } from 'pinia'
import { computed, shallowRef, watch } from 'vue'
import { useLocalStorage } from '@vueuse/core'
import { cliCommand, decodePayload, type ManagementCall, type PayloadEncoding } from '@/core/management/aws-cli'
import { findConnectionIds } from '@/core/management/connection-ids'
import { describeEndpoint } from '@/core/session/endpoint'
import { checkManagementEndpoint, managementEndpointFor } from '@/core/management/management-endpoint'
import { explainManagementError, type ManagementErrorExplanation } from '@/core/management/management-errors'
import type { ConnectionInfo, ManagementOutcome } from '@/aws/management-api'
import type { TemporaryCredentials } from '@/aws/credentials'
import type { ManagementApi, ManagementResult } from '@/core/experiments/types'
import { useSessionStore } from './session'
import { useSettingsStore } from './settings'

/** The local gateway's default identity pool; any pool works on AWS. */
export const LOCAL_IDENTITY_POOL = import.meta.env.VITE_LOCAL_IDENTITY_POOL || 'us-east-1:00000000-0000-4000-8000-000000000000'

/**
 * Cognito credentials and @connections calls. The secret key and session token live only in this closure: not in
 * the returned state, localStorage, the log, exports or URLs. The AWS SDK is imported lazily, on first use.
 */
export const useManagementStore = defineStore('management', () => {
  const settings = useSettingsStore()
  const session = useSessionStore()

  const identityPoolId = useLocalStorage('apigw-playground:identity-pool', LOCAL_IDENTITY_POOL)
  const region = useLocalStorage('apigw-playground:region', 'us-east-1')
  const loginsProvider = shallowRef('')
  /** An ID token for authenticated identities: a credential, so memory only. */
  const loginsToken = shallowRef('')
  const endpointOverride = shallowRef('')
  const useRelay = shallowRef(false)
  const connectionId = shallowRef('')
  const knownIds = shallowRef<string[]>([])

  let credentials: TemporaryCredentials | undefined
  let refreshTimer: ReturnType<typeof setTimeout> | undefined
  const identityId = shallowRef<string>()
  const maskedAccessKey = shallowRef<string>()
  const expiresAt = shallowRef<number>()
  const credentialsError = shallowRef<string>()
  const busy = shallowRef(false)

  const lastOutcome = shallowRef<ManagementOutcome>()
  const lastConnection = shallowRef<ConnectionInfo>()
  const lastExplanation = shallowRef<ManagementErrorExplanation>()
  const lastCli = shallowRef<string>()

  const derived = computed(() => managementEndpointFor(settings.endpoint))
  const endpoint = computed(() => endpointOverride.value.trim() || derived.value?.endpoint || '')
  /** The region in an execute-api host wins over the one typed in the panel. */
  const apiRegion = computed(() => derived.value?.region ?? region.value)
  const endpointProblem = computed(() => (endpoint.value ? checkManagementEndpoint(endpoint.value) : 'Enter a WebSocket endpoint first.'))
  const endpointKind = computed(() => describeEndpoint(settings.endpoint).kind)
  /** The local gateway answers Cognito on its own port; AWS uses the SDK's default endpoint. */
  const cognitoEndpoint = computed(() => {
    if (endpointKind.value !== 'local') return undefined
    const url = new URL(settings.endpoint)
    return `${url.protocol === 'wss:' ? 'https' : 'http'}://${url.host}`
  })
  const hasCredentials = computed(() => identityId.value !== undefined)

  // Connection ids show up in received messages: the article's $default reply and whoami both carry one.
  session.subscribe((event) => {
    if (event.kind === 'received' && event.data) for (const id of findConnectionIds(event.data)) addKnownId(id)
  })

  function addKnownId(id: string) {
    if (knownIds.value.includes(id)) return
    knownIds.value = [id, ...knownIds.value].slice(0, 50)
    if (!connectionId.value) connectionId.value = id
  }

  async function getCredentials(): Promise<boolean> {
    credentialsError.value = undefined
    busy.value = true
    try {
      const { getCognitoCredentials } = await import('@/aws/credentials')
      const logins = loginsProvider.value && loginsToken.value ? { [loginsProvider.value.trim()]: loginsToken.value.trim() } : undefined
      credentials = await getCognitoCredentials({
        identityPoolId: identityPoolId.value.trim(),
        region: region.value.trim(),
        endpoint: cognitoEndpoint.value,
        logins,
      })
      identityId.value = credentials.identityId
      maskedAccessKey.value = maskKey(credentials.accessKeyId)
      expiresAt.value = credentials.expiration?.getTime()
      scheduleRefresh()
      return true
    } catch (e) {
      const error = e as Error
      credentialsError.value = `${error.name}: ${error.message}`
      return false
    } finally {
      busy.value = false
    }
  }

  /** Fresh credentials a minute before these expire, as the SDK would on AWS. */
  function scheduleRefresh() {
    if (refreshTimer) clearTimeout(refreshTimer)
    refreshTimer = undefined
    if (!expiresAt.value) return
    const delay = Math.max(1000, expiresAt.value - Date.now() - 60_000)
    refreshTimer = setTimeout(() => void getCredentials(), Math.min(delay, 2 ** 31 - 1))
  }

  function forgetCredentials() {
    credentials = undefined
    // The SDK clients hold the secret too: drop them (the module is only loaded if it was used).
    void import('@/aws/management-api').then((m) => m.forgetClients())
    identityId.value = maskedAccessKey.value = expiresAt.value = undefined
    if (refreshTimer) clearTimeout(refreshTimer)
    refreshTimer = undefined
  }

  async function call(op: ManagementCall['op'], payload = '', encoding: PayloadEncoding = 'text'): Promise<ManagementOutcome | undefined> {
    lastExplanation.value = undefined
    // A call refused before it is sent has no CLI equivalent: never leave the previous call's command on show.
    lastCli.value = undefined
    const id = connectionId.value.trim()
    if (!id) {
      lastExplanation.value = { kind: 'bad-request', title: 'No connection id', text: 'Pick or paste a connection id, or send whoami to learn yours.' }
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
    if (!credentials || (expiresAt.value && expiresAt.value <= Date.now())) {
      if (!(await getCredentials())) {
        lastExplanation.value = { kind: 'expired', title: 'No credentials', text: credentialsError.value ?? 'Get credentials first.' }
        return undefined
      }
    }
    busy.value = true
    try {
      const { callManagementApi, isReachable } = await import('@/aws/management-api')
      const outcome = await callManagementApi(managementCall, {
        endpoint: endpoint.value,
        region: apiRegion.value,
        credentials: credentials!,
        relay: useRelay.value,
      })
      lastOutcome.value = outcome
      if (outcome.ok) lastConnection.value = outcome.connection ?? lastConnection.value
      else {
        const reachable = outcome.status === undefined ? await isReachable(endpoint.value) : undefined
        lastExplanation.value = explainManagementError(
          { name: outcome.name, message: outcome.message, status: outcome.status },
          { op, region: apiRegion.value, apiId: derived.value?.apiId, stage: derived.value?.stage, reachable },
        )
      }
      session.record({
        at: Date.now(),
        connection: session.state.connection,
        kind: 'aws',
        direction: 'none',
        sinceOpen: session.state.openedAt !== undefined ? Date.now() - session.state.openedAt : undefined,
        bytes: managementCall.op === 'PostToConnection' ? managementCall.data.length : undefined,
        data: managementCall.op === 'PostToConnection' ? (managementCall.text ?? `(${managementCall.data.length} bytes)`) : undefined,
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
    } finally {
      busy.value = false
    }
  }

  /** Connects with the URL presigned by these credentials: how a browser authenticates an IAM $connect. */
  async function connectSigned(): Promise<string | undefined> {
    const expired = expiresAt.value !== undefined && expiresAt.value <= Date.now() + 5000
    if ((!credentials || expired) && !(await getCredentials())) return `Could not get credentials to sign the URL: ${credentialsError.value}`
    try {
      const { presignWebSocketUrl } = await import('@/aws/presign')
      const signed = await presignWebSocketUrl(settings.endpoint, apiRegion.value, credentials!)
      const result = session.connect(settings.endpoint, settings.protocols, signed)
      return result.ok ? undefined : result.error
    } catch (e) {
      return (e as Error).message
    }
  }

  /**
   * @connections for the timeout lab: signed with the SDK when there are credentials (AWS, or IAM mode), plain
   * fetch otherwise (the local gateway with auth none).
   */
  async function experimentManagement(): Promise<ManagementApi> {
    const { fetchManagement } = await import('@/core/experiments/fetch-management')
    if (!credentials) return fetchManagement(endpoint.value)
    const { callManagementApi } = await import('@/aws/management-api')
    const target = () => ({ endpoint: endpoint.value, region: apiRegion.value, credentials: credentials!, relay: useRelay.value })
    const toResult = (out: ManagementOutcome): ManagementResult =>
      out.ok ? { ok: true, status: out.status, lastActiveAt: out.connection?.lastActiveAt } : { ok: false, status: out.status ?? 0, name: out.name }
    return {
      post: async (connectionId, data) => toResult(await callManagementApi({ op: 'PostToConnection', connectionId, data: new TextEncoder().encode(data), text: data }, target())),
      get: async (connectionId) => toResult(await callManagementApi({ op: 'GetConnection', connectionId }, target())),
    }
  }

  // A new WebSocket endpoint means new connection ids and another management endpoint.
  watch(
    () => settings.endpoint,
    () => {
      endpointOverride.value = ''
    },
  )

  return {
    identityPoolId,
    region,
    loginsProvider,
    loginsToken,
    endpointOverride,
    useRelay,
    connectionId,
    knownIds,
    identityId,
    maskedAccessKey,
    expiresAt,
    credentialsError,
    busy,
    lastOutcome,
    lastConnection,
    lastExplanation,
    lastCli,
    derived,
    endpoint,
    endpointProblem,
    endpointKind,
    cognitoEndpoint,
    hasCredentials,
    getCredentials,
    forgetCredentials,
    call,
    connectSigned,
    addKnownId,
    experimentManagement,
  }
})

/** ASIA…WXYZ: enough to tell keys apart, not enough to use one. */
function maskKey(key: string): string {
  return key.length > 8 ? `${key.slice(0, 4)}…${key.slice(-4)}` : '…'
}

if (import.meta.hot) import.meta.hot.accept(acceptHMRUpdate(useManagementStore, import.meta.hot))
