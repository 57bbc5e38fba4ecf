import { serveHost } from '../session/host-worker-side'
import { WorkerHost, type ApplyPacing } from '../session/worker-host'
import { hostChannel } from './host-channel'
import { wsClientFactory } from './ws-test-server'

/**
 * A WorkerHost whose worker half runs in this process through `hostChannel` (sockets on the `ws` client), or, with
 * `withWorker: false`, one whose worker cannot be created (the fallback to the main thread).
 */
export function channelWorkerHost(endpoint: string, options: { withWorker: boolean; pacing?: Partial<ApplyPacing> }) {
  const channel = hostChannel()
  serveHost(channel.scope, { createSocket: wsClientFactory })
  const host = new WorkerHost(
    () => {
      if (!options.withWorker) throw new Error('Worker is not defined')
      return channel.worker
    },
    { collection: { session: { createSocket: wsClientFactory }, defaults: { endpoint } }, pacing: options.pacing },
  )
  return { host, channel }
}
