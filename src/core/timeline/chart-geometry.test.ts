import { describe, expect, it } from 'vitest'
import type { SessionEvent } from '../session/events'
import { clockTime } from '../timing/time-format'
import {
  AXIS_Y,
  chartGeometry,
  LANE,
  LEFT,
  MARK_LANE,
  MARK_LANES,
  MARK_Y,
  markerLabel,
  MIN_WIDTH,
  RIGHT_MARGIN,
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
    expect(g.segments.map((s) => [s.state, s.x, s.w, s.y])).toEqual([
      [0, LEFT + 10, 10, TOP],
      [1, LEFT + 20, 50, TOP + LANE],
      [2, LEFT + 70, 2, TOP + 2 * LANE],
      // The live CLOSED segment runs to the right edge.
      [3, LEFT + 72, 28, TOP + 3 * LANE],
    ])
    expect(g.steps).toEqual([
      { x: LEFT + 20, y1: TOP + LANE / 2, y2: TOP + LANE + LANE / 2 },
      { x: LEFT + 70, y1: TOP + LANE + LANE / 2, y2: TOP + 2 * LANE + LANE / 2 },
      { x: LEFT + 72, y1: TOP + 2 * LANE + LANE / 2, y2: TOP + 3 * LANE + LANE / 2 },
    ])
  })

  it('gives a state that lasted a moment 1.5 px, and names a segment that reaches the right edge "now"', () => {
    const t = new TimelineModel()
    t.apply(ev(100, 'connecting'))
    t.apply(ev(101, 'open'))
    const g = chartGeometry(t, 0, 1000, WIDTH)
    expect(g.segments[0]!.w).toBe(1.5)
    expect(g.segments[0]!.label).toBe(`CONNECTING (0) · connection #1 · ${clockTime(100)} → ${clockTime(101)} · 0:00`)
    expect(g.segments[1]!.label).toBe(`OPEN (1) · connection #1 · ${clockTime(101)} → now · 0:00`)
  })

  it('clips segments that started before the window to its left edge', () => {
    const t = new TimelineModel()
    t.apply(ev(-5000, 'connecting'))
    t.apply(ev(500, 'open'))
    const g = chartGeometry(t, 0, 1000, WIDTH)
    expect(g.segments.map((s) => [s.state, s.x, s.w])).toEqual([
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

  it('bins a flood into 3 px columns but keeps every close with its code', () => {
    const t = new TimelineModel()
    t.apply(ev(0, 'open'))
    for (let at = 0; at < 30; at++) t.apply(ev(at, 'received', { direction: 'in', bytes: 10 }))
    t.apply(ev(10, 'closed', { code: 1001, reason: 'Going away' }))
    t.apply(ev(20, 'closed', { code: 1006 }))
    const g = chartGeometry(t, 0, 1000, WIDTH)
    // 100 px of plot → 33 columns of 1000/33 ms: the 30 messages fall in the first column.
    const received = g.markers.filter((m) => m.kind === 'received')
    expect(received).toHaveLength(1)
    expect(received[0]).toMatchObject({ count: 30, bytes: 300, first: 0, last: 29 })
    expect(received[0]!.x).toBeCloseTo(LEFT + 100 / 33 / 2, 9)
    expect(g.markers.filter((m) => m.kind === 'closed').map((m) => [m.code, m.x])).toEqual([
      [1001, LEFT + 1],
      [1006, LEFT + 2],
    ])
    // Closes and errors share the last marker row, which ends above the axis.
    expect(MARK_Y.closed).toBe(MARK_Y.error)
    expect(MARK_Y.closed + MARK_LANE).toBeLessThanOrEqual(AXIS_Y)
    expect(MARK_LANES).toHaveLength(5)
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
