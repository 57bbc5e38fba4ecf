import { describe, expect, it } from 'vitest'
import type { SessionEvent } from '../session/events'
import { chartGeometry, LEFT, RIGHT_MARGIN, type LaneSpec } from './chart-geometry'
import { reuseUnchangedLanes } from './lane-reuse'
import { TimelineModel } from './timeline'

// Fixtures fill only the fields a test reads.
const ev = (at: number, source: string, kind: SessionEvent['kind'], extra: Record<string, unknown> = {}) =>
  ({ at, source, connection: 1, kind, direction: 'none', ...extra }) as SessionEvent

const WIDTH = LEFT + 300 + RIGHT_MARGIN
const LANES: LaneSpec[] = ['c1', 'c2', 'c3', 'c4', 'c5'].map((source) => ({ source, name: source, colour: 'red' }))

/** Five open connections, the chart drawn as a sliding one would between two slides (origin and openUntil fixed). */
function drawing(t: TimelineModel, to: number) {
  return chartGeometry(t, to - 1000, to, WIDTH, { lanes: LANES, origin: 0, openUntil: 1100 }).lanes
}

describe('reuseUnchangedLanes', () => {
  it('keeps the lanes no new data reached, and hands over a new object for the one that got a keepalive', () => {
    const t = new TimelineModel()
    for (const { source } of LANES) {
      t.apply(ev(10, source, 'connecting'))
      t.apply(ev(20, source, 'open'))
      t.apply(ev(300, source, 'keepalive', { direction: 'out', bytes: 4 }))
    }
    const first = reuseUnchangedLanes([], drawing(t, 1000))
    t.apply(ev(900, 'c3', 'keepalive', { direction: 'out', bytes: 4 }))
    const second = reuseUnchangedLanes(first, drawing(t, 1000))
    expect(second.map((lane, i) => lane === first[i])).toEqual([true, true, false, true, true])
    expect(second[2]!.tickPaths.find((p) => p.kind === 'keepalive')!.count).toBe(2)
  })

  it('returns the previous array itself when nothing changed, so the chart passes the same lanes', () => {
    const t = new TimelineModel()
    t.apply(ev(10, 'c1', 'open'))
    const first = reuseUnchangedLanes([], drawing(t, 1000))
    expect(reuseUnchangedLanes(first, drawing(t, 1000))).toBe(first)
  })

  it('keeps unchanged lanes by source when lanes are added, removed or reordered', () => {
    const t = new TimelineModel()
    for (const { source } of LANES) t.apply(ev(10, source, 'open'))
    const first = reuseUnchangedLanes([], drawing(t, 1000))
    const reordered = chartGeometry(t, 0, 1000, WIDTH, {
      lanes: [LANES[4]!, LANES[0]!, LANES[1]!, LANES[2]!, LANES[3]!],
      origin: 0,
      openUntil: 1100,
    }).lanes
    const second = reuseUnchangedLanes(first, reordered)
    expect(second.map((lane) => lane.source)).toEqual(['c5', 'c1', 'c2', 'c3', 'c4'])
    expect(second[0]).toBe(first[4])
    expect(second[1]).toBe(first[0])
    expect(second).not.toBe(first)
  })

  it('redraws every lane when the drawing moves (a new origin), as a slide does', () => {
    const t = new TimelineModel()
    for (const { source } of LANES) t.apply(ev(10, source, 'open'))
    const first = reuseUnchangedLanes([], drawing(t, 1000))
    const slid = chartGeometry(t, 50, 1050, WIDTH, { lanes: LANES, origin: 50, openUntil: 1150 }).lanes
    expect(reuseUnchangedLanes(first, slid).every((lane, i) => lane !== first[i])).toBe(true)
  })
})
