import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { ConnectionState } from './page-connection'
import { StatePacer, trafficOnly } from './state-pacing'

function state(patch: Partial<ConnectionState> = {}): ConnectionState {
  return {
    connection: 1,
    readyState: 1,
    url: 'ws://127.0.0.1:1/',
    protocol: '',
    connectingAt: 1,
    openedAt: 2,
    lastSentAt: undefined,
    lastReceivedAt: undefined,
    sentCount: 0,
    receivedCount: 0,
    lastClose: undefined,
    keepaliveEnabled: false,
    nextKeepaliveAt: undefined,
    nextReconnectAt: undefined,
    ...patch,
  }
}

describe('trafficOnly', () => {
  it('tells counters and message times from everything else', () => {
    const close = { at: 5, code: 1000, reason: '', wasClean: true, initiator: 'client' as const, beforeOpen: false }
    expect(trafficOnly(state(), state({ receivedCount: 9, lastReceivedAt: 9, sentCount: 1, lastSentAt: 3 }))).toBe(true)
    expect(trafficOnly(state(), state({ readyState: 2 }))).toBe(false)
    expect(trafficOnly(state(), state({ keepaliveEnabled: true }))).toBe(false)
    expect(trafficOnly(state(), state({ nextReconnectAt: 7 }))).toBe(false)
    expect(trafficOnly(state(), state({ lastClose: close }))).toBe(false)
    // A worker's fresh copy of the same close is no change; another close is.
    expect(trafficOnly(state({ lastClose: close }), state({ lastClose: { ...close }, receivedCount: 1 }))).toBe(true)
    expect(trafficOnly(state({ lastClose: close }), state({ lastClose: { ...close, code: 1001 } }))).toBe(false)
  })
})

describe('StatePacer', () => {
  beforeEach(() => vi.useFakeTimers())
  afterEach(() => vi.useRealTimers())

  function setup() {
    const shown = new Map<string, ConnectionState>()
    const shows: [number, string, ConnectionState][] = []
    const t0 = Date.now()
    const pacer = new StatePacer(
      (id) => shown.get(id),
      (id, s) => {
        shown.set(id, s)
        shows.push([Date.now() - t0, id, s])
      },
    )
    return { pacer, shown, shows }
  }

  it('shows a lone reply at once, and a flood of them a few times a second while `latest` stays exact', () => {
    const { pacer, shows } = setup()
    pacer.offer('c1', state())
    pacer.offer('c1', state({ receivedCount: 1 }))
    expect(shows.map(([at, , s]) => [at, s.receivedCount])).toEqual([
      [0, 0],
      [0, 1],
    ])
    // A flood: 130 messages every 16 ms for two seconds.
    let received = 1
    for (let ms = 0; ms < 2000; ms += 16) {
      vi.advanceTimersByTime(16)
      received += 130
      pacer.offer('c1', state({ receivedCount: received }))
      expect(pacer.latest('c1')!.receivedCount).toBe(received)
    }
    const during = shows.slice(2)
    // 125 states in two seconds, shown at most 10 times a second at first and 4 a second once it is a flood.
    expect(during.length).toBeGreaterThan(3)
    expect(during.length).toBeLessThanOrEqual(10)
    vi.advanceTimersByTime(1000)
    // The last count is shown once the window ends.
    expect(shows.at(-1)![2].receivedCount).toBe(received)
  })

  it('shows a change of readyState or close at once, whole, with the counters that came with it', () => {
    const { pacer, shows } = setup()
    pacer.offer('c1', state())
    vi.advanceTimersByTime(5)
    pacer.offer('c1', state({ receivedCount: 5 }))
    vi.advanceTimersByTime(5)
    pacer.offer('c1', state({ receivedCount: 6 }))
    expect(shows).toHaveLength(2)
    pacer.offer('c1', state({ receivedCount: 7, readyState: 3 }))
    expect(shows).toHaveLength(3)
    expect(shows[2]![2]).toMatchObject({ readyState: 3, receivedCount: 7 })
    // Nothing waits any more: the paced repaint shows nothing older over it.
    vi.advanceTimersByTime(1000)
    expect(shows).toHaveLength(3)
  })

  it('shows the waiting states with the clock’s tick during a flood, and leaves the tick alone otherwise', () => {
    const { pacer, shows } = setup()
    pacer.offer('c1', state())
    pacer.offer('c1', state({ receivedCount: 1 }))
    vi.advanceTimersByTime(10)
    pacer.offer('c1', state({ receivedCount: 2 }))
    // Quiet: a tick does not hurry the short window.
    pacer.tick()
    expect(shows).toHaveLength(2)
    vi.advanceTimersByTime(90)
    expect(shows).toHaveLength(3)
    // A flood: 2,000 messages in the next window make the window after it a long one.
    pacer.offer('c1', state({ receivedCount: 2001 }))
    vi.advanceTimersByTime(100)
    expect(shows).toHaveLength(4)
    pacer.offer('c1', state({ receivedCount: 3000 }))
    vi.advanceTimersByTime(50)
    expect(shows).toHaveLength(4)
    pacer.tick()
    expect(shows.map(([, , s]) => s.receivedCount)).toEqual([0, 1, 2, 2001, 3000])
    // Nothing waits: a tick shows nothing again, and the fallback timer was stopped.
    pacer.tick()
    vi.advanceTimersByTime(1000)
    expect(shows).toHaveLength(5)
  })

  it('paces each connection and forgets a removed one', () => {
    const { pacer, shows } = setup()
    pacer.offer('c1', state())
    pacer.offer('c2', state())
    pacer.offer('c1', state({ receivedCount: 1 }))
    pacer.offer('c2', state({ receivedCount: 1 }))
    pacer.offer('c2', state({ receivedCount: 2 }))
    pacer.forget('c2')
    expect(pacer.latest('c2')).toBeUndefined()
    vi.advanceTimersByTime(1000)
    expect(shows.map(([, id, s]) => `${id}:${s.receivedCount}`)).toEqual(['c1:0', 'c2:0', 'c1:1'])
  })
})
