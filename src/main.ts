import { createApp } from 'vue'
import { createPinia } from 'pinia'
import App from './App.vue'
import { useSessionHost } from './stores/session'
import { WorkerHost, type HostWorkerLike } from './core/session/worker-host'
import './styles/main.css'

declare global {
  interface Window {
    /** Set by a script before the page loads (the bench compares both hosts): where the page's sockets run. */
    __playgroundSessionHost?: 'worker' | 'inline'
  }
}

/**
 * Sockets in a worker (the main thread only renders; where no worker can start, on the main thread). Off by default:
 * with it on, the hostile-server e2e (200 × 1 MB) grows the renderers past its 150 MB bound (each message exists in the
 * worker and on the page), and the bench's long tasks and clicks are worse than on the main thread (README, bench).
 * `window.__playgroundSessionHost = 'worker'` turns it on for one page.
 */
const SESSIONS_IN_WORKER = false

// WorkerHost is imported with the page (about 1 KB gzip), not on demand: the page mounts in the same task as
// before, so nothing (a user's first key press, a script) meets a page that has not mounted yet.
if ((window.__playgroundSessionHost ?? (SESSIONS_IN_WORKER ? 'worker' : 'inline')) === 'worker')
  useSessionHost(
    (options) =>
      new WorkerHost(
        () =>
          new Worker(new URL('./core/session/session-worker.ts', import.meta.url), {
            type: 'module',
            name: 'connections',
          }) as unknown as HostWorkerLike,
        options,
      ),
  )

createApp(App).use(createPinia()).mount('#app')
