import { describe, expect, it } from 'vitest'
import type { SessionEvent } from '../session/events'
import { chartGeometry, LEFT, RIGHT_MARGIN, type LaneSpec } from './chart-geometry'
import { reuseUnchangedLanes } from './lane-reuse'
import { MAX_SLID_SPANS, openUntil, slideOrigin } from './slide-origin'
import { TimelineModel } from './timeline'

// Fixtures fill only the fields a test reads.
const ev = (at: number, source: string, kind: SessionEvent['kind'], extra: Record<string, unknown> = {}) =>
  ({ at, source, connection: 1, kind, direction: 'none', ...extra }) as SessionEvent

/** A 300 px plot: 1 px per 3⅓ ms over a 1000 ms window. */
const WIDTH = LEFT + 300 + RIGHT_MARGIN
const LANES: LaneSpec[] = ['c1', 'c2', 'c3', 'c4', 'c5'].map((source) => ({ source, name: source, colour: 'red' }))

describe('slideOrigin', () => {
  it('keeps the origin while the window slides on at the same scale', () => {
    const first = slideOrigin(undefined, 1000, 1000, WIDTH)
    expect(first).toEqual({ at: 0, span: 1000, width: WIDTH })
    expect(slideOrigin(first, 1050, 1000, WIDTH)).toBe(first)
    expect(slideOrigin(first, 1000 + MAX_SLID_SPANS * 1000, 1000, WIDTH)).toBe(first)
  })

  it('starts afresh for another window or width, a window that moved back, and after MAX_SLID_SPANS windows', () => {
    const first = slideOrigin(undefined, 1000, 1000, WIDTH)
    expect(slideOrigin(first, 2000, 2000, WIDTH)).toEqual({ at: 0, span: 2000, width: WIDTH })
    expect(slideOrigin(first, 1050, 1000, WIDTH + 1)).toEqual({ at: 50, span: 1000, width: WIDTH + 1 })
    expect(slideOrigin(first, 900, 1000, WIDTH)).toEqual({ at: -100, span: 1000, width: WIDTH })
    const far = 1001 + MAX_SLID_SPANS * 1000
    expect(slideOrigin(first, far, 1000, WIDTH)).toEqual({ at: far - 1000, span: 1000, width: WIDTH })
  })

  it('draws a live segment past anywhere the drawing slides while the origin holds', () => {
    expect(openUntil({ at: 0, span: 1000, width: WIDTH })).toBeGreaterThan((MAX_SLID_SPANS + 1) * 1000)
  })
})

describe('a sliding chart drawn from a kept origin', () => {
  it('redraws no lane that got nothing new as the window slides on', () => {
    const t = new TimelineModel()
    for (const { source } of LANES) {
      t.apply(ev(10, source, 'connecting'))
      t.apply(ev(20, source, 'open'))
      t.apply(ev(300, source, 'keepalive', { direction: 'out', bytes: 4 }))
    }
    const origin = slideOrigin(undefined, 1000, 1000, WIDTH)
    const draw = (to: number) =>
      chartGeometry(t, to - 1000, to, WIDTH, { lanes: LANES, origin: origin.at, openUntil: openUntil(origin) }).lanes
    const first = reuseUnchangedLanes([], draw(1000))
    // Slid on by a twentieth of the window: the live segments, the keepalives and the step lines stay where they were.
    expect(reuseUnchangedLanes(first, draw(1050))).toBe(first)
    // A keepalive in one lane redraws that lane alone.
    t.apply(ev(1080, 'c2', 'keepalive', { direction: 'out', bytes: 4 }))
    expect(reuseUnchangedLanes(first, draw(1100)).map((lane, i) => lane === first[i])).toEqual([
      true,
      false,
      true,
      true,
      true,
    ])
  })

  it('cuts segments a whole window at a time from the origin, and leaves out those that ended before', () => {
    const t = new TimelineModel()
    t.apply(ev(100, 'c1', 'connecting'))
    t.apply(ev(200, 'c1', 'open'))
    t.apply(ev(1500, 'c1', 'closing'))
    t.apply(ev(1600, 'c1', 'closed'))
    t.apply(ev(1700, 'c1', 'connecting'))
    t.apply(ev(1800, 'c1', 'open'))
    // Drawn from origin 0 while the window is 2500…3500: cut at 2000, so the OPEN since 1800 starts there.
    const lane = chartGeometry(t, 2500, 3500, WIDTH, { lanes: LANES.slice(0, 1), origin: 0, openUntil: 5000 }).lanes[0]!
    expect(lane.segments.map((s) => [s.state, s.x])).toEqual([[1, LEFT + 600]])
    expect(lane.segments[0]!.open).toBe(true)
  })
})
