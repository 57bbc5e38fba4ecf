import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { startGateway, type Gateway, type GatewayOptions } from '../../../gateway/src/index'
import { observeSockets, type SocketObservation } from '../session/observed-socket'
import { FAKE_CLOCK, Lockstep } from '../test-support/lockstep'
import { until, wsClientFactory } from '../test-support/ws-test-server'
import {
  ExperimentCancelledError,
  fetchManagement,
  findExperiment,
  runExperiment,
  type ExperimentDeps,
  type ExperimentInput,
  type ExperimentProgress,
  type ResultRow,
  type TimerApi,
} from './index'

// End to end: every experiment against the real local gateway (real `ws` sockets, real HTTP) on one fake clock that
// moves only when nothing is in flight, so every measured time is an exact timer value however loaded the machine.
let lockstep: Lockstep
beforeEach(() => {
  vi.useFakeTimers(FAKE_CLOCK)
  lockstep = new Lockstep()
})
afterEach(() => vi.useRealTimers())

const gateways: Gateway[] = []
afterAll(() => Promise.all(gateways.map((gw) => gw.close())))

async function gateway(options: GatewayOptions): Promise<Gateway> {
  const gw = await startGateway({ port: 0, log: false, ...lockstep.handlers(), ...options })
  gateways.push(gw)
  return lockstep.watch(gw)
}

/** Timers that count what is still pending, to prove a cancel leaves none behind. */
function countingTimers(): TimerApi & { pending: Set<unknown> } {
  const pending = new Set<unknown>()
  return {
    pending,
    setTimeout(callback, ms) {
      const handle = setTimeout(() => {
        pending.delete(handle)
        callback()
      }, ms)
      pending.add(handle)
      return handle
    },
    clearTimeout(handle) {
      pending.delete(handle)
      clearTimeout(handle as ReturnType<typeof setTimeout>)
    },
  }
}

function depsFor(gw: Gateway, extra: Partial<ExperimentDeps> = {}): ExperimentDeps {
  return {
    createSocket: lockstep.sockets(wsClientFactory),
    management: lockstep.management(fetchManagement(gw.connectionsUrl)),
    ...extra,
  }
}

async function run(id: string, gw: Gateway, input: Omit<ExperimentInput, 'endpoint'>, deps = depsFor(gw)) {
  const definition = findExperiment(id)
  if (!definition) throw new Error(`no experiment ${id}`)
  const progress: ExperimentProgress[] = []
  const rows = await lockstep.run(
    runExperiment(definition, { endpoint: gw.wsUrl, ...input }, deps, {
      onProgress: (p) => progress.push(p),
      progressIntervalMs: 100,
    }),
  )
  expect(rows).toHaveLength(Number(input.runs ?? 3))
  for (const row of rows) expect(row.error, `run ${row.run} failed`).toBeUndefined()
  return { rows, progress }
}

function expectTimeoutClose(row: ResultRow): void {
  expect(row.measured).toMatchObject({ closeCode: 1001, closeReason: 'Going away', wasClean: true, closedBy: 'server' })
}

