import { READY_STATE_NAMES, type ReadyState } from '../session/events'
import { cutText } from '../cut-text'
import { explainClose } from '../session/close-codes'
import { connectionLabel } from '../session/connection-label'
import { formatDuration } from '../session/timeout-profiles'
import { clockTime } from '../timing/time-format'
import type { BinnedMarker, MarkerKind, StateSegment, TimelineModel } from './timeline'

/**
 * The chart's layout in SVG pixels. Every lane (one per connection) is its own SVG of the same width, stacked, with
 * the same time → x mapping, and one time axis below them all. A lane is either a full group (a header with the
 * connection's name, four readyState rows, then the marker rows) or, past FULL_LANES_MAX lanes, one compact row (the
 * readyState as a coloured band, markers as ticks under it) so fifty connections still fit on a screen.
 */
export const LEFT = 92
export const RIGHT_MARGIN = 8
export const LANE = 16
/** The full group's header row: the connection's colour and name. */
export const TOP = 18
export const MARKS_Y = TOP + LANE * 4 + 8
/** Height of one marker row. */
export const MARK_LANE = 12
/** The marker rows' names, top to bottom. */
export const MARK_LANES = ['sent', 'keepalive', 'received', '@connections', 'close'] as const
/** A full lane group's height. */
export const GROUP_HEIGHT = MARKS_Y + MARK_LANE * MARK_LANES.length + 4
/** Up to this many lanes are drawn as full groups; more, as compact rows. */
export const FULL_LANES_MAX = 3
/** A compact lane: the readyState band, then a row of marker ticks. */
export const COMPACT_HEIGHT = 22
export const BAND_Y = 3
export const BAND_HEIGHT = 10
export const TICK_Y = 15
export const TICK_HEIGHT = 6
/** The axis below the lanes. */
export const AXIS_HEIGHT = 18
/** Below this the chart scrolls rather than squeezing the lanes. */
export const MIN_WIDTH = 200
/** A name longer than this is cut (with …) where it labels a compact lane; the tooltip has it whole. */
export const SHORT_NAME_CHARS = 12
/** A close mark's code is drawn this far right of its line (or left, see PlacedMarker's `codeEnd`). */
export const CODE_DX = 3
/** A close code's character width, a little over that of the 10 px bold monospace it is drawn in. */
const CODE_CHAR_WIDTH = 6.5

/** Top of each marker kind's row in a full group; closes, errors and reconnect decisions share the bottom row. */
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
  /** Its height: a readyState row in a full group, the band in a compact lane. */
  h: number
  /**
   * Without its duration when `openUntil` is given and it reaches the right edge (`open`): the chart adds the
   * duration when pointed at, rather than redrawing every tooltip as time passes.
   */
  label: string
  /** It lasts until now (reaches the right edge of the data read). */
  open: boolean
}

/**
 * Where a compact lane and a full group put the same parts: the dot and name, the background bands (one, or one per
 * readyState), the row labels (a full group's only), the close mark, the @connections mark's size and offset, and a
 * marker's hover area (`y` undefined: the marker's own row).
 */
export interface LaneLook {
  dot: { cx: number; cy: number; r: number }
  name: { x: number; y: number }
  bands: { y: number; h: number }[]
  labels: { text: string; y: number }[]
  close: { y1: number; y2: number; codeY: number }
  aws: number
  awsDy: number
  hit: { y: number | undefined; h: number }
}

export const COMPACT_LOOK: LaneLook = {
  dot: { cx: 7, cy: COMPACT_HEIGHT / 2, r: 4 },
  name: { x: 15, y: COMPACT_HEIGHT / 2 + 4 },
  bands: [{ y: BAND_Y, h: COMPACT_HEIGHT - BAND_Y * 2 }],
  labels: [],
  close: { y1: 1, y2: COMPACT_HEIGHT - 1, codeY: BAND_Y + 9 },
  aws: 5,
  awsDy: 0,
  hit: { y: 0, h: COMPACT_HEIGHT },
}

export const FULL_LOOK: LaneLook = {
  dot: { cx: 8, cy: TOP / 2, r: 5 },
  name: { x: 18, y: TOP / 2 + 4 },
  bands: READY_STATE_NAMES.map((_, state) => ({ y: laneY(state), h: LANE - 2 })),
  labels: [
    ...READY_STATE_NAMES.map((name, state) => ({ text: `${state} ${name}`, y: laneY(state) + LANE - 5 })),
    ...MARK_LANES.map((name, i) => ({ text: name, y: MARKS_Y + MARK_LANE * i + 9 })),
  ],
  close: { y1: TOP, y2: MARK_Y.closed + 9, codeY: MARK_Y.closed + 8 },
  aws: 7,
  awsDy: 1,
  hit: { y: undefined, h: 10 },
}

/** The dashed vertical line from one segment's row to the next one's, at the moment of the change (full groups). */
export interface Step {
  x: number
  y1: number
  y2: number
}

