import type { LogEntry, SessionEvent } from '../session/events'
import type { ExportFile, ExportOptions, LogCore, LogCounters, OpenResult, RowWindow } from './log-core'
import type { LogExportKind } from './log-export'
import type { LogFilterSpec } from './log-filter'
import { InlineLogHost, type LogHost } from './log-host'
import type { LogAnswers, LogRequest } from './log-protocol'

/** The page's end of the worker's log (WorkerHost gives one). */
export interface LogLink {
  /** False once the worker is gone and the connections run on the main thread. */
  readonly alive: boolean
  post(request: LogRequest): void
  ask<K extends keyof LogAnswers>(request: LogRequest & { op: K }): Promise<LogAnswers[K]>
  onCounters(listener: (counters: LogCounters) => void): void
  /** Called once if the worker goes away. */
  onLost(listener: () => void): void
}

/**
 * The log in the connections worker, seen from the page: counters come by themselves (at most once per frame), rows
 * and exports are asked for. The page keeps a script copy (`mirror`, the same LogCore without a filter) so that
 * `window.playground`'s synchronous answers and the kept log (IndexedDB) stay as they were; it is fed the events
 * the page receives anyway, large messages (over LARGE_MESSAGE_CHARS) among them already cut to head and tail where
 * the worker's log has them whole. If the worker goes away, the mirror becomes the log (an InlineLogHost over it).
 */
export class WorkerLogHost implements LogHost {
  private fallback: InlineLogHost | undefined
  private listener: (counters: LogCounters) => void = () => {}
  private spec: LogFilterSpec | undefined

  constructor(
    private readonly link: LogLink,
    private readonly mirror: LogCore,
  ) {
    mirror.onChange = () => {}
    link.onCounters((counters) => {
      if (!this.fallback) this.listener(counters)
    })
    link.onLost(() => this.fallBack())
    if (!link.alive) this.fallBack()
  }

  get kind(): 'inline' | 'worker' {
    return this.fallback ? 'inline' : 'worker'
  }

  append(event: SessionEvent): void {
    this.mirror.append({ ...event })
    if (!this.fallback) this.link.post({ op: 'append', event })
  }

  observe(event: SessionEvent): void {
    const entry = this.mirror.append(event)
    // A large message crosses from the worker already cut to head and tail (see forThePage in the host dispatcher):
    // counted as the log counts the ones it cuts itself. The buffer never cuts the entry it just took.
    if (entry.truncated) this.mirror.buffer.truncated++
  }

  load(events: SessionEvent[], options: { skipRestoredOpenings?: boolean } = {}): void {
    if (this.fallback) return this.fallback.load(events, options)
    this.mirror.load(
      events.map((e) => ({ ...e })),
      options,
    )
    this.link.post({ op: 'load', events, ...options })
  }

  setFilter(spec: LogFilterSpec): void {
    this.spec = { ...spec }
    if (this.fallback) return this.fallback.setFilter(spec)
    this.link.post({ op: 'setFilter', spec: { ...spec } })
  }

  setLimits(limits: { capacity: number; maxChars: number }): void {
    if (this.fallback) return this.fallback.setLimits(limits)
    this.mirror.setLimits(limits)
    this.link.post({ op: 'setLimits', limits })
  }

  clear(): void {
    if (this.fallback) return this.fallback.clear()
    this.mirror.clear()
    this.link.post({ op: 'clear' })
  }

  async openFile(text: string): Promise<OpenResult> {
    if (this.fallback) return this.fallback.openFile(text)
    // The page's copy reads the file too (window.playground answers from it); the formats load only now.
    const result = (await import('./log-files')).openLogFile(this.mirror, text)
    if (result.ok) await this.link.ask({ op: 'openFile', text })
    return result
  }

  rows(start: number, end: number): RowWindow | Promise<RowWindow> {
    if (this.fallback) return this.fallback.rows(start, end)
    return this.link.ask({ op: 'rows', start, end })
  }

  async wholeEntry(seq: number): Promise<LogEntry | undefined> {
    if (this.fallback) return this.mirror.entry(seq)
    return (await this.link.ask({ op: 'entry', seq })) ?? undefined
  }

  exportAs(kind: LogExportKind, options: ExportOptions): Promise<ExportFile> {
    if (this.fallback) return this.fallback.exportAs(kind, options)
    return this.link.ask({ op: 'export', kind, options })
  }

  entriesAt(start: number, end?: number): LogEntry[] {
    return this.mirror.entriesAt(start, end)
  }

  entriesOf(source: string, limit: number): LogEntry[] {
    return this.mirror.entriesOf(source, limit)
  }

  onCounters(listener: (counters: LogCounters) => void): void {
    this.listener = listener
    this.fallback?.onCounters(listener)
  }

  private fallBack(): void {
    if (this.fallback) return
    const inline = (this.fallback = new InlineLogHost(this.mirror))
    inline.onCounters(this.listener)
    if (this.spec) inline.setFilter(this.spec)
    else inline.publish()
  }
}
