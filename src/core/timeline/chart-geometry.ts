import { READY_STATE_NAMES, type ReadyState } from '../session/events'
import { explainClose } from '../session/close-codes'
import { connectionLabel } from '../session/connection-label'
import { formatDuration } from '../session/timeout-profiles'
import { clockTime } from '../timing/time-format'
import type { BinnedMarker, MarkerKind, StateSegment, TimelineModel } from './timeline'

/** The chart's fixed layout in SVG pixels: four readyState lanes, then the marker rows, then the time axis. */
export const LEFT = 92
export const RIGHT_MARGIN = 8
export const LANE = 16
export const TOP = 6
export const MARKS_Y = TOP + LANE * 4 + 8
/** Height of one marker row. */
export const MARK_LANE = 12
/** The marker rows' names, top to bottom. */
export const MARK_LANES = ['sent', 'keepalive', 'received', '@connections', 'close'] as const
export const AXIS_Y = MARKS_Y + MARK_LANE * MARK_LANES.length + 4
export const HEIGHT = AXIS_Y + 16
/** Below this the chart scrolls rather than squeezing the lanes. */
export const MIN_WIDTH = 200

/** Top of each marker kind's row; closes, errors and reconnect decisions share the bottom row. */
export const MARK_Y: Record<MarkerKind, number> = {
  sent: MARKS_Y,
  keepalive: MARKS_Y + MARK_LANE,
  received: MARKS_Y + MARK_LANE * 2,
  aws: MARKS_Y + MARK_LANE * 3,
  closed: MARKS_Y + MARK_LANE * 4,
  error: MARKS_Y + MARK_LANE * 4,
  reconnect: MARKS_Y + MARK_LANE * 4,
}

export interface PlacedSegment extends StateSegment {
  x: number
  /** At least 1.5 px, so a state that lasted a millisecond still shows. */
  w: number
  y: number
  label: string
}

/** The dashed vertical line from one segment's lane to the next one's, at the moment of the change. */
export interface Step {
  x: number
  y1: number
  y2: number
}

export interface PlacedMarker extends BinnedMarker {
  x: number
  label: string
}

export interface Tick {
  x: number
  label: string
  anchor: 'start' | 'middle' | 'end'
}

export interface ChartGeometry {
  /** The SVG's width. */
  w: number
  segments: PlacedSegment[]
  steps: Step[]
  markers: PlacedMarker[]
  ticks: Tick[]
}

/** What the geometry reads from the timeline: the model, or the store that wraps it. */
export type TimelineSource = Pick<TimelineModel, 'segmentsIn' | 'binnedMarkers'>

/**
 * Where everything in [from, to] goes on a chart `width` pixels wide. Markers are binned into 3 px columns (at
 * least 20), so a flood draws as a few hundred ticks however many messages it had.
 */
export function chartGeometry(source: TimelineSource, from: number, to: number, width: number): ChartGeometry {
  const w = Math.max(MIN_WIDTH, width)
  const plot = w - LEFT - RIGHT_MARGIN
  const span = Math.max(1, to - from)
  const x = (t: number) => LEFT + ((t - from) / span) * plot
  const segments = source.segmentsIn(from, to).map((s): PlacedSegment => {
    const end = s.end ?? to
    return {
      ...s,
      x: x(s.start),
      w: Math.max(1.5, x(end) - x(s.start)),
      y: TOP + s.state * LANE,
      label: `${READY_STATE_NAMES[s.state]} (${s.state}) · connection ${connectionLabel(s.connection)} · ${clockTime(s.start)} → ${end === to ? 'now' : clockTime(end)} · ${formatDuration(end - s.start)}`,
    }
  })
  const steps = segments.slice(1).map((s, i): Step => ({ x: s.x, y1: segments[i]!.y + LANE / 2, y2: s.y + LANE / 2 }))
  const markers = source
    .binnedMarkers(from, to, Math.max(20, Math.floor(plot / 3)))
    .map((m): PlacedMarker => ({ ...m, x: x(m.at), label: markerLabel(m) }))
  // As many axis labels as fit without touching (a label is about 60 px wide): 2 on a phone, 5 on a laptop.
  const tickCount = Math.max(2, Math.min(5, Math.floor(plot / 90) + 1))
  const ticks = Array.from({ length: tickCount }, (_, i): Tick => {
    const t = from + ((to - from) * i) / (tickCount - 1)
    return { x: x(t), label: clockTime(t, false), anchor: i === 0 ? 'start' : i === tickCount - 1 ? 'end' : 'middle' }
  })
  return { w, segments, steps, markers, ticks }
}

/** The tooltip of a marker: what it stands for, how many and how big, and when. */
export function markerLabel(m: BinnedMarker): string {
  const when = m.count > 1 ? `${clockTime(m.first)}–${clockTime(m.last)}` : clockTime(m.at)
  if (m.kind === 'closed')
    return `closed ${m.code} ${explainClose(m.code ?? 0).name}${m.reason ? ` “${m.reason}”` : ''} · ${when}`
  if (m.kind === 'error') return `error · ${when}`
  if (m.kind === 'reconnect') return `${m.label ?? 'reconnect'} · ${when}`
  if (m.kind === 'aws') return `${m.label ?? '@connections call'} · ${when}`
  return `${m.count} ${m.kind} · ${m.bytes} bytes · ${when}`
}

/** The lane a readyState is drawn in. */
export function laneY(state: ReadyState | number): number {
  return TOP + state * LANE
}
