import { acceptHMRUpdate, defineStore } from 'pinia'
import { computed, shallowRef } from 'vue'
import { useLocalStorage } from '@vueuse/core'
import { errorMessage } from '@/core/error-message'
import { describeEndpoint } from '@/core/session/endpoint'
import { checkKeys, parsePastedKeys, type PastedKeys } from '@/core/management/pasted-keys'
import { MAX_FAILURES, nextRefreshDelay } from '@/core/management/refresh-schedule'
import type { CredentialSourceId } from '@/core/management/management-errors'
import type { SignerIdentity } from '@/core/management/relay-protocol'
import type { AwsKeys } from '@/aws/management-api'
import type { Signer } from '@/aws/signers'
import { useSessionStore } from './session'

export type { CredentialSourceId }

/** The local gateway's default identity pool; any pool works on AWS. */
export const LOCAL_IDENTITY_POOL =
  import.meta.env.VITE_LOCAL_IDENTITY_POOL || 'us-east-1:00000000-0000-4000-8000-000000000000'

export const SOURCE_LABELS: Record<CredentialSourceId, string> = {
  cognito: 'Cognito identity pool',
  keys: 'Access keys',
  server: 'AWS CLI (via the playground server)',
  none: 'No signing',
}

export type SignerResult = { ok: true; signer: Signer } | { ok: false; error: string }

/**
 * Where the page's AWS credentials come from, and the one signer every AWS call uses. Secrets (Cognito's, pasted
 * keys) live only in this closure: not in the returned state, localStorage, the log, exports or URLs. The AWS CLI
 * source keeps them on the playground's server. Only the choice of source and the pool id are stored.
 */
