import { acceptHMRUpdate, defineStore } from 'pinia'
import { reactive, shallowRef, watch } from 'vue'
import type { LogEntry, SessionEvent } from '@/core/session/events'
import type { LogExportKind } from '@/core/log/log-export'
import {
  DEFAULT_LOG_CAPACITY,
  DEFAULT_LOG_MEGABYTES,
  MAX_LOG_MEGABYTES,
  MIN_LOG_MEGABYTES,
} from '@/core/log/log-buffer'
import type { LogFilterSpec } from '@/core/log/log-filter'
import { LogCore } from '@/core/log/log-core'
import {
  InlineLogHost,
  type ExportFile,
  type ExportOptions,
  type LogCounters,
  type LogHost,
  type OpenResult,
  type RowWindow,
} from '@/core/log/log-host'
import { WorkerLogHost, type LogLink } from '@/core/log/worker-log-host'
import { PatternRunner, type WorkerLike } from '@/core/log/pattern-runner'
import { intervalBatch } from '@/core/timing/interval-batch'
import { atRate, FLOOD_PER_SECOND } from '@/core/timing/flood-rate'
import {
  IndexedDbLogStorage,
  restorable,
  storable,
  WriteQueue,
  type KeptBy,
  type LogStorage,
} from '@/core/log/log-persistence'
import { tabId } from '@/composables/tab-id'
import { CLOCK, now } from '@/composables/now'
import { useSettingsStore } from './settings'

/**
 * The message log: a LogHost (the framework-free LogCore: ring buffer, filtered view, exports) kept in this closure.
 * The store mirrors its counters (published at most once per frame) and keeps the window of rows on screen:
 * components read rows through `placedRows()`/`rows()` and re-read when `version` or `rowsVersion` changes.
 */
const MB = 1024 * 1024
/** Rows asked for beyond each edge of the screen. */
const WINDOW_MARGIN = 40
/**
 * In a flood (FLOOD_PER_SECOND new entries a second, measured over at least this long) the rows that follow the
 * bottom are shown with the clock's tick: the page's clock then repaints the countdowns, the timeline and the panels
 * four times a second, and the log's new rows drawn in that same frame save the page a frame of its own each time.
 */
const FLOOD_WINDOW_MS = 100
/**
 * In a flood, the rows that follow the bottom show at most this often: with every other tick of the clock, the ticks
 * on which the timeline and the cost meter redraw in a flood (their busy windows are as long). Nobody reads rows that
 * come a thousand a second, and the log's redraw (rows patched, laid out and painted) was most of each tick's task.
 */
const FLOOD_SHOW_MS = 500
/**
 * New entries a second, sustained over a second or more, from which the rows that follow the bottom wait for the
 * tick too: fifty idle connections' keepalives (50 a second, one or two per update) each drew a frame of their own
 * for a row nobody reads one by one, the whole document repainted each time (a third of the main thread).
 */
const BUSY_ENTRIES_PER_SECOND = 20
const BUSY_WINDOW_MS = 1000

