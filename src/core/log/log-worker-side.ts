import type { LogEntry, SessionEvent } from '../session/events'
import { LogCore, type LogCounters, type RowWindow } from './log-core'
import { exportLog, openLogFile } from './log-files'
import { counterPacing } from './log-host'
import type { LogReply, LogRequest } from './log-protocol'
import { PatternRunner, type WorkerLike } from './pattern-runner'

/**
 * The log where the sockets are (the connections worker): every event goes into a LogCore here, the filter runs
 * here (user patterns in a nested worker, ended when too slow), and the page gets counters at most once per frame
 * and the rows, exports and imports it asks for.
 */
export class WorkerLog {
  readonly core: LogCore
  private readonly patterns: PatternRunner | undefined
  private readonly schedule: () => void
  /** The log changed since the page last got its counters. */
  private unsent = false

  constructor(
    private readonly send: {
      counters: (counters: LogCounters) => void
      reply: (reply: LogReply) => void
    },
    options: {
      createPatternWorker?: () => WorkerLike
      /**
       * True while an update is on its way to the page or due to go (events wait for it): the paced counters then go
       * with the next one (`takeCounters`), or once the page applied the last (`publishUnsent`), rather than in a
       * message of their own. A flood then makes one task on the page per update, not one more for the counters, and
       * the log repaints with the events it counts, never ahead of the page's copy.
       */
      updateDue?: () => boolean
    } = {},
  ) {
    this.patterns = options.createPatternWorker ? new PatternRunner(options.createPatternWorker) : undefined
    const patterns = this.patterns
    const updateDue = options.updateDue ?? (() => false)
    this.schedule = counterPacing(() => {
      if (this.unsent && !updateDue()) this.publish()
    })
    this.core = new LogCore({
      textStage: patterns ? (pattern, seqs, texts) => patterns.match(pattern, seqs, texts) : undefined,
      stopTextStage: () => patterns?.stop(),
      onChange: () => {
        this.unsent = true
        this.schedule()
      },
    })
  }

  /** Sends the counters if the log changed since the page last got them (no update is due to carry them). */
  publishUnsent(): void {
    if (this.unsent) this.publish()
  }

  /** The counters to go with an update, if the log changed since the page last got them. */
  takeCounters(): LogCounters | undefined {
    if (!this.unsent) return undefined
    this.unsent = false
    return this.core.counters()
  }

  /**
   * A socket event, as it happens. Not a copy (one object fewer per message of a flood): the buffer numbers it
   * (`seq`) and cuts it when it is large, and the same object waits in the dispatcher for the page, which is why an
   * update is packed (`packEvents` leaves `seq` out) and a large message crosses as a cut copy (`forThePage`).
   */
  observe(event: SessionEvent): void {
    this.core.append(event)
  }

  publish(): void {
    this.unsent = false
    this.send.counters(this.core.counters())
  }

  handle(request: LogRequest, id?: number): void {
    const core = this.core
    const answer = (result: Extract<LogReply, { result: unknown }>['result']) => {
      if (id !== undefined) this.send.reply({ id, result })
    }
    switch (request.op) {
      case 'append':
        core.append(request.event)
        return
      case 'setFilter':
        core.setFilter(request.spec)
        break
      case 'setLimits':
        core.setLimits(request.limits)
        break
      case 'clear':
        core.clear()
        break
      case 'load':
        core.load(request.events, { skipRestoredOpenings: request.skipRestoredOpenings })
        break
      case 'openFile':
        answer(openLogFile(core, request.text))
        break
      case 'rows':
        answer(rowsForThePage(core.rows(request.start, request.end)))
        return
      case 'entry':
        answer(core.entry(request.seq) ?? null)
        return
      case 'export':
        answer(exportLog(core, request.kind, request.options))
        return
      default:
        if (id !== undefined) this.send.reply({ id, error: `Unknown log request ${(request as { op: unknown }).op}.` })
        return
    }
    // What the page changed shows at once.
    this.publish()
  }

  dispose(): void {
    this.patterns?.stop()
  }
}

/** What a row shows of a message is its first 300 characters (96 of base64 for bytes): rows cross with this many. */
export const ROW_PREVIEW_CHARS = 1024

/**
 * A window of rows as it crosses to the page: messages longer than ROW_PREVIEW_CHARS cut to their start, listed in
 * `cut`. The page asks for a window each time the log moves, several times a second in a flood; a window of large
 * messages sent as held (up to 32 KB each, the newest few whole) would copy megabytes to the page each time. The
 * inspector asks for the one selected as held (`entry`).
 */
function rowsForThePage(window: RowWindow): RowWindow {
  if (!window.rows.some(isLong)) return window
  const cut: number[] = []
  const rows = window.rows.map((entry) => {
    if (!isLong(entry)) return entry
    cut.push(entry.seq)
    // A slice: the reply is copied as it crosses, and this copy is dropped after.
    return { ...entry, data: entry.data!.slice(0, ROW_PREVIEW_CHARS) } as LogEntry
  })
  return { ...window, rows, cut }
}

function isLong(entry: LogEntry): boolean {
  return entry.data !== undefined && entry.data.length > ROW_PREVIEW_CHARS
}
