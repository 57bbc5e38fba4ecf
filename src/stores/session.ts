import { acceptHMRUpdate, defineStore } from 'pinia'
import { computed, shallowReactive, shallowReadonly, shallowRef, toRaw, watch } from 'vue'
import { useSessionStorage } from '@vueuse/core'
import { isConnectable, isOpenOrOpening, type SessionEvent } from '@/core/session/events'
import { rememberEndpoint } from '@/core/session/endpoint'
import type { Result } from '@/core/session/session'
import type { AddResult, CollectionRecord, ConnectionInit } from '@/core/session/connection-collection'
import { parseCollectionRecord } from '@/core/session/connection-records'
import type { ConnectionSettings, ConnectionState, PageConnection } from '@/core/session/page-connection'
import { expectedCloses, type TimeoutProfile } from '@/core/session/timeout-profiles'
import type { HostCommand, HostUpdate } from '@/core/session/host-protocol'
import { InlineHost, type HostOptions, type SessionHost } from '@/core/session/session-host'
import { StatePacer } from '@/core/session/state-pacing'
import { useLogStore } from './log'
import { LOCAL_GATEWAY_URL, useSettingsStore } from './settings'
import { useTimelineStore } from './timeline'
import { CLOCK, now } from '@/composables/now'

/** The state of one connection as the page shows it (the URL redacted, the next reconnect). */
export type PageSessionState = ConnectionState

/** One of the page's connections, as components read it. Change it through the store's actions only. */
export interface ConnectionView {
  readonly id: string
  readonly colour: string
  readonly name: string
  readonly settings: Readonly<ConnectionSettings>
  readonly profile: TimeoutProfile
  readonly state: Readonly<PageSessionState>
}

/** The tab's connections are kept here (per tab, survives a reload); never credentials (see toRecord). */
export const TAB_CONNECTIONS_KEY = 'apigw-playground:tab-connections'

/**
 * Which host runs the page's connections (see src/core/session/session-host.ts). The page sets a worker host's
 * factory at start-up (main.ts); without one (unit tests in Node) they run on the main thread.
 */
let hostFactory: (options: HostOptions) => SessionHost = (options) => new InlineHost(options)

export function useSessionHost(factory: (options: HostOptions) => SessionHost): void {
  hostFactory = factory
}

/**
 * The page's connections: a SessionHost (the framework-free ConnectionCollection, on the main thread or in a worker)
 * kept in this closure (Pinia's advice for non-serializable handles), and one read-only reactive view per connection.
 * One connection is selected: the actions without an id (connect, send, setKeepalive, configure…) act on it, as the
 * endpoint form, status, keepalive panel and composer do. Every event of every connection goes to the one log and the
 * one timeline, tagged with `source`.
 */
