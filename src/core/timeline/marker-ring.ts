import type { MarkerKind, TimelineMarker } from './timeline'

export const LONE_KINDS = 3
/**
 * Kind codes, in the chart's drawing order; from LONE_KINDS on, markers are never merged into columns. A record, so
 * the compiler sees every kind has one.
 */
export const KIND_CODE: Readonly<Record<MarkerKind, number>> = {
  sent: 0,
  received: 1,
  keepalive: 2,
  closed: 3,
  error: 4,
  aws: 5,
  reconnect: 6,
}
/** The kinds by code: KIND_CODE turned round (one table, so the two directions cannot disagree). */
export const MARKER_KINDS: readonly MarkerKind[] = (Object.keys(KIND_CODE) as MarkerKind[]).sort(
  (a, b) => KIND_CODE[a] - KIND_CODE[b],
)

/**
 * The timeline's markers, oldest first, numbered by a sequence number that only grows; at `capacity` the oldest
 * goes. Held by column (typed arrays) rather than as an object per marker: a flood adds thousands a second, and an
 * object each was the page's largest cost per message (allocation and garbage collection). The few lone markers
 * (closes, errors, calls, reconnects) keep their details (code, reason, label) in an object beside.
 */
export class MarkerRing {
  private readonly ats: Float64Array
  private readonly bytes: Float64Array
  private readonly connections: Float64Array
  private readonly kinds: Uint8Array
  private readonly sources: (string | undefined)[]
  /** Lone markers by seq, with their details. */
  private readonly lone = new Map<number, TimelineMarker>()
  private head = 0
  private tail = 0

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError('The marker capacity must be at least 1.')
    this.ats = new Float64Array(capacity)
    this.bytes = new Float64Array(capacity)
    this.connections = new Float64Array(capacity)
    this.kinds = new Uint8Array(capacity)
    this.sources = new Array<string | undefined>(capacity).fill(undefined)
  }

  /** seq of the oldest marker held. */
  get first(): number {
    return this.head
  }

  /** seq the next marker gets. */
  get next(): number {
    return this.tail
  }

  get size(): number {
    return this.tail - this.head
  }

  get full(): boolean {
    return this.tail - this.head >= this.capacity
  }

  /** Adds a marker (the caller drops the oldest first when full). `bytes` undefined is kept as such. */
  push(at: number, kind: number, connection: number, source: string | undefined, bytes: number | undefined): number {
    const seq = this.tail++
    const i = seq % this.capacity
    this.ats[i] = at
    this.kinds[i] = kind
    this.connections[i] = connection
    this.sources[i] = source
    this.bytes[i] = bytes ?? NaN
    return seq
  }

  /** A lone marker, with its details. */
  pushLone(marker: TimelineMarker): number {
    const seq = this.push(marker.at, KIND_CODE[marker.kind], marker.connection, marker.source, marker.bytes)
    this.lone.set(seq, marker)
    return seq
  }

  shift(): void {
    if (this.tail === this.head) return
    const i = this.head % this.capacity
    if (this.kinds[i]! >= LONE_KINDS) this.lone.delete(this.head)
    this.sources[i] = undefined
    this.head++
  }

  clear(): void {
    this.lone.clear()
    this.sources.fill(undefined)
    // Numbering goes on: sequence numbers never repeat.
    this.head = this.tail
  }

  atOf(seq: number): number {
    return this.ats[seq % this.capacity]!
  }

  kindOf(seq: number): number {
    return this.kinds[seq % this.capacity]!
  }

  sourceOf(seq: number): string | undefined {
    return this.sources[seq % this.capacity]
  }

  /** 0 for a marker without a size. */
  bytesOf(seq: number): number {
    const b = this.bytes[seq % this.capacity]!
    return b === b ? b : 0
  }

  /** The marker as an object (made on request for traffic markers). */
  marker(seq: number): TimelineMarker {
    const lone = this.lone.get(seq)
    if (lone) return lone
    const i = seq % this.capacity
    const b = this.bytes[i]!
    const m: TimelineMarker = {
      at: this.ats[i]!,
      kind: MARKER_KINDS[this.kinds[i]!]!,
      connection: this.connections[i]!,
    }
    const source = this.sources[i]
    if (source !== undefined) m.source = source
    if (b === b) m.bytes = b
    return m
  }

  /** seq of the first marker at or after `at` (markers come in time order). */
  lowerBound(at: number): number {
    let lo = this.head
    let hi = this.tail
    while (lo < hi) {
      const mid = Math.floor((lo + hi) / 2)
      if (this.ats[mid % this.capacity]! < at) lo = mid + 1
      else hi = mid
    }
    return lo
  }
}