describe('timeout experiments against the local gateway', () => {
  it('idle: measures the configured idle timeout, code and reason, on every run', async () => {
    const gw = await gateway({ idleTimeout: 0.8, maxDuration: 5 })
    const { rows, progress } = await run('idle', gw, { runs: 2, idleSeconds: 0.8, maxSeconds: 5 })
    expect(rows.map((r) => r.run)).toEqual([1, 2])
    for (const row of rows) {
      expect(row.measured.closedAfterMs).toBe(800)
      expectTimeoutClose(row)
      expect(row).toMatchObject({
        experimentId: 'idle',
        endpointKind: 'local',
        endpoint: gw.wsUrl,
        profile: { id: 'custom', idleSeconds: 0.8, maxSeconds: 5 },
        documented: { closedAfterMs: 600_000 },
      })
    }
    // Progress: both runs reported, fractions never go back, and it ends at 1.
    expect(new Set(progress.map((p) => p.run))).toEqual(new Set([1, 2]))
    const fractions = progress.map((p) => p.fraction)
    expect(fractions).toEqual([...fractions].sort((a, b) => a - b))
    expect(progress.at(-1)).toMatchObject({ fraction: 1, phase: 'Done' })
    expect(progress.some((p) => p.phase.includes('waiting for the idle close'))).toBe(true)
    expect(progress.every((p) => p.expectedEndAt > 0)).toBe(true)
  })

  it('idle-after-message: measures from the message to the close', async () => {
    const gw = await gateway({ idleTimeout: 0.8, maxDuration: 5 })
    const { rows } = await run('idle-after-message', gw, { runs: 1, idleSeconds: 0.8, maxSeconds: 5 })
    const [row] = rows
    expect(row!.measured).toMatchObject({
      closedAfterMessageMs: 800,
      closedAfterLastTrafficMs: 800,
      openToCloseMs: 800,
    })
    expect(row!.measured.repliesReceived).toBe(1)
    expectTimeoutClose(row!)
  })

  it('keepalive: survives with a keepalive below the idle timeout', async () => {
    const gw = await gateway({ idleTimeout: 0.8, maxDuration: 5 })
    const { rows } = await run('keepalive', gw, {
      runs: 1,
      idleSeconds: 0.8,
      maxSeconds: 5,
      intervalSeconds: 0.3,
      targetSeconds: 2,
    })
    const m = rows[0]!.measured
    // Keepalives at 0.3, 0.6 … 1.8 s; the run ends at exactly 2 s.
    expect(m).toMatchObject({ survived: true, closeCode: null, aliveMs: 2000, keepalivesSent: 6 })
    expect(rows[0]!.documented).toEqual({ survived: true })
  })

  it('runs one connection at a time: a run that closes its own socket sees the close before the next run opens', async () => {
    const gw = await gateway({ idleTimeout: 0.8, maxDuration: 5 })
    const seen: SocketObservation[] = []
    const deps = depsFor(gw, { createSocket: observeSockets(lockstep.sockets(wsClientFactory), (e) => seen.push(e)) })
    await run(
      'keepalive',
      gw,
      { runs: 2, idleSeconds: 0.8, maxSeconds: 5, intervalSeconds: 0.2, targetSeconds: 0.4 },
      deps,
    )
    const lifecycle = seen
      .filter((e) => e.kind === 'connecting' || e.kind === 'closed')
      .map((e) => `${e.kind} ${e.socket}`)
    expect(lifecycle).toEqual(['connecting 1', 'closed 1', 'connecting 2', 'closed 2'])
  })

  it('keepalive: dies at the idle timeout when the keepalive is too slow', async () => {
    const gw = await gateway({ idleTimeout: 0.8, maxDuration: 5 })
    const { rows } = await run('keepalive', gw, {
      runs: 1,
      idleSeconds: 0.8,
      maxSeconds: 5,
      intervalSeconds: 1.5,
      targetSeconds: 2,
    })
    const m = rows[0]!.measured
    expect(m).toMatchObject({
      survived: false,
      closeCode: 1001,
      closeReason: 'Going away',
      keepalivesSent: 0,
      aliveMs: 800,
    })
  })

  it('max-duration: a busy connection is still cut at the maximum duration', async () => {
    const gw = await gateway({ idleTimeout: 0.8, maxDuration: 2 })
    const { rows } = await run('max-duration', gw, { runs: 1, idleSeconds: 0.8, maxSeconds: 2, keepaliveSeconds: 0.3 })
    const row = rows[0]!
    // Keepalives at 0.3 … 1.8 s kept it from the idle close; the maximum duration cut it at exactly 2 s.
    expect(row.measured).toMatchObject({ closedAfterMs: 2000, keepalivesSent: 6 })
    expectTimeoutClose(row)
    expect(row.documented).toMatchObject({ closedAfterMs: 7_200_000 })
  })

  it.each([
    ['client-message', true, null],
    ['server-post', true, 200],
    ['get-connection', false, 200],
  ] as const)('idle-reset: %s resets the idle timer: %s', async (variant, reset, status) => {
    const gw = await gateway({ idleTimeout: 1, maxDuration: 5 })
    const { rows } = await run('idle-reset', gw, { runs: 1, idleSeconds: 1, maxSeconds: 5, variant })
    const m = rows[0]!.measured
    expect(m).toMatchObject({ resetIdleTimer: reset, actionStatus: status, closeCode: 1001 })
    // The action at half the idle timeout; the close one idle timeout after it (reset) or after the baseline (not).
    expect(m).toMatchObject(
      reset
        ? { actionAtMs: 500, closedAfterActionMs: 1000, closedAfterBaselineMs: 1500 }
        : { actionAtMs: 500, closedAfterActionMs: 500, closedAfterBaselineMs: 1000 },
    )
    expect(m.connectionId).toMatch(/^[A-Za-z0-9_-]{15}=$/)
  })
})

