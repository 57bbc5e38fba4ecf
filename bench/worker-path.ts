/**
 * The connections worker's JavaScript per received message, in Node: serveHost (session, dispatcher, log, packing)
 * fed a flood by a stand-in socket, the page's acknowledgements coming a few ms after each update. Excludes the
 * browser's own message event, so it shows what the worker's code costs and whether a change moved it:
 * `node --expose-gc --import tsx bench/worker-path.ts [messages] [rounds]`.
 */
import { serveHost, type HostScope } from '../src/core/session/host-worker-side'
import type { SocketLike } from '../src/core/session/session'
import type { PageToWorker, WorkerToPage } from '../src/core/session/host-protocol'

const messages = Number(process.argv[2] ?? 50_000)
const rounds = Number(process.argv[3] ?? 9)
/** Messages per socket task burst: a flood arrives in many small tasks; timers run between bursts. */
const BURST = 200

async function round(): Promise<number> {
  let socket: SocketLike | undefined
  const scope: HostScope = {
    onmessage: null,
    postMessage(message: WorkerToPage) {
      if (message.type === 'update') setTimeout(() => scope.onmessage!({ data: { type: 'ack' } }), 5)
    },
  }
  serveHost(scope, {
    createSocket: () =>
      (socket = {
        readyState: 0,
        protocol: '',
        binaryType: 'blob',
        send() {},
        close() {},
        onopen: null,
        onmessage: null,
        onerror: null,
        onclose: null,
      }),
  })
  const post = (data: PageToWorker) => scope.onmessage!({ data })
  post({ type: 'init', secure: false, defaults: { endpoint: 'ws://127.0.0.1:1/flood' } })
  post({ type: 'command', command: { op: 'connect', id: 'c1' } })
  if (!socket) throw new Error('no socket was made')
  ;(socket as { readyState: number }).readyState = 1
  socket.onopen!({})
  const texts = Array.from({ length: 1000 }, (_, i) => `{"n":${i + 1},"pad":"${'x'.repeat(80)}"}`)
  ;(globalThis as { gc?: () => void }).gc?.()
  const t0 = performance.now()
  for (let i = 0; i < messages;) {
    for (const end = Math.min(messages, i + BURST); i < end; i++) socket.onmessage!({ data: texts[i % 1000] })
    await new Promise((resolve) => setImmediate(resolve))
  }
  const ms = performance.now() - t0
  post({ type: 'dispose' })
  return (ms * 1000) / messages
}

const results: number[] = []
for (let r = 0; r < rounds; r++) results.push(await round())
results.sort((a, b) => a - b)
console.log(
  `worker path: ${results.map((us) => us.toFixed(2)).join(', ')} µs per message (median ${results[Math.floor(results.length / 2)]!.toFixed(2)}), ${messages} messages a round`,
)
