/// <reference lib="webworker" />
import { serveHost, type HostScope } from './host-worker-side'
import type { WorkerLike } from '../log/pattern-runner'

// The page's sockets live here (see worker-host.ts): the main thread only renders what they report.
// The log lives here too; the user's filter patterns run in a nested worker, ended when one is too slow.
serveHost(self as unknown as HostScope, {
  createPatternWorker: () =>
    new Worker(new URL('../log/filter-worker.ts', import.meta.url), { type: 'module' }) as unknown as WorkerLike,
})
