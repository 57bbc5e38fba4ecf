import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { HostUpdate } from './host-protocol'
import { HostDispatcher, WORKER_UPDATE_PACING } from './host-dispatcher'
import { startEchoServer, until, wsClientFactory } from '../test-support/ws-test-server'

// Real sockets against a real `ws` echo server; the dispatcher's clock and timers are fake, so the cadence is exact.
describe('HostDispatcher’s paced delivery', () => {
  let server: Awaited<ReturnType<typeof startEchoServer>>
  let d: HostDispatcher
  let delivered: { at: number; update: HostUpdate }[]
  let t0: number

  beforeEach(async () => {
    server = await startEchoServer()
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] })
    t0 = performance.now()
    delivered = []
    d = new HostDispatcher({
      delivery: { mode: 'batched', intervalMs: 16, maxPendingEvents: 10_000, paced: WORKER_UPDATE_PACING },
      deliver: (update) => delivered.push({ at: performance.now() - t0, update }),
      collection: {
        session: { createSocket: wsClientFactory, sampleIntervalMs: 60_000 },
        defaults: { endpoint: server.url },
      },
    })
  })

  afterEach(async () => {
    d.dispose()
    vi.useRealTimers()
    await server.close()
  })

  const received = () => d.collection.get('c1')!.snapshot().receivedCount
  /** Sends `count` messages and waits (in real time) until their echoes are in; fake time stands still meanwhile. */
  async function exchange(count: number) {
    const before = received()
    for (let i = 0; i < count; i++) d.handle({ op: 'send', id: 'c1', data: `m${i}` })
    await until(() => received() === before + count, 'echoes')
  }
  /** Fake time until the next update goes, and that update (acknowledged). */
  function nextUpdate(maxMs = 1000) {
    const count = delivered.length
    for (let ms = 0; ms <= maxMs && delivered.length === count; ms++) vi.advanceTimersByTime(ms === 0 ? 0 : 1)
    const next = delivered[count]
    if (!next) throw new Error('no update')
    d.ack()
    return next
  }

  it('sends a lone reply at once, a flood a few times a second, and a close at the next frame', async () => {
    d.handle({ op: 'connect', id: 'c1' })
    nextUpdate()
    await until(() => d.collection.get('c1')!.snapshot().readyState === 1, 'open')
    nextUpdate()
    vi.advanceTimersByTime(5000)
    const quietUntil = performance.now() - t0

    // Quiet: one message and its echo go at once.
    await exchange(1)
    const lone = nextUpdate()
    expect(lone.at).toBe(quietUntil)
    expect(lone.update.events.map((e) => e.kind)).toEqual(['sent', 'received'])

    // 200 events within a frame: a flood's rate, after which updates wait 250 ms.
    await exchange(100)
    const first = nextUpdate()
    expect(first.at - lone.at).toBe(16)
    expect(first.update.events).toHaveLength(200)
    await exchange(50)
    const second = nextUpdate()
    expect(second.at - first.at).toBe(250)
    expect(second.update.events).toHaveLength(100)
    // 100 events in 250 ms (400 a second): 100 ms, as for the keepalives of many idle connections.
    await exchange(10)
    const third = nextUpdate()
    expect(third.at - second.at).toBe(100)
    // 20 in 100 ms (200 a second): still 100 ms; then 2 in 100 ms: a frame again.
    await exchange(1)
    const fourth = nextUpdate()
    expect(fourth.at - third.at).toBe(100)
    await exchange(50)
    const fifth = nextUpdate()
    expect(fifth.at - fourth.at).toBe(16)

    // A flood again (100 events in a frame), but a lifecycle event does not wait for the pacing: a close goes at
    // the next frame.
    d.handle({ op: 'disconnect', id: 'c1' })
    const closing = nextUpdate()
    expect(closing.at - fifth.at).toBe(16)
    expect(closing.update.events.map((e) => e.kind)).toContain('closing')
  })

  it('reads the clock once for a run of traffic waiting for its update, not once per event', async () => {
    d.handle({ op: 'connect', id: 'c1' })
    nextUpdate()
    await until(() => d.collection.get('c1')!.snapshot().readyState === 1, 'open')
    nextUpdate()
    const clock = vi.spyOn(performance, 'now')
    await exchange(100)
    // The first of the 200 events schedules the update; the other 199 find it scheduled.
    expect(clock).toHaveBeenCalledTimes(1)
    clock.mockRestore()
    expect(nextUpdate().update.events).toHaveLength(200)
  })
})