describe('other experiments against the local gateway', () => {
  it('size-limits: finds the 32768-byte frame limit and 1009 beyond it', async () => {
    const gw = await gateway({})
    const { rows } = await run('size-limits', gw, { runs: 1 })
    expect(rows[0]!.measured).toMatchObject({
      largestPassingBytes: 32_768,
      smallestFailingBytes: 32_769,
      exact: true,
      closeCode: 1009,
    })
    expect(rows[0]!.measured.probes as number).toBeLessThanOrEqual(24)
    expect(rows[0]!.documented).toMatchObject({ largestPassingBytes: 32_768, closeCode: 1009 })
    await until(() => gw.connections().length === 0, 'every probe connection to close')
  })

  it('size-limits: stops at the probe bound and says the answer is not exact', async () => {
    const gw = await gateway({})
    const { rows } = await run('size-limits', gw, { runs: 1, maxProbes: 4 })
    const m = rows[0]!.measured
    expect(m).toMatchObject({ probes: 4, exact: false, closeCode: 1009 })
    expect(m.largestPassingBytes as number).toBeLessThanOrEqual(32_768)
    expect(m.smallestFailingBytes as number).toBeGreaterThan(32_768)
  })

  it('gone-after-close: a post to the closed connection fails with 410 GoneException', async () => {
    const gw = await gateway({})
    const { rows } = await run('gone-after-close', gw, { runs: 2, pollMs: 20 })
    for (const row of rows) {
      expect(row.measured).toMatchObject({ goneStatus: 410, goneName: 'GoneException' })
      // Gone at the first post, or at the second one poll later if the close frame lost the race with the first.
      expect([
        { polls: 1, goneAfterMs: 0 },
        { polls: 2, goneAfterMs: 20 },
      ]).toContainEqual({
        polls: row.measured.polls,
        goneAfterMs: row.measured.goneAfterMs,
      })
      expect(row.documented).toEqual({ goneStatus: 410 })
    }
  })

  it('cancel: stops mid-run, closes the socket and clears every timer', async () => {
    const gw = await gateway({ idleTimeout: 30 })
    const timers = countingTimers()
    const controller = new AbortController()
    const rows: ResultRow[] = []
    const running = runExperiment(
      findExperiment('idle')!,
      { endpoint: gw.wsUrl, runs: 3, idleSeconds: 30, maxSeconds: 60 },
      depsFor(gw, { timers }),
      {
        signal: controller.signal,
        onRow: (row) => rows.push(row),
        onProgress: (p) => {
          if (p.phase.startsWith('Open')) controller.abort()
        },
      },
    )
    const error: unknown = await lockstep.run(running.catch((e: unknown) => e))
    expect(error).toBeInstanceOf(ExperimentCancelledError)
    expect((error as ExperimentCancelledError).rows).toEqual([])
    expect(rows).toEqual([])
    expect(timers.pending.size).toBe(0)
    await until(() => gw.connections().length === 0, 'the gateway to see the socket close')
  })

  it('records a failed run as a row with an error and goes on', async () => {
    const gw = await gateway({})
    const port = gw.port
    await lockstep.run(gw.close())
    const rows = await lockstep.run(
      runExperiment(findExperiment('idle')!, { endpoint: `ws://127.0.0.1:${port}/dev`, runs: 2 }, depsFor(gw)),
    )
    expect(rows).toHaveLength(2)
    for (const row of rows) {
      expect(row.error).toMatch(/never opened/)
      expect(row.measured).toEqual({})
    }
  })

  it('refuses to start without the @connections API when the experiment needs it', async () => {
    const gw = await gateway({})
    await expect(
      runExperiment(findExperiment('gone-after-close')!, { endpoint: gw.wsUrl }, { createSocket: wsClientFactory }),
    ).rejects.toThrow(/needs the @connections API/)
    await expect(
      runExperiment(
        findExperiment('idle-reset')!,
        { endpoint: gw.wsUrl, variant: 'get-connection' },
        { createSocket: wsClientFactory },
      ),
    ).rejects.toThrow(/needs the @connections API/)
  })
})