export const useLogStore = defineStore('log', () => {
  const settings = useSettingsStore()
  // User patterns never run on received text in the page: a worker runs them, and is ended when one is too slow.
  const patterns = new PatternRunner(
    () =>
      new Worker(new URL('../core/log/filter-worker.ts', import.meta.url), { type: 'module' }) as unknown as WorkerLike,
  )
  // The log on this page: the whole log while it lives on the main thread; with the log in the connections worker,
  // the script copy behind window.playground and the kept log (see WorkerLogHost).
  const core = new LogCore({
    capacity: validCapacity(settings.logCapacity),
    maxChars: validMegabytes(settings.logMegabytes) * MB,
    textStage: (pattern, seqs, texts) => patterns.match(pattern, seqs, texts),
    stopTextStage: () => patterns.stop(),
    onStored: (entry) => persistEntry(entry),
  })
  let host: LogHost = new InlineLogHost(core)

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

  host.onCounters(onCounters)
  /** When the counters shown were applied (Date.now), to tell a flood from a trickle. */
  let shownAt = 0
  function applyCounters(c: LogCounters): void {
    shownAt = Date.now()
    total.value = c.total
    matching.value = c.matching
    filtering.value = c.pending
    dropped.value = c.dropped
    truncated.value = c.truncated
    appended.value = c.appended
    filterActive.value = c.filterActive
    filterError.value = c.filterError
    version.value++
  }

  /**
   * Moves the log next to the sockets, into the connections worker (the session store calls this when its host is a
   * worker, before any event). The page keeps its copy for scripts and the kept log.
   */
  function attach(link: LogLink): void {
    host = new WorkerLogHost(link, core)
    host.onCounters(onCounters)
    host.setLimits({ capacity: core.buffer.capacity, maxChars: core.buffer.charBudget })
    host.setFilter(filter)
    if (core.buffer.size) host.load(core.buffer.toArray(), { skipRestoredOpenings: true })
    shown = undefined
  }

  // The rows on screen: one window of the filtered view, asked of the host when the screen or the log moved, kept
  // here until the next answer. A worker answers a frame later; meanwhile the last window stays on screen.
  /** Bumped when an answer that came later than asked (a worker's) replaced the window. */
  const rowsVersion = shallowRef(0)
  let shown: (RowWindow & { askedAt: number; asked: { start: number; end: number } }) | undefined
  let openedAt = new Map<number, number>()
  let asking: { start: number; end: number } | undefined
  let inFlight = false

  /** The window on screen answered this range for the counters shown (a short answer: the log holds no more). */
  function covers(start: number, end: number): boolean {
    if (!shown || shown.askedAt !== version.value) return false
    return shown.asked.start <= start && shown.asked.end >= end
  }

  function accept(answer: RowWindow, askedAt: number, asked: { start: number; end: number }): void {
    shown = { ...answer, askedAt, asked }
    openedAt = new Map(answer.openedAt)
  }

  /**
   * New rows at the bottom of a screen that shows the bottom (following the newest): the rows that will be on screen
   * are asked for first, and the counters shown with them, in one change. Shown at once, the counters would draw the
   * last window moved up, and its answer a moment later would draw the list again: twice per batch in a flood.
   */
  let prefetching = false
  let laterCounters: LogCounters | undefined
  /** The range the screen last asked for, without the margins, and at which version (a list drawn since). */
  let screen: { start: number; end: number; at: number } | undefined
  /** Where the sustained rate (BUSY_ENTRIES_PER_SECOND) is counted from, and whether the last window reached it. */
  let busyFrom = { at: Date.now(), appended: 0 }
  let busy = false
  function sustained(c: LogCounters): boolean {
    const at = Date.now()
    if (at - busyFrom.at >= BUSY_WINDOW_MS) {
      busy = atRate(c.appended - busyFrom.appended, at - busyFrom.at, BUSY_ENTRIES_PER_SECOND)
      busyFrom = { at, appended: c.appended }
    }
    return busy
  }

  function onCounters(c: LogCounters): void {
    if (prefetching) {
      laterCounters = c
      return
    }
    const before = matching.value
    // New entries (at the cap, as many old ones leave: the count stays) under a screen that reaches the last row.
    const following = screen && screen.at === version.value && screen.end >= before
    if (host.kind !== 'worker' || !following || c.appended <= appended.value || c.matching < before)
      return applyCounters(c)
    prefetching = true
    // Following the bottom, the screen moves down by as many rows as came.
    const moved = c.matching - before
    const next = { start: screen!.start + moved, end: screen!.end + moved }
    const asked = { start: Math.max(0, next.start - WINDOW_MARGIN), end: next.end + WINDOW_MARGIN }
    const done = () => {
      prefetching = false
      const later = laterCounters
      laterCounters = undefined
      if (later) onCounters(later)
    }
    const flood = atRate(c.appended - appended.value, Math.max(FLOOD_WINDOW_MS, Date.now() - shownAt), FLOOD_PER_SECOND)
    const flooding = sustained(c) || flood
    Promise.resolve(host.rows(asked.start, asked.end)).then(
      (rows) => {
        const show = () => {
          applyCounters(c)
          accept(rows, version.value, asked)
          // Where the screen goes next (it asks for it when drawn): counters that came meanwhile follow on from there.
          screen = { ...next, at: version.value }
          done()
        }
        if (flooding) holdForTick(show, flood)
        else show()
      },
      () => {
        applyCounters(c)
        done()
      },
    )
  }

  // Rows held for the clock's next tick (see FLOOD_PER_SECOND), in a flood for the first tick FLOOD_SHOW_MS
  // after the flood's last rows shown (a tick may come CLOCK.earlyMs early); a timer shows them if the clock is late.
  let held: (() => void) | undefined
  let heldNotBefore = 0
  let heldTimer: ReturnType<typeof setTimeout> | undefined
  /** When the rows of a flood last showed. */
  let floodShownAt = -Infinity
  function holdForTick(show: () => void, flood: boolean): void {
    held = flood
      ? () => {
          floodShownAt = Date.now()
          show()
        }
      : show
    heldNotBefore = flood ? floodShownAt + FLOOD_SHOW_MS : 0
    heldTimer = setTimeout(showHeld, Math.max(0, heldNotBefore - Date.now()) + CLOCK.intervalMs + CLOCK.earlyMs)
  }
  function showHeld(): void {
    clearTimeout(heldTimer)
    const show = held
    held = undefined
    show?.()
  }
  watch(now, () => {
    if (Date.now() >= heldNotBefore - CLOCK.earlyMs) showHeld()
  })

  function ask(start: number, end: number): void {
    screen = { start, end, at: version.value }
    if (covers(start, end)) return
    asking = { start, end }
    if (inFlight) return
    const askedAt = version.value
    // A margin either side: scrolling a little shows rows already here.
    const asked = { start: Math.max(0, start - WINDOW_MARGIN), end: end + WINDOW_MARGIN }
    const answer = host.rows(asked.start, asked.end)
    if (!(answer instanceof Promise)) {
      accept(answer, askedAt, asked)
      asking = undefined
      return
    }
    inFlight = true
    void answer.then(
      (rows) => {
        inFlight = false
        accept(rows, askedAt, asked)
        rowsVersion.value++
        const next = asking
        asking = undefined
        if (next && !covers(next.start, next.end)) ask(next.start, next.end)
      },
      () => {
        inFlight = false
      },
    )
  }

  /**
   * The rows from `start` to `end` of the filtered view, with their positions. While a later answer is on its way,
   * the last window: at its own positions where it overlaps, else drawn where asked (the newest rows stay in sight).
   */
  function placedRows(start: number, end: number): { index: number; entry: LogEntry }[] {
    ask(start, end)
    if (!shown) return []
    const rows = shown.rows
    const overlaps = shown.start < end && shown.start + rows.length > start
    const offset = overlaps ? shown.start : Math.max(0, Math.min(start, Math.min(end, matching.value) - rows.length))
    const out: { index: number; entry: LogEntry }[] = []
    for (let i = 0; i < rows.length; i++) {
      const index = offset + i
      if (index >= start && index < end && index < matching.value) out.push({ index, entry: rows[i]! })
    }
    return out
  }

  function rows(start: number, end: number): LogEntry[] {
    return placedRows(start, end).map((r) => r.entry)
  }

  /** The row at `index` of the filtered view, from the window on screen or asked of the host. */
  async function rowAt(index: number): Promise<LogEntry | undefined> {
    if (covers(index, index + 1)) return shown!.rows[index - shown!.start]
    const answer = await host.rows(index, index + 1)
    return answer.rows[0]
  }

  /** The row at `index` as the last answered window placed it (never a row only drawn there while one is asked). */
  function knownRow(index: number): LogEntry | undefined {
    if (!shown || index < shown.start) return undefined
    return shown.rows[index - shown.start]
  }

  /**
   * The last entry asked for whole: a worker's log sends long messages cut to their start in its rows (`cut`), and
   * the selected one as held on request. One at a time: the inspector shows one entry.
   */
  let whole: { seq: number; entry: LogEntry | undefined } | undefined
  let askingWhole: number | undefined

  /**
   * A held entry by seq, if it is among the rows on screen, its message whole. A row that came cut is asked for whole
   * and answered a moment later (`rowsVersion` changes): undefined meanwhile.
   */
  function entry(seq: number): LogEntry | undefined {
    const row = shown?.rows.find((e) => e.seq === seq)
    if (!row || !shown!.cut?.includes(seq)) return row
    // Asked again when the log has since cut it to head and tail (the row says so).
    if (whole?.seq === seq && (!whole.entry || !whole.entry.truncated === !row.truncated)) return whole.entry ?? row
    askWhole(seq)
    return undefined
  }

  function askWhole(seq: number): void {
    if (askingWhole === seq || !host.wholeEntry) return
    askingWhole = seq
    host.wholeEntry(seq).then(
      (answer) => {
        if (askingWhole !== seq) return
        askingWhole = undefined
        // Dropped meanwhile: the cut row stands for it until the window moves on.
        whole = { seq, entry: answer }
        rowsVersion.value++
      },
      () => {
        if (askingWhole === seq) askingWhole = undefined
      },
    )
  }

  /**
   * The position of an entry in the filtered view if it is among the rows on screen; -1 if it is not although they
   * are current (dropped, or filtered out); undefined while the current window is on its way.
   */
  function indexOf(seq: number): number | undefined {
    const i = shown ? shown.rows.findIndex((e) => e.seq === seq) : -1
    if (i >= 0) return shown!.start + i
    return shown && shown.askedAt === version.value ? -1 : undefined
  }

  function connectionOpenedAt(connection: number): number | undefined {
    return openedAt.get(connection)
  }

  // Keeping the log across reloads (opt-in, settings.persistLog): new and changed entries are written to IndexedDB
  // in batches; the store is bounded by the buffer itself (what it drops is deleted). Storage calls run one at a time.
  /** Entries restored from the previous visit (shown as such), and why keeping the log failed, if it did. */
  const restoredCount = shallowRef(0)
  const persistError = shallowRef<string | undefined>()
  let storage: LogStorage | undefined
  let persisting = false
  let storageOps: Promise<void> = Promise.resolve()
  const queue = new WriteQueue(core.buffer.capacity)
  /** The session store names the connections (`nameSources`): the log knows them only by id. */
  let nameOf: (source: string) => string | undefined = () => undefined
  const keptBy: KeptBy = { tab: tabId(), nameOf: (source) => nameOf(source) }
  const keep = (entry: LogEntry) => storable(entry, keptBy)
  const flushSoon = intervalBatch(() => storageOp((s) => s.write(queue.take(core.buffer.firstSeq, keptBy))), 500)

  function nameSources(names: (source: string) => string | undefined): void {
    nameOf = names
  }

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
    storageOp((s) => s.replaceAll(core.buffer.toArray().map(keep)))
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
      const restored = restorable(await storage.readAll(), keptBy.tab)
      host.load([...restored, ...core.buffer.toArray()], { skipRestoredOpenings: true })
      restoredCount.value = restored.length
    } catch (e) {
      persistFailed(e instanceof ReferenceError ? new Error('This browser has no IndexedDB.') : e)
      return
    }
    if (settings.persistLog) startPersisting()
  }

  watch(
    filter,
    () => {
      host.setFilter(filter)
    },
    { deep: true },
  )

  watch(
    () => [settings.logCapacity, settings.logMegabytes],
    () => {
      host.setLimits({
        capacity: validCapacity(settings.logCapacity),
        maxChars: validMegabytes(settings.logMegabytes) * MB,
      })
      queue.setLimit(core.buffer.capacity)
      if (persisting) flushSoon()
    },
  )

  /**
   * The plain append for the per-message path. Pinia wraps every action for $onAction bookkeeping; a flood of
   * thousands of messages a second should not pay for that on each one, so the session store calls this directly.
   */
  function sink(): (event: SessionEvent) => void {
    return (event) => host.append(event)
  }

  /** The same for the page's socket events as the session host reported them (a worker's log has them already). */
  function observer(): (event: SessionEvent) => void {
    return (event) => host.observe(event)
  }

  function clear(): void {
    host.clear()
    whole = undefined
    restoredCount.value = 0
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
  function exportAs(kind: LogExportKind, options: Omit<ExportOptions, 'userAgent'> = {}): Promise<ExportFile> {
    return host.exportAs(kind, { ...options, userAgent: navigator.userAgent })
  }

  /**
   * Replaces the log with the entries of an exported NDJSON/JSON file, to browse and filter them; entries that
   * arrive afterwards are appended as usual. Bounded by the log's capacity.
   */
  async function openFile(text: string): Promise<OpenResult> {
    const result = await host.openFile(text)
    if (result.ok) {
      restoredCount.value = 0
      storageOp((s) => s.replaceAll(core.buffer.toArray().map(keep)))
    }
    return result
  }

  return {
    version,
    rowsVersion,
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
    observer,
    attach,
    /** Where the log lives: 'worker' next to the sockets, 'inline' on the main thread. */
    host: () => host.kind,
    rows,
    placedRows,
    rowAt,
    knownRow,
    entriesAt: (start: number, end?: number) => host.entriesAt(start, end),
    /** What `entriesAt` sees (the page's copy): entries held and dropped. */
    scriptCounts: () => ({ total: core.buffer.size, dropped: core.buffer.dropped }),
    entriesOf: (source: string, limit = 10_000) => host.entriesOf(source, limit),
    entry,
    indexOf,
    clear,
    exportAs,
    openFile,
    connectionOpenedAt,
    restoredCount,
    persistError,
    nameSources,
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
