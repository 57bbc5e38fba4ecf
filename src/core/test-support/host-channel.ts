import type { PageToWorker, WorkerToPage } from '../session/host-protocol'
import type { HostScope } from '../session/host-worker-side'
import type { HostWorkerLike } from '../session/worker-host'

/**
 * A worker and its scope joined in one Node process: each message is structured-cloned (so anything a real
 * postMessage would refuse fails here too) and delivered on a later turn, as a worker's would be.
 */
export function hostChannel() {
  const sent: PageToWorker[] = []
  const received: WorkerToPage[] = []
  let open = true
  const scope: HostScope = {
    onmessage: null,
    postMessage(message) {
      const copy = structuredClone(message)
      received.push(copy)
      setImmediate(() => open && worker.onmessage?.({ data: copy }))
    },
  }
  const worker: HostWorkerLike = {
    onmessage: null,
    onerror: null,
    postMessage(message) {
      const copy = structuredClone(message)
      sent.push(copy)
      setImmediate(() => open && scope.onmessage?.({ data: copy }))
    },
    terminate() {
      open = false
    },
  }
  return { worker, scope, sent, received }
}
