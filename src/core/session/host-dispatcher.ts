import type { SessionEvent } from './events'
import { redactSecrets } from './endpoint'
import { findConnectionIds } from '../management/connection-ids'
import { intervalBatch } from '../timing/interval-batch'
import { FLOOD_PER_SECOND, floodPacing } from '../timing/flood-rate'
import { ConnectionCollection, type CollectionOptions, type CollectionRecord } from './connection-collection'
import { emptyUpdate, type CommandResult, type HostCommand, type HostEvent, type HostUpdate } from './host-protocol'
import { headAndTail, KEPT_HEAD_CHARS, KEPT_TAIL_CHARS, LARGE_MESSAGE_CHARS } from '../log/log-buffer'

/**
 * How updates leave the dispatcher. `immediate` (the main-thread host): each event at once, as the page always had
 * them, traffic states in batches. `batched` (the worker host): what happened in one update at most every
 * `intervalMs`, and never a new one before the page acknowledged the last (`ack`), so a slow page cannot queue
 * messages without bound: events wait here instead, up to `maxPendingEvents`. An update carries at most
 * `maxEventsPerUpdate` events and about `maxCharsPerUpdate` characters of message text (the page reads a whole
 * update in one task); the rest go in the next, sent as soon as the page acknowledged. With `paced`, traffic at
 * a tier's rate or more (events a second, measured over the last update) waits that tier's interval instead: the page
 * then takes a few large updates a second during a flood, not one per frame. A lifecycle event, a failure or a
 * command still goes at the next frame.
 */
export type DeliveryPolicy =
  | { mode: 'immediate' }
  | {
      mode: 'batched'
      intervalMs: number
      maxPendingEvents: number
      maxEventsPerUpdate?: number
      maxCharsPerUpdate?: number
      paced?: readonly PacingTier[]
    }

/** From `perSecond` events a second on, updates go every `intervalMs`. */
export interface PacingTier {
  perSecond: number
  intervalMs: number
}

export interface DispatcherOptions {
  collection?: CollectionOptions
  restored?: CollectionRecord
  delivery: DeliveryPolicy
  deliver: (update: HostUpdate) => void
  /** Sees every event as it happens, URL redacted, before any batching (the worker's log). */
  observe?: (event: SessionEvent) => void
}

/** A frame at 60 Hz: the page gets at most one update per frame. */
export const WORKER_UPDATE_INTERVAL_MS = 16
/**
 * The worker's pacing: traffic of 50 events a second or more (keepalives of many idle connections, a chatty server)
 * goes to the page 10 times a second, a flood of 1,000 a second or more 4 times a second (the panels repaint at most
 * that often then anyway). A lone reply after a quiet moment still goes at once.
 */
export const WORKER_UPDATE_PACING: readonly PacingTier[] = [
  { perSecond: 50, intervalMs: 100 },
  { perSecond: FLOOD_PER_SECOND, intervalMs: 250 },
]
/** The shortest time the traffic's rate is measured over. */
const RATE_WINDOW_MS = 100
/** Events held while the page catches up; the log keeps at most this many by default anyway. */
export const MAX_PENDING_EVENTS = 100_000
/**
 * Events in one update: reading it (structured clone) and handing it over are one task on the page each, so an update
 * stays small; a flood goes in several, one after each acknowledgement.
 */
export const MAX_EVENTS_PER_UPDATE = 2000
/** Message text in one update, in characters (large messages cross cut to 32 KB, see `forThePage`). */
export const MAX_CHARS_PER_UPDATE = 4 * 1024 * 1024

/**
 * The event as it crosses to the page from a worker: a message longer than LARGE_MESSAGE_CHARS cut to its head and
 * tail with the log's `truncated` marker (the page's copy of the log keeps large ones so anyway, bar the newest few,
 * and its rows come from the worker's log, which has the whole message).
 */
export function forThePage(event: SessionEvent): HostEvent {
  const data = event.data
  if (data === undefined || data.length <= LARGE_MESSAGE_CHARS) return event
  return {
    ...event,
    data: headAndTail(data, KEPT_HEAD_CHARS, KEPT_TAIL_CHARS),
    truncated: { chars: data.length, head: KEPT_HEAD_CHARS, tail: KEPT_TAIL_CHARS },
  }
}

/**
 * The host side of the page's connections, the same code on the main thread and in a worker: runs commands on a
 * ConnectionCollection and turns its events into updates with the per-message work already done (the URL redacted,
 * connection ids found, states snapshotted), so the page only applies them.
 */