export const useSessionStore = defineStore('session', () => {
  const settings = useSettingsStore()
  const log = useLogStore()
  const timeline = useTimelineStore()
  const storage = typeof sessionStorage === 'undefined' ? undefined : sessionStorage

  const host = hostFactory({
    collection: {
      secure: typeof location !== 'undefined' && location.protocol === 'https:',
      defaults: { endpoint: LOCAL_GATEWAY_URL },
    },
    restored: parseCollectionRecord(storage?.getItem(TAB_CONNECTIONS_KEY) ?? null),
  })
  /** The set-up (names, settings, selection) as the host answers it at once; changed through `host.command` only. */
  const collection = host.collection

  /** Per connection: its view, and the reactive copy of its state refreshed from the session's snapshot. */
  interface Entry {
    view: ConnectionView & { name: string; settings: Readonly<ConnectionSettings>; profile: TimeoutProfile }
    live: PageSessionState
  }
  const entries = new Map<string, Entry>()
  /** Names and colours of every connection this tab had (removed ones too), for the log's older rows. Bounded. */
  const labels = new Map<string, { name: string; colour: string }>()
  const list = shallowRef<ConnectionView[]>([])
  const selectedId = shallowRef(collection.selectedId)
  const lastError = shallowRef<string | undefined>()
  /** The close code and reason typed in the endpoint form: this tab's, like its connections. */
  const closeCode = useSessionStorage('apigw-playground:close-code', '')
  const closeReason = useSessionStorage('apigw-playground:close-reason', '')

  function entryFor(connection: PageConnection): Entry {
    let entry = entries.get(connection.id)
    if (entry) return entry
    // Assigning the live state whole triggers only the fields that changed: a panel showing the counts does not
    // redraw the close details.
    const live = shallowReactive(host.state(connection.id) ?? connection.snapshot())
    const view = shallowReactive({
      id: connection.id,
      colour: connection.colour,
      name: connection.name,
      settings: { ...connection.settings },
      profile: connection.profile,
      state: shallowReadonly(live),
    })
    entry = { view, live }
    entries.set(connection.id, entry)
    return entry
  }

  /** Rebuilds the list after adds, removals and renames, and saves the tab's set-up. */
  function refresh(): void {
    const ids = new Set(collection.list.map((c) => c.id))
    for (const id of entries.keys())
      if (!ids.has(id)) {
        entries.delete(id)
        states.forget(id)
      }
    list.value = collection.list.map((c) => {
      const entry = entryFor(c)
      entry.view.name = c.name
      entry.view.settings = { ...c.settings }
      entry.view.profile = c.profile
      labels.delete(c.id)
      labels.set(c.id, { name: c.name, colour: c.colour })
      return entry.view
    })
    if (labels.size > 1000) labels.delete(labels.keys().next().value!)
    selectedId.value = collection.selectedId
    persist()
  }

  function persist(): void {
    try {
      storage?.setItem(TAB_CONNECTIONS_KEY, JSON.stringify(collection.toRecord()))
    } catch {
      // A full or disabled storage only costs the restore after a reload.
    }
  }

  /** Events a worker host left out because the page fell behind (the counters stay exact); 0 on the main thread. */
  const skippedEvents = shallowRef(0)
  const appendToLog = log.sink()
  log.nameSources((source) => labels.get(source)?.name)
  const observeInLog = log.observer()
  // A worker host keeps the log next to the sockets: the page then gets counters and the rows it shows.
  if (host.logLink) log.attach(host.logLink)
  const applyToTimeline = timeline.sink()
  const applyAllToTimeline = timeline.batchSink()
  const listeners = new Set<(event: SessionEvent) => void>()
  const batchListeners = new Set<(events: readonly SessionEvent[]) => void>()
  const idListeners = new Set<(source: string, ids: string[]) => void>()
  // What the panels show changes a few times a second during a flood, not with every update: a state that only
  // counts messages waits for the paced repaint; anything else (readyState, a close) shows at once. Scripts read
  // the exact state (`currentState`).
  const states = new StatePacer(
    // Compared field by field on every update of a flood: read past the reactive proxy (no tracking is wanted here).
    (id) => {
      const live = entries.get(id)?.live
      return live && toRaw(live)
    },
    (id, state) => {
      const entry = entries.get(id)
      // Assigning the state whole triggers only the fields that changed.
      if (entry) Object.assign(entry.live, state)
    },
    // During a flood its own timer would draw a frame between two ticks: the tick shows the states.
    { clock: CLOCK },
  )
  // During a flood the counters repaint with the clock's tick, which repaints the countdowns anyway.
  watch(now, () => states.tick())

  // The host has done the per-message work (sizes, counters, redaction, connection ids): this applies the result.
  // Events come with the state of their connection when it changed (traffic's in batches); URLs come redacted.
  host.onUpdate((update: HostUpdate) => {
    for (const [source, endpoint] of update.opened) {
      // Only endpoints that open join the recent list: typos and refused handshakes would crowd it out.
      if (entries.has(source)) settings.recentEndpoints = rememberEndpoint(settings.recentEndpoints, endpoint)
    }
    const { events, connectionIds: found } = update
    // Each store takes the whole update in one loop of its own (the log and the timeline depend on nothing else).
    for (let i = 0; i < events.length; i++) observeInLog(events[i]!)
    applyAllToTimeline(events)
    if (events.length) for (const listener of batchListeners) listener(events)
    let next = 0
    for (let i = 0; i < events.length; i++) {
      const event = events[i]!
      for (const listener of listeners) listener(event)
      // Ids found in this event, after it: a reconnect (which forgets the learned id) keeps its place in the order.
      for (; next < found.length && found[next]![0] === i; next++)
        for (const listener of idListeners) listener(found[next]![1], found[next]![2])
    }
    for (const [id, state] of update.states) if (entries.has(id)) states.offer(id, state, commanding)
    if (update.failures.length) fail(update.failures.join(' '))
    if (update.skipped) skippedEvents.value += update.skipped
  })
  refresh()

  /** Adds an event that did not come from a page socket (a management call, the Timeout lab) to the log and timeline. */
  function record(event: SessionEvent): void {
    appendToLog(event)
    applyToTimeline(event)
  }

  /** Lets other stores watch every connection's events. */
  function subscribe(listener: (event: SessionEvent) => void): () => void {
    listeners.add(listener)
    return () => listeners.delete(listener)
  }

  /**
   * The same events as `subscribe`, a batch at a time (each update of the host, or a slice of it), for a listener
   * whose work per message is a count: one call per batch rather than one per message of a flood.
   */
  function subscribeBatches(listener: (events: readonly SessionEvent[]) => void): () => void {
    batchListeners.add(listener)
    return () => batchListeners.delete(listener)
  }

  /** API Gateway connection ids the host found in a connection's received messages (see findConnectionIds). */
  function subscribeConnectionIds(listener: (source: string, ids: string[]) => void): () => void {
    idListeners.add(listener)
    return () => idListeners.delete(listener)
  }

  const selected = computed<ConnectionView>(() => list.value.find((c) => c.id === selectedId.value) ?? list.value[0]!)
  const state = computed(() => selected.value.state)
  const profile = computed(() => selected.value.profile)
  const isActive = computed(() => active(state.value))
  const isOpen = computed(() => state.value.readyState === 1)
  /** Any of the page's connections is CONNECTING, OPEN or CLOSING (the Timeout lab wants them all closed). */
  const anyActive = computed(() => list.value.some((c) => active(c.state)))
  /** Whether Connect all, Close all have anything to do. */
  const anyConnectable = computed(() => list.value.some((c) => isConnectable(c.state.readyState)))
  const anyOpen = computed(() => list.value.some((c) => isOpenOrOpening(c.state.readyState)))

  const expected = computed(() =>
    expectedCloses(profile.value, {
      openedAt: state.value.readyState === 1 ? state.value.openedAt : undefined,
      lastSentAt: state.value.lastSentAt,
      lastReceivedAt: state.value.lastReceivedAt,
      sentCount: state.value.sentCount,
    }),
  )

  /** The states a command changes at once (the main-thread host answers with them) show at once, unpaced. */
  let commanding = false
  function runCommand(c: HostCommand): ReturnType<SessionHost['command']> {
    commanding = true
    try {
      return host.command(c)
    } finally {
      commanding = false
    }
  }

  /** A command for one connection (the selected one without an id). */
  function withConnection(id: string | undefined, command: (id: string) => HostCommand): Result {
    const connection = id === undefined ? collection.selected : collection.get(id)
    if (!connection) return fail('No such connection.')
    const result = runCommand(command(connection.id))
    return result.ok ? ok() : fail(result.error)
  }

  function added(result: ReturnType<SessionHost['command']>): AddResult {
    refresh()
    const connection = result.ok && result.id !== undefined ? collection.get(result.id) : undefined
    if (connection) {
      ok()
      return { ok: true, connection }
    }
    const error = result.ok ? 'The connection was not added.' : result.error
    fail(error)
    return { ok: false, error }
  }

  function add(init: ConnectionInit = {}): AddResult {
    return added(runCommand({ op: 'add', init: { ...init, settings: { ...init.settings } } }))
  }

  function duplicate(id = selectedId.value): AddResult {
    return added(runCommand({ op: 'duplicate', id }))
  }

  function rename(id: string, name: string): Result {
    const result = runCommand({ op: 'rename', id, name })
    refresh()
    return result.ok ? ok() : fail(result.error)
  }

  /** Closes its socket, stops its timers and forgets it (its rows stay in the log). */
  function remove(id: string): Result {
    const result = runCommand({ op: 'remove', id })
    refresh()
    return result.ok ? ok() : fail(result.error)
  }

  function select(id: string): Result {
    const result = runCommand({ op: 'select', id })
    selectedId.value = collection.selectedId
    persist()
    return result.ok ? ok() : fail(result.error)
  }

  function selectNext(step: 1 | -1): void {
    runCommand({ op: 'selectNext', step })
    selectedId.value = collection.selectedId
    persist()
  }

  /** Changes a connection's settings (the selected one's without an id); takes effect as PageConnection.configure says. */
  function configure(patch: Partial<ConnectionSettings>, id?: string): Result {
    const result = withConnection(id, (target) => ({ op: 'configure', id: target, patch: { ...patch } }))
    refresh()
    return result
  }

  /**
   * Connects to the endpoint in the connection's settings. `signedUrl` replaces it on the wire only (an IAM-presigned
   * copy of the same URL): it is never stored or shown.
   */
  function connect(options: { signedUrl?: string; id?: string } = {}): Result {
    return withConnection(options.id, (id) => ({ op: 'connect', id, signedUrl: options.signedUrl }))
  }

  function disconnect(code?: number, reason?: string, id?: string): Result {
    return withConnection(id, (target) => ({ op: 'disconnect', id: target, code, reason }))
  }

  /** Text goes as a text frame, bytes as a binary frame. */
  function send(data: string | Uint8Array, id?: string): Result {
    return withConnection(id, (target) => ({ op: 'send', id: target, data }))
  }

  /** Sends to every OPEN connection; says how many got it, and why the rest did not. */
  function sendToAll(data: string | Uint8Array): { sent: number; skipped: number; errors: string[] } {
    const { started, skipped, errors } = commandEach(
      (state) => state === 1,
      (id) => ({ op: 'send', id, data }),
      'No connection is OPEN.',
    )
    return { sent: started, skipped, errors }
  }

  /**
   * Connects every connection that is not open or opening, each to its own endpoint (a connection still closing is
   * left: it cannot connect until it has closed); says how many started, and why the rest did not.
   */
  function connectAll(): Fanned {
    return commandEach(
      isConnectable,
      (id) => ({ op: 'connect', id }),
      'Every connection is already open or on its way.',
    )
  }

  /** Closes every OPEN or CONNECTING connection, with the close code and reason given (none: 1000). */
  function closeAll(code?: number, reason?: string): Fanned {
    return commandEach(isOpenOrOpening, (id) => ({ op: 'disconnect', id, code, reason }), 'No connection is open.')
  }

  /** One command to every connection in a wanted state, in list order; `none` is the error when none was. */
  function commandEach(
    wanted: (readyState: number | undefined) => boolean,
    command: (id: string) => HostCommand,
    none: string,
  ): Fanned {
    let started = 0
    let skipped = 0
    const errors: string[] = []
    for (const c of collection.list) {
      if (!wanted(host.state(c.id)?.readyState)) {
        skipped++
        continue
      }
      const result = runCommand(command(c.id))
      if (result.ok) started++
      else errors.push(`${c.name}: ${result.error}`)
    }
    if (started === 0 && errors.length === 0) fail(none)
    else if (errors.length) fail(errors.join(' '))
    else ok()
    return { started, skipped, errors }
  }

  function setKeepalive(enabled: boolean, id?: string): Result {
    const result = withConnection(id, (target) => ({ op: 'setKeepalive', id: target, enabled }))
    persist()
    return result
  }

  /** A connection's state as the host last reported it, not yet painted perhaps (for scripts). */
  function currentState(id: string): Readonly<PageSessionState> | undefined {
    return states.latest(id) ?? entries.get(id)?.live
  }

  /** Every connection's name by id, removed ones included (for exports). */
  function connectionNames(): Record<string, string> {
    const names: Record<string, string> = {}
    for (const [id, label] of labels) names[id] = label.name
    return names
  }

  /** Name and colour of a connection by id, removed ones included (for log rows and timeline lanes). */
  function labelOf(source: string | undefined): { name: string; colour: string } | undefined {
    return source === undefined ? undefined : labels.get(source)
  }

  /** Where the sockets run: `worker`, or `inline` (the main thread) with the reason when a worker could not start. */
  function hostInfo(): { kind: 'worker' | 'inline'; fallback?: string } {
    return host.fallback === undefined ? { kind: host.kind } : { kind: host.kind, fallback: host.fallback }
  }

  /** The tab's set-up as it would be saved (for tests and the set-up link). */
  function setup(): CollectionRecord {
    return collection.toRecord()
  }

  function ok(): Result {
    lastError.value = undefined
    return { ok: true }
  }

  function fail(error: string): Result {
    lastError.value = error
    return { ok: false, error }
  }

  return {
    connections: list,
    selectedId,
    selected,
    state,
    profile,
    lastError,
    isActive,
    isOpen,
    anyActive,
    anyConnectable,
    anyOpen,
    expected,
    closeCode,
    closeReason,
    add,
    duplicate,
    rename,
    remove,
    select,
    selectNext,
    configure,
    connect,
    disconnect,
    send,
    sendToAll,
    connectAll,
    closeAll,
    setKeepalive,
    record,
    subscribe,
    subscribeBatches,
    subscribeConnectionIds,
    skippedEvents,
    labelOf,
    connectionNames,
    currentState,
    hostInfo,
    setup,
  }
})

/** What a command sent to many connections did: how many took it, how many were not in a state to, what failed. */
interface Fanned {
  started: number
  skipped: number
  errors: string[]
}

function active(state: Readonly<PageSessionState>): boolean {
  return state.readyState === 0 || state.readyState === 1 || state.readyState === 2
}

if (import.meta.hot) import.meta.hot.accept(acceptHMRUpdate(useSessionStore, import.meta.hot))
