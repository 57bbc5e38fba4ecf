import type { ReadyState, SessionEvent } from '../session/events'
import { readyStateName } from '../session/events'
import { binMarkers, columnRange, IncrementalMarkerBins, type BinnedMarker } from './marker-bins'
import { KIND_CODE, LONE_KINDS, MarkerRing } from './marker-ring'

export type { BinnedMarker } from './marker-bins'

/** readyState over time, one segment per state a connection passed through. `end` is open while it lasts. */
export interface StateSegment {
  connection: number
  /** The page connection (its id in the connection list) or `lab`; lanes are drawn per source. */
  source?: string
  state: ReadyState
  start: number
  end?: number
  /** A CLOSED segment that lasts until the next connection starts: the gap between connections. */
  gap?: boolean
}

export type MarkerKind = 'sent' | 'received' | 'keepalive' | 'closed' | 'error' | 'aws' | 'reconnect'

export interface TimelineMarker {
  at: number
  kind: MarkerKind
  connection: number
  source?: string
  bytes?: number
  code?: number
  reason?: string
  /** For management calls: the operation and its HTTP status. */
  label?: string
}

export const DEFAULT_MARKER_CAPACITY = 50_000

const STATE_OF: Partial<Record<SessionEvent['kind'], ReadyState>> = { connecting: 0, open: 1, closing: 2, closed: 3 }
const MARKER_OF: Partial<Record<SessionEvent['kind'], MarkerKind>> = {
  sent: 'sent',
  received: 'received',
  keepalive: 'keepalive',
  closed: 'closed',
  error: 'error',
  aws: 'aws',
  reconnect: 'reconnect',
}

/**
 * The data behind the live readyState chart, built from the same events as the log. Exact transition times come
 * from the events; the chart extends the current segment to "now" on each tick.
 */
export class TimelineModel {
  readonly segments: StateSegment[] = []
  /** Each lane's last segment: connections run side by side, so a change in one never ends another's segment. */
  private readonly laneEnds = new Map<string, StateSegment>()
  private readonly markers: MarkerRing
  /** The chart's binned markers, kept between redraws. */
  readonly bins = new IncrementalMarkerBins()

  constructor(markerCapacity = DEFAULT_MARKER_CAPACITY) {
    this.markers = new MarkerRing(markerCapacity)
  }

  /** An update's events, in order. */
  applyAll(events: readonly SessionEvent[]): void {
    for (let i = 0; i < events.length; i++) this.apply(events[i]!)
  }

  apply(event: SessionEvent): void {
    const state = STATE_OF[event.kind]
    if (state !== undefined) this.enter(state, event)
    const kind = MARKER_OF[event.kind]
    if (!kind) return
    const code = KIND_CODE[kind]
    if (code < LONE_KINDS) {
      // Traffic: no object per marker (see MarkerRing).
      if (this.markers.full) this.dropOldestMarker()
      this.markers.push(event.at, code, event.connection, event.source, event.bytes)
      return
    }
    const label = event.aws
      ? `${event.aws.op} ${event.aws.ok ? 'ok' : 'failed'} ${event.aws.status ?? ''} · ${event.aws.latencyMs} ms`
      : kind === 'reconnect'
        ? event.message
        : undefined
    this.addMarker({
      at: event.at,
      kind,
      connection: event.connection,
      source: event.source,
      bytes: event.bytes,
      code: event.code,
      reason: event.reason,
      label,
    })
  }

  private enter(state: ReadyState, event: SessionEvent): void {
    const lane = event.source ?? ''
    const current = this.laneEnds.get(lane)
    if (current && current.end === undefined) {
      if (current.state === state && current.connection === event.connection) return
      current.end = event.at
    }
    const segment: StateSegment = {
      connection: event.connection,
      state,
      start: event.at,
      gap: state === 3 ? true : undefined,
    }
    if (event.source !== undefined) segment.source = event.source
    this.segments.push(segment)
    this.laneEnds.delete(lane)
    this.laneEnds.set(lane, segment)
    // Transitions are few (four per connection), but a page left reconnecting for days must stay bounded too.
    if (this.segments.length > 20_000) this.segments.splice(0, this.segments.length - 20_000)
    // As are the lanes: the least recently changed lane's last segment ends (it is long over, or long gone).
    if (this.laneEnds.size > 1000) {
      const [oldest, last] = this.laneEnds.entries().next().value!
      last.end ??= event.at
      this.laneEnds.delete(oldest)
    }
  }

