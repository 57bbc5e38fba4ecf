import { checkClientCloseCode } from './close-codes'
import type { ConnectionCollection } from './connection-collection'
import { HostDispatcher } from './host-dispatcher'
import {
  emptyUpdate,
  type CommandResult,
  type HostCommand,
  type HostUpdate,
  type PageToWorker,
  type WorkerToPage,
} from './host-protocol'
import { unpackUpdate } from './packed-events'
import type { ConnectionState } from './page-connection'
import type { SocketFactory, SocketLike } from './session'
import type { HostOptions, SessionHost } from './session-host'
import type { LogCounters, LogReply, LogRequest } from '../log/log-protocol'
import type { LogLink } from '../log/worker-log-host'

/** The part of a Worker the host uses (a MessagePort-like pair in Node's tests). */
export interface HostWorkerLike {
  postMessage(message: PageToWorker): void
  terminate(): void
  onmessage: ((event: { data: WorkerToPage }) => void) | null
  onerror: ((event: unknown) => void) | null
}

/** Commands that touch a socket, kept until the worker said it is ready, to replay on the main thread if it fails. */
const MAX_EARLY_COMMANDS = 1000
/** Log requests awaiting their answer (the page asks for one window at a time; exports are rare). */
const MAX_LOG_QUESTIONS = 100

/**
 * How the page applies an update: `chunk` events at a time, yielding to the page (a new task) once a task has spent
 * `budgetMs`, so a large update never makes a long task. `now` and `nextTask` are the clock and the scheduler (tests
 * pass their own).
 */
export interface ApplyPacing {
  budgetMs: number
  chunk: number
  now: () => number
  nextTask: (run: () => void) => void
}

/** Half a frame: input and rendering get the other half. */
export const APPLY_BUDGET_MS = 8
/** Events handed to the store at a time between looks at the clock (tens of µs each on a slow machine). */
export const APPLY_CHUNK = 50

function isActive(state: ConnectionState | undefined): boolean {
  return state?.readyState === 0 || state?.readyState === 1 || state?.readyState === 2
}

/**
 * The page's connections in a Dedicated Worker: sockets, keepalive and reconnect timers, readyState sampling and the
 * per-message work run there, and the page gets one update per frame at most.
 *
 * Commands are answered at once, as the store's callers expect: the set-up (add, rename, configure, keepalive
 * settings…) runs on a local copy of the collection that has no sockets, with the same code as the worker's copy, so
 * both give the same answer; connect, disconnect and send are checked against the last state the worker reported,
 * and a command that then fails in the worker comes back as a failure in the next update.
 *
 * If the worker cannot be created, or fails before it is ready, the local copy takes over with real sockets (the
 * commands that were on their way are replayed): the same core, on the main thread.
 */
export class WorkerHost implements SessionHost {
  private readonly local: HostDispatcher
  private worker: HostWorkerLike | undefined
  private live = false
  private ready = false
  private early: HostCommand[] = []
  private listener: (update: HostUpdate) => void = () => {}
  private readonly states = new Map<string, ConnectionState>()
  /** Connections asked to connect whose new state the worker has not reported yet. */
  private readonly connecting = new Set<string>()
  private readonly questions = new Map<number, { resolve: (result: never) => void; reject: (e: Error) => void }>()
  private nextQuestion = 1
  private countersListener: (counters: LogCounters) => void = () => {}
  private lostListener: () => void = () => {}
  /** The log that lives next to the sockets (see ../log/worker-log-host.ts). */
  readonly logLink: LogLink
  private fallbackReason: string | undefined
  private readonly pacing: ApplyPacing
  private taskChannel: MessageChannel | undefined
  private readonly queued: (() => void)[] = []
  private disposed = false

