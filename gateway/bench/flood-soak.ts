/**
 * Flood soak (issue 10): one client sends a burst of small messages to `$default`, whose default handler answers each
 * through `@connections` with the AWS SDK, while a probe (a process of its own, soak-probe.ts) asks the gateway every
 * 500 ms for `GET /` and for a `GetConnection` of another client, and the gateway's RSS is sampled. Then the flooder
 * leaves and the soak checks that the gateway recovers: its waiting invocations drain, probes are fast again, memory
 * comes back down. It measures whether one careless client can stall or bloat the gateway.
 *
 * Runs inside `npm run bench` (gateway-bench.ts) or alone:
 * `npx tsx gateway/bench/flood-soak.ts [--messages N] [--seconds S] [--probe-ms MS] [--gateway-options JSON]
 * [--trace] [--node-flags '--cpu-prof --cpu-prof-dir=DIR'] [--server PATH/bench-server.ts]`.
 * The burst window ends when every message is answered or after S seconds (the rest is then abandoned).
 */
import { fork, type ChildProcess } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import WebSocket from 'ws'
import type { ProbeReport } from './soak-probe'

export interface ProbeStats {
  count: number
  failed: number
  p50Ms: number
  p99Ms: number
  maxMs: number
}

export interface SoakResult {
  messages: number
  windowSeconds: number
  finished: boolean
  replies: number
  tooManyRequests: number
  http: ProbeStats
  connections: ProbeStats
  /** The same probe against an idle server in the same run: what the machine's load alone adds. */
  control: ProbeStats
  rssBaselineMb: number
  rssPeakMb: number
  recovery: {
    /** Seconds from the flooder's leaving until no invocation ran or waited (NaN: not within the bound). */
    drainSeconds: number
    /** Probes in the 3 s after the drain. */
    connections: ProbeStats
    rssMb: number
    recovered: boolean
  }
  options: Record<string, unknown>
  aims: { p99Ms: number; rssMb: number }
}

const mb = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!
}

function stats(reports: ProbeReport[]): ProbeStats {
  const sorted = reports
    .map((r) => r.ms)
    .filter((ms): ms is number => ms !== undefined)
    .sort((a, b) => a - b)
  return {
    count: sorted.length,
    failed: reports.length - sorted.length,
    p50Ms: percentile(sorted, 50),
    p99Ms: percentile(sorted, 99),
    maxMs: sorted.at(-1) ?? NaN,
  }
}

/** VmRSS of a process in bytes (Linux). */
function rssOf(pid: number): number {
  try {
    const kb = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]
    return kb ? Number(kb) * 1024 : NaN
  } catch {
    return NaN
  }
}

function open(url: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { perMessageDeflate: false })
    ws.once('open', () => resolve(ws))
    ws.once('error', reject)
  })
}

/** One answer of the given type from a child (the next one). */
function ask<T>(child: ChildProcess, request: { type: string }, answer: string): Promise<T> {
  return new Promise((resolve) => {
    const onMessage = (m: { type: string }) => {
      if (m.type !== answer) return
      child.off('message', onMessage)
      resolve(m as T)
    }
    child.on('message', onMessage)
    child.send(request)
  })
}

function forkTs(script: string, args: string[], execArgv: string[] = [], env?: NodeJS.ProcessEnv): ChildProcess {
  return fork(script, args, {
    execArgv: ['--import', 'tsx', ...execArgv],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    env: env ?? process.env,
  })
}

export interface SoakOptions {
  messages?: number
  maxSeconds?: number
  probeMs?: number
  /** Options for the gateway under test (e.g. maxConcurrentInvocations). */
  gatewayOptions?: Record<string, unknown>
  /** The gateway prints event-loop delay, GC time and the probes' time in the server once a second (stderr). */
  trace?: boolean
  /** Extra Node flags for the gateway's process (e.g. --cpu-prof). */
  execArgv?: string[]
  /** Another bench-server.ts (e.g. a copy of an older gateway's tree, for a before/after in one run). */
  serverScript?: string
}

