import { HostDispatcher, MAX_PENDING_EVENTS, WORKER_UPDATE_INTERVAL_MS, WORKER_UPDATE_PACING } from './host-dispatcher'
import type { PageToWorker, WorkerToPage } from './host-protocol'
import type { SocketFactory } from './session'
import { packUpdate } from './packed-events'
import { WorkerLog } from '../log/log-worker-side'
import type { WorkerLike } from '../log/pattern-runner'

/** What the worker side needs of its global scope (`self` in a worker; one end of a channel in Node's tests). */
export interface HostScope {
  postMessage(message: WorkerToPage): void
  onmessage: ((event: { data: PageToWorker }) => void) | null
}

/**
 * The worker's half of WorkerHost: runs the page's connections on a HostDispatcher and sends its updates in batches,
 * at most one per frame (a few a second while traffic is heavy) and never before the page acknowledged the last one. Bad messages get a `fatal` reply,
 * never an exception that would end the worker.
 */
export function serveHost(
  scope: HostScope,
  options: { createSocket?: SocketFactory; createPatternWorker?: () => WorkerLike } = {},
): void {
  let dispatcher: HostDispatcher | undefined
  let log: WorkerLog | undefined
  scope.onmessage = ({ data }) => {
    try {
      if (data.type === 'init') {
        dispatcher?.dispose()
        log?.dispose()
        const workerLog = (log = new WorkerLog(
          {
            counters: (counters) => scope.postMessage({ type: 'logCounters', counters }),
            reply: (reply) => scope.postMessage({ type: 'logReply', reply }),
          },
          { createPatternWorker: options.createPatternWorker, updateDue: () => dispatcher?.updateDue() ?? false },
        ))
        dispatcher = new HostDispatcher({
          observe: (event) => workerLog.observe(event),
          collection: {
            secure: data.secure,
            defaults: data.defaults,
            max: data.max,
            session: options.createSocket ? { createSocket: options.createSocket } : undefined,
          },
          restored: data.restored,
          delivery: {
            mode: 'batched',
            intervalMs: WORKER_UPDATE_INTERVAL_MS,
            maxPendingEvents: MAX_PENDING_EVENTS,
            paced: WORKER_UPDATE_PACING,
          },
          deliver: (update) => {
            const counters = workerLog.takeCounters()
            scope.postMessage({ type: 'update', update: packUpdate(update), ...(counters ? { counters } : {}) })
          },
        })
        scope.postMessage({ type: 'ready' })
      } else if (!dispatcher) scope.postMessage({ type: 'fatal', message: 'The connections worker was not set up.' })
      else if (data.type === 'ack') {
        dispatcher.ack()
        // Nothing more to go: the counters the last update could not carry (the log changed after it went).
        if (!dispatcher.updateDue()) log?.publishUnsent()
      } else if (data.type === 'log') log?.handle(data.request, data.id)
      else if (data.type === 'dispose') {
        dispatcher.dispose()
        dispatcher = undefined
        log?.dispose()
        log = undefined
      } else if (data.type === 'command') {
        const result = dispatcher.handle(data.command)
        // The page answered `ok` from what it knew; the socket said otherwise.
        if (!result.ok && ['connect', 'disconnect', 'send'].includes(data.command.op)) dispatcher.fail(result.error)
      }
    } catch (e) {
      scope.postMessage({
        type: 'fatal',
        message: `The connections worker failed: ${e instanceof Error ? e.message : String(e)}`,
      })
    }
  }
}
