import { describe, expect, it } from 'vitest'
import type { HostEvent, HostUpdate } from './host-protocol'
import { packEvents, packUpdate, unpackEvents, unpackUpdate } from './packed-events'

const message = (n: number, extra: Partial<HostEvent> = {}) =>
  ({
    kind: 'received',
    direction: 'in',
    data: `{"n":${n}}`,
    bytes: 8 + String(n).length,
    at: 1_700_000_000_000 + n + 0.25,
    connection: 3,
    source: 'c1',
    sinceOpen: 1000 + n,
    ...extra,
  }) as HostEvent

/** What crossing the thread boundary does to an update: a structured clone, then the page's unpacking. */
const crossed = (events: HostEvent[]) => unpackEvents(structuredClone(packEvents(events)))

/** A message as the session makes it in a flood (from a page connection, after open) comes with the log's seq slot. */
const asUnpacked = (events: HostEvent[]) =>
  events.map((e) =>
    ['received', 'sent', 'keepalive'].includes(e.kind) &&
    e.source !== undefined &&
    e.sinceOpen !== undefined &&
    !e.binary &&
    !e.truncated &&
    !e.restored &&
    e.data !== undefined
      ? { ...e, seq: undefined }
      : e,
  )

describe('packed events', () => {
  it('brings traffic events back equal, with their fields in the order the session made them', () => {
    const events: HostEvent[] = [
      message(1),
      { kind: 'sent', direction: 'out', data: 'hi', bytes: 2, at: 5, connection: 1, source: 'c2', sinceOpen: 0 },
      { kind: 'keepalive', direction: 'out', data: 'ping', bytes: 4, at: 6, connection: 1, source: 'c2' },
      { kind: 'received', direction: 'in', data: 'AAE=', bytes: 2, binary: true, at: 7, connection: 9, sinceOpen: 3 },
      { kind: 'sent', direction: 'out', data: '', bytes: 0, at: -0, connection: 2 },
      message(2, { data: 'é😀\ud800', bytes: 9, connection: 2 ** 40, at: 2 ** 53 - 1, sinceOpen: -1.5 }),
    ]
    const back = crossed(events)
    expect(back).toStrictEqual(asUnpacked(events))
    asUnpacked(events).forEach((e, i) => expect(Object.keys(back[i]!)).toEqual(Object.keys(e)))
    // The flood's shape has the place for the page's log to number it; JSON (exports) leaves it out.
    expect(Object.keys(back[0]!).at(-1)).toBe('seq')
    expect(JSON.stringify(back[0])).toBe(JSON.stringify(events[0]))
    expect(Object.keys(back[2]!)).not.toContain('seq')
    expect(Object.is(back[4]!.at, -0)).toBe(true)
    // All six were packed: nothing crossed as an object.
    expect(packEvents(events).others).toEqual([])
  })

  it('sends everything else as the object it is, in its place, without the log’s seq', () => {
    const connecting = { kind: 'connecting', direction: 'none', url: 'ws://x/', at: 1, connection: 1, source: 'c1' }
    const closed = {
      kind: 'closed',
      direction: 'none',
      code: 1000,
      reason: '',
      wasClean: true,
      initiator: 'client',
      beforeOpen: false,
      at: 9,
      connection: 1,
      source: 'c1',
      sinceOpen: 8,
    }
    const cut = message(3, { data: 'head…tail', truncated: { chars: 200_000, head: 4, tail: 4 } })
    const restored = message(4, { restored: true })
    const watched = { kind: 'received', direction: 'in', at: 2, connection: 1001, source: 'lab' } // no data or bytes
    const events = [connecting, message(1), cut, restored, watched, closed, message(2)] as HostEvent[]
    // The worker's log numbers the objects it holds: the same ones wait for the page.
    const logged = events.map((e, seq) => Object.assign({ ...e }, { seq }))
    const packed = packEvents(logged)
    expect(packed.others).toHaveLength(5)
    expect(packed.data).toEqual(['{"n":1}', '{"n":2}'])
    const back = crossed(logged)
    expect(back).toStrictEqual(asUnpacked(events))
    // Numbered by the worker's log, but no number crosses.
    expect(back.every((e) => (e as { seq?: number }).seq === undefined)).toBe(true)
    expect(back.filter((e) => 'seq' in e)).toHaveLength(2)
    // The log's own objects keep their numbers.
    expect(logged.map((e) => e.seq)).toEqual([0, 1, 2, 3, 4, 5, 6])
  })

  it('keeps the sources of many connections apart', () => {
    const events = Array.from({ length: 300 }, (_, i) => message(i, { source: `c${i % 120}` }))
    expect(crossed(events)).toStrictEqual(asUnpacked(events))
    expect(packEvents(events).sources).toHaveLength(120)
    // Runs of one connection's messages, the connections coming back in turn, a lifecycle event inside a run.
    const runs = Array.from({ length: 100 }, (_, i) => message(i, { source: `c${Math.floor(i / 7) % 5}` }))
    runs.splice(10, 0, { kind: 'open', direction: 'none', at: 1, connection: 4, source: 'c9' } as HostEvent)
    expect(crossed(runs)).toStrictEqual(asUnpacked(runs))
    expect(packEvents(runs).sources).toEqual(['c0', 'c1', 'c2', 'c3', 'c4'])
  })

  it('packs an update whole and unpacks it; an update that was not packed passes as it is', () => {
    const update: HostUpdate = {
      events: [message(1), message(2)],
      states: [],
      connectionIds: [[1, 'c1', ['L0SM9cOFvHcCIhw=']]],
      opened: [['c1', 'ws://x/']],
      failures: ['late'],
      skipped: 2,
    }
    const packed = packUpdate(update)
    expect(packed).not.toHaveProperty('events')
    expect(unpackUpdate(structuredClone(packed))).toStrictEqual({ ...update, events: asUnpacked(update.events) })
    expect(unpackUpdate(update)).toBe(update)
    expect(unpackEvents(packEvents([]))).toEqual([])
  })
})