export async function floodSoak({
  messages = 200_000,
  maxSeconds = 120,
  probeMs = 500,
  gatewayOptions = {},
  trace = false,
  execArgv = [],
  serverScript = fileURLToPath(new URL('./bench-server.ts', import.meta.url)),
}: SoakOptions = {}): Promise<SoakResult> {
  const child = forkTs(serverScript, ['gateway'], execArgv, {
    ...process.env,
    GATEWAY_OPTIONS: JSON.stringify(gatewayOptions),
    ...(trace ? { GATEWAY_TRACE: '1' } : {}),
  })
  const port = await new Promise<number>((resolve, reject) => {
    child.once('error', reject)
    child.once('message', (m: { type: string; port: number }) => resolve(m.port))
  })
  const probe = forkTs(fileURLToPath(new URL('./soak-probe.ts', import.meta.url)), [])
  const control = forkTs(fileURLToPath(new URL('./bench-server.ts', import.meta.url)), ['bare'])
  const controlPort = await new Promise<number>((resolve) =>
    control.once('message', (m: { type: string; port: number }) => resolve(m.port)),
  )
  const url = `ws://127.0.0.1:${port}/dev`
  const httpUrl = `http://127.0.0.1:${port}`
  try {
    const bystander = await open(url)
    const bystanderId = await new Promise<string>((resolve) => {
      bystander.once('message', (data) =>
        resolve((JSON.parse(data.toString()) as { connectionId: string }).connectionId),
      )
      bystander.send('{"action":"whoami"}')
    })
    await new Promise((resolve) => probe.once('message', resolve))
    const reports: ProbeReport[] = []
    probe.on('message', (m: ProbeReport) => {
      if (m.type === 'probe') reports.push({ ...m, at: m.at })
    })
    await sleep(500)
    const rssBaseline = rssOf(child.pid!)
    let rssPeak = rssBaseline
    const rssSampler = setInterval(() => (rssPeak = Math.max(rssPeak, rssOf(child.pid!))), 250)

    const flooder = await open(url)
    let replies = 0
    let tooMany = 0
    flooder.on('message', (data) => {
      if (data.toString().startsWith('{"message": "Too Many Requests"')) tooMany++
      else replies++
    })

    // The probe's clock (its performance.now()) is its own: phases are told apart by the reports' arrival here.
    probe.send({
      type: 'start',
      httpUrl,
      connectionId: bystanderId,
      probeMs,
      controlUrl: `http://127.0.0.1:${controlPort}/`,
    })
    const started = performance.now()
    for (let i = 0; i < messages; i++) flooder.send('hello')
    const deadline = started + maxSeconds * 1000
    while (replies + tooMany < messages && performance.now() < deadline) await sleep(50)
    const windowSeconds = (performance.now() - started) / 1000
    const during = reports.splice(0)

    // Recovery: the flooder leaves; its waiting invocations drain (bounded), then probes must be fast again.
    flooder.terminate()
    const left = performance.now()
    let drainSeconds = NaN
    while (performance.now() - left < 120_000) {
      const { stats: s } = await ask<{ stats: { invocationsRunning: number; messagesQueued: number } }>(
        child,
        { type: 'stats' },
        'stats',
      )
      if (s.invocationsRunning === 0 && s.messagesQueued === 0) {
        drainSeconds = (performance.now() - left) / 1000
        break
      }
      await sleep(250)
    }
    reports.splice(0)
    await sleep(3000 + probeMs)
    const after = stats(reports.splice(0))
    clearInterval(rssSampler)
    const { rss: rssAfter } = await ask<{ rss: number }>(child, { type: 'rss' }, 'rss')
    bystander.terminate()
    const http = stats(during.filter((r) => r.kind === 'http'))
    const connections = stats(during.filter((r) => r.kind === 'connections'))
    const controlStats = stats(during.filter((r) => r.kind === 'control'))
    return {
      messages,
      windowSeconds,
      finished: replies + tooMany >= messages,
      replies,
      tooManyRequests: tooMany,
      http,
      connections,
      control: controlStats,
      rssBaselineMb: mb(rssBaseline),
      rssPeakMb: mb(rssPeak),
      recovery: {
        drainSeconds,
        connections: after,
        rssMb: mb(rssAfter),
        recovered: Number.isFinite(drainSeconds) && after.failed === 0 && after.count > 0 && after.p99Ms < 250,
      },
      options: gatewayOptions,
      aims: { p99Ms: 250, rssMb: 300 },
    }
  } finally {
    probe.kill()
    control.kill()
    await new Promise<void>((resolve) => {
      if (child.exitCode !== null) return resolve()
      child.once('exit', () => resolve())
      child.send({ type: 'close' })
      setTimeout(() => child.kill('SIGKILL'), 15_000).unref()
    })
  }
}

