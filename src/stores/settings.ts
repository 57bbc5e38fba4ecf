import { acceptHMRUpdate, defineStore } from 'pinia'
import { useLocalStorage } from '@vueuse/core'
import { DEFAULT_LOG_CAPACITY, DEFAULT_LOG_MEGABYTES } from '@/core/log/log-buffer'
import type { SavedMessage } from '@/core/composer/message-history'
import type { WindowId } from '@/core/timeline/timeline'

export const LOCAL_GATEWAY_URL = import.meta.env.VITE_LOCAL_GATEWAY_URL || 'ws://127.0.0.1:4001/dev'

/**
 * Preferences kept in localStorage and shared by the browser's tabs: recent endpoints, saved messages, history, the
 * log's size and the timeline's window. What belongs to a tab (its connections, their endpoints, keepalives and
 * timeout profiles) is kept per tab by the session store. Nothing secret ever goes here: no credentials, and
 * endpoints are stored without SigV4 query parameters (see rememberEndpoint).
 */
export const useSettingsStore = defineStore('settings', () => {
  const key = (name: string) => `apigw-playground:${name}`
  const recentEndpoints = useLocalStorage<string[]>(key('recent-endpoints'), [])
  const savedMessages = useLocalStorage<SavedMessage[]>(key('saved-messages'), [
    { name: 'whoami', body: '{"action":"whoami"}', mode: 'json' },
    { name: 'echo', body: '{"action":"echo","data":"hello"}', mode: 'json' },
    { name: 'broadcast', body: '{"action":"broadcast","data":"hello everyone"}', mode: 'json' },
  ])
  const history = useLocalStorage<string[]>(key('history'), [])
  const logCapacity = useLocalStorage(key('log-capacity'), DEFAULT_LOG_CAPACITY)
  const logMegabytes = useLocalStorage(key('log-megabytes'), DEFAULT_LOG_MEGABYTES)
  const timelineWindow = useLocalStorage<WindowId>(key('timeline-window'), '1m')
  /** Endpoint origins the user lets links connect to without asking (a preference, not a secret). */
  const linkAllowedOrigins = useLocalStorage<string[]>(key('link-allowed-origins'), [])
  /** Keep the log in IndexedDB across reloads: off unless the user turns it on. */
  const persistLog = useLocalStorage(key('persist-log'), false)

  return {
    recentEndpoints,
    savedMessages,
    history,
    logCapacity,
    logMegabytes,
    timelineWindow,
    persistLog,
    linkAllowedOrigins,
  }
})

if (import.meta.hot) import.meta.hot.accept(acceptHMRUpdate(useSettingsStore, import.meta.hot))