export interface PlacedMarker extends BinnedMarker {
  x: number
  /** Top of the marker's row. */
  y: number
  label: string
  /**
   * A close mark's code is drawn left of its line: right of it, it would pass the plot's right edge (a close at "now"
   * showed "43" of 4321). Decided where the mark is when drawn; the drawing only slides left until it is drawn again.
   */
  codeEnd?: true
}

export interface Tick {
  x: number
  label: string
  anchor: 'start' | 'middle' | 'end'
}

/** A lane to draw: a page connection (or the Timeout lab) by its `source`, with the name and colour it is shown by. */
export interface LaneSpec {
  source: string
  name: string
  colour: string
}

export interface PlacedLane extends LaneSpec {
  /** The name cut to SHORT_NAME_CHARS, for the compact lane's label column. */
  shortName: string
  /** The SVG's height. */
  h: number
  /** The readyState at the window's right edge (the last segment's), if the lane has any. */
  readyState?: ReadyState
  segments: PlacedSegment[]
  steps: Step[]
  /** Full groups: every binned marker. Compact lanes: closes, errors, calls and reconnects only (see `tickPaths`). */
  markers: PlacedMarker[]
  /** Compact lanes: sent, keepalive and received messages as one path of 2 px ticks per kind (a flood stays cheap). */
  tickPaths: TickPath[]
}

/** All of one kind's ticks in a compact lane, as one SVG path, with how many messages they stand for. */
export interface TickPath {
  kind: 'sent' | 'keepalive' | 'received'
  d: string
  count: number
  bytes: number
  label: string
}

export interface ChartGeometry {
  /** Every lane's SVG width (and the axis's). */
  w: number
  /** True when the lanes are compact rows rather than full groups. */
  compact: boolean
  lanes: PlacedLane[]
  ticks: Tick[]
}

/** What the geometry reads from the timeline: the model, or the store that wraps it. */
export type TimelineSource = Pick<TimelineModel, 'segmentsIn' | 'binnedMarkersBySource'>

export interface ChartOptions {
  /** The lanes in order (the page's connections, drawn even when they have nothing yet). */
  lanes?: LaneSpec[]
  /** Name and colour of a lane not in `lanes` that has data in the window (a removed connection, the lab). */
  label?: (source: string) => { name: string; colour: string } | undefined
  /**
   * The time drawn at the plot's left edge (`from` by default). A chart that slides its drawing left as time passes
   * (rather than redrawing it) places everything from where the window started when it was last drawn.
   */
  origin?: number
  /** Where a segment that lasts until now is drawn to (`to` by default): past the right edge, for a sliding chart. */
  openUntil?: number
}

/**
 * Where everything in [from, to] goes on a chart `width` pixels wide: the given lanes first, then any other source
 * with data in the window, in order of appearance. Markers are binned into 3 px columns (at least 20), so a flood
 * draws as a few hundred ticks per lane however many messages it had.
 */
export function chartGeometry(
  source: TimelineSource,
  from: number,
  to: number,
  width: number,
  options: ChartOptions = {},
): ChartGeometry {
  const w = Math.max(MIN_WIDTH, width)
  const plot = w - LEFT - RIGHT_MARGIN
  const span = Math.max(1, to - from)
  const origin = options.origin ?? from
  const x = (t: number) => LEFT + ((t - origin) / span) * plot

  // One pass over the window's segments and markers, grouped by lane.
  const segmentsBySource = new Map<string, StateSegment[]>()
  // A sliding chart keeps what it drew in place between redraws (the same coordinates, the same DOM): segments are
  // cut at a time that moves on a whole window at a time from the origin, not with every redraw.
  const since = from <= origin ? from : origin + Math.floor((from - origin) / span) * span
  for (const s of source.segmentsIn(since, to)) {
    const key = s.source ?? ''
    let list = segmentsBySource.get(key)
    if (!list) segmentsBySource.set(key, (list = []))
    list.push(s)
  }
  const markersBySource = source.binnedMarkersBySource(from, to, Math.max(20, Math.floor(plot / 3)))

  const specs = [...(options.lanes ?? [])]
  const known = new Set(specs.map((l) => l.source))
  for (const key of [...segmentsBySource.keys(), ...markersBySource.keys()]) {
    if (known.has(key)) continue
    known.add(key)
    const label = options.label?.(key)
    specs.push({ source: key, name: label?.name ?? (key || 'other'), colour: label?.colour ?? 'currentColor' })
  }
  const compact = specs.length > FULL_LANES_MAX

  const lanes = specs.map((spec): PlacedLane => {
    const segments = (segmentsBySource.get(spec.source) ?? []).map((s): PlacedSegment => {
      const end = s.end ?? to
      const open = end === to
      const label = `${spec.name} · ${READY_STATE_NAMES[s.state]} (${s.state}) · connection ${connectionLabel(s.connection)} · ${clockTime(s.start)} → ${open ? 'now' : clockTime(end)}`
      return {
        ...s,
        // A live segment's end is `to`, which moves with every redraw: left out, so an unchanged lane stays equal.
        end: open ? undefined : s.end,
        x: x(s.start),
        w: Math.max(1.5, x(open ? (options.openUntil ?? to) : end) - x(s.start)),
        y: compact ? BAND_Y : laneY(s.state),
        h: compact ? BAND_HEIGHT : LANE - 2,
        label: open && options.openUntil !== undefined ? label : `${label} · ${formatDuration(end - s.start)}`,
        open,
      }
    })
    const steps = compact
      ? []
      : segments.slice(1).map((s, i): Step => ({ x: s.x, y1: segments[i]!.y + LANE / 2, y2: s.y + LANE / 2 }))
    const binned = markersBySource.get(spec.source) ?? []
    const markers = binned
      .filter((m) => !compact || !isTraffic(m.kind))
      .map((m): PlacedMarker => {
        const placed: PlacedMarker = { ...m, x: x(m.at), y: compact ? TICK_Y : MARK_Y[m.kind], label: markerLabel(m) }
        const code = closeCode(m)
        // Where the mark is on screen now: `x` counts from the origin, which the drawing has slid past.
        const shown = LEFT + ((m.at - from) / span) * plot
        if (code && shown + CODE_DX + [...code].length * CODE_CHAR_WIDTH > LEFT + plot) placed.codeEnd = true
        return placed
      })
    return {
      ...spec,
      shortName: shortName(spec.name),
      h: compact ? COMPACT_HEIGHT : GROUP_HEIGHT,
      readyState: segments.at(-1)?.state,
      segments,
      steps,
      markers,
      tickPaths: compact ? tickPaths(binned, x) : [],
    }
  })

  return { w, compact, lanes, ticks: axisTicks(from, to, width) }
}

