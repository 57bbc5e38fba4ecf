import { describe, expect, it } from 'vitest'
import type { SessionEvent } from '../session/events'
import { TimelineModel, windowRange } from './timeline'

// Fixtures fill only the fields a test reads.
const at = (t: number, kind: SessionEvent['kind'], extra: Record<string, unknown> = {}): SessionEvent =>
  ({
    at: t,
    connection: 1,
    kind,
    direction: 'none',
    ...extra,
  }) as SessionEvent

describe('TimelineModel', () => {
  it('turns lifecycle events into readyState segments with exact times and a gap between connections', () => {
    const t = new TimelineModel()
    t.apply(at(1000, 'connecting'))
    t.apply(at(1040, 'open'))
    t.apply(at(5000, 'sent', { direction: 'out', bytes: 4 }))
    t.apply(at(9000, 'closing'))
    t.apply(at(9010, 'closed', { code: 1000 }))
    t.apply(at(12000, 'connecting', { connection: 2 }))
    expect(t.segments.map((s) => [s.state, s.start, s.end, s.connection])).toEqual([
      [0, 1000, 1040, 1],
      [1, 1040, 9000, 1],
      [2, 9000, 9010, 1],
      [3, 9010, 12000, 1],
      [0, 12000, undefined, 2],
    ])
    expect(t.segments[3]?.gap).toBe(true)
    expect(t.transitions(2).map((x) => x.name)).toEqual(['CLOSED', 'CONNECTING'])
  })

  it('keeps one lane per source: a change in one connection never ends another’s segment', () => {
    const t = new TimelineModel()
    t.apply(at(1000, 'connecting', { source: 'c1', connection: 1 }))
    t.apply(at(1010, 'connecting', { source: 'c2', connection: 2 }))
    t.apply(at(1040, 'open', { source: 'c1', connection: 1 }))
    t.apply(at(1050, 'open', { source: 'c2', connection: 2 }))
    t.apply(at(3000, 'keepalive', { source: 'c1', connection: 1, direction: 'out', bytes: 4 }))
    t.apply(at(4000, 'closing', { source: 'c2', connection: 2, code: 1001 }))
    t.apply(at(4001, 'closed', { source: 'c2', connection: 2, code: 1001 }))
    expect(t.sources()).toEqual(['c1', 'c2'])
    expect(t.segmentsIn(0, 5000, 'c1').map((s) => [s.state, s.start, s.end])).toEqual([
      [0, 1000, 1040],
      [1, 1040, 5000],
    ])
    expect(t.segmentsIn(0, 5000, 'c2').map((s) => [s.state, s.start, s.end])).toEqual([
      [0, 1010, 1050],
      [1, 1050, 4000],
      [2, 4000, 4001],
      [3, 4001, 5000],
    ])
    expect(t.markersIn(0, 5000, 'c1').map((m) => m.kind)).toEqual(['keepalive'])
    expect(t.binnedMarkers(0, 5000, 10, 'c2').map((m) => [m.kind, m.code])).toEqual([['closed', 1001]])
  })

  it('clips segments to a window and extends the live one to now', () => {
    const t = new TimelineModel()
    t.apply(at(1000, 'connecting'))
    t.apply(at(2000, 'open'))
    expect(t.segmentsIn(1500, 10_000).map((s) => [s.state, s.start, s.end])).toEqual([
      [0, 1500, 2000],
      [1, 2000, 10_000],
    ])
  })

  it('keeps markers in time order, with close codes, and bins a flood into columns', () => {
    const t = new TimelineModel()
    t.apply(at(0, 'connecting'))
    t.apply(at(1, 'open'))
    for (let i = 0; i < 10_000; i++) t.apply(at(10 + i / 10, 'received', { direction: 'in', bytes: 100 }))
    t.apply(at(2000, 'keepalive', { direction: 'out', bytes: 4 }))
    t.apply(at(3000, 'closed', { code: 1001, reason: 'Going away' }))
    expect(t.markersIn(2000, 3000).map((m) => m.kind)).toEqual(['keepalive', 'closed'])
    const bins = t.binnedMarkers(0, 3000, 300)
    expect(bins.length).toBeLessThan(120)
    expect(bins.filter((b) => b.kind === 'received').reduce((n, b) => n + b.count, 0)).toBe(10_000)
    expect(bins.find((b) => b.kind === 'closed')).toMatchObject({ code: 1001, reason: 'Going away', count: 1 })
  })

  it('bounds its markers', () => {
    const t = new TimelineModel(100)
    for (let i = 0; i < 1000; i++) t.apply(at(i, 'sent', { direction: 'out' }))
    expect(t.markerCount).toBe(100)
    expect(t.markersIn(0, 2000)[0]?.at).toBe(900)
  })
})

describe('windowRange', () => {
  it('ends now and spans the chosen window, or everything', () => {
    expect(windowRange('1m', 100_000, 0)).toEqual({ from: 40_000, to: 100_000 })
    expect(windowRange('all', 10_000_000, 5)).toEqual({ from: 5, to: 10_000_000 })
    expect(windowRange('all', 10_000, undefined)).toEqual({ from: -50_000, to: 10_000 })
  })
})

describe('reconnect decisions on the timeline', () => {
  it('are markers of their own, never merged, labelled with what was decided', () => {
    const t = new TimelineModel()
    for (const [at, message] of [
      [1000, 'Reconnecting in 1 s (attempt 1 of 3).'],
      [1001, 'Reconnecting in 2 s (attempt 2 of 3).'],
    ] as const) {
      t.apply({ at, connection: 1, kind: 'reconnect', direction: 'none', message })
    }
    const markers = t.binnedMarkers(0, 60_000, 10)
    expect(markers.map((m) => [m.kind, m.label])).toEqual([
      ['reconnect', 'Reconnecting in 1 s (attempt 1 of 3).'],
      ['reconnect', 'Reconnecting in 2 s (attempt 2 of 3).'],
    ])
  })
})
