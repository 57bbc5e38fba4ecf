import { describe, expect, it } from 'vitest'
import { atRate, FLOOD_PER_SECOND, floodPacing } from './flood-rate'

describe('atRate', () => {
  it('is reached at exactly the rate, over any window', () => {
    expect(atRate(100, 100, 1000)).toBe(true)
    expect(atRate(99, 100, 1000)).toBe(false)
    expect(atRate(20, 1000, 20)).toBe(true)
    expect(atRate(19, 1000, 20)).toBe(false)
  })

  it('counts windows that are not whole milliseconds of a unit (no rounding on the way)', () => {
    // 1,000 a second over 0.3 ms is 0.3 of a unit: one unit is a flood, none is not.
    expect(atRate(1, 0.3, 1000)).toBe(true)
    expect(atRate(0, 0.3, 1000)).toBe(false)
    // 7 units in 7.001 ms falls short of 1,000 a second by a hair.
    expect(atRate(7, 7.001, 1000)).toBe(false)
  })

  it('treats an empty window as reached only when nothing is asked of it', () => {
    expect(atRate(0, 0, 1000)).toBe(true)
    expect(atRate(0, 50, 1000)).toBe(false)
  })
})

describe('floodPacing', () => {
  it('paces every view from the same flood rate', () => {
    expect(floodPacing(250)).toEqual({ perSecond: FLOOD_PER_SECOND, ms: 250 })
    expect(FLOOD_PER_SECOND).toBe(1000)
  })
})
