import type { LogEntry, SessionEvent } from '../session/events'
import { DEFAULT_LOG_CAPACITY, DEFAULT_LOG_MEGABYTES, LogBuffer } from './log-buffer'
import { compileFilter, FilteredView, type LogFilterSpec, type TextStage } from './log-filter'
import type { ConnectionNames } from './log-export'

const MB = 1024 * 1024

/** What the page shows of the log without reading its entries: sent once per frame at most. */
export interface LogCounters {
  /** Bumped on every change a row window could see. */
  version: number
  total: number
  matching: number
  /** Entries the text stage has yet to answer for. */
  pending: number
  dropped: number
  /** Large messages of which only a head and a tail are kept. */
  truncated: number
  /** Entries ever appended (the next seq): new arrivals are counted from it even when the log is at its cap. */
  appended: number
  filterActive: boolean
  /** Why the filter is off (a bad pattern, or one that was too slow); undefined when it runs. */
  filterError?: string
}

/** A window of the filtered view, by position: `rows[i]` is at `start + i`. */
export interface RowWindow {
  version: number
  start: number
  rows: LogEntry[]
  /** When each socket of these rows opened (for "+1.2 s after open"). */
  openedAt: [connection: number, at: number][]
  /**
   * Rows whose message came cut to its first characters, enough for the row on screen: a worker's log sends long ones
   * so, and gives one as held when asked (`LogHost.wholeEntry`).
   */
  cut?: number[]
}

export interface ExportOptions {
  onlyMatching?: boolean
  connectionName?: string
  /** Every connection's name by id, written into each entry (see log-export.ts). */
  connectionNames?: ConnectionNames
  /** The browser's, written into a JSON export. */
  userAgent?: string
}

export interface ExportFile {
  name: string
  text: string
  type: string
}

/** A JSON export's header (see log-export.ts's toJson); a type, not an interface, so it passes as a record. */
export type ExportMeta = {
  capacity: number
  textBudgetMegabytes: number
  dropped: number
  truncated: number
  userAgent?: string
  filter?: object
}

/** The largest exported log the page opens: bigger files would stall the tab while parsing. */
export const MAX_IMPORT_BYTES = 64 * 1024 * 1024

export type OpenResult = { ok: true; summary: string } | { ok: false; error: string }

export interface LogCoreOptions {
  capacity?: number
  maxChars?: number
  /** Where a text pattern runs (the page: a worker with a time budget); here when absent. */
  textStage?: TextStage
  /** Called after changes the counters show (the host batches it). */
  onChange?: () => void
  /** An entry was stored or replaced (for persistence). */
  onStored?: (entry: LogEntry) => void
  /** The text stage failed or was stopped for this pattern: it must end whatever batch is running. */
  stopTextStage?: () => void
}

/**
 * The message log, framework-free: a bounded ring buffer, its filtered view, the CLOSING completion, exports and
 * imports. The same code runs on the main thread (InlineLogHost) and in the connections worker, where the page only
 * gets counters and the windows of rows it asks for.
 */
export class LogCore {
  readonly buffer: LogBuffer
  private readonly view: FilteredView
  private readonly openedAt = new Map<number, number>()
  private spec: Required<LogFilterSpec> = { text: '', regex: false, direction: 'all', source: '' }
  private active = false
  private error: string | undefined
  private changes = 0
  /** Called after changes the counters show (a host batches them); replaceable, as a host takes the core over. */
  onChange: () => void
  private readonly onStored: (entry: LogEntry) => void
  private readonly stopTextStage: () => void

  constructor(options: LogCoreOptions = {}) {
    this.buffer = new LogBuffer({
      capacity: options.capacity ?? DEFAULT_LOG_CAPACITY,
      maxChars: options.maxChars ?? DEFAULT_LOG_MEGABYTES * MB,
    })
    this.onChange = options.onChange ?? (() => {})
    this.onStored = options.onStored ?? (() => {})
    this.stopTextStage = options.stopTextStage ?? (() => {})
    this.view = new FilteredView(this.buffer, undefined, options.textStage)
    this.view.onChange = () => this.changed()
    this.view.onError = (error) => {
      this.error = error.message
      this.active = this.spec.direction !== 'all' || this.spec.source !== ''
    }
  }

  append(event: SessionEvent): LogEntry {
    if (event.kind === 'closing' && event.completes) {
      const completed = this.completeClosing(event)
      if (completed) return completed
    }
    const entry = this.buffer.push(event)
    if (event.kind === 'open') this.openedAt.set(event.connection, event.at)
    this.view.append(entry)
    this.changed()
    this.onStored(entry)
    return entry
  }

  /**
   * Fills the close code into the CLOSING the 1 s sample recorded (a copy in its place, so its row redraws).
   * Few entries come between the two (an error at most): the look back is short.
   */
  private completeClosing(event: SessionEvent & { kind: 'closing' }): LogEntry | undefined {
    const sampled = this.buffer.findRecent(
      (e) => e.kind === 'closing' && e.connection === event.connection && e.code === undefined,
      8,
    )
    if (sampled?.kind !== 'closing') return undefined
    const completed: LogEntry = { ...sampled, code: event.code, reason: event.reason }
    if (!this.buffer.replace(sampled.seq, completed)) return undefined
    this.changed()
    this.onStored(completed)
    return completed
  }