export class HostDispatcher {
  readonly collection: ConnectionCollection
  private readonly policy: DeliveryPolicy
  private readonly deliver: (update: HostUpdate) => void
  private pending = emptyUpdate()
  /** Connections whose state changed since the last update. */
  private readonly dirty = new Set<string>()
  private inFlight = false
  private timer: ReturnType<typeof setTimeout> | undefined
  private lastSentAt = -Infinity
  /** When the last update went (lastSentAt is -Infinity while a backlog waits), and when its timer is due. */
  private lastFlushAt = -Infinity
  private timerDue = 0
  /** The interval the traffic's rate asks for (see `paced`), and what it is measured from. */
  private intervalMs: number
  private eventsSinceSent = 0
  /** Something the page should see at the next frame whatever the pacing (a lifecycle event, a failure, a command). */
  private urgent = false
  private disposed = false
  private readonly flushTrafficStates: () => void
  private readonly observe: ((event: SessionEvent) => void) | undefined

  constructor(options: DispatcherOptions) {
    this.policy = options.delivery
    this.intervalMs = this.policy.mode === 'batched' ? this.policy.intervalMs : 0
    this.deliver = options.deliver
    this.observe = options.observe
    this.collection = new ConnectionCollection(options.collection, options.restored)
    this.collection.subscribe((event) => this.onEvent(event))
    // Traffic can be thousands of messages a second: its states go out in batches (as the page always did).
    this.flushTrafficStates = intervalBatch(() => this.flushStates(), 100, floodPacing(250))
  }

  handle(command: HostCommand): CommandResult {
    const c = this.collection
    let result: CommandResult
    switch (command.op) {
      case 'add':
      case 'duplicate': {
        const added = command.op === 'add' ? c.add(command.init) : c.duplicate(command.id)
        result = added.ok ? { ok: true, id: added.connection.id } : added
        if (added.ok) this.dirty.add(added.connection.id)
        break
      }
      case 'rename':
        result = c.rename(command.id, command.name)
        break
      case 'remove':
        result = c.remove(command.id)
        this.dirty.delete(command.id)
        break
      case 'select':
        result = c.select(command.id)
        break
      case 'selectNext':
        c.selectNext(command.step)
        result = { ok: true }
        break
      case 'configure':
        result = this.on(command.id, (x) => x.configure(command.patch))
        break
      case 'setKeepalive':
        result = this.on(command.id, (x) => x.setKeepalive(command.enabled))
        break
      case 'connect':
        result = this.on(command.id, (x) => x.connect(command.signedUrl))
        break
      case 'disconnect':
        result = this.on(command.id, (x) => x.disconnect(command.code, command.reason))
        break
      case 'send':
        result = this.on(command.id, (x) => x.send(command.data))
        break
      default:
        result = { ok: false, error: `Unknown command ${(command as { op: unknown }).op}.` }
    }
    if (this.policy.mode === 'immediate') this.flushStates()
    else {
      // What the user changed shows at the next frame; a send is traffic like the rest.
      if (command.op !== 'send') this.urgent = true
      this.schedule()
    }
    return result
  }

  /** A failure to report with the next update (the page had answered `ok` before the host knew better). */
  fail(error: string): void {
    this.pending.failures.push(error)
    this.urgent = true
    this.schedule()
  }

  /** Batched delivery: an update is on its way to the page, or will go without anything else asking for it. */
  updateDue(): boolean {
    return this.policy.mode === 'batched' && !this.disposed && (this.inFlight || this.hasPending())
  }

  /** The page applied the last update (batched delivery only). */
  ack(): void {
    this.inFlight = false
    if (this.hasPending()) this.schedule()
  }

  dispose(): void {
    this.disposed = true
    if (this.timer !== undefined) clearTimeout(this.timer)
    this.timer = undefined
    this.collection.dispose()
  }

  private on(id: string, act: (c: NonNullable<ReturnType<ConnectionCollection['get']>>) => CommandResult) {
    const connection = this.collection.get(id)
    if (!connection) return { ok: false, error: 'No such connection.' } as const
    this.dirty.add(id)
    return act(connection)
  }

