import type { SessionEvent } from './events'
import type { Result, SessionOptions } from './session'
import {
  DEFAULT_CONNECTION_SETTINGS,
  PageConnection,
  type ConnectionRecord,
  type ConnectionSettings,
} from './page-connection'

/** A tab holds at most this many connections: each is a socket and its timers, and the page lists them all. */
export const MAX_CONNECTIONS = 100
export const MAX_NAME_LENGTH = 40

/**
 * Colours told apart in light and dark themes (Tableau 10, slightly darkened where pale). A connection keeps its
 * colour for life; a new one takes the first colour no other connection uses.
 */
export const CONNECTION_COLOURS = [
  '#4e79a7',
  '#f28e2b',
  '#e15759',
  '#59a14f',
  '#b07aa1',
  '#76b7b2',
  '#c9a227',
  '#ff6f91',
  '#9c755f',
  '#7f7f7f',
] as const

export interface CollectionOptions {
  /** Passed to every connection's WebSocketSession (socket factory, clock, sampling interval). */
  session?: Omit<SessionOptions, 'keepalive' | 'source' | 'numberConnection'>
  now?: () => number
  max?: number
  secure?: boolean
  /** The settings a new connection starts with (e.g. the local gateway's URL as its endpoint). */
  defaults?: Partial<ConnectionSettings>
}

export interface ConnectionInit {
  name?: string
  settings?: Partial<ConnectionSettings>
  keepaliveEnabled?: boolean
}

export type AddResult = { ok: true; connection: PageConnection } | { ok: false; error: string }

/** What a tab keeps across reloads. */
export interface CollectionRecord {
  selectedId: string
  connections: ConnectionRecord[]
}

type Listener = (event: SessionEvent) => void

/**
 * The page's connections: add, duplicate, rename, remove, select. Always holds at least one, and one is selected.
 * Every event of every connection goes to the subscribers, stamped with `source` (the connection's id) and a
 * socket number (`connection`) unique across the page.
 */
export class ConnectionCollection {
  private readonly items: PageConnection[] = []
  private readonly listeners = new Set<Listener>()
  private readonly max: number
  private readonly defaults: ConnectionSettings
  private nextId = 1
  private sockets = 0
  private currentId: string

  constructor(
    private readonly options: CollectionOptions = {},
    restored?: CollectionRecord,
  ) {
    this.max = options.max ?? MAX_CONNECTIONS
    this.defaults = { ...DEFAULT_CONNECTION_SETTINGS, ...options.defaults }
    for (const record of restored?.connections.slice(0, this.max) ?? []) this.create(record)
    if (this.items.length === 0) this.create(this.newRecord({}))
    this.currentId = this.get(restored?.selectedId ?? '')?.id ?? this.items[0]!.id
  }

  get list(): readonly PageConnection[] {
    return this.items
  }

  get size(): number {
    return this.items.length
  }

  get selectedId(): string {
    return this.currentId
  }

  get selected(): PageConnection {
    return this.get(this.currentId) ?? this.items[0]!
  }