  constructor(createWorker: () => HostWorkerLike, options: HostOptions & { pacing?: Partial<ApplyPacing> } = {}) {
    this.logLink = this.createLogLink()
    this.pacing = {
      budgetMs: APPLY_BUDGET_MS,
      chunk: APPLY_CHUNK,
      now: () => performance.now(),
      nextTask: (run) => this.nextTask(run),
      ...options.pacing,
    }
    const socketFactory: SocketFactory =
      options.collection?.session?.createSocket ??
      ((url, protocols) => new WebSocket(url, protocols) as unknown as SocketLike)
    this.local = new HostDispatcher({
      collection: {
        ...options.collection,
        session: {
          ...options.collection?.session,
          createSocket: (url, protocols) => {
            if (!this.live) throw new Error('The connections run in a worker.')
            return socketFactory(url, protocols)
          },
        },
      },
      restored: options.restored,
      delivery: { mode: 'immediate' },
      deliver: (update) => {
        if (this.live) this.listener(update)
      },
    })
    try {
      this.worker = createWorker()
    } catch (e) {
      this.fallBack(e instanceof Error ? e.message : String(e))
      return
    }
    this.worker.onmessage = (event) => this.receive(event.data)
    this.worker.onerror = (event) => {
      if (this.ready) return
      const message = (event as { message?: unknown } | undefined)?.message
      this.fallBack(typeof message === 'string' && message ? message : 'it failed to load')
    }
    const c = options.collection
    this.worker.postMessage({
      type: 'init',
      secure: c?.secure ?? false,
      defaults: { ...c?.defaults },
      max: c?.max,
      restored: options.restored,
    })
  }

  get kind(): 'inline' | 'worker' {
    return this.live ? 'inline' : 'worker'
  }

  /** Set once the worker could not start: why, in a sentence for the page's users and scripts. */
  get fallback(): string | undefined {
    return this.fallbackReason
  }

  get collection(): ConnectionCollection {
    return this.local.collection
  }

  state(id: string): ConnectionState | undefined {
    if (this.live) return this.local.collection.get(id)?.snapshot()
    return this.states.get(id) ?? this.local.collection.get(id)?.snapshot()
  }

  onUpdate(listener: (update: HostUpdate) => void): void {
    this.listener = listener
  }

  command(command: HostCommand): CommandResult {
    if (this.live) return this.local.handle(command)
    let result: CommandResult
    if (command.op === 'connect' || command.op === 'disconnect' || command.op === 'send') {
      result = this.check(command)
      if (!result.ok) return result
      if (command.op === 'connect') this.connecting.add(command.id)
    } else {
      // The set-up runs here and in the worker alike (both copies change the same way, refusals included).
      result = this.local.handle(command)
      if (command.op === 'remove' && result.ok) this.states.delete(command.id)
    }
    this.post(command)
    return result
  }

  dispose(): void {
    this.disposed = true
    this.taskChannel?.port1.close()
    this.taskChannel = undefined
    for (const question of this.questions.values()) question.reject(new Error('The connections worker is gone.'))
    this.questions.clear()
    if (this.worker) {
      this.worker.postMessage({ type: 'dispose' })
      this.worker.terminate()
    }
    this.worker = undefined
    this.local.dispose()
  }

  /** Answers connect, disconnect and send as the connection would, from the state the worker last reported. */
  private check(command: HostCommand & { op: 'connect' | 'disconnect' | 'send' }): CommandResult {
    const connection = this.local.collection.get(command.id)
    if (!connection) return { ok: false, error: 'No such connection.' }
    const state = this.states.get(command.id)
    if (command.op === 'connect') {
      const target = connection.connectTarget()
      if (!target.ok) return target
      if (isActive(state) || this.connecting.has(command.id))
        return { ok: false, error: 'Already connected: disconnect first.' }
      return { ok: true }
    }
    if (command.op === 'send')
      return state?.readyState === 1 ? { ok: true } : { ok: false, error: 'Not connected: the socket is not OPEN.' }
    // A pending reconnect can be cancelled while no socket is open.
    if (!isActive(state) && state?.nextReconnectAt === undefined) return { ok: false, error: 'Not connected.' }
    if (state?.readyState === 2) return { ok: true }
    const invalid = isActive(state) ? checkClientCloseCode(command.code, command.reason ?? '') : undefined
    return invalid ? { ok: false, error: invalid } : { ok: true }
  }

  private post(command: HostCommand): void {
    if (!this.ready && (command.op === 'connect' || command.op === 'disconnect' || command.op === 'send'))
      if (this.early.length < MAX_EARLY_COMMANDS) this.early.push(command)
    this.worker?.postMessage({ type: 'command', command })
  }

