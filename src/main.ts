import { createApp } from 'vue'
import { createPinia } from 'pinia'
import App from './App.vue'
import { useSessionHost } from './stores/session'
import type { HostWorkerLike } from './core/session/worker-host'
import './styles/main.css'

declare global {
  interface Window {
    /** Set by a script before the page loads (the bench compares both hosts): where the page's sockets run. */
    __playgroundSessionHost?: 'worker' | 'inline'
  }
}

/**
 * Sockets in a worker (the main thread only renders; where no worker can start, on the main thread). Off by default
 * until the whole e2e suite has passed with it on; `window.__playgroundSessionHost = 'worker'` turns it on per page.
 */
const SESSIONS_IN_WORKER = false

async function start() {
  if ((window.__playgroundSessionHost ?? (SESSIONS_IN_WORKER ? 'worker' : 'inline')) === 'worker') {
    // Loaded only when used: the page's first load stays small.
    const { WorkerHost } = await import('./core/session/worker-host')
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
  }
  createApp(App).use(createPinia()).mount('#app')
}
void start()
