import { acceptHMRUpdate, defineStore } from 'pinia'
import { computed, shallowRef, watch } from 'vue'
import type { ReadyState, SessionEvent } from '@/core/session/events'
import { checkEndpoint, checkSubprotocols, redactSecrets, rememberEndpoint } from '@/core/session/endpoint'
import { keepaliveIntervalProblem } from '@/core/session/keepalive-settings'
import { WebSocketSession, type CloseInfo, type Result } from '@/core/session/session'
import { AutoReconnect, DEFAULT_RECONNECT } from '@/core/session/reconnect'
import { intervalBatch } from '@/core/timing/interval-batch'
import { expectedCloses } from '@/core/session/timeout-profiles'
import { useLogStore } from './log'
import { useSettingsStore } from './settings'
import { useTimelineStore } from './timeline'

/**
 * The page's WebSocket session. The live session object stays in this closure (Pinia's advice for
 * non-serializable handles); the store exposes a small reactive snapshot of it and the actions.
 */
export const useSessionStore = defineStore('session', () => {
  const settings = useSettingsStore()
  const log = useLogStore()
  const timeline = useTimelineStore()
  const session = new WebSocketSession({
    keepalive: { enabled: false, intervalMs: settings.keepaliveSeconds * 1000, payload: settings.keepalivePayload },
  })

  const readyState = shallowRef<ReadyState | undefined>()
  const connection = shallowRef(0)
  const url = shallowRef<string | undefined>()
  const protocol = shallowRef('')
  const connectingAt = shallowRef<number | undefined>()
  const openedAt = shallowRef<number | undefined>()
  const lastSentAt = shallowRef<number | undefined>()
  const lastReceivedAt = shallowRef<number | undefined>()
  const sentCount = shallowRef(0)
  const receivedCount = shallowRef(0)
  const lastClose = shallowRef<CloseInfo | undefined>()
  const keepaliveEnabled = shallowRef(false)
  const nextKeepaliveAt = shallowRef<number | undefined>()
  const lastError = shallowRef<string | undefined>()
  const nextReconnectAt = shallowRef<number | undefined>()

  const sync = () => {
    readyState.value = session.readyState
    connection.value = session.connection
    url.value = session.url && redactSecrets(session.url)
    protocol.value = session.protocol
    connectingAt.value = session.connectingAt
    openedAt.value = session.openedAt
    lastSentAt.value = session.lastSentAt
    lastReceivedAt.value = session.lastReceivedAt
    sentCount.value = session.sentCount
    receivedCount.value = session.receivedCount
    lastClose.value = session.lastClose
    nextKeepaliveAt.value = session.nextKeepaliveAt
    nextReconnectAt.value = auto.nextAttemptAt
  }

  const appendToLog = log.sink()
  const applyToTimeline = timeline.sink()

  // Lifecycle events update the snapshot at once; traffic (possibly thousands of messages a second) once a frame.
  const syncSoon = intervalBatch(sync, 100, { perSecond: 1000, ms: 250 })
  const listeners = new Set<(event: SessionEvent) => void>()
  let pendingRecent: string | undefined
  session.subscribe((raw) => {
    if (raw.kind === 'open' && pendingRecent) settings.recentEndpoints = rememberEndpoint(settings.recentEndpoints, pendingRecent)
    if (raw.kind === 'open' || raw.kind === 'closed') pendingRecent = undefined
    // A presigned URL carries a session token: the log, the timeline, the exports and other stores get it redacted.
    const event = raw.url ? { ...raw, url: redactSecrets(raw.url) } : raw
    record(event)
    for (const listener of listeners) listener(event)
    if (event.direction === 'none') sync()
    else syncSoon()
  })

  /** Adds an event that did not come from the socket (a management call) to the log and the timeline. */
  function record(event: SessionEvent): void {
    appendToLog(event)
    applyToTimeline(event)
  }

  /** Lets other stores watch the session's events (e.g. to find connection ids in received messages). */
  function subscribe(listener: (event: SessionEvent) => void): () => void {
    listeners.add(listener)
    return () => listeners.delete(listener)
  }

  const isActive = computed(() => readyState.value === 0 || readyState.value === 1 || readyState.value === 2)
  const isOpen = computed(() => readyState.value === 1)

  const expected = computed(() =>
    expectedCloses(settings.profile, {
      openedAt: readyState.value === 1 ? openedAt.value : undefined,
      lastSentAt: lastSentAt.value,
      lastReceivedAt: lastReceivedAt.value,
      sentCount: sentCount.value,
    }),
  )

  /**
   * Connects to the endpoint in the settings. `signedUrl` replaces it on the wire only (an IAM-presigned copy of
   * the same URL): it is never stored or shown.
   */
  // Auto-reconnect and the handshake timeout (both off by default); their decisions go to the log and the timeline.
  const auto = new AutoReconnect(session, (event) => {
    record(event)
    nextReconnectAt.value = auto.nextAttemptAt
  })
  /** Applies the reconnect settings; a bad value turns auto-reconnect off and says why. */
  function setReconnect(enabled: boolean, handshakeTimeoutSeconds: number): Result {
    const result = auto.configure({ ...DEFAULT_RECONNECT, enabled, handshakeTimeoutMs: Math.round(handshakeTimeoutSeconds * 1000) })
    if (!result.ok) auto.configure({ ...DEFAULT_RECONNECT })
    nextReconnectAt.value = auto.nextAttemptAt
    return result.ok ? ok() : fail(result.error)
  }
  setReconnect(settings.reconnect, settings.handshakeTimeoutSeconds)
  watch([() => settings.reconnect, () => settings.handshakeTimeoutSeconds], ([enabled, timeout]) => setReconnect(enabled, timeout))

  function connect(rawUrl = settings.endpoint, rawProtocols = settings.protocols, signedUrl?: string): Result {
    const endpoint = checkEndpoint(rawUrl, location.protocol === 'https:')
    if (!endpoint.ok) return fail(endpoint.error)
    const protocols = checkSubprotocols(rawProtocols)
    if (!protocols.ok) return fail(protocols.error)
    // Only endpoints that open join the recent list: typos and refused handshakes would crowd it out.
    pendingRecent = endpoint.url
    const result = auto.connect(signedUrl ?? endpoint.url, protocols.protocols)
    sync()
    return result.ok ? ok() : fail(result.error)
  }

  function disconnect(code?: number, reason?: string): Result {
    const result = auto.disconnect(code, reason)
    nextReconnectAt.value = auto.nextAttemptAt
    sync()
    return result.ok ? ok() : fail(result.error)
  }

  /** Text goes as a text frame, bytes as a binary frame. */
  function send(data: string | Uint8Array): Result {
    const result = session.send(data)
    sync()
    return result.ok ? ok() : fail(result.error)
  }

  function setKeepalive(enabled: boolean): Result {
    const result = session.setKeepalive({
      enabled,
      intervalMs: settings.keepaliveSeconds * 1000,
      payload: settings.keepalivePayload,
    })
    keepaliveEnabled.value = result.ok ? enabled : false
    sync()
    return result.ok ? ok() : fail(result.error)
  }

  // A new interval or payload takes effect at once: the countdown restarts from now.
  watch([() => settings.keepaliveSeconds, () => settings.keepalivePayload], () => {
    if (!keepaliveEnabled.value) return
    // While the field is being edited (empty, 0…) keep the running keepalive; apply only valid intervals.
    if (!keepaliveIntervalProblem(settings.keepaliveSeconds * 1000)) setKeepalive(true)
  })

  function ok(): Result {
    lastError.value = undefined
    return { ok: true }
  }

  function fail(error: string): Result {
    lastError.value = error
    return { ok: false, error }
  }

  return {
    readyState,
    connection,
    url,
    protocol,
    connectingAt,
    openedAt,
    lastSentAt,
    lastReceivedAt,
    sentCount,
    receivedCount,
    lastClose,
    keepaliveEnabled,
    nextKeepaliveAt,
    nextReconnectAt,
    lastError,
    isActive,
    isOpen,
    expected,
    connect,
    disconnect,
    send,
    setKeepalive,
    setReconnect,
    record,
    subscribe,
  }
})

if (import.meta.hot) import.meta.hot.accept(acceptHMRUpdate(useSessionStore, import.meta.hot))
