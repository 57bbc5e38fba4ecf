import { beforeEach, describe, expect, it } from 'vitest'
import type { SessionEvent } from '../session/events'
import { clockTime } from '../timing/time-format'
import {
  BAND_HEIGHT,
  BAND_Y,
  chartGeometry,
  closeCode,
  headName,
  COMPACT_HEIGHT,
  FULL_LANES_MAX,
  GROUP_HEIGHT,
  LANE,
  LEFT,
  MARK_LANE,
  MARK_LANES,
  MARK_Y,
  markerLabel,
  MIN_WIDTH,
  RIGHT_MARGIN,
  shortName,
  TICK_HEIGHT,
  TICK_Y,
  TOP,
} from './chart-geometry'
import { TimelineModel } from './timeline'

// Fixtures fill only the fields a test reads.
const ev = (at: number, kind: SessionEvent['kind'], extra: Record<string, unknown> = {}): SessionEvent =>
  ({ at, connection: 1, kind, direction: 'none', ...extra }) as SessionEvent

/** A 100 px plot (LEFT + 100 + RIGHT_MARGIN wide) over 0…1000 ms: 1 px per 10 ms. */
const WIDTH = LEFT + 100 + RIGHT_MARGIN

describe('chartGeometry', () => {
  it('places each readyState segment in its lane, from its start to its end, and steps between them', () => {
    const t = new TimelineModel()
    t.apply(ev(100, 'connecting'))
    t.apply(ev(200, 'open'))
    t.apply(ev(700, 'closing'))
    t.apply(ev(720, 'closed', { code: 1000 }))
    const g = chartGeometry(t, 0, 1000, WIDTH)
    expect(g.w).toBe(WIDTH)
    const lane = g.lanes[0]!
    expect(g.lanes).toHaveLength(1)
    expect(lane.readyState).toBe(3)
    expect(lane.segments.map((s) => [s.state, s.x, s.w, s.y])).toEqual([
      [0, LEFT + 10, 10, TOP],
      [1, LEFT + 20, 50, TOP + LANE],
      [2, LEFT + 70, 2, TOP + 2 * LANE],
      // The live CLOSED segment runs to the right edge.
      [3, LEFT + 72, 28, TOP + 3 * LANE],
    ])
    expect(lane.steps).toEqual([
      { x: LEFT + 20, y1: TOP + LANE / 2, y2: TOP + LANE + LANE / 2 },
      { x: LEFT + 70, y1: TOP + LANE + LANE / 2, y2: TOP + 2 * LANE + LANE / 2 },
      { x: LEFT + 72, y1: TOP + 2 * LANE + LANE / 2, y2: TOP + 3 * LANE + LANE / 2 },
    ])
  })

  it('gives a state that lasted a moment 1.5 px, and names a segment that reaches the right edge "now"', () => {
    const t = new TimelineModel()
    t.apply(ev(100, 'connecting'))
    t.apply(ev(101, 'open'))
    const [first, second] = chartGeometry(t, 0, 1000, WIDTH).lanes[0]!.segments
    expect(first!.w).toBe(1.5)
    // A lane with no source (a log exported before connections were plural) is named "other".
    expect(first!.label).toBe(`other · CONNECTING (0) · connection #1 · ${clockTime(100)} → ${clockTime(101)} · 0:00`)
    expect(second!.label).toBe(`other · OPEN (1) · connection #1 · ${clockTime(101)} → now · 0:00`)
  })

  it('slides: places everything from a given origin, draws a live segment to openUntil, and leaves its duration out', () => {
    const t = new TimelineModel()
    t.apply(ev(300, 'connecting'))
    t.apply(ev(400, 'open'))
    t.apply(ev(500, 'received', { direction: 'in', bytes: 2 }))
    // Drawn when the window was 0…1000, read at 200…1200: 1 px per 10 ms from 0, the live segment to 1300.
    const g = chartGeometry(t, 200, 1200, WIDTH, { origin: 0, openUntil: 1300 })
    const [connecting, open] = g.lanes[0]!.segments
    expect([connecting!.x, connecting!.w, connecting!.open]).toEqual([LEFT + 30, 10, false])
    expect([open!.x, open!.w, open!.open]).toEqual([LEFT + 40, 90, true])
    expect(connecting!.label).toMatch(/ · 0:00$/)
    expect(open!.label).toBe(`other · OPEN (1) · connection #1 · ${clockTime(400)} → now`)
    expect(g.lanes[0]!.markers.map((m) => Math.round(m.x))).toEqual([LEFT + 50])
    // The axis is of the window read.
    expect(g.ticks[0]!.label).toBe(clockTime(200, false))
  })

  it('clips segments that started before the window to its left edge', () => {
    const t = new TimelineModel()
    t.apply(ev(-5000, 'connecting'))
    t.apply(ev(500, 'open'))
    const g = chartGeometry(t, 0, 1000, WIDTH)
    expect(g.lanes[0]!.segments.map((s) => [s.state, s.x, s.w])).toEqual([
      [0, LEFT, 50],
      [1, LEFT + 50, 50],
    ])
  })

  it('never draws narrower than the minimum width', () => {
    const g = chartGeometry(new TimelineModel(), 0, 1000, 20)
    expect(g.w).toBe(MIN_WIDTH)
    expect(g.ticks.at(-1)!.x).toBe(MIN_WIDTH - RIGHT_MARGIN)
  })

  it('puts as many ticks as fit 90 px apart (2 to 5), anchored so the end labels stay inside', () => {
    const wide = chartGeometry(new TimelineModel(), 0, 1000, LEFT + 400 + RIGHT_MARGIN)
    expect(wide.ticks.map((t) => [t.x, t.anchor])).toEqual([
      [LEFT, 'start'],
      [LEFT + 100, 'middle'],
      [LEFT + 200, 'middle'],
      [LEFT + 300, 'middle'],
      [LEFT + 400, 'end'],
    ])
    expect(wide.ticks[2]!.label).toBe(clockTime(500, false))
    const middling = chartGeometry(new TimelineModel(), 0, 1000, LEFT + 200 + RIGHT_MARGIN)
    expect(middling.ticks.map((t) => [t.x, t.anchor])).toEqual([
      [LEFT, 'start'],
      [LEFT + 100, 'middle'],
      [LEFT + 200, 'end'],
    ])
    const narrow = chartGeometry(new TimelineModel(), 0, 1000, WIDTH)
    expect(narrow.ticks.map((t) => t.anchor)).toEqual(['start', 'end'])
  })

  it("draws a close's code left of its line where, right of it, the code would pass the plot's right edge", () => {
    const t = new TimelineModel()
    t.apply(ev(0, 'open'))
    t.apply(ev(600, 'closed', { code: 4321 }))
    t.apply(ev(1480, 'error'))
    t.apply(ev(1490, 'closed', { code: 4321 }))
    // Slid 500 ms past its origin: the close at 1490 is 1 px from the right edge, the one at 600 far from it.
    const g = chartGeometry(t, 500, 1500, WIDTH, { origin: 0 })
    expect(g.lanes[0]!.markers.map((m) => [m.kind, m.x, m.codeEnd])).toEqual([
      ['closed', LEFT + 60, undefined],
      ['error', LEFT + 148, true],
      ['closed', LEFT + 149, true],
    ])
    expect(g.lanes[0]!.markers.map(closeCode)).toEqual(['4321', '!', '4321'])
  })

  it("cuts a full lane's name to what fits beside its state, never below the compact lanes' 12 characters", () => {
    const name = 'orders-service-eu-west-1-primary-socket' // 39 characters
    expect(headName(name, '· OPEN (1)', 1000)).toBe(name)
    const narrow = headName(name, '· OPEN (1)', 360)
    expect(narrow).toMatch(/^orders-service-.*…$/)
    // 18 px before the name, 8 after the plot, 6.8 px a character: the name, a space and the state fit in 360 px.
    expect(18 + ([...narrow].length + 1 + '· OPEN (1)'.length) * 6.8).toBeLessThanOrEqual(360 - 8)
    expect(headName(name, '· nothing in this window', 120)).toBe('orders-serv…')
    expect(headName('A', '· OPEN (1)', 120)).toBe('A')
  })

  it('bins a flood into 3 px columns but keeps every close with its code', () => {
    const t = new TimelineModel()
    t.apply(ev(0, 'open'))
    for (let at = 0; at < 30; at++) t.apply(ev(at, 'received', { direction: 'in', bytes: 10 }))
    t.apply(ev(10, 'closed', { code: 1001, reason: 'Going away' }))
    t.apply(ev(20, 'closed', { code: 1006 }))
    const g = chartGeometry(t, 0, 1000, WIDTH)
    // 100 px of plot → 33 columns of 1000/33 ms: the 30 messages fall in the first column.
    const { markers } = g.lanes[0]!
    const received = markers.filter((m) => m.kind === 'received')
    expect(received).toHaveLength(1)
    expect(received[0]).toMatchObject({ count: 30, bytes: 300, first: 0, last: 29 })
    expect(received[0]!.x).toBeCloseTo(LEFT + 100 / 33 / 2, 9)
    expect(markers.filter((m) => m.kind === 'closed').map((m) => [m.code, m.x, m.y])).toEqual([
      [1001, LEFT + 1, MARK_Y.closed],
      [1006, LEFT + 2, MARK_Y.closed],
    ])
    // Closes and errors share the last marker row, which ends inside the group.
    expect(MARK_Y.closed).toBe(MARK_Y.error)
    expect(MARK_Y.closed + MARK_LANE).toBeLessThanOrEqual(GROUP_HEIGHT)
    expect(MARK_LANES).toHaveLength(5)
  })
})