/** The rows the bench prints for the soak. */
export function soakRows(r: SoakResult, row: (label: string, value: string, aim: string, ok: boolean) => string) {
  const ms = (s: ProbeStats) => `${s.p50Ms.toFixed(0)} / ${s.p99Ms.toFixed(0)} / ${s.maxMs.toFixed(0)}`
  return [
    row(
      `flood: ${r.messages} msgs to $default, answered`,
      `${r.replies + r.tooManyRequests}${r.finished ? '' : ' (cut)'}`,
      '',
      true,
    ),
    row('  of them "Too Many Requests" frames', String(r.tooManyRequests), '', true),
    row('  burst window (s)', r.windowSeconds.toFixed(1), '', true),
    row(
      `  probe GET / p50/p99/max ms (${r.http.count}, ${r.http.failed} failed)`,
      ms(r.http),
      'p99 < 250',
      r.http.p99Ms < 250 && r.http.failed === 0,
    ),
    row(
      `  probe @connections GET p50/p99/max ms (${r.connections.failed} failed)`,
      ms(r.connections),
      'p99 < 250',
      r.connections.p99Ms < 250 && r.connections.failed === 0,
    ),
    row(`  same probe, GET an idle server p50/p99/max ms (${r.control.failed} failed)`, ms(r.control), '', true),
    row('  gateway RSS before / peak (MB)', `${r.rssBaselineMb} / ${r.rssPeakMb}`, '< 300', r.rssPeakMb < 300),
    row(
      '  recovery: flooder gone → nothing waiting (s)',
      r.recovery.drainSeconds.toFixed(1),
      'recovers',
      Number.isFinite(r.recovery.drainSeconds),
    ),
    row(
      `  then probe @connections p50/p99 ms (${r.recovery.connections.count})`,
      `${r.recovery.connections.p50Ms.toFixed(0)} / ${r.recovery.connections.p99Ms.toFixed(0)}`,
      'p99 < 250',
      r.recovery.recovered,
    ),
    row('  then gateway RSS (MB, after a GC)', String(r.recovery.rssMb), '', true),
  ]
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const args = process.argv.slice(2)
  const text = (name: string) => {
    const i = args.indexOf(`--${name}`)
    return i >= 0 ? args[i + 1] : undefined
  }
  const num = (name: string, fallback: number) => Number(text(name) ?? fallback)
  const result = await floodSoak({
    messages: num('messages', 200_000),
    maxSeconds: num('seconds', 120),
    probeMs: num('probe-ms', 500),
    gatewayOptions: JSON.parse(text('gateway-options') ?? '{}') as Record<string, unknown>,
    trace: args.includes('--trace'),
    execArgv: text('node-flags')?.split(' ') ?? [],
    serverScript: text('server'),
  })
  const row = (label: string, value: string, aim: string, ok: boolean) =>
    `  ${label.padEnd(52)}${value.padStart(18)}   ${aim.padEnd(12)}${aim ? (ok ? 'ok' : 'MISSED') : ''}`
  console.log(soakRows(result, row).join('\n'))
  console.log(JSON.stringify(result))
}
