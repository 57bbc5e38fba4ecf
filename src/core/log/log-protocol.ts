import type { LogEntry, SessionEvent } from '../session/events'
import type { LogFilterSpec } from './log-filter'
import type { ExportFile, ExportOptions, LogCounters, OpenResult, RowWindow } from './log-core'
import type { LogExportKind } from './log-export'

/**
 * What the page asks of a log that lives in the connections worker. Plain data: each crosses `postMessage` as it is.
 * Requests with an `id` get one `logReply` with that id; the others are answered by the next counters.
 */
export type LogRequest =
  /** An event the page itself records (a management call, the Timeout lab). */
  | { op: 'append'; event: SessionEvent }
  | { op: 'setFilter'; spec: LogFilterSpec }
  | { op: 'setLimits'; limits: { capacity: number; maxChars: number } }
  | { op: 'clear' }
  /** Replaces the log (a restore from the previous visit). */
  | { op: 'load'; events: SessionEvent[]; skipRestoredOpenings?: boolean }
  | { op: 'openFile'; text: string }
  | { op: 'rows'; start: number; end: number }
  /** One held entry, its message as held (rows carry long ones cut to their start). */
  | { op: 'entry'; seq: number }
  | { op: 'export'; kind: LogExportKind; options: ExportOptions }

/** The answer to each request that has one. */
export interface LogAnswers {
  openFile: OpenResult
  rows: RowWindow
  entry: LogEntry | null
  export: ExportFile
}

export type LogReply =
  { id: number; result: OpenResult | RowWindow | ExportFile | LogEntry | null } | { id: number; error: string }

export type { LogCounters }
