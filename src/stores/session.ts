import { acceptHMRUpdate, defineStore } from 'pinia'
import { computed, shallowReactive, shallowReadonly, shallowRef, watch } from 'vue'
import type { SessionEvent } from '@/core/session/events'
import { checkEndpoint, checkSubprotocols, redactSecrets, rememberEndpoint } from '@/core/session/endpoint'
import { keepaliveIntervalProblem } from '@/core/session/keepalive-settings'
import { WebSocketSession, type Result, type SessionState } from '@/core/session/session'
import { AutoReconnect, DEFAULT_RECONNECT } from '@/core/session/reconnect'
import { intervalBatch } from '@/core/timing/interval-batch'
import { expectedCloses } from '@/core/session/timeout-profiles'
import { useLogStore } from './log'
import { useSettingsStore } from './settings'
import { useTimelineStore } from './timeline'

/**
 * The page's WebSocket session. The live session object stays in this closure (Pinia's advice for
 * non-serializable handles); the store exposes its state as one read-only reactive snapshot, and the actions.
 */
/** The session's state as the page shows it: the URL redacted, and when auto-reconnect tries next. */
export type PageSessionState = SessionState & { nextReconnectAt: number | undefined }

export const useSessionStore = defineStore('session', () => {
  const settings = useSettingsStore()
  const log = useLogStore()
  const timeline = useTimelineStore()
  const session = new WebSocketSession({
    keepalive: { enabled: false, intervalMs: settings.keepaliveSeconds * 1000, payload: settings.keepalivePayload },
  })

  // Auto-reconnect and the handshake timeout (both off by default); their decisions go to the log and the timeline.
  const auto = new AutoReconnect(session, (event) => {
    record(event)
    sync()
  })

  // One reactive copy of the session's state (and when auto-reconnect tries next), refreshed from its snapshot:
  // assigning it whole triggers only the fields that changed, so a panel showing the counts does not redraw the
  // close details.
  const current = (): PageSessionState => {
    const snapshot = session.snapshot()
    // A presigned URL carries a session token: the page shows it redacted.
    snapshot.url = snapshot.url && redactSecrets(snapshot.url)
    return { ...snapshot, nextReconnectAt: auto.nextAttemptAt }
  }
  const live = shallowReactive(current())
  const state: Readonly<PageSessionState> = shallowReadonly(live)
  const lastError = shallowRef<string | undefined>()
  const sync = () => {
    Object.assign(live, current())
  }

  const appendToLog = log.sink()
  const applyToTimeline = timeline.sink()

  // Lifecycle events update the snapshot at once; traffic (possibly thousands of messages a second) once a frame.
  const syncSoon = intervalBatch(sync, 100, { perSecond: 1000, ms: 250 })
  const listeners = new Set<(event: SessionEvent) => void>()
  let pendingRecent: string | undefined
  session.subscribe((raw) => {
    if (raw.kind === 'open' && pendingRecent)
      settings.recentEndpoints = rememberEndpoint(settings.recentEndpoints, pendingRecent)
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

  const isActive = computed(() => state.readyState === 0 || state.readyState === 1 || state.readyState === 2)
  const isOpen = computed(() => state.readyState === 1)

  const expected = computed(() =>
    expectedCloses(settings.profile, {
      openedAt: state.readyState === 1 ? state.openedAt : undefined,
      lastSentAt: state.lastSentAt,
      lastReceivedAt: state.lastReceivedAt,
      sentCount: state.sentCount,
    }),
  )

  /**
   * Connects to the endpoint in the settings. `signedUrl` replaces it on the wire only (an IAM-presigned copy of
   * the same URL): it is never stored or shown.
   */
  /** Applies the reconnect settings; a bad value turns auto-reconnect off and says why. */
  function setReconnect(enabled: boolean, handshakeTimeoutSeconds: number): Result {
    const result = auto.configure({
      ...DEFAULT_RECONNECT,
      enabled,
      handshakeTimeoutMs: Math.round(handshakeTimeoutSeconds * 1000),
    })
    if (!result.ok) auto.configure({ ...DEFAULT_RECONNECT })
    sync()
    return result.ok ? ok() : fail(result.error)
  }
  setReconnect(settings.reconnect, settings.handshakeTimeoutSeconds)
  watch([() => settings.reconnect, () => settings.handshakeTimeoutSeconds], ([enabled, timeout]) =>
    setReconnect(enabled, timeout),
  )

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
    sync()
    return result.ok ? ok() : fail(result.error)
  }

  // A new interval or payload takes effect at once: the countdown restarts from now.
  watch([() => settings.keepaliveSeconds, () => settings.keepalivePayload], () => {
    if (!state.keepaliveEnabled) return
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
    state,
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