export const useCredentialsStore = defineStore('credentials', () => {
  const session = useSessionStore()
  /** The selected connection's endpoint decides which credential sources make sense. */
  const endpoint = computed(() => session.selected.settings.endpoint)

  const chosenSource = useLocalStorage<CredentialSourceId | ''>('apigw-playground:credential-source', '')
  const identityPoolId = useLocalStorage('apigw-playground:identity-pool', LOCAL_IDENTITY_POOL)
  const region = useLocalStorage('apigw-playground:region', 'us-east-1')
  const loginsProvider = shallowRef('')
  /** An ID token for authenticated identities: a credential, so memory only. */
  const loginsToken = shallowRef('')

  const endpointKind = computed(() => describeEndpoint(endpoint.value).kind)
  /** AWS always wants SigV4: "No signing" is offered for other endpoints only. */
  const sources = computed<CredentialSourceId[]>(() =>
    endpointKind.value === 'aws' ? ['cognito', 'keys', 'server'] : ['none', 'cognito', 'keys', 'server'],
  )
  const source = computed<CredentialSourceId>(() => {
    const chosen = chosenSource.value
    if (chosen && sources.value.includes(chosen)) return chosen
    return endpointKind.value === 'aws' ? 'cognito' : 'none'
  })
  /** The local gateway answers Cognito on its own port; AWS uses the SDK's default endpoint. */
  const cognitoEndpoint = computed(() => {
    if (endpointKind.value !== 'local') return undefined
    const url = new URL(endpoint.value)
    return `${url.protocol === 'wss:' ? 'https' : 'http'}://${url.host}`
  })

  let keys: AwsKeys | undefined
  let keysSource: CredentialSourceId | undefined
  const identityLabel = shallowRef<string>()
  const maskedAccessKey = shallowRef<string>()
  const expiresAt = shallowRef<number>()
  const error = shallowRef<string>()
  const busy = shallowRef(false)
  const serverIdentity = shallowRef<SignerIdentity>()
  /** Set when automatic refresh gave up; the panel shows it until the user acts. */
  const refreshFailed = shallowRef(false)
  const hasCredentials = computed(() => identityLabel.value !== undefined)

  // Refresh state (Cognito): one attempt in flight, one timer, growing pauses after failures.
  let inFlight: Promise<boolean> | undefined
  let refreshTimer: ReturnType<typeof setTimeout> | undefined
  let failures = 0
  let lastAttemptAt: number | undefined
  let obtainedAt: number | undefined

  function setKeys(next: AwsKeys, from: CredentialSourceId, label: string) {
    keys = next
    keysSource = from
    identityLabel.value = label
    maskedAccessKey.value = maskKey(next.accessKeyId)
    expiresAt.value = next.expiration?.getTime()
    obtainedAt = Date.now()
  }

  async function fetchCognito(): Promise<boolean> {
    lastAttemptAt = Date.now()
    try {
      const { getCognitoCredentials } = await import('@/aws/credentials')
      const logins =
        loginsProvider.value && loginsToken.value
          ? { [loginsProvider.value.trim()]: loginsToken.value.trim() }
          : undefined
      const got = await getCognitoCredentials({
        identityPoolId: identityPoolId.value.trim(),
        region: region.value.trim(),
        endpoint: cognitoEndpoint.value,
        logins,
      })
      setKeys(got, 'cognito', got.identityId)
      failures = 0
      refreshFailed.value = false
      error.value = undefined
      return true
    } catch (e) {
      failures++
      error.value = errorMessage(e)
      if (failures >= MAX_FAILURES && keysSource === 'cognito') {
        refreshFailed.value = true
        error.value = `Refreshing the Cognito credentials failed ${failures} times in a row; the panel stopped trying. Last error: ${error.value}`
      }
      return false
    } finally {
      scheduleRefresh()
    }
  }

  /** Never more than one Cognito request at a time: callers share the one in flight. */
  function refreshCognito(): Promise<boolean> {
    inFlight ??= fetchCognito().finally(() => (inFlight = undefined))
    return inFlight
  }

  function scheduleRefresh() {
    if (refreshTimer) clearTimeout(refreshTimer)
    refreshTimer = undefined
    // Only credentials the page already had are refreshed by itself; a first attempt that fails waits for the user.
    if (keysSource !== 'cognito') return
    const delay = nextRefreshDelay({ now: Date.now(), expiresAt: expiresAt.value, obtainedAt, lastAttemptAt, failures })
    if (delay === undefined) return
    refreshTimer = setTimeout(() => void refreshCognito(), Math.min(delay, 2 ** 31 - 1))
  }

  /** The button: gets credentials for the chosen source (Cognito, the server's identity) or checks pasted keys. */
  async function getCredentials(): Promise<boolean> {
    error.value = undefined
    busy.value = true
    try {
      if (source.value === 'cognito') {
        failures = 0
        return await refreshCognito()
      }
      if (source.value === 'server') return await loadServerIdentity()
      return true
    } finally {
      busy.value = false
    }
  }

  async function loadServerIdentity(): Promise<boolean> {
    try {
      const { serverIdentity: ask } = await import('@/aws/signers')
      const who = await ask()
      error.value = undefined
      forget()
      serverIdentity.value = who
      identityLabel.value = who.arn ?? `profile ${who.profile ?? '(default chain)'}`
      maskedAccessKey.value = who.maskedAccessKeyId
      expiresAt.value = who.expiresAt
      keysSource = 'server'
      return true
    } catch (e) {
      const sso = typeof e === 'object' && e !== null && 'kind' in e && e.kind === 'sso-login'
      const profile = serverIdentity.value?.profile
      error.value = sso
        ? `The server's AWS CLI profile needs \`aws sso login${profile ? ` --profile ${profile}` : ''}\`: ${errorMessage(e)}`
        : errorMessage(e)
      return false
    }
  }

  /** Pasted text (export-credentials, STS JSON…) or the fields one by one. */
  function useKeys(input: {
    text?: string
    accessKeyId?: string
    secretAccessKey?: string
    sessionToken?: string
    expiration?: string
  }): boolean {
    const result = input.text?.trim() ? parsePastedKeys(input.text) : checkKeys(input)
    if (!result.ok) {
      error.value = result.error
      return false
    }
    const pasted: PastedKeys = result.keys
    if (pasted.expiresAt !== undefined && pasted.expiresAt <= Date.now()) {
      error.value = `These keys expired at ${new Date(pasted.expiresAt).toLocaleString()}: export fresh ones (aws configure export-credentials).`
      return false
    }
    forget()
    error.value = undefined
    setKeys(
      {
        accessKeyId: pasted.accessKeyId,
        secretAccessKey: pasted.secretAccessKey,
        sessionToken: pasted.sessionToken,
        expiration: pasted.expiresAt === undefined ? undefined : new Date(pasted.expiresAt),
      },
      'keys',
      pasted.sessionToken ? 'pasted temporary keys' : 'pasted long-term keys',
    )
    return true
  }

  function forget() {
    keys = undefined
    keysSource = undefined
    serverIdentity.value = undefined
    // The SDK clients hold the secret too: drop them (the module is only loaded if it was used).
    void import('@/aws/management-api').then((m) => m.forgetClients())
    identityLabel.value = maskedAccessKey.value = expiresAt.value = undefined
    if (refreshTimer) clearTimeout(refreshTimer)
    refreshTimer = undefined
    failures = 0
    refreshFailed.value = false
  }

  function choose(next: CredentialSourceId) {
    if (next === source.value) return
    chosenSource.value = next
    forget()
    error.value = undefined
  }

  /** The signer for the chosen source, with fresh credentials, or why there is none. */
  async function signer(): Promise<SignerResult> {
    const signers = await import('@/aws/signers')
    const from = source.value
    if (from === 'none') return { ok: true, signer: signers.unsignedSigner }
    if (from === 'server') return { ok: true, signer: signers.serverSigner }
    const expiring = expiresAt.value !== undefined && expiresAt.value <= Date.now() + 5000
    if (from === 'keys') {
      if (!keys || keysSource !== 'keys')
        return {
          ok: false,
          error: 'Paste access keys first (aws configure export-credentials), then press “Use these keys”.',
        }
      if (expiring)
        return {
          ok: false,
          error: `The pasted keys expired at ${new Date(expiresAt.value!).toLocaleTimeString()}: paste fresh ones (aws configure export-credentials).`,
        }
      return { ok: true, signer: signers.keysSigner(keys) }
    }
    if ((!keys || keysSource !== 'cognito' || expiring) && !(await refreshCognito())) {
      return { ok: false, error: `Could not get Cognito credentials: ${error.value ?? 'unknown error'}` }
    }
    const current = keys
    if (!current) return { ok: false, error: 'The credentials were forgotten while they were being fetched.' }
    return { ok: true, signer: signers.keysSigner(current) }
  }

  return {
    chosenSource,
    source,
    sources,
    identityPoolId,
    region,
    loginsProvider,
    loginsToken,
    cognitoEndpoint,
    identityLabel,
    maskedAccessKey,
    expiresAt,
    error,
    busy,
    serverIdentity,
    refreshFailed,
    hasCredentials,
    getCredentials,
    useKeys,
    forget,
    choose,
    signer,
  }
})

/** ASIA…WXYZ: enough to tell keys apart, not enough to use one. */
function maskKey(key: string): string {
  return key.length > 8 ? `${key.slice(0, 4)}…${key.slice(-4)}` : '…'
}

if (import.meta.hot) import.meta.hot.accept(acceptHMRUpdate(useCredentialsStore, import.meta.hot))
