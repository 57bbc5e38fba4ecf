import { describe, expect, it } from 'vitest'
import type { SessionEvent } from '../session/events'
import { binMarkers } from './marker-bins'
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

describe('binned markers kept between redraws', () => {
  const kinds = ['sent', 'received', 'keepalive', 'received', 'received', 'closed', 'error', 'aws', 'reconnect']
  /** A deterministic mix of traffic and lone markers on three lanes (and one without a source), `step` ms apart. */
  function feed(t: TimelineModel, count: number, start: number, step: number, seed = 1) {
    let x = seed
    const next = () => (x = (x * 1103515245 + 12345) % 2 ** 31) / 2 ** 31
    for (let i = 0; i < count; i++) {
      const r = next()
      const kind = kinds[r < 0.9 ? Math.floor(r * 5) : 5 + Math.floor((r - 0.9) * 40)] as SessionEvent['kind']
      const lane = Math.floor(next() * 4)
      t.apply(
        at(start + i * step, kind, {
          source: lane === 3 ? undefined : `c${lane}`,
          bytes: Math.floor(next() * 100),
          code: kind === 'closed' ? 1000 + lane : undefined,
          message: kind === 'reconnect' ? `again ${i}` : undefined,
        }),
      )
    }
  }

  /** The full re-bin of the ring, lane by lane, with the columns the model used. */
  function fullRebin(t: TimelineModel, from: number, to: number, bins: number) {
    const { range } = t.binnedColumns(from, to, bins)
    const bySource = new Map<string, ReturnType<typeof binMarkers>>()
    const all = t.markersIn(-Infinity, Infinity)
    for (const source of new Set(all.map((m) => m.source ?? ''))) {
      const binned = binMarkers(
        all.filter((m) => (m.source ?? '') === source),
        range,
        from,
        to,
      )
      if (binned.length) bySource.set(source, binned)
    }
    return bySource
  }

  it('equal a full re-bin as markers arrive, the window slides and the ring drops the oldest', () => {
    const t = new TimelineModel(3000)
    const bins = 150
    let now = 0
    for (let round = 0; round < 40; round++) {
      // Bursts of different densities, so columns fill, empty (the ring turns over) and slide out of the window.
      feed(t, round % 7 === 0 ? 2500 : 120, now, round % 7 === 0 ? 0.4 : 25, round + 1)
      now += round % 7 === 0 ? 1000 : 3000
      const from = now - 60_000
      const incremental = t.binnedMarkersBySource(from, now, bins)
      expect(incremental).toEqual(fullRebin(t, from, now, bins))
    }
    // The columns were reused: one build, then only what came since was folded in.
    expect(t.bins.work.rebuilds).toBe(1)
    expect(t.bins.work.folded).toBeLessThanOrEqual(t.markerCount + 40 * 2500)
  })

  it('equal a full re-bin when a flood comes in runs of one lane, an update at a time', () => {
    // Runs of one connection's messages fill the same column one after another (the fold's shortcut), while the
    // ring turns over mid-run and the window slides.
    const t = new TimelineModel(700)
    let now = 0
    for (let update = 0; update < 30; update++) {
      const events: SessionEvent[] = []
      for (let i = 0; i < 90; i++) {
        const lane = Math.floor(i / 30) + (update % 2)
        const kind = i % 31 === 0 ? 'sent' : i === 45 ? 'closed' : 'received'
        events.push(at(now + i * 7, kind, { source: `c${lane}`, bytes: i, code: kind === 'closed' ? 4000 : undefined }))
      }
      t.applyAll(events)
      now += 900
      const from = now - 20_000
      expect(t.binnedMarkersBySource(from, now, 40)).toEqual(fullRebin(t, from, now, 40))
    }
    expect(t.markerCount).toBe(700)
    expect(t.bins.work.rebuilds).toBe(1)
  })

  it('read only the markers added since the last redraw, however many the window holds', () => {
    const t = new TimelineModel()
    feed(t, 50_000, 0, 1)
    t.binnedMarkersBySource(-10_000, 50_000, 300)
    const before = { ...t.bins.work }
    feed(t, 10, 50_000, 1, 7)
    const after = t.binnedMarkersBySource(-9_990, 50_010, 300)
    expect(t.bins.work).toEqual({ folded: before.folded + 10, rebuilds: before.rebuilds })
    expect(after).toEqual(fullRebin(t, -9_990, 50_010, 300))
  })

  it('drop the columns the window slid past, and keep lone markers with their details', () => {
    const t = new TimelineModel()
    t.apply(at(1000, 'received', { source: 'a', bytes: 5 }))
    t.apply(at(1001, 'received', { source: 'a', bytes: 7 }))
    t.apply(at(1500, 'closed', { source: 'a', code: 4001, reason: 'bye' }))
    t.apply(at(30_000, 'sent', { source: 'a', bytes: 1 }))
    // 60 columns of 1 s.
    expect(t.binnedMarkersBySource(0, 60_000, 60).get('a')).toEqual([
      { at: 1500, kind: 'received', count: 2, bytes: 12, first: 1000, last: 1001 },
      {
        at: 1500,
        kind: 'closed',
        count: 1,
        bytes: 0,
        code: 4001,
        reason: 'bye',
        label: undefined,
        first: 1500,
        last: 1500,
      },
      { at: 30_000, kind: 'sent', count: 1, bytes: 1, first: 30_000, last: 30_000 },
    ])
    // Two seconds later the first column and the close have left the window; the send stays where it was.
    expect(t.binnedMarkersBySource(2000, 62_000, 60).get('a')).toEqual([
      { at: 30_000, kind: 'sent', count: 1, bytes: 1, first: 30_000, last: 30_000 },
    ])
    expect(t.binnedMarkersBySource(40_000, 100_000, 60).get('a')).toBeUndefined()
    expect(t.bins.work.rebuilds).toBe(1)
  })

  it('keep their column width while the all window grows by less than a quarter, then rebuild', () => {
    const t = new TimelineModel()
    feed(t, 1000, 0, 10)
    t.binnedMarkersBySource(0, 60_000, 100)
    t.binnedMarkersBySource(0, 70_000, 100)
    expect(t.binnedColumns(0, 74_000, 100).range.width).toBe(600)
    expect(t.bins.work.rebuilds).toBe(1)
    expect(t.binnedColumns(0, 76_000, 100).range.width).toBe(760)
    expect(t.bins.work.rebuilds).toBe(2)
    expect(t.binnedMarkersBySource(0, 76_000, 100)).toEqual(fullRebin(t, 0, 76_000, 100))
  })
})
