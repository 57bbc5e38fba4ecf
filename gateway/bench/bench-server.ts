/**
 * The server side of the benchmark, run in its own process so its RSS and CPU are measured apart from the clients.
 * `gateway` mode starts the local gateway (default handlers, in-process); `backend` the same handlers as a backend
 * (`--backend gateway/handlers/default.ts`: each route a function in the worker-thread Lambda runtime); `bare` mode a
 * plain `ws` echo server for comparison.
 * Talks to the parent over IPC: sends {ready, port}, answers {type: 'rss'} with the RSS after a GC and
 * {type: 'stats'} with the RSS now and `gateway.stats()`.
 */
import diagnostics_channel from 'node:diagnostics_channel'
import { availableParallelism } from 'node:os'
import { monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks'
import { fileURLToPath } from 'node:url'
import { WebSocketServer } from 'ws'
import { startGateway, type Gateway } from '../src/index'

const mode = process.argv[2] === 'bare' || process.argv[2] === 'backend' ? process.argv[2] : 'gateway'
const send = (message: unknown) => process.send?.(message)
let gateway: Gateway | undefined

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
    // One instance per core: more cold workers than cores only compete for the CPU.
    const functionConcurrency = Math.max(2, availableParallelism())
    // GATEWAY_OPTIONS (JSON): more options, for experiments such as the flood soak's `--gateway-options`.
    const extra = JSON.parse(process.env.GATEWAY_OPTIONS ?? '{}') as Record<string, unknown>
    const gw = await startGateway({
      port: 0,
      log: false,
      newConnectionsPerSecond: 0,
      backend,
      functionConcurrency,
      ...extra,
    })
    port = gw.port
    gateway = gw
    close = () => gw.close()
  }
  process.on('message', async (message: { type: string }) => {
    if (message.type === 'rss') {
      for (let i = 0; i < 3; i++) (globalThis as { gc?: () => void }).gc?.()
      await new Promise((resolve) => setTimeout(resolve, 200))
      const usage = process.memoryUsage()
      send({ type: 'rss', rss: usage.rss, heapUsed: usage.heapUsed })
    } else if (message.type === 'stats') {
      send({ type: 'stats', rss: process.memoryUsage().rss, stats: gateway?.stats() })
    } else if (message.type === 'close') {
      await close()
      process.exit(0)
    }
  })
  send({ type: 'ready', port })
  if (process.env.GATEWAY_TRACE) trace()
}

/**
 * GATEWAY_TRACE=1 (flood-soak.ts --trace): once a second, one JSON line on stderr with the CPU time the process
 * got, the event loop's delay (p50/p99/max), time spent in GC, and for each probe request (GET / and GET @connections) how long it waited in the
 * server (from Node's 'request' event to the end of the response). Where the probes' wait happens, not a guess.
 */
function trace() {
  const loop = monitorEventLoopDelay({ resolution: 10 })
  loop.enable()
  let gcMs = 0
  let gcCount = 0
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      gcMs += e.duration
      gcCount++
    }
  }).observe({ entryTypes: ['gc'] })
  const started = new WeakMap<object, number>()
  const probes: number[] = []
  const isProbe = (url: string | undefined) => url === '/' || /^\/dev\/@connections\//.test(url ?? '')
  diagnostics_channel.subscribe('http.server.request.start', (m) => {
    const { request } = m as { request: { method?: string; url?: string } }
    if (request.method === 'GET' && isProbe(request.url)) started.set(request, performance.now())
  })
  diagnostics_channel.subscribe('http.server.response.finish', (m) => {
    const { request } = m as { request: object }
    const at = started.get(request)
    if (at !== undefined) probes.push(Math.round(performance.now() - at))
  })
  const ms = (ns: number) => Math.round(ns / 1e6)
  let cpu = process.cpuUsage()
  let wall = performance.now()
  setInterval(() => {
    const used = process.cpuUsage(cpu)
    cpu = process.cpuUsage()
    const now = performance.now()
    // CPU this process got in the interval: a stall with little CPU is the machine's scheduler, not the gateway.
    const cpuMs = Math.round((used.user + used.system) / 1000)
    const intervalMs = Math.round(now - wall)
    wall = now
    process.stderr.write(
      JSON.stringify({
        t: Math.round(now),
        intervalMs,
        cpuMs,
        loopP50: ms(loop.percentile(50)),
        loopP99: ms(loop.percentile(99)),
        loopMax: ms(loop.max),
        gcMs: Math.round(gcMs),
        gcCount,
        probeInServerMs: probes.splice(0),
        heapMb: Math.round(process.memoryUsage().heapUsed / 2 ** 20),
        stats: gateway?.stats(),
      }) + '\n',
    )
    loop.reset()
    gcMs = 0
    gcCount = 0
  }, 1000).unref()
}

void main()
