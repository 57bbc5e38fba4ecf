import type { MarkerKind, TimelineMarker } from './timeline'
import { KIND_CODE, LONE_KINDS, MARKER_KINDS, type MarkerRing } from './marker-ring'

/** A column of one traffic kind's markers (or one close, error, call or reconnect), as the chart draws it. */
export interface BinnedMarker {
  at: number
  kind: MarkerKind
  count: number
  bytes: number
  first: number
  last: number
  code?: number
  reason?: string
  label?: string
}

/** Markers that are never merged: each keeps its code, reason or label for the tooltip. */
export function isSingle(kind: MarkerKind): boolean {
  return KIND_CODE[kind] >= LONE_KINDS
}

/**
 * The columns a window [from, to] is drawn in: aligned to absolute multiples of `width` (not to `from`), so that as
 * the window slides a column keeps its markers and only the new ones need folding in.
 */
export interface ColumnRange {
  width: number
  /** The first and last column shown: the ones that overlap [from, to]. */
  first: number
  last: number
}

export function columnRange(from: number, to: number, width: number): ColumnRange {
  return { width, first: Math.floor(from / width), last: Math.floor(to / width) }
}

/** Oldest first by position, then by kind (so two ways of binning the same markers list them alike). */
function byPosition(a: BinnedMarker, b: BinnedMarker): number {
  return a.at - b.at || KIND_CODE[a.kind] - KIND_CODE[b.kind]
}

function single(m: TimelineMarker): BinnedMarker {
  return {
    at: m.at,
    kind: m.kind,
    count: 1,
    bytes: m.bytes ?? 0,
    code: m.code,
    reason: m.reason,
    label: m.label,
    first: m.at,
    last: m.at,
  }
}

/** Where a column is drawn: its centre, or the exact time of its one marker. */
function placed(b: BinnedMarker, column: number, width: number): BinnedMarker {
  return { ...b, at: b.count === 1 ? b.first : (column + 0.5) * width }
}

/**
 * The full re-bin: `markers` (in arrival order) of the columns in `range` grouped per traffic kind and column;
 * closes, errors, calls and reconnects in [from, to] stay one marker each. `first` and `last` are the times of a
 * column's first and last marker to arrive.
 */
export function binMarkers(markers: Iterable<TimelineMarker>, range: ColumnRange, from: number, to: number) {
  const { width } = range
  const grouped = new Map<number, { column: number; bin: BinnedMarker }>()
  const out: BinnedMarker[] = []
  for (const m of markers) {
    if (isSingle(m.kind)) {
      if (m.at >= from && m.at <= to) out.push(single(m))
      continue
    }
    const column = Math.floor(m.at / width)
    if (column < range.first || column > range.last) continue
    const key = column * 3 + KIND_CODE[m.kind]
    const existing = grouped.get(key)
    if (existing) {
      existing.bin.count++
      existing.bin.bytes += m.bytes ?? 0
      existing.bin.last = m.at
    } else {
      const bin = { at: 0, kind: m.kind, count: 1, bytes: m.bytes ?? 0, first: m.at, last: m.at }
      grouped.set(key, { column, bin })
    }
  }
  for (const { column, bin } of grouped.values()) out.push(placed(bin, column, width))
  return out.sort(byPosition)
}

/** One traffic kind's column in one lane, with the markers it holds (by sequence number) so they can leave it. */
interface Column {
  /** Its key in the lane: column × 3 + kind. */
  key: number
  column: number
  bin: BinnedMarker
  seqs: number[]
  head: number
  /** The times of its markers, parallel to `seqs`: `first` again once the oldest left. */
  ats: number[]
}

interface Lane {
  /** Keyed by column × 3 + kind; inserted roughly in time order. */
  columns: Map<number, Column>
  singles: { seq: number; marker: TimelineMarker }[]
  singlesHead: number
}

/** A kept width is reused while the width asked for is within this factor of it (the `all` window grows). */
const WIDTH_SLACK = 1.25

/**
 * Every lane's binned markers, kept from one redraw to the next: a redraw folds in only the markers added since the
 * last one and drops the columns the window slid past, so its cost depends on what is drawn, not on how many
 * markers the window holds. Markers the timeline's ring drops leave their column too (`evict`), so the result is
 * always that of a full re-bin of the ring (`binMarkers`). Rebuilt from the ring when the column width changes
 * (another window or chart width; the `all` window when it has grown by a quarter) or the window moved back.
 */
export class IncrementalMarkerBins {
  private lanes = new Map<string, Lane>()
  private width = 0
  /** The first column this holds every marker of (columns before it were dropped or never folded). */
  private lowColumn = 0
  /** Sequence number of the next marker to fold in. */
  private folded = 0
  /** Markers folded in and rebuilds from the ring, for tests that a redraw reads only what is new. */
  readonly work = { folded: 0, rebuilds: 0 }
  /** The column the last marker went into, and its lane's source (the fast path of `fold`). */
  private lastColumn: Column | undefined
  private lastSource = ''

  /** The width in use for a window of `span` ms drawn in `bins` columns (the one kept, if close enough). */
  widthFor(span: number, bins: number): number {
    const wanted = Math.max(1, span) / Math.max(1, bins)
    return this.width > 0 && this.width <= wanted && this.width * WIDTH_SLACK >= wanted ? this.width : wanted
  }