  get(id: string): PageConnection | undefined {
    return this.items.find((c) => c.id === id)
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  add(init: ConnectionInit = {}): AddResult {
    if (this.items.length >= this.max)
      return { ok: false, error: `A tab holds at most ${this.max} connections: remove one first.` }
    if (init.name !== undefined) {
      const problem = this.nameProblem(init.name)
      if (problem) return { ok: false, error: problem }
    }
    return { ok: true, connection: this.create(this.newRecord(init)) }
  }

  /** A new connection with the same settings and keepalive switch (not the socket), named "… copy". */
  duplicate(id: string): AddResult {
    const source = this.get(id)
    if (!source) return { ok: false, error: 'No such connection.' }
    return this.add({
      name: this.freeName(`${source.name.slice(0, MAX_NAME_LENGTH - 7)} copy`),
      settings: { ...source.settings },
      keepaliveEnabled: source.session.keepalive.enabled,
    })
  }

  rename(id: string, name: string): Result {
    const connection = this.get(id)
    if (!connection) return { ok: false, error: 'No such connection.' }
    const problem = this.nameProblem(name, id)
    if (problem) return { ok: false, error: problem }
    connection.name = name.trim()
    return { ok: true }
  }

  /** Closes its socket, stops its timers and forgets it. The last connection cannot be removed. */
  remove(id: string): Result {
    const index = this.items.findIndex((c) => c.id === id)
    if (index < 0) return { ok: false, error: 'No such connection.' }
    if (this.items.length === 1) return { ok: false, error: 'A tab keeps at least one connection.' }
    const [removed] = this.items.splice(index, 1)
    removed!.dispose()
    if (this.currentId === id) this.currentId = this.items[Math.min(index, this.items.length - 1)]!.id
    return { ok: true }
  }

  select(id: string): Result {
    if (!this.get(id)) return { ok: false, error: 'No such connection.' }
    this.currentId = id
    return { ok: true }
  }

  /** Selects the next (+1) or previous (−1) connection in the list, wrapping around. */
  selectNext(step: 1 | -1): PageConnection {
    const index = this.items.findIndex((c) => c.id === this.currentId)
    const next = this.items[(index + step + this.items.length) % this.items.length]!
    this.currentId = next.id
    return next
  }

  toRecord(): CollectionRecord {
    return { selectedId: this.currentId, connections: this.items.map((c) => c.toRecord()) }
  }

  /** Closes every socket and stops every timer; the collection is not used afterwards. */
  dispose(): void {
    for (const connection of this.items) connection.dispose()
    this.listeners.clear()
  }

  private create(record: ConnectionRecord): PageConnection {
    const connection = new PageConnection({
      id: record.id,
      name: record.name,
      colour: record.colour,
      settings: record.settings,
      keepaliveEnabled: record.keepaliveEnabled,
      session: { ...this.options.session, numberConnection: () => ++this.sockets },
      report: (event) => {
        for (const listener of this.listeners) listener(event)
      },
      now: this.options.now,
      secure: this.options.secure,
    })
    const n = Number(record.id.slice(1))
    if (Number.isInteger(n) && n >= this.nextId) this.nextId = n + 1
    this.items.push(connection)
    return connection
  }

  private newRecord(init: ConnectionInit): ConnectionRecord {
    const id = `c${this.nextId}`
    return {
      id,
      name: init.name?.trim() || this.freeName(defaultName(this.nextId)),
      colour: this.freeColour(),
      keepaliveEnabled: init.keepaliveEnabled ?? false,
      settings: { ...this.defaults, ...init.settings },
    }
  }

  private freeColour(): string {
    const used = new Set(this.items.map((c) => c.colour))
    return (
      CONNECTION_COLOURS.find((c) => !used.has(c)) ?? CONNECTION_COLOURS[this.items.length % CONNECTION_COLOURS.length]!
    )
  }

  private freeName(base: string): string {
    const taken = new Set(this.items.map((c) => c.name.toLowerCase()))
    if (!taken.has(base.toLowerCase())) return base
    for (let i = 2; ; i++) if (!taken.has(`${base} ${i}`.toLowerCase())) return `${base} ${i}`
  }

  private nameProblem(name: string, ownId?: string): string | undefined {
    const trimmed = name.trim()
    if (!trimmed) return 'A connection needs a name.'
    if (trimmed.length > MAX_NAME_LENGTH) return `A name has at most ${MAX_NAME_LENGTH} characters.`
    if (this.items.some((c) => c.id !== ownId && c.name.toLowerCase() === trimmed.toLowerCase()))
      return `Another connection is already called “${trimmed}”.`
    return undefined
  }
}

/** A, B, … Z, AA, AB, …: short names that read well in a log column. */
export function defaultName(n: number): string {
  let name = ''
  for (let k = n; k > 0; k = Math.floor((k - 1) / 26)) name = String.fromCharCode(65 + ((k - 1) % 26)) + name
  return name
}