  /** A bad pattern keeps the last good filter and says why. */
  setFilter(spec: LogFilterSpec): void {
    this.spec = { text: spec.text, regex: spec.regex, direction: spec.direction, source: spec.source ?? '' }
    const compiled = compileFilter(this.spec)
    if (!compiled.ok) {
      this.error = compiled.error
      this.changed()
      return
    }
    this.error = undefined
    this.active = compiled.active
    // A batch of the old pattern may still be running: end it rather than wait for it.
    this.stopTextStage()
    this.view.setFilter({
      direction: compiled.direction,
      pattern: compiled.pattern,
      test: compiled.test,
      all: !compiled.active,
    })
    this.changed()
  }

  setLimits(limits: { capacity?: number; maxChars?: number }): void {
    if (limits.capacity !== undefined && limits.capacity !== this.buffer.capacity) this.buffer.resize(limits.capacity)
    if (limits.maxChars !== undefined && limits.maxChars !== this.buffer.charBudget)
      this.buffer.setCharBudget(limits.maxChars)
    this.view.rebuild()
    this.changed()
  }

  clear(): void {
    this.buffer.clear()
    this.openedAt.clear()
    this.view.rebuild()
    this.changed()
  }

  /** Replaces the log with these events (an import, or a restore with what was logged meanwhile after it). */
  load(events: Iterable<SessionEvent>, options: { skipRestoredOpenings?: boolean } = {}): void {
    const all = Array.from(events)
    this.buffer.clear()
    this.openedAt.clear()
    for (const event of all) {
      this.buffer.push(event)
      if (event.kind === 'open' && !(options.skipRestoredOpenings && event.restored))
        this.openedAt.set(event.connection, event.at)
    }
    this.view.rebuild()
    this.changed()
  }

  counters(): LogCounters {
    return {
      version: this.changes,
      total: this.buffer.size,
      matching: this.view.length,
      pending: this.view.pendingCount,
      dropped: this.buffer.dropped,
      truncated: this.buffer.truncated,
      appended: this.buffer.nextSeq,
      filterActive: this.active,
      ...(this.error === undefined ? {} : { filterError: this.error }),
    }
  }

  /** Rows `start` to `end` of the filtered view (at most `MAX_WINDOW_ROWS`). */
  rows(start: number, end: number): RowWindow {
    const from = Math.max(0, Math.floor(start))
    const rows = this.view.slice(from, Math.min(Math.floor(end), from + MAX_WINDOW_ROWS))
    const openedAt: [number, number][] = []
    for (const connection of new Set(rows.map((r) => r.connection))) {
      const at = this.openedAt.get(connection)
      if (at !== undefined) openedAt.push([connection, at])
    }
    return { version: this.changes, start: from, rows, openedAt }
  }

  entry(seq: number): LogEntry | undefined {
    return this.buffer.get(seq)
  }

  indexOf(seq: number): number {
    return this.view.indexOfSeq(seq)
  }

  connectionOpenedAt(connection: number): number | undefined {
    return this.openedAt.get(connection)
  }

  /** Entries by position in the whole log (filter ignored), like Array.slice: negative positions count from the end. */
  entriesAt(start: number, end = this.buffer.size): LogEntry[] {
    const size = this.buffer.size
    const from = Math.max(0, start < 0 ? size + start : Math.min(start, size))
    const to = Math.max(from, end < 0 ? size + end : Math.min(end, size))
    const out: LogEntry[] = []
    for (let i = from; i < to; i++) out.push(this.buffer.get(this.buffer.firstSeq + i)!)
    return out
  }

  /** The newest `limit` entries of one page connection (by `source`), oldest first. */
  entriesOf(source: string, limit = 10_000): LogEntry[] {
    const out: LogEntry[] = []
    const buffer = this.buffer
    for (let seq = buffer.nextSeq - 1; seq >= buffer.firstSeq && out.length < limit; seq--) {
      const e = buffer.get(seq)
      if (e?.source === source) out.push(e)
    }
    return out.reverse()
  }

  /**
   * What an export holds: the whole log, or with `onlyMatching` while a filter is active, just the entries it lets
   * through, with the filter (and connection, by id and `connectionName`) it applied. The file formats are in
   * log-files.ts, loaded when a file is written or read, not with the page.
   */
  exportContent(options: ExportOptions = {}): { entries: Iterable<LogEntry>; meta: ExportMeta } {
    const filtered = Boolean(options.onlyMatching && this.active)
    return {
      entries: filtered ? this.view.entries() : this.buffer.entries(),
      meta: {
        capacity: this.buffer.capacity,
        textBudgetMegabytes: this.buffer.charBudget / MB,
        dropped: this.buffer.dropped,
        // Entries with a `truncated` field hold only the head and tail of their message.
        truncated: this.buffer.truncated,
        ...(options.userAgent === undefined ? {} : { userAgent: options.userAgent }),
        ...(filtered ? { filter: this.appliedFilter(options.connectionName) } : {}),
      },
    }
  }

  private appliedFilter(connectionName: string | undefined) {
    const { source, ...rest } = this.spec
    return source ? { ...rest, connection: { id: source, ...(connectionName ? { name: connectionName } : {}) } } : rest
  }

  private changed(): void {
    this.changes++
    this.onChange()
  }
}

/** The most rows one window request answers (a screen holds a few dozen). */
export const MAX_WINDOW_ROWS = 1000
