import { acceptHMRUpdate, defineStore } from 'pinia'
import { computed, reactive, type Ref, type WritableComputedRef } from 'vue'
import { useLocalStorage } from '@vueuse/core'
import { withoutSecrets } from '@/core/session/endpoint'
import { DEFAULT_LOG_CAPACITY, DEFAULT_LOG_MEGABYTES } from '@/core/log/log-buffer'
import type { SavedMessage } from '@/core/composer/message-history'
import type { WindowId } from '@/core/timeline/timeline'
import {
  ARTICLE_PROFILE,
  AWS_PROFILE,
  customProfile,
  type ProfileId,
  type TimeoutProfile,
} from '@/core/session/timeout-profiles'

export const LOCAL_GATEWAY_URL = import.meta.env.VITE_LOCAL_GATEWAY_URL || 'ws://127.0.0.1:4001/dev'

/**
 * Preferences kept in localStorage. Nothing secret ever goes here: no credentials, and endpoints are stored
 * without SigV4 query parameters (see rememberEndpoint).
 */
export const useSettingsStore = defineStore('settings', () => {
  const key = (name: string) => `apigw-playground:${name}`
  /**
   * Settings a link gave this tab. A link is someone else's proposal: its values are shown and used here, and
   * become the user's own (stored) only when the user changes them.
   */
  const fromLink = reactive<Partial<LinkSettings>>({})
  function linkable<K extends keyof LinkSettings>(name: K, stored: Ref<LinkSettings[K]>) {
    return computed<LinkSettings[K]>({
      get: () => (name in fromLink ? (fromLink[name] as LinkSettings[K]) : stored.value),
      set: (value) => {
        delete fromLink[name]
        stored.value = value
      },
    }) as WritableComputedRef<LinkSettings[K]>
  }
  /** Applies a link's settings to this tab only (see fromLink). */
  function applyFromLink(values: Partial<LinkSettings>) {
    for (const name of Object.keys(values) as (keyof LinkSettings)[])
      if (values[name] !== undefined) Object.assign(fromLink, { [name]: values[name] })
  }

  // A presigned URL typed or pasted here carries a session token: it is stored without its SigV4 parameters.
  const storedEndpoint = useLocalStorage(key('endpoint'), LOCAL_GATEWAY_URL, {
    serializer: { read: (raw: string) => raw, write: (url: string) => withoutSecrets(url) },
  })
  const endpoint = linkable('endpoint', storedEndpoint)
  const protocols = linkable('protocols', useLocalStorage(key('protocols'), ''))
  const recentEndpoints = useLocalStorage<string[]>(key('recent-endpoints'), [])
  const savedMessages = useLocalStorage<SavedMessage[]>(key('saved-messages'), [
    { name: 'whoami', body: '{"action":"whoami"}', mode: 'json' },
    { name: 'echo', body: '{"action":"echo","data":"hello"}', mode: 'json' },
    { name: 'broadcast', body: '{"action":"broadcast","data":"hello everyone"}', mode: 'json' },
  ])
  const history = useLocalStorage<string[]>(key('history'), [])
  const profileId = linkable('profileId', useLocalStorage<ProfileId>(key('profile'), 'aws'))
  const customIdleSeconds = linkable('customIdleSeconds', useLocalStorage(key('custom-idle'), 30))
  const customMaxSeconds = linkable('customMaxSeconds', useLocalStorage(key('custom-max'), 300))
  const keepaliveSeconds = linkable('keepaliveSeconds', useLocalStorage(key('keepalive-seconds'), 60))
  const keepalivePayload = linkable('keepalivePayload', useLocalStorage(key('keepalive-payload'), 'ping'))
  /** Endpoint origins the user lets links connect to without asking (a preference, not a secret). */
  const linkAllowedOrigins = useLocalStorage<string[]>(key('link-allowed-origins'), [])
  const logCapacity = useLocalStorage(key('log-capacity'), DEFAULT_LOG_CAPACITY)
  const logMegabytes = useLocalStorage(key('log-megabytes'), DEFAULT_LOG_MEGABYTES)
  const timelineWindow = useLocalStorage<WindowId>(key('timeline-window'), '1m')
  const closeCode = useLocalStorage(key('close-code'), '')
  const closeReason = useLocalStorage(key('close-reason'), '')
  /** Auto-reconnect and the handshake timeout (0 = off): both off unless the user turns them on. */
  const reconnect = useLocalStorage(key('reconnect'), false)
  const handshakeTimeoutSeconds = useLocalStorage(key('handshake-timeout'), 0)
  /** Keep the log in IndexedDB across reloads: off unless the user turns it on. */
  const persistLog = useLocalStorage(key('persist-log'), false)

  const profile = computed<TimeoutProfile>(() => {
    if (profileId.value === 'article') return ARTICLE_PROFILE
    if (profileId.value === 'custom') return customProfile(customIdleSeconds.value, customMaxSeconds.value)
    return AWS_PROFILE
  })

  return {
    endpoint,
    protocols,
    recentEndpoints,
    savedMessages,
    history,
    profileId,
    customIdleSeconds,
    customMaxSeconds,
    keepaliveSeconds,
    keepalivePayload,
    logCapacity,
    logMegabytes,
    timelineWindow,
    closeCode,
    closeReason,
    reconnect,
    handshakeTimeoutSeconds,
    persistLog,
    profile,
    linkAllowedOrigins,
    applyFromLink,
  }
})

/** The settings a set-up link may give a tab. */
export interface LinkSettings {
  endpoint: string
  protocols: string
  profileId: ProfileId
  customIdleSeconds: number
  customMaxSeconds: number
  keepaliveSeconds: number
  keepalivePayload: string
}

if (import.meta.hot) import.meta.hot.accept(acceptHMRUpdate(useSettingsStore, import.meta.hot))
