import { acceptHMRUpdate, defineStore } from 'pinia'
import { reactive, shallowRef, watch } from 'vue'
import type { LogEntry, SessionEvent } from '@/core/session/events'
import {
  DEFAULT_LOG_CAPACITY,
  DEFAULT_LOG_MEGABYTES,
  LogBuffer,
  MAX_LOG_MEGABYTES,
  MIN_LOG_MEGABYTES,
} from '@/core/log/log-buffer'
import { compileFilter, FilteredView, type LogFilterSpec } from '@/core/log/log-filter'
import { exportFileName, toJson, toNdjson } from '@/core/log/log-export'
import { parseLogFile } from '@/core/log/log-import'
import { PatternRunner, type WorkerLike } from '@/core/log/pattern-runner'
import { intervalBatch } from '@/core/timing/interval-batch'
import { IndexedDbLogStorage, restorable, storable, WriteQueue, type LogStorage } from '@/core/log/log-persistence'
import { useSettingsStore } from './settings'

/**
 * The message log: a bounded ring buffer and a filtered view of it, both plain objects kept in this closure.
 * Components read rows through `rows()` and re-read when `version` changes (once per frame at most).
 */
const MB = 1024 * 1024

export const useLogStore = defineStore('log', () => {
  const settings = useSettingsStore()
  const buffer = new LogBuffer({
    capacity: validCapacity(settings.logCapacity),
    maxChars: validMegabytes(settings.logMegabytes) * MB,
  })
  // User patterns never run on received text in the page: a worker runs them, and is ended when one is too slow.
  const patterns = new PatternRunner(
    () =>
      new Worker(new URL('../core/log/filter-worker.ts', import.meta.url), { type: 'module' }) as unknown as WorkerLike,
  )
  const view = new FilteredView(buffer, undefined, (pattern, seqs, texts) => patterns.match(pattern, seqs, texts))
  view.onChange = () => schedulePublish()
  view.onError = (error) => {
    filterError.value = error.message
    filterActive.value = filter.direction !== 'all' || filter.source !== ''
  }
  const openedAt = new Map<number, number>()

  const version = shallowRef(0)
  const total = shallowRef(0)
  const matching = shallowRef(0)
  const dropped = shallowRef(0)
  /** Large messages of which only a head and a tail are kept. */
  const truncated = shallowRef(0)
  /** Entries ever appended (the next seq): new arrivals are counted from it even when the log is at its cap. */
  const appended = shallowRef(0)
  const filter = reactive<Required<LogFilterSpec>>({ text: '', regex: false, direction: 'all', source: '' })
  const filterError = shallowRef<string | undefined>()
  const filterActive = shallowRef(false)
  /** Entries the filter worker has yet to answer for. */
  const filtering = shallowRef(0)

  const publish = () => {
    total.value = buffer.size
    matching.value = view.length
    filtering.value = view.pendingCount
    dropped.value = buffer.dropped
    truncated.value = buffer.truncated
    appended.value = buffer.nextSeq
    version.value++
  }
  // 20 updates a second, 8 while messages pour in at 1,000/s or more: a flood then spends its time on messages
  // rather than on repainting the log.
  const schedulePublish = intervalBatch(publish, 50, { perSecond: 1000, ms: 125 })

  // Keeping the log across reloads (opt-in, settings.persistLog): new and changed entries are written to IndexedDB
  // in batches; the store is bounded by the buffer itself (what it drops is deleted). Storage calls run one at a time.
  /** Entries restored from the previous visit (shown as such), and why keeping the log failed, if it did. */
  const restoredCount = shallowRef(0)
  const persistError = shallowRef<string | undefined>()
  let storage: LogStorage | undefined
  let persisting = false
  let storageOps: Promise<void> = Promise.resolve()
  const queue = new WriteQueue(buffer.capacity)
  const flushSoon = intervalBatch(() => storageOp((s) => s.write(queue.take(buffer.firstSeq))), 500)

  function storageOp(op: (storage: LogStorage) => Promise<void>): void {
    storageOps = storageOps.then(async () => {
      if (!persisting || !storage) return
      try {
        await op(storage)
      } catch (e) {
        persistFailed(e)
      }
    })
  }

  function persistFailed(e: unknown): void {
    const reason = e instanceof Error ? e.message : String(e)
    persistError.value = `${reason} Keeping the log across reloads is now off; the log on this page is unchanged.`
    settings.persistLog = false
    stopPersisting()
  }

  function startPersisting(): void {
    if (persisting) return
    try {
      storage ??= new IndexedDbLogStorage()
    } catch (e) {
      persistFailed(e instanceof ReferenceError ? new Error('This browser has no IndexedDB.') : e)
      return
    }
    persisting = true
    persistError.value = undefined
    // Everything shown now is kept, then each new entry as it comes.
    storageOp((s) => s.replaceAll(buffer.toArray().map(storable)))
  }

  function stopPersisting(): void {
    const wasPersisting = persisting
    persisting = false
    queue.clear()
    const kept = storage
    // Turning it off forgets what was kept.
    if (wasPersisting && kept) storageOps = storageOps.then(() => kept.clear().catch(() => {}))
  }

  function persistEntry(entry: LogEntry): void {
    if (!persisting) return
    queue.add(entry)
    flushSoon()
  }

  /** Reads the previous visit's entries back in, before anything logged meanwhile, then keeps the log. */
  async function restore(): Promise<void> {
    try {
      storage ??= new IndexedDbLogStorage()
      const restored = restorable(await storage.readAll())
      const meanwhile = buffer.toArray()
      buffer.clear()
      openedAt.clear()
      for (const event of [...restored, ...meanwhile]) {
        buffer.push(event)
        if (event.kind === 'open' && !event.restored) openedAt.set(event.connection, event.at)
      }
      restoredCount.value = restored.length
      view.rebuild()
      publish()
    } catch (e) {
      persistFailed(e instanceof ReferenceError ? new Error('This browser has no IndexedDB.') : e)
      return
    }
    if (settings.persistLog) startPersisting()
  }

  function append(event: SessionEvent): LogEntry {
    if (event.kind === 'closing' && event.completes) {
      const completed = completeClosing(event)
      if (completed) return completed
    }
    const entry = buffer.push(event)
    if (event.kind === 'open') openedAt.set(event.connection, event.at)
    view.append(entry)
    schedulePublish()
    persistEntry(entry)
    return entry
  }

  /**
   * Fills the close code into the CLOSING the 1 s sample recorded (a copy in its place, so its row redraws).
   * Few entries come between the two (an error at most): the look back is short.
   */
  function completeClosing(event: SessionEvent & { kind: 'closing' }): LogEntry | undefined {
    const sampled = buffer.findRecent(
      (e) => e.kind === 'closing' && e.connection === event.connection && e.code === undefined,
      8,
    )
    if (sampled?.kind !== 'closing') return undefined
    const completed: LogEntry = { ...sampled, code: event.code, reason: event.reason }
    if (!buffer.replace(sampled.seq, completed)) return undefined
    schedulePublish()
    persistEntry(completed)
    return completed
  }

  watch(
    filter,
    () => {
      const compiled = compileFilter(filter)
      if (!compiled.ok) {
        filterError.value = compiled.error
        return
      }
      filterError.value = undefined
      filterActive.value = compiled.active
      // A batch of the old pattern may still be running: end it rather than wait for it.
      patterns.stop()
      view.setFilter({ direction: compiled.direction, pattern: compiled.pattern, test: compiled.test })
      publish()
    },
    { deep: true },
  )

  watch(
    () => settings.logCapacity,
    (cap) => {
      buffer.resize(validCapacity(cap))
      queue.setLimit(buffer.capacity)
      view.rebuild()
      publish()
      if (persisting) flushSoon()
    },
  )

  watch(
    () => settings.logMegabytes,
    (mb) => {
      buffer.setCharBudget(validMegabytes(mb) * MB)
      view.rebuild()
      publish()
      if (persisting) flushSoon()
    },
  )

  /**
   * The plain append for the per-message path. Pinia wraps every action for $onAction bookkeeping; a flood of
   * thousands of messages a second should not pay for that on each one, so the session store calls this directly.
   */
  function sink(): (event: SessionEvent) => LogEntry {
    return append
  }

  function rows(start: number, end: number): LogEntry[] {
    return view.slice(start, end)
  }

  /** Entries by position in the whole log (filter ignored), like Array.slice: negative positions count from the end. */
  function entriesAt(start: number, end = buffer.size): LogEntry[] {
    const size = buffer.size
    const from = Math.max(0, start < 0 ? size + start : Math.min(start, size))
    const to = Math.max(from, end < 0 ? size + end : Math.min(end, size))
    const out: LogEntry[] = []
    for (let i = from; i < to; i++) out.push(buffer.get(buffer.firstSeq + i)!)
    return out
  }

  /** The newest `limit` entries of one page connection (by `source`), oldest first. */
  function entriesOf(source: string, limit = 10_000): LogEntry[] {
    const out: LogEntry[] = []
    for (let seq = buffer.nextSeq - 1; seq >= buffer.firstSeq && out.length < limit; seq--) {
      const e = buffer.get(seq)
      if (e?.source === source) out.push(e)
    }
    return out.reverse()
  }

  function entry(seq: number): LogEntry | undefined {
    return buffer.get(seq)
  }

  function indexOf(seq: number): number {
    return view.indexOfSeq(seq)
  }

  function clear(): void {
    buffer.clear()
    view.rebuild()
    restoredCount.value = 0
    publish()
    // The kept copy is cleared too.
    queue.clear()
    storageOp((s) => s.clear())
  }

  watch(
    () => settings.persistLog,
    (on) => (on ? startPersisting() : stopPersisting()),
  )
  if (settings.persistLog) void restore()

  /**
   * The whole log, or with `onlyMatching` while a filter is active, just the entries it lets through; a JSON export
   * then says which filter (and connection, by id and `connectionName`) it applied.
   */
  function exportAs(
    kind: 'ndjson' | 'json',
    options: { onlyMatching?: boolean; connectionName?: string } = {},
  ): { name: string; text: string; type: string } {
    const filtered = Boolean(options.onlyMatching && filterActive.value)
    const entries = filtered ? view.entries() : buffer.entries()
    const meta = {
      capacity: buffer.capacity,
      textBudgetMegabytes: buffer.charBudget / MB,
      dropped: buffer.dropped,
      // Entries with a `truncated` field hold only the head and tail of their message.
      truncated: buffer.truncated,
      userAgent: navigator.userAgent,
      ...(filtered ? { filter: appliedFilter(options.connectionName) } : {}),
    }
    const text = kind === 'ndjson' ? toNdjson(entries) : toJson(entries, meta)
    return { name: exportFileName(kind), text, type: kind === 'ndjson' ? 'application/x-ndjson' : 'application/json' }
  }

  function appliedFilter(connectionName: string | undefined) {
    const { source, ...rest } = filter
    return source ? { ...rest, connection: { id: source, ...(connectionName ? { name: connectionName } : {}) } } : rest
  }

  /**
   * Replaces the log with the entries of an exported NDJSON/JSON file, to browse and filter them; entries that
   * arrive afterwards are appended as usual. Bounded by the log's capacity.
   */
  function openFile(text: string): { ok: true; summary: string } | { ok: false; error: string } {
    const result = parseLogFile(text, buffer.capacity)
    if (!result.ok) return result
    buffer.clear()
    openedAt.clear()
    for (const event of result.entries) {
      buffer.push(event)
      if (event.kind === 'open') openedAt.set(event.connection, event.at)
    }
    view.rebuild()
    publish()
    restoredCount.value = 0
    storageOp((s) => s.replaceAll(buffer.toArray().map(storable)))
    const notes = [
      result.skipped && `${result.skipped} unreadable records skipped`,
      result.dropped && `${result.dropped} oldest left out to stay within the log capacity`,
    ].filter(Boolean)
    return {
      ok: true,
      summary: `${result.entries.length.toLocaleString('en-US')} entries${notes.length ? ` (${notes.join('; ')})` : ''}`,
    }
  }

  function connectionOpenedAt(connection: number): number | undefined {
    return openedAt.get(connection)
  }

  return {
    version,
    total,
    matching,
    dropped,
    truncated,
    appended,
    filter,
    filterError,
    filterActive,
    filtering,
    sink,
    rows,
    entriesAt,
    entriesOf,
    entry,
    indexOf,
    clear,
    exportAs,
    openFile,
    connectionOpenedAt,
    restoredCount,
    persistError,
    /** Resolves once the writes asked for so far are done (for tests and the page hook). */
    persisted: () => storageOps,
  }

  function validCapacity(cap: number): number {
    return Number.isInteger(cap) && cap >= 100 && cap <= 1_000_000 ? cap : DEFAULT_LOG_CAPACITY
  }

  function validMegabytes(mb: number): number {
    return Number.isFinite(mb) && mb >= MIN_LOG_MEGABYTES && mb <= MAX_LOG_MEGABYTES ? mb : DEFAULT_LOG_MEGABYTES
  }
})

if (import.meta.hot) import.meta.hot.accept(acceptHMRUpdate(useLogStore, import.meta.hot))
