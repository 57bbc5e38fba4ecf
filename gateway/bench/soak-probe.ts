/**
 * The flood soak's probe, in a process of its own so that its timings are not delayed by the flooding client's
 * event loop: every `probeMs` it asks the gateway for `GET /` and for a `GetConnection` of a bystander, and an idle
 * server (another process) for `GET /`, and reports each latency to the parent over IPC. Started by flood-soak.ts
 * with {httpUrl, connectionId, probeMs, controlUrl}.
 */
import { ApiGatewayManagementApiClient, GetConnectionCommand } from '@aws-sdk/client-apigatewaymanagementapi'

interface Start {
  type: 'start'
  httpUrl: string
  connectionId: string
  probeMs: number
  /** An idle server in its own process: the same probe's latency there is the machine's share of the figure. */
  controlUrl: string
}

export interface ProbeReport {
  type: 'probe'
  kind: 'http' | 'connections' | 'control'
  /** When the probe was sent, ms since the probe process started (performance.now()). */
  at: number
  /** Latency in ms, or undefined when the request failed or timed out (30 s). */
  ms?: number
}

const send = (m: unknown) => process.send?.(m)

process.on('message', (m: Start | { type: 'stop' }) => {
  if (m.type === 'stop') process.exit(0)
  const sdk = new ApiGatewayManagementApiClient({
    endpoint: `${m.httpUrl}/dev`,
    region: 'us-east-1',
    credentials: { accessKeyId: 'AKIASOAKPROBE0000001', secretAccessKey: 'probe' },
    maxAttempts: 1,
  })
  const report = (kind: ProbeReport['kind'], at: number, ms?: number) =>
    send({ type: 'probe', kind, at, ms } satisfies ProbeReport)
  setInterval(() => {
    const t0 = performance.now()
    void fetch(m.httpUrl, { signal: AbortSignal.timeout(30_000) })
      .then((r) => r.arrayBuffer())
      .then(
        () => report('http', t0, performance.now() - t0),
        () => report('http', t0),
      )
    void fetch(m.controlUrl, { signal: AbortSignal.timeout(30_000) })
      .then((r) => r.arrayBuffer())
      .then(
        () => report('control', t0, performance.now() - t0),
        () => report('control', t0),
      )
    void sdk
      .send(new GetConnectionCommand({ ConnectionId: m.connectionId }), { abortSignal: AbortSignal.timeout(30_000) })
      .then(
        () => report('connections', t0, performance.now() - t0),
        () => report('connections', t0),
      )
  }, m.probeMs)
})
send({ type: 'ready' })
