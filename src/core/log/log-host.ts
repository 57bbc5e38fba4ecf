import type { LogEntry, SessionEvent } from '../session/events'
import type { LogFilterSpec } from './log-filter'
import type { ExportFile, ExportOptions, LogCore, LogCounters, OpenResult, RowWindow } from './log-core'
import type { LogExportKind } from './log-export'
import { intervalBatch } from '../timing/interval-batch'
import { floodPacing } from '../timing/flood-rate'

export type { ExportFile, ExportOptions, LogCounters, OpenResult, RowWindow }

/**
 * Where the message log lives: the page talks to it through this, whether it runs on the main thread
 * (InlineLogHost) or next to the sockets in the connections worker. Everything that reads entries may answer later
 * (a worker answers by message); the counters come by themselves, at most once per frame.
 */
export interface LogHost {
  readonly kind: 'inline' | 'worker'
  /** An event the page itself records (a management call, the Timeout lab). */
  append(event: SessionEvent): void
  /** An event of the page's sockets, as the session host reported it (a worker log has it already). */
  observe(event: SessionEvent): void
  /** Replaces the log (a restore from the previous visit). */
  load(events: SessionEvent[], options?: { skipRestoredOpenings?: boolean }): void
  setFilter(spec: LogFilterSpec): void
  setLimits(limits: { capacity: number; maxChars: number }): void
  clear(): void
  openFile(text: string): Promise<OpenResult>
  /** A window of the filtered view by position; the inline host answers at once. */
  rows(start: number, end: number): RowWindow | Promise<RowWindow>
  /** A held entry by seq, its message as held (for a row that came `cut`); only a worker's log cuts rows. */
  wholeEntry?(seq: number): Promise<LogEntry | undefined>
  exportAs(kind: LogExportKind, options: ExportOptions): Promise<ExportFile>
  /** Entries by position in the whole log (as Array.slice) and one connection's newest, where the log is. */
  entriesAt(start: number, end?: number): LogEntry[]
  entriesOf(source: string, limit: number): LogEntry[]
  onCounters(listener: (counters: LogCounters) => void): void
}

/**
 * Counters go out at 20 a second, 8 while messages pour in at 1,000/s or more (a flood then spends its time on
 * messages). In the connections worker they wait for the next update instead while one is due (WorkerLog), and the
 * page draws the rows of a flood with its clock's tick (the log store).
 */
export function counterPacing(publish: () => void): () => void {
  return intervalBatch(publish, 50, floodPacing(125))
}

/** The log on the main thread: the core itself, its answers at once. */
export class InlineLogHost implements LogHost {
  readonly kind = 'inline'
  private listener: (counters: LogCounters) => void = () => {}
  private readonly schedule: () => void

  constructor(readonly core: LogCore) {
    this.schedule = counterPacing(() => this.publish())
    core.onChange = () => this.schedule()
  }

  /** Counters now (after a command the page wants to see at once, such as a filter change). */
  publish(): void {
    this.listener(this.core.counters())
  }

  append(event: SessionEvent): void {
    this.core.append(event)
  }

  observe(event: SessionEvent): void {
    this.core.append(event)
  }

  load(events: SessionEvent[], options: { skipRestoredOpenings?: boolean } = {}): void {
    this.core.load(events, options)
    this.publish()
  }

  setFilter(spec: LogFilterSpec): void {
    this.core.setFilter(spec)
    this.publish()
  }

  setLimits(limits: { capacity: number; maxChars: number }): void {
    this.core.setLimits(limits)
    this.publish()
  }

  clear(): void {
    this.core.clear()
    this.publish()
  }

  async openFile(text: string): Promise<OpenResult> {
    const result = (await import('./log-files')).openLogFile(this.core, text)
    this.publish()
    return result
  }

  rows(start: number, end: number): RowWindow {
    return this.core.rows(start, end)
  }

  async exportAs(kind: LogExportKind, options: ExportOptions): Promise<ExportFile> {
    return (await import('./log-files')).exportLog(this.core, kind, options)
  }

  entriesAt(start: number, end?: number): LogEntry[] {
    return this.core.entriesAt(start, end)
  }

  entriesOf(source: string, limit: number): LogEntry[] {
    return this.core.entriesOf(source, limit)
  }

  onCounters(listener: (counters: LogCounters) => void): void {
    this.listener = listener
  }
}
