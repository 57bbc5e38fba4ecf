import type { ConnectionCollection, CollectionOptions, CollectionRecord } from './connection-collection'
import type { ConnectionState } from './page-connection'
import type { CommandResult, HostCommand, HostUpdate } from './host-protocol'
import { HostDispatcher } from './host-dispatcher'
import type { LogLink } from '../log/worker-log-host'

/**
 * Where the page's connections run: commands in, already-derived updates out. `InlineHost` runs them on the main
 * thread (Node's unit tests, and browsers that cannot start a worker); `WorkerHost` (./worker-host) in a Dedicated
 * Worker. Both run the same HostDispatcher over the same ConnectionCollection.
 */
export interface SessionHost {
  readonly kind: 'inline' | 'worker'
  /** Why the connections run on the main thread although a worker was asked for (it could not start). */
  readonly fallback?: string
  /**
   * The connections' set-up as the page shows it (ids, names, colours, settings, selection), answered at once. Read
   * it only: change it through `command`.
   */
  readonly collection: ConnectionCollection
  /** Runs a command; the answer comes at once (a worker host answers from what the page knows, see WorkerHost). */
  command(command: HostCommand): CommandResult
  /** The latest state the host reported for a connection. */
  state(id: string): ConnectionState | undefined
  /** Where a worker host keeps the log next to the sockets; absent when the log lives on the main thread. */
  readonly logLink?: LogLink
  /** The one listener for updates (the session store). */
  onUpdate(listener: (update: HostUpdate) => void): void
  dispose(): void
}

export interface HostOptions {
  collection?: CollectionOptions
  restored?: CollectionRecord
}

/** The connections on the main thread: every event reaches the page the moment it happens, as always. */
export class InlineHost implements SessionHost {
  readonly kind = 'inline'
  private readonly dispatcher: HostDispatcher
  private listener: (update: HostUpdate) => void = () => {}

  constructor(options: HostOptions = {}) {
    this.dispatcher = new HostDispatcher({
      ...options,
      delivery: { mode: 'immediate' },
      deliver: (update) => this.listener(update),
    })
  }

  get collection(): ConnectionCollection {
    return this.dispatcher.collection
  }

  command(command: HostCommand): CommandResult {
    return this.dispatcher.handle(command)
  }

  state(id: string): ConnectionState | undefined {
    return this.dispatcher.collection.get(id)?.snapshot()
  }

  onUpdate(listener: (update: HostUpdate) => void): void {
    this.listener = listener
  }

  dispose(): void {
    this.dispatcher.dispose()
  }
}
