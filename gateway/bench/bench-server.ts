/**
 * The server side of the benchmark, run in its own process so its RSS and CPU are measured apart from the clients.
 * `gateway` mode starts the local gateway (default handlers, in-process); `backend` the same handlers as a backend
 * (`--backend gateway/handlers/default.ts`: each route a function in the worker-thread Lambda runtime); `bare` mode a
 * plain `ws` echo server for comparison.
 * Talks to the parent over IPC: sends {ready, port}, answers {type: 'rss'} with the RSS after a GC.
 */
import { fileURLToPath } from 'node:url'
import { WebSocketServer } from 'ws'
import { startGateway } from '../src/index'

const mode = process.argv[2] === 'bare' || process.argv[2] === 'backend' ? process.argv[2] : 'gateway'
const send = (message: unknown) => process.send?.(message)

async function main() {
  let close: () => Promise<void>
  let port: number
  if (mode === 'bare') {
    const wss = new WebSocketServer({ port: 0, host: '127.0.0.1', perMessageDeflate: false })
    wss.on('connection', (ws) => ws.on('message', (data, isBinary) => ws.send(data, { binary: isBinary })))
    await new Promise((resolve) => wss.once('listening', resolve))
    port = (wss.address() as { port: number }).port
    close = () => new Promise((resolve) => wss.close(() => resolve()))
  } else {
    // The rate cap is raised so the bench measures the gateway, not the (documented) 500/s AWS quota.
    const backend = mode === 'backend' ? fileURLToPath(new URL('../handlers/default.ts', import.meta.url)) : undefined
    const gw = await startGateway({ port: 0, log: false, newConnectionsPerSecond: 0, backend })
    port = gw.port
    close = () => gw.close()
  }
  process.on('message', async (message: { type: string }) => {
    if (message.type === 'rss') {
      for (let i = 0; i < 3; i++) (globalThis as { gc?: () => void }).gc?.()
      await new Promise((resolve) => setTimeout(resolve, 200))
      const usage = process.memoryUsage()
      send({ type: 'rss', rss: usage.rss, heapUsed: usage.heapUsed })
    } else if (message.type === 'close') {
      await close()
      process.exit(0)
    }
  })
  send({ type: 'ready', port })
}

void main()
