import type { SessionEvent } from './events'
import { redactSecrets } from './endpoint'
import { findConnectionIds } from '../management/connection-ids'
import { intervalBatch } from '../timing/interval-batch'
import { ConnectionCollection, type CollectionOptions, type CollectionRecord } from './connection-collection'
import { emptyUpdate, type CommandResult, type HostCommand, type HostUpdate } from './host-protocol'

/**
 * How updates leave the dispatcher. `immediate` (the main-thread host): each event at once, as the page always had
 * them, traffic states in batches. `batched` (the worker host): everything in one update at most every `intervalMs`,
 * and never a new one before the page acknowledged the last (`ack`), so a slow page cannot queue messages without
 * bound: events wait here instead, up to `maxPendingEvents`.
 */
export type DeliveryPolicy = { mode: 'immediate' } | { mode: 'batched'; intervalMs: number; maxPendingEvents: number }

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
/** Events held while the page catches up; the log keeps at most this many by default anyway. */
export const MAX_PENDING_EVENTS = 100_000

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
  private disposed = false
  private readonly flushTrafficStates: () => void
  private readonly observe: ((event: SessionEvent) => void) | undefined

  constructor(options: DispatcherOptions) {
    this.policy = options.delivery
    this.deliver = options.deliver
    this.observe = options.observe
    this.collection = new ConnectionCollection(options.collection, options.restored)
    this.collection.subscribe((event) => this.onEvent(event))
    // Traffic can be thousands of messages a second: its states go out in batches (as the page always did).
    this.flushTrafficStates = intervalBatch(() => this.flushStates(), 100, { perSecond: 1000, ms: 250 })
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
    else this.schedule()
    return result
  }

  /** A failure to report with the next update (the page had answered `ok` before the host knew better). */
  fail(error: string): void {
    this.pending.failures.push(error)
    this.schedule()
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
    const pending = this.policy.mode === 'immediate' ? emptyUpdate() : this.pending
    if (event.kind === 'received' && event.data !== undefined && source !== undefined) {
      const ids = findConnectionIds(event.data)
      if (ids.length) pending.connectionIds.push([pending.events.length, source, ids])
    }
    if (event.kind === 'open' && source !== undefined) {
      const endpoint = this.collection.get(source)?.connectedEndpoint
      if (endpoint) pending.opened.push([source, endpoint])
    }
    if (source !== undefined) this.dirty.add(source)
    if (this.policy.mode === 'immediate') {
      pending.events.push(event)
      if (event.direction === 'none' && source !== undefined) {
        // Lifecycle events carry their connection's state with them; traffic's follows in a batch.
        const state = this.collection.get(source)?.snapshot()
        if (state) pending.states.push([source, state])
      } else this.flushTrafficStates()
      this.deliver(pending)
      return
    }
    if (pending.events.length < this.policy.maxPendingEvents || event.direction === 'none') pending.events.push(event)
    else pending.skipped++
    this.schedule()
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

  /** Batched delivery: at once when the last update went out a frame ago or more, else at the next frame. */
  private schedule(): void {
    if (this.policy.mode === 'immediate' || this.disposed || this.inFlight || this.timer !== undefined) return
    const wait = Math.max(0, this.lastSentAt + this.policy.intervalMs - performance.now())
    this.timer = setTimeout(() => {
      this.timer = undefined
      this.flushBatch()
    }, wait)
  }

  private flushBatch(): void {
    if (this.disposed || this.inFlight || !this.hasPending()) return
    const update = this.pending
    this.pending = emptyUpdate()
    this.takeStates(update)
    this.inFlight = true
    this.lastSentAt = performance.now()
    this.deliver(update)
  }
}