  /** The binned markers of [from, to] by lane, from the timeline's ring of markers. */
  binned(
    from: number,
    to: number,
    bins: number,
    ring: MarkerRing,
  ): { range: ColumnRange; bySource: Map<string, BinnedMarker[]> } {
    const width = this.widthFor(to - from, bins)
    const range = columnRange(from, to, width)
    let start: number
    if (width !== this.width || range.first < this.lowColumn) {
      this.reset()
      this.work.rebuilds++
      this.width = width
      this.lowColumn = range.first
      start = ring.lowerBound(range.first * width)
    } else {
      start = Math.max(ring.first, this.folded)
      this.dropBefore(range.first)
    }
    const end = ring.next
    for (let seq = start; seq < end; seq++) this.fold(seq, ring)
    this.folded = end
    const bySource = new Map<string, BinnedMarker[]>()
    for (const [source, lane] of this.lanes) {
      const out: BinnedMarker[] = []
      for (const c of lane.columns.values())
        if (c.column >= range.first && c.column <= range.last) out.push(placed(c.bin, c.column, width))
      for (let i = lane.singlesHead; i < lane.singles.length; i++) {
        const m = lane.singles[i]!.marker
        if (m.at >= from && m.at <= to) out.push(single(m))
      }
      if (out.length) bySource.set(source, out.sort(byPosition))
    }
    return { range, bySource }
  }

  /** The ring is about to drop marker `seq`: it leaves its column (it is always the oldest one there). */
  evict(seq: number, ring: MarkerRing): void {
    if (seq >= this.folded) return
    const lane = this.lanes.get(ring.sourceOf(seq) ?? '')
    if (!lane) return
    const kind = ring.kindOf(seq)
    if (kind >= LONE_KINDS) {
      if (lane.singles[lane.singlesHead]?.seq === seq) lane.singlesHead++
      this.compactSingles(lane)
      return
    }
    const key = Math.floor(ring.atOf(seq) / this.width) * 3 + kind
    const c = lane.columns.get(key)
    if (!c || c.seqs[c.head] !== seq) return
    c.head++
    c.bin.count--
    c.bin.bytes -= ring.bytesOf(seq)
    if (c.bin.count === 0) {
      lane.columns.delete(key)
      if (this.lastColumn === c) this.lastColumn = undefined
      return
    }
    c.bin.first = c.ats[c.head]!
    // A column the window shows for hours while the ring turns over keeps only its markers still in the ring.
    if (c.head > 64 && c.head > c.seqs.length / 2) {
      c.seqs = c.seqs.slice(c.head)
      c.ats = c.ats.slice(c.head)
      c.head = 0
    }
  }

  reset(): void {
    this.lastColumn = undefined
    this.lanes.clear()
    this.width = 0
    this.lowColumn = 0
    this.folded = 0
  }

  private fold(seq: number, ring: MarkerRing): void {
    this.work.folded++
    const kind = ring.kindOf(seq)
    const at = ring.atOf(seq)
    const column = Math.floor(at / this.width)
    const key = column * 3 + kind
    const source = ring.sourceOf(seq) ?? ''
    // A flood is runs of one lane's markers in one column: the column of the last fold is most often the one.
    const last = this.lastColumn
    if (last !== undefined && kind < LONE_KINDS && last.key === key && this.lastSource === source) {
      last.bin.count++
      last.bin.bytes += ring.bytesOf(seq)
      last.bin.last = at
      last.seqs.push(seq)
      last.ats.push(at)
      return
    }
    let lane = this.lanes.get(source)
    if (!lane) this.lanes.set(source, (lane = { columns: new Map(), singles: [], singlesHead: 0 }))
    if (kind >= LONE_KINDS) {
      lane.singles.push({ seq, marker: ring.marker(seq) })
      return
    }
    // A marker stamped before the columns kept (out of order) would be in a column already dropped.
    if (column < this.lowColumn) return
    let c = lane.columns.get(key)
    if (c) {
      c.bin.count++
      c.bin.bytes += ring.bytesOf(seq)
      c.bin.last = at
      c.seqs.push(seq)
      c.ats.push(at)
    } else {
      const bytes = ring.bytesOf(seq)
      const bin = { at: 0, kind: MARKER_KINDS[kind]!, count: 1, bytes, first: at, last: at }
      lane.columns.set(key, (c = { key, column, bin, seqs: [seq], head: 0, ats: [at] }))
    }
    this.lastColumn = c
    this.lastSource = source
  }

  /** Forgets the columns the window slid past. */
  private dropBefore(column: number): void {
    if (column <= this.lowColumn) return
    this.lowColumn = column
    this.lastColumn = undefined
    for (const [source, lane] of this.lanes) {
      // Columns were added in time order: the old ones come first (a straggler is caught by the full sweep).
      let stragglers = false
      for (const [key, c] of lane.columns) {
        if (c.column >= column) {
          stragglers = true
          break
        }
        lane.columns.delete(key)
      }
      if (stragglers && lane.columns.size > 4096)
        for (const [key, c] of lane.columns) if (c.column < column) lane.columns.delete(key)
      const start = column * this.width
      while (lane.singlesHead < lane.singles.length && lane.singles[lane.singlesHead]!.marker.at < start)
        lane.singlesHead++
      this.compactSingles(lane)
      if (!lane.columns.size && lane.singlesHead === lane.singles.length) this.lanes.delete(source)
    }
  }

  private compactSingles(lane: Lane): void {
    if (lane.singlesHead > 1024 && lane.singlesHead > lane.singles.length / 2) {
      lane.singles = lane.singles.slice(lane.singlesHead)
      lane.singlesHead = 0
    }
  }
}