describe('chartGeometry with several connections', () => {
  let t: TimelineModel
  beforeEach(() => (t = new TimelineModel()))
  /** Applies events of one connection to `t`. */
  const on =
    (source: string, connection: number) =>
    (at: number, kind: SessionEvent['kind'], extra = {}) =>
      t.apply(ev(at, kind, { source, connection, ...extra }))
  const spec = (source: string, name = source.toUpperCase(), colour = '#123456') => ({ source, name, colour })

  it('gives each connection its own lane, in the given order, on one time axis', () => {
    const a = on('c1', 1)
    const b = on('c2', 2)
    b(100, 'connecting')
    a(100, 'connecting')
    a(200, 'open')
    b(200, 'open')
    b(300, 'sent', { direction: 'out', bytes: 4 })
    b(600, 'closed', { code: 1001 })
    const g = chartGeometry(t, 0, 1000, WIDTH, { lanes: [spec('c1', 'A', '#4e79a7'), spec('c2', 'B', '#f28e2b')] })
    expect(g.compact).toBe(false)
    expect(g.lanes.map((l) => [l.source, l.name, l.colour, l.h, l.readyState])).toEqual([
      ['c1', 'A', '#4e79a7', GROUP_HEIGHT, 1],
      ['c2', 'B', '#f28e2b', GROUP_HEIGHT, 3],
    ])
    const [laneA, laneB] = g.lanes
    // The same moment is at the same x in every lane.
    expect(laneA!.segments.map((s) => [s.connection, s.state, s.x])).toEqual([
      [1, 0, LEFT + 10],
      [1, 1, LEFT + 20],
    ])
    expect(laneB!.segments.map((s) => [s.connection, s.state, s.x])).toEqual([
      [2, 0, LEFT + 10],
      [2, 1, LEFT + 20],
      [2, 3, LEFT + 60],
    ])
    // Markers and closes stay with their connection, and tooltips name it.
    expect(laneA!.markers).toEqual([])
    expect(laneB!.markers.map((m) => [m.kind, m.x])).toEqual([
      ['sent', LEFT + 30],
      ['closed', LEFT + 60],
    ])
    expect(laneB!.segments[1]!.label).toMatch(/^B · OPEN \(1\) · connection #2/)
    expect(laneA!.steps).toHaveLength(1)
    expect(laneB!.steps).toHaveLength(2)
  })

  it('draws a lane for a connection with nothing yet, and adds lanes for other sources with data (the lab)', () => {
    on('lab', 1001)(100, 'connecting')
    on('c9', 9)(100, 'connecting')
    const label = (source: string) => (source === 'lab' ? { name: 'Timeout lab', colour: '#64748b' } : undefined)
    const g = chartGeometry(t, 0, 1000, WIDTH, { lanes: [spec('c1', 'A')], label })
    expect(g.lanes.map((l) => [l.source, l.name, l.segments.length, l.readyState])).toEqual([
      ['c1', 'A', 0, undefined],
      ['lab', 'Timeout lab', 1, 0],
      // A removed connection nobody has a name for is shown by its id.
      ['c9', 'c9', 1, 0],
    ])
    expect(g.lanes[2]!.colour).toBe('currentColor')
  })

  it(`turns every lane into one compact row past ${FULL_LANES_MAX} lanes: a state band, traffic as ticks, closes kept`, () => {
    const lanes = Array.from({ length: FULL_LANES_MAX + 1 }, (_, i) => spec(`c${i + 1}`, `connection number ${i + 1}`))
    const a = on('c1', 1)
    a(100, 'connecting')
    a(200, 'open')
    for (let at = 300; at < 330; at++) a(at, 'received', { direction: 'in', bytes: 2 })
    a(500, 'keepalive', { direction: 'out', bytes: 4 })
    a(600, 'closed', { code: 1001 })
    const g = chartGeometry(t, 0, 1000, WIDTH, { lanes })
    expect(g.compact).toBe(true)
    expect(g.lanes.map((l) => l.h)).toEqual(lanes.map(() => COMPACT_HEIGHT))
    const lane = g.lanes[0]!
    expect(lane.shortName).toBe('connection …')
    expect(lane.segments.map((s) => [s.state, s.y, s.h])).toEqual([
      [0, BAND_Y, BAND_HEIGHT],
      [1, BAND_Y, BAND_HEIGHT],
      [3, BAND_Y, BAND_HEIGHT],
    ])
    expect(lane.steps).toEqual([])
    // Traffic: one path per kind (30 received in one 3 px column, one keepalive); the close keeps its own marker.
    expect(lane.tickPaths.map((p) => [p.kind, p.count, p.bytes])).toEqual([
      ['keepalive', 1, 4],
      ['received', 30, 60],
    ])
    expect(lane.tickPaths[0]!.d).toBe(`M${LEFT + 50 - 1},${TICK_Y}h2v${TICK_HEIGHT}h-2Z`)
    expect(lane.tickPaths[1]!.label).toBe('30 received · 60 bytes in this window')
    expect(lane.markers.map((m) => [m.kind, m.code, m.x, m.y])).toEqual([['closed', 1001, LEFT + 60, TICK_Y]])
    expect(g.lanes.slice(1).every((l) => !l.segments.length && !l.markers.length && !l.tickPaths.length)).toBe(true)
  })

  it('reads the window once however many lanes there are (50 connections cost one pass, not fifty)', () => {
    const lanes = Array.from({ length: 50 }, (_, i) => spec(`c${i + 1}`))
    for (let i = 0; i < 50; i++) {
      on(`c${i + 1}`, i + 1)(i, 'open')
      on(`c${i + 1}`, i + 1)(500 + i, 'keepalive', { direction: 'out', bytes: 4 })
    }
    const reads = { segments: 0, markers: 0 }
    const counting = {
      segmentsIn: (from: number, to: number) => (reads.segments++, t.segmentsIn(from, to)),
      binnedMarkersBySource: (from: number, to: number, bins: number) => (
        reads.markers++,
        t.binnedMarkersBySource(from, to, bins)
      ),
    }
    const g = chartGeometry(counting, 0, 1000, WIDTH, { lanes })
    expect(reads).toEqual({ segments: 1, markers: 1 })
    expect(g.lanes).toHaveLength(50)
    expect(g.lanes.every((l, i) => l.segments.length === 1 && l.segments[0]!.connection === i + 1)).toBe(true)
    expect(g.lanes.every((l) => l.tickPaths[0]?.kind === 'keepalive' && l.tickPaths[0].count === 1)).toBe(true)
  })
})

describe('shortName', () => {
  it('keeps names up to 12 characters and cuts longer ones with …', () => {
    expect(shortName('B')).toBe('B')
    expect(shortName('twelve chars')).toBe('twelve chars')
    expect(shortName('thirteen char')).toBe('thirteen ch…')
    // Characters, not UTF-16 units: an emoji is not cut in half.
    expect(shortName('😀😀😀😀😀😀😀😀😀😀😀😀😀')).toBe('😀😀😀😀😀😀😀😀😀😀😀…')
  })
})

describe('markerLabel', () => {
  const base = { count: 1, bytes: 0, at: 1000, first: 1000, last: 1000 }
  it('says what a marker stands for, how many, how big, and when', () => {
    expect(markerLabel({ ...base, kind: 'sent', bytes: 12 })).toBe(`1 sent · 12 bytes · ${clockTime(1000)}`)
    expect(markerLabel({ ...base, kind: 'keepalive', count: 3, bytes: 12, last: 2000 })).toBe(
      `3 keepalive · 12 bytes · ${clockTime(1000)}–${clockTime(2000)}`,
    )
    expect(markerLabel({ ...base, kind: 'closed', code: 1001, reason: 'Going away' })).toBe(
      `closed 1001 Going away “Going away” · ${clockTime(1000)}`,
    )
    expect(markerLabel({ ...base, kind: 'error' })).toBe(`error · ${clockTime(1000)}`)
    expect(markerLabel({ ...base, kind: 'aws', label: 'GetConnection ok 200 · 5 ms' })).toBe(
      `GetConnection ok 200 · 5 ms · ${clockTime(1000)}`,
    )
    expect(markerLabel({ ...base, kind: 'aws' })).toBe(`@connections call · ${clockTime(1000)}`)
  })
})
