/**
 * Flood soak (issue 10): one client sends a burst of small messages to `$default`, whose default handler answers each
 * through `@connections` with the AWS SDK, while a probe asks the gateway every 100 ms for `GET /` and for a
 * `GetConnection` of another client, and the gateway's RSS is sampled. It measures whether one careless client can
 * stall or bloat the gateway. Runs inside `npm run bench` (gateway-bench.ts) or alone:
 * `npx tsx gateway/bench/flood-soak.ts [--messages N] [--seconds S]`.
 * The measured window ends when every message is answered or after S seconds (the rest is then abandoned).
 */
import { ApiGatewayManagementApiClient, GetConnectionCommand } from '@aws-sdk/client-apigatewaymanagementapi'
import { fork } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import WebSocket from 'ws'

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
  rssBaselineMb: number
  rssPeakMb: number
  aims: { p99Ms: number; rssMb: number }
}

const mb = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!
}

function stats(latencies: number[], failed: number): ProbeStats {
  const sorted = [...latencies].sort((a, b) => a - b)
  return {
    count: sorted.length,
    failed,
    p50Ms: percentile(sorted, 50),
    p99Ms: percentile(sorted, 99),
    maxMs: sorted.at(-1) ?? NaN,
  }
}

/** VmRSS of a process in bytes (Linux); the IPC answer is used elsewhere. */
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

export async function floodSoak(messages = 200_000, maxSeconds = 120): Promise<SoakResult> {
  const script = fileURLToPath(new URL('./bench-server.ts', import.meta.url))
  const child = fork(script, ['gateway'], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  })
  const port = await new Promise<number>((resolve, reject) => {
    child.once('error', reject)
    child.once('message', (m: { type: string; port: number }) => resolve(m.port))
  })
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
    const sdk = new ApiGatewayManagementApiClient({
      endpoint: `${httpUrl}/dev`,
      region: 'us-east-1',
      credentials: { accessKeyId: 'AKIASOAKPROBE0000001', secretAccessKey: 'probe' },
      maxAttempts: 1,
    })
    await new Promise((r) => setTimeout(r, 500))
    const rssBaseline = rssOf(child.pid!)
    let rssPeak = rssBaseline

    const flooder = await open(url)
    let replies = 0
    let tooMany = 0
    flooder.on('message', (data) => {
      if (data.toString().startsWith('{"message": "Too Many Requests"')) tooMany++
      else replies++
    })

    const httpLatencies: number[] = []
    const connLatencies: number[] = []
    let httpFailed = 0
    let connFailed = 0
    const inFlight = new Set<Promise<unknown>>()
    const probe = setInterval(() => {
      rssPeak = Math.max(rssPeak, rssOf(child.pid!))
      const t0 = performance.now()
      const h = fetch(httpUrl, { signal: AbortSignal.timeout(30_000) })
        .then((r) => r.arrayBuffer())
        .then(
          () => httpLatencies.push(performance.now() - t0),
          () => httpFailed++,
        )
      const c = sdk
        .send(new GetConnectionCommand({ ConnectionId: bystanderId }), { abortSignal: AbortSignal.timeout(30_000) })
        .then(
          () => connLatencies.push(performance.now() - t0),
          () => connFailed++,
        )
      for (const p of [h, c]) {
        inFlight.add(p)
        void p.finally(() => inFlight.delete(p))
      }
    }, 100)

    const started = performance.now()
    for (let i = 0; i < messages; i++) flooder.send('hello')
    const deadline = started + maxSeconds * 1000
    while (replies + tooMany < messages && performance.now() < deadline) await new Promise((r) => setTimeout(r, 50))
    const windowSeconds = (performance.now() - started) / 1000
    clearInterval(probe)
    await Promise.allSettled([...inFlight])
    flooder.terminate()
    bystander.terminate()
    return {
      messages,
      windowSeconds,
      finished: replies + tooMany >= messages,
      replies,
      tooManyRequests: tooMany,
      http: stats(httpLatencies, httpFailed),
      connections: stats(connLatencies, connFailed),
      rssBaselineMb: mb(rssBaseline),
      rssPeakMb: mb(rssPeak),
      aims: { p99Ms: 250, rssMb: 300 },
    }
  } finally {
    await new Promise<void>((resolve) => {
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
    row('  window (s)', r.windowSeconds.toFixed(1), '', true),
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
    row('  gateway RSS before / peak (MB)', `${r.rssBaselineMb} / ${r.rssPeakMb}`, '< 300', r.rssPeakMb < 300),
  ]
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const args = process.argv.slice(2)
  const flag = (name: string, fallback: number) => {
    const i = args.indexOf(`--${name}`)
    return i >= 0 && args[i + 1] ? Number(args[i + 1]) : fallback
  }
  const result = await floodSoak(flag('messages', 200_000), flag('seconds', 120))
  const row = (label: string, value: string, aim: string, ok: boolean) =>
    `  ${label.padEnd(52)}${value.padStart(18)}   ${aim.padEnd(12)}${aim ? (ok ? 'ok' : 'MISSED') : ''}`
  console.log(soakRows(result, row).join('\n'))
  console.log(JSON.stringify(result))
}
