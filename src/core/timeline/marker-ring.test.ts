import { describe, expect, it } from 'vitest'
import { isSingle } from './marker-bins'
import { KIND_CODE, MARKER_KINDS, MarkerRing } from './marker-ring'

describe('marker kinds', () => {
  it('turn into codes and back, traffic first and the lone kinds after it', () => {
    expect(MARKER_KINDS).toEqual(['sent', 'received', 'keepalive', 'closed', 'error', 'aws', 'reconnect'])
    for (const kind of MARKER_KINDS) expect(MARKER_KINDS[KIND_CODE[kind]]).toBe(kind)
    expect(MARKER_KINDS.filter(isSingle)).toEqual(['closed', 'error', 'aws', 'reconnect'])
  })
})

describe('MarkerRing', () => {
  it('numbers markers as they come and gives them back as objects, sizes and sources as they were', () => {
    const ring = new MarkerRing(4)
    ring.push(10, KIND_CODE.received, 1, 'c1', 40)
    ring.push(11, KIND_CODE.sent, 2, undefined, undefined)
    ring.pushLone({ at: 12, kind: 'closed', connection: 1, source: 'c1', code: 4000, reason: 'bye' })
    expect([ring.first, ring.next, ring.size]).toEqual([0, 3, 3])
    expect(ring.marker(0)).toEqual({ at: 10, kind: 'received', connection: 1, source: 'c1', bytes: 40 })
    // No size and no source stay absent, not 0 or ''.
    expect(ring.marker(1)).toEqual({ at: 11, kind: 'sent', connection: 2 })
    expect(ring.bytesOf(1)).toBe(0)
    expect(ring.marker(2)).toMatchObject({ kind: 'closed', code: 4000, reason: 'bye' })
    expect([ring.atOf(2), ring.kindOf(2), ring.sourceOf(2)]).toEqual([12, KIND_CODE.closed, 'c1'])
  })

  it('drops the oldest on shift, with a lone marker’s details, and keeps numbering across the wrap', () => {
    const ring = new MarkerRing(2)
    ring.pushLone({ at: 1, kind: 'error', connection: 1, label: 'x' })
    ring.push(2, KIND_CODE.sent, 1, 'a', 3)
    expect(ring.full).toBe(true)
    ring.shift()
    ring.push(3, KIND_CODE.received, 1, 'b', 4)
    expect([ring.first, ring.next]).toEqual([1, 3])
    expect(ring.marker(1)).toEqual({ at: 2, kind: 'sent', connection: 1, source: 'a', bytes: 3 })
    expect(ring.marker(2)).toEqual({ at: 3, kind: 'received', connection: 1, source: 'b', bytes: 4 })
    // Slot 0 now holds seq 2, a traffic marker: the error's details went with it.
    expect(ring.marker(2).label).toBeUndefined()
  })

  it('finds the first marker at or after a time among those held', () => {
    const ring = new MarkerRing(3)
    for (const at of [5, 10, 10, 20, 30]) {
      if (ring.full) ring.shift()
      ring.push(at, KIND_CODE.sent, 1, undefined, 1)
    }
    // Held: seqs 2, 3, 4 at 10, 20, 30.
    expect(ring.lowerBound(0)).toBe(2)
    expect(ring.lowerBound(10)).toBe(2)
    expect(ring.lowerBound(11)).toBe(3)
    expect(ring.lowerBound(30)).toBe(4)
    expect(ring.lowerBound(31)).toBe(5)
  })

  it('empties on clear without reusing sequence numbers, and refuses a capacity below 1', () => {
    const ring = new MarkerRing(2)
    ring.push(1, KIND_CODE.sent, 1, 'a', 1)
    ring.clear()
    expect([ring.first, ring.next, ring.size]).toEqual([1, 1, 0])
    expect(() => new MarkerRing(0)).toThrow(RangeError)
  })
})
