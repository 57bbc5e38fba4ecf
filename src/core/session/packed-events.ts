import { LOG_SEQ_SLOT } from './events'
import type { HostEvent, HostUpdate } from './host-protocol'

/**
 * Events as they cross from the connections worker to the page, packed by column. Copying an update between threads
 * (structured clone) writes and reads every property name of every event object; in a flood nearly every event is a
 * message with the same eight fields, so those cross as numbers in one typed array (copied as raw bytes), their text
 * in one array of strings, and the page builds the objects back (measured: about a sixth of the clone's time on
 * both sides). Anything else (lifecycle events, cut large messages, imported ones) crosses as the object it is.
 */
export interface PackedEvents {
  /** Per event, CODES_PER_EVENT numbers: its kind code (0: the next of `others`) and its source (0: none, i: sources[i - 1]). */
  codes: Uint16Array
  /** Per packed event, NUMBERS_PER_EVENT numbers: at, connection, bytes, sinceOpen. */
  numbers: Float64Array
  /** The message text of each packed event, in order. */
  data: string[]
  sources: string[]
  others: HostEvent[]
}

/** An update as a worker posts it: `packed` in the place of `events`. */
export type PackedHostUpdate = Omit<HostUpdate, 'events'> & { events?: undefined; packed: PackedEvents }

const CODES_PER_EVENT = 2
const NUMBERS_PER_EVENT = 4
const KINDS = ['received', 'sent', 'keepalive'] as const
type TrafficKind = (typeof KINDS)[number]
/** Kind codes: 1 + the kind's index in KINDS, plus these flags. */
const BINARY = 8
const SINCE_OPEN = 16
const KIND_MASK = 7
/** A Uint16Array holds source indexes up to this; more sources in one update would cross as objects. */
const MAX_SOURCES = 0xfffe

function kindCode(kind: string): number {
  return kind === 'received' ? 1 : kind === 'sent' ? 2 : kind === 'keepalive' ? 3 : 0
}

/**
 * Packs the events that have nothing but a traffic event's fields. A field the log adds to its own entry (`seq`, the
 * worker's log holds the same objects) is not part of the event and does not cross.
 */
export function packEvents(events: readonly HostEvent[]): PackedEvents {
  const count = events.length
  const codes = new Uint16Array(count * CODES_PER_EVENT)
  let numbers = new Float64Array(count * NUMBERS_PER_EVENT)
  const data: string[] = []
  const sources: string[] = []
  const sourceIndex = new Map<string, number>()
  const others: HostEvent[] = []
  let packed = 0
  // Runs of one connection's messages are the rule: its index is kept rather than looked up again.
  let lastSource: string | undefined
  let lastIndex = 0
  for (let i = 0; i < count; i++) {
    const e = events[i]!
    const kind = kindCode(e.kind)
    let source = 0
    if (kind && e.source !== undefined && e.source === lastSource) source = lastIndex
    else if (kind && e.source !== undefined) {
      source = sourceIndex.get(e.source) ?? 0
      lastSource = e.source
      lastIndex = source
      if (!source && sources.length < MAX_SOURCES) {
        sources.push(e.source)
        source = lastIndex = sources.length
        sourceIndex.set(e.source, source)
      }
    }
    if (
      kind === 0 ||
      e.direction !== (kind === 1 ? 'in' : 'out') ||
      (e.source !== undefined && source === 0) ||
      typeof e.data !== 'string' ||
      typeof e.bytes !== 'number' ||
      (e.binary !== undefined && e.binary !== true) ||
      e.truncated !== undefined ||
      e.restored !== undefined
    ) {
      others.push(withoutSeq(e))
      continue
    }
    codes[i * CODES_PER_EVENT] = kind | (e.binary ? BINARY : 0) | (e.sinceOpen !== undefined ? SINCE_OPEN : 0)
    codes[i * CODES_PER_EVENT + 1] = source
    const at = packed * NUMBERS_PER_EVENT
    numbers[at] = e.at
    numbers[at + 1] = e.connection
    numbers[at + 2] = e.bytes
    numbers[at + 3] = e.sinceOpen ?? 0
    data.push(e.data)
    packed++
  }
  if (packed < count) numbers = numbers.slice(0, packed * NUMBERS_PER_EVENT)
  return { codes, numbers, data, sources, others }
}

/**
 * The events `packEvents` packed, as objects with their fields in the order the session made them (a message also
 * with the place for the page's log to number it, `LOG_SEQ_SLOT`).
 */
export function unpackEvents(packed: PackedEvents): HostEvent[] {
  const { codes, numbers, data, sources, others } = packed
  const count = codes.length / CODES_PER_EVENT
  const events: HostEvent[] = new Array<HostEvent>(count)
  let next = 0
  let other = 0
  for (let i = 0; i < count; i++) {
    const code = codes[i * CODES_PER_EVENT]!
    if (code === 0) {
      events[i] = others[other++]!
      continue
    }
    const kind: TrafficKind = KINDS[(code & KIND_MASK) - 1]!
    const direction = kind === 'received' ? 'in' : 'out'
    const source = codes[i * CODES_PER_EVENT + 1]!
    const at = next * NUMBERS_PER_EVENT
    const text = data[next++]!
    if (source && code & SINCE_OPEN && !(code & BINARY)) {
      // The flood's case, as one literal: the same shape for every message.
      events[i] = {
        kind,
        direction,
        data: text,
        bytes: numbers[at + 2]!,
        at: numbers[at]!,
        connection: numbers[at + 1]!,
        source: sources[source - 1]!,
        sinceOpen: numbers[at + 3]!,
        seq: LOG_SEQ_SLOT,
      } as HostEvent
      continue
    }
    const e = { kind, direction, data: text, bytes: numbers[at + 2]! } as Record<string, unknown>
    if (code & BINARY) e.binary = true
    e.at = numbers[at]!
    e.connection = numbers[at + 1]!
    if (source) e.source = sources[source - 1]!
    if (code & SINCE_OPEN) e.sinceOpen = numbers[at + 3]!
    events[i] = e as HostEvent
  }
  return events
}

export function packUpdate(update: HostUpdate): PackedHostUpdate {
  const { events, ...rest } = update
  return { ...rest, packed: packEvents(events) }
}

/** An update from the worker as the page applies it (one not packed, as tests post them, passes as it is). */
export function unpackUpdate(update: HostUpdate | PackedHostUpdate): HostUpdate {
  if (update.events !== undefined) return update
  const { packed, ...rest } = update
  return { ...rest, events: unpackEvents(packed) }
}

function withoutSeq(event: HostEvent): HostEvent {
  if (!('seq' in event)) return event
  // eslint-disable-next-line @typescript-eslint/no-unused-vars
  const { seq, ...rest } = event as HostEvent & { seq: number }
  return rest as HostEvent
}