  private addMarker(marker: TimelineMarker): void {
    if (this.markers.full) this.dropOldestMarker()
    this.markers.pushLone(marker)
  }

  private dropOldestMarker(): void {
    this.bins.evict(this.markers.first, this.markers)
    this.markers.shift()
  }

  get markerCount(): number {
    return this.markers.size
  }

  get firstAt(): number | undefined {
    return this.segments[0]?.start
  }

  /** The lanes (sources) in the order they first appeared; `''` for events without a source (old imported logs). */
  sources(): string[] {
    const seen = new Set<string>()
    for (const s of this.segments) seen.add(s.source ?? '')
    return [...seen]
  }

  /** Segments overlapping [from, to], clipped to it; the open one is extended to `to`. Only one lane's with `source`. */
  segmentsIn(from: number, to: number, source?: string): StateSegment[] {
    const out: StateSegment[] = []
    for (const s of this.segments) {
      if (source !== undefined && (s.source ?? '') !== source) continue
      const end = s.end ?? to
      if (end < from || s.start > to) continue
      out.push({ ...s, start: Math.max(s.start, from), end: Math.min(end, to) })
    }
    return out
  }

  /** Markers with from ≤ at ≤ to, oldest first; only one lane's with `source`. */
  markersIn(from: number, to: number, source?: string): TimelineMarker[] {
    const ring = this.markers
    const out: TimelineMarker[] = []
    for (let seq = ring.lowerBound(from); seq < ring.next; seq++) {
      if (ring.atOf(seq) > to) break
      if (source !== undefined && (ring.sourceOf(seq) ?? '') !== source) continue
      out.push(ring.marker(seq))
    }
    return out
  }

  /**
   * Markers grouped into `bins` equal columns (aligned to multiples of their width), so a flood of thousands of
   * messages draws as a few hundred ticks. Closes, errors, calls and reconnects are never merged: each keeps its
   * code or label for the tooltip. A full pass over the window; the chart uses `binnedMarkersBySource`.
   */
  binnedMarkers(from: number, to: number, bins: number, source?: string): BinnedMarker[] {
    const range = columnRange(from, to, Math.max(1, to - from) / Math.max(1, bins))
    const markers = this.markersIn(range.first * range.width, (range.last + 1) * range.width, source)
    return binMarkers(markers, range, from, to)
  }

  /**
   * Every lane's binned markers (keyed by source, `''` for none), kept from one redraw to the next: only markers
   * added since the last call are folded in, so a redraw costs what it draws, not what the window holds. The column
   * width is `(to - from) / bins`, or one within a quarter of it kept from the last call (the `all` window grows).
   */
  binnedMarkersBySource(from: number, to: number, bins: number): Map<string, BinnedMarker[]> {
    return this.binnedColumns(from, to, bins).bySource
  }

  /** `binnedMarkersBySource` with the columns it used. */
  binnedColumns(from: number, to: number, bins: number) {
    return this.bins.binned(from, to, bins, this.markers)
  }

  /** The most recent state changes, newest last, for the text view beside the chart. */
  transitions(limit = 8): Transition[] {
    return this.segments.slice(-limit).map((s) => ({
      at: s.start,
      state: s.state,
      name: readyStateName(s.state),
      connection: s.connection,
      source: s.source,
    }))
  }

  clear(): void {
    this.segments.length = 0
    this.laneEnds.clear()
    this.markers.clear()
    this.bins.reset()
  }
}

export interface Transition {
  at: number
  state: ReadyState
  name: string
  connection: number
  source?: string
}

export type WindowId = '1m' | '10m' | '2h' | 'all'

export const WINDOWS: { id: WindowId; label: string; ms?: number }[] = [
  { id: '1m', label: 'Last minute', ms: 60_000 },
  { id: '10m', label: 'Last 10 minutes', ms: 600_000 },
  { id: '2h', label: 'Last 2 hours', ms: 7_200_000 },
  { id: 'all', label: 'All' },
]

/** The time range a window shows, ending now. `all` starts at the first event (at least one minute wide). */
export function windowRange(id: WindowId, now: number, firstAt: number | undefined): { from: number; to: number } {
  const spec = WINDOWS.find((w) => w.id === id)
  if (spec?.ms) return { from: now - spec.ms, to: now }
  const from = firstAt === undefined ? now - 60_000 : Math.min(firstAt, now - 60_000)
  return { from, to: now }
}
