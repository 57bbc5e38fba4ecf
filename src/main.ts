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
 * Sockets in a worker (the main thread only renders; where no worker can start, on the main thread): the default.
 * `window.__playgroundSessionHost = 'inline'` set before the page loads keeps them on the main thread for one page
 * (the bench compares both).
 */
const SESSIONS_IN_WORKER = true

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