  private receive(message: WorkerToPage): void {
    if (message.type === 'ready') {
      this.ready = true
      this.early = []
      return
    }
    if (message.type === 'logCounters') {
      this.countersListener(message.counters)
      return
    }
    if (message.type === 'logReply') {
      this.answer(message.reply)
      return
    }
    if (message.type === 'fatal') {
      this.listener({ ...emptyUpdate(), failures: [message.message] })
      return
    }
    const update = unpackUpdate(message.update)
    for (const [id, state] of update.states) {
      if (!this.local.collection.get(id)) continue
      this.states.set(id, state)
      this.connecting.delete(id)
    }
    this.apply(update, message.counters)
  }

  /**
   * Hands the update to the page in slices, a new task whenever one has taken `budgetMs`: events in order, then the
   * states, failures, endpoints and skipped count with the last slice, then the log's counters that came with it (the
   * page's copy of the log has the events they count), and only then the acknowledgement (the worker sends nothing new
   * before it, so updates never overlap).
   */
  private apply(update: HostUpdate, counters?: LogCounters): void {
    const { events, connectionIds } = update
    const { budgetMs, chunk, now, nextTask } = this.pacing
    let from = 0
    let nextId = 0
    const slice = () => {
      if (this.disposed || this.live) return
      const started = now()
      while (from < events.length) {
        const to = Math.min(from + Math.max(1, chunk), events.length)
        const ids: HostUpdate['connectionIds'] = []
        for (; nextId < connectionIds.length && connectionIds[nextId]![0] < to; nextId++) {
          const [index, source, found] = connectionIds[nextId]!
          ids.push([index - from, source, found])
        }
        const last = to === events.length
        this.hand(
          last
            ? { ...update, events: events.slice(from), connectionIds: ids }
            : { ...emptyUpdate(), events: events.slice(from, to), connectionIds: ids },
        )
        from = to
        if (last) return done()
        if (now() - started >= budgetMs) return nextTask(slice)
      }
      this.hand(update)
      done()
    }
    const done = () => {
      if (counters) this.report(() => this.countersListener(counters))
      this.worker?.postMessage({ type: 'ack' })
    }
    slice()
  }

  /** One slice to the store; a listener that throws is reported, and the rest of the update still applied. */
  private hand(update: HostUpdate): void {
    this.report(() => this.listener(update))
  }

  private report(run: () => void): void {
    try {
      run()
    } catch (e) {
      setTimeout(() => {
        throw e
      })
    }
  }

  /** A new task without setTimeout's clamping (4 ms once nested): a message to ourselves. */
  private nextTask(run: () => void): void {
    if (typeof MessageChannel === 'undefined') {
      setTimeout(run, 0)
      return
    }
    if (!this.taskChannel) {
      this.taskChannel = new MessageChannel()
      this.taskChannel.port1.onmessage = () => this.queued.shift()?.()
    }
    this.queued.push(run)
    this.taskChannel.port2.postMessage(null)
  }

  /** The worker is not there: the local copy runs the sockets from now on. */
  private fallBack(reason: string): void {
    if (this.live) return
    this.fallbackReason = `The connections worker could not start (${reason}): the sockets run on the main thread.`
    this.worker?.terminate()
    this.worker = undefined
    this.live = true
    for (const command of this.early) this.local.handle(command)
    this.early = []
    for (const question of this.questions.values()) question.reject(new Error('The connections worker is gone.'))
    this.questions.clear()
    this.lostListener()
  }

  private answer(reply: LogReply): void {
    const question = this.questions.get(reply.id)
    if (!question) return
    this.questions.delete(reply.id)
    if ('error' in reply) question.reject(new Error(reply.error))
    else question.resolve(reply.result as never)
  }

  private createLogLink(): LogLink {
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const host = this
    return {
      get alive() {
        return !host.live && host.worker !== undefined
      },
      post: (request: LogRequest) => host.worker?.postMessage({ type: 'log', request }),
      ask: (request) =>
        new Promise((resolve, reject) => {
          if (!host.worker || host.live) return reject(new Error('The connections worker is gone.'))
          if (host.questions.size >= MAX_LOG_QUESTIONS) return reject(new Error('Too many log requests at once.'))
          const id = host.nextQuestion++
          host.questions.set(id, { resolve: resolve as (result: never) => void, reject })
          host.worker.postMessage({ type: 'log', request, id })
        }),
      onCounters: (listener) => {
        host.countersListener = listener
      },
      onLost: (listener) => {
        host.lostListener = listener
      },
    }
  }
}