/** The time axis of [from, to] on a chart `width` pixels wide. */
export function axisTicks(from: number, to: number, width: number): Tick[] {
  const plot = Math.max(MIN_WIDTH, width) - LEFT - RIGHT_MARGIN
  const x = (t: number) => LEFT + ((t - from) / Math.max(1, to - from)) * plot
  // As many axis labels as fit without touching (a label is about 60 px wide): 2 on a phone, 5 on a laptop.
  const tickCount = Math.max(2, Math.min(5, Math.floor(plot / 90) + 1))
  return Array.from({ length: tickCount }, (_, i): Tick => {
    const t = from + ((to - from) * i) / (tickCount - 1)
    return { x: x(t), label: clockTime(t, false), anchor: i === 0 ? 'start' : i === tickCount - 1 ? 'end' : 'middle' }
  })
}

const TRAFFIC = ['sent', 'keepalive', 'received'] as const

function isTraffic(kind: MarkerKind): kind is TickPath['kind'] {
  return kind === 'sent' || kind === 'keepalive' || kind === 'received'
}

/** One path per traffic kind: a 2 px × TICK_HEIGHT rectangle per binned marker. */
function tickPaths(markers: BinnedMarker[], x: (t: number) => number): TickPath[] {
  const out: TickPath[] = []
  for (const kind of TRAFFIC) {
    let d = ''
    let count = 0
    let bytes = 0
    for (const m of markers) {
      if (m.kind !== kind) continue
      d += `M${round(x(m.at) - 1)},${TICK_Y}h2v${TICK_HEIGHT}h-2Z`
      count += m.count
      bytes += m.bytes
    }
    if (count) out.push({ kind, d, count, bytes, label: `${count} ${kind} · ${bytes} bytes in this window` })
  }
  return out
}

function round(n: number): number {
  return Math.round(n * 10) / 10
}

/** A name cut to `chars` characters (the last one …), SHORT_NAME_CHARS by default. */
export function shortName(name: string, chars = SHORT_NAME_CHARS): string {
  return cutText(name, chars)
}

/** The width of a character of a lane's name (11 px monospace, bold in a full lane's head), a little over. */
const NAME_CHAR_WIDTH = 6.8

/**
 * A full lane's name cut to what fits beside `after` (its state) in an SVG `width` wide: SVG text is not cut by CSS,
 * and at 390 px a 40-character name ran past the chart's edge, its state out of sight.
 */
export function headName(name: string, after: string, width: number): string {
  const room = Math.floor((width - FULL_LOOK.name.x - RIGHT_MARGIN) / NAME_CHAR_WIDTH) - [...after].length - 1
  return shortName(name, Math.max(SHORT_NAME_CHARS, room))
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

/** The text a close, error or reconnect mark is drawn with beside its line; other marks have none. */
export function closeCode(m: BinnedMarker): string | undefined {
  if (m.kind === 'closed') return String(m.code ?? '')
  if (m.kind === 'error') return '!'
  if (m.kind === 'reconnect') return '↻'
  return undefined
}

/** The row a readyState is drawn in, in a full group. */
export function laneY(state: ReadyState | number): number {
  return TOP + state * LANE
}