  private onEvent(raw: SessionEvent): void {
    // A presigned URL carries a session token: nothing that leaves the host shows it.
    const event = raw.url ? { ...raw, url: redactSecrets(raw.url) } : raw
    this.observe?.(event)
    const source = event.source
    if (source !== undefined) this.dirty.add(source)
    const immediate = this.policy.mode === 'immediate'
    const pending = immediate ? emptyUpdate() : this.pending
    if (!immediate && pending.events.length >= this.policy.maxPendingEvents && event.direction !== 'none') {
      pending.skipped++
      this.eventsSinceSent++
      this.schedule()
      return
    }
    // Ids are looked for in the whole message, before a worker cuts a large one for the page.
    if (event.kind === 'received' && event.data !== undefined && source !== undefined) {
      const ids = findConnectionIds(event.data)
      if (ids.length) pending.connectionIds.push([pending.events.length, source, ids])
    }
    if (event.kind === 'open' && source !== undefined) {
      const endpoint = this.collection.get(source)?.connectedEndpoint
      if (endpoint) pending.opened.push([source, endpoint])
    }
    if (!immediate) {
      pending.events.push(forThePage(event))
      this.eventsSinceSent++
      if (event.direction === 'none') this.urgent = true
      this.schedule()
      return
    }
    pending.events.push(event)
    if (event.direction === 'none' && source !== undefined) {
      // Lifecycle events carry their connection's state with them; traffic's follows in a batch.
      const state = this.collection.get(source)?.snapshot()
      if (state) pending.states.push([source, state])
    } else this.flushTrafficStates()
    this.deliver(pending)
  }

  private hasPending(): boolean {
    const p = this.pending
    return p.events.length > 0 || p.failures.length > 0 || p.skipped > 0 || this.dirty.size > 0
  }

  private flushStates(): void {
    if (this.dirty.size === 0 || this.disposed) return
    const update = emptyUpdate()
    this.takeStates(update)
    this.deliver(update)
  }

  private takeStates(update: HostUpdate): void {
    for (const id of this.dirty) {
      const state = this.collection.get(id)?.snapshot()
      if (state) update.states.push([id, state])
    }
    this.dirty.clear()
  }

  /**
   * Batched delivery: at once when the last update went out an interval ago or more, else when it has. The interval
   * is a frame, or the paced one while traffic is heavy; something urgent shortens a paced wait to a frame.
   */
  private schedule(): void {
    if (this.policy.mode === 'immediate' || this.disposed || this.inFlight) return
    // A flood's every message lands here with the timer already set: it reads no clock then.
    if (this.timer !== undefined && !this.urgent) return
    const interval = this.urgent ? Math.min(this.intervalMs, this.policy.intervalMs) : this.intervalMs
    const now = performance.now()
    const wait = Math.max(0, this.lastSentAt + interval - now)
    if (this.timer !== undefined) {
      if (wait >= this.timerDue - now) return
      clearTimeout(this.timer)
    }
    this.timerDue = now + wait
    this.timer = setTimeout(() => {
      this.timer = undefined
      this.flushBatch()
    }, wait)
  }

  /** The interval for the next update, from the rate of the events since the last one. */
  private pace(now: number): void {
    if (this.policy.mode !== 'batched') return
    const base = this.policy.intervalMs
    // Over at least RATE_WINDOW_MS: a couple of events within one frame are no flood.
    const elapsed = Math.max(now - this.lastFlushAt, base, RATE_WINDOW_MS)
    const rate = (this.eventsSinceSent * 1000) / elapsed
    let interval = base
    for (const tier of this.policy.paced ?? [])
      if (rate >= tier.perSecond) interval = Math.max(interval, tier.intervalMs)
    this.intervalMs = interval
    this.eventsSinceSent = 0
  }

  private flushBatch(): void {
    if (this.disposed || this.inFlight || !this.hasPending()) return
    const update = this.takeBatch()
    this.takeStates(update)
    this.inFlight = true
    this.urgent = false
    const now = performance.now()
    this.pace(now)
    this.lastFlushAt = now
    // With events left over, the next update goes as soon as the page acknowledged this one.
    this.lastSentAt = this.pending.events.length ? -Infinity : now
    this.deliver(update)
  }

  /** What one update carries: the pending events up to the per-update limits, the rest left for the next. */
  private takeBatch(): HostUpdate {
    const all = this.pending
    this.pending = emptyUpdate()
    if (this.policy.mode !== 'batched') return all
    const maxEvents = Math.max(1, this.policy.maxEventsPerUpdate ?? MAX_EVENTS_PER_UPDATE)
    const maxChars = this.policy.maxCharsPerUpdate ?? MAX_CHARS_PER_UPDATE
    let count = 0
    let chars = 0
    // At least one event, whatever its size.
    while (count < all.events.length && count < maxEvents && (count === 0 || chars < maxChars))
      chars += all.events[count++]!.data?.length ?? 0
    if (count === all.events.length) return all
    // The rest stays in its array (moved up in place, not copied into a new one: a backlog can be long).
    const rest = this.pending
    rest.events = all.events
    all.events = rest.events.splice(0, count)
    const split = all.connectionIds.findIndex(([index]) => index >= count)
    if (split >= 0) {
      rest.connectionIds = all.connectionIds.slice(split).map(([index, source, ids]) => [index - count, source, ids])
      all.connectionIds.length = split
    }
    return all
  }
}
