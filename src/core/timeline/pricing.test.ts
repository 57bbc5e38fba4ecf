import { describe, expect, it } from 'vitest'
import {
  DEFAULT_PRICES,
  UsageMeter,
  connectionMinuteCost,
  messageCost,
  meteredMessages,
  projectMonthlyCost,
  projectionProblems,
} from './pricing'

const [usEast1, tokyo] = DEFAULT_PRICES as [(typeof DEFAULT_PRICES)[0], (typeof DEFAULT_PRICES)[0]]

describe('metering', () => {
  it('counts messages in 32 KB units, at least one', () => {
    expect(meteredMessages(0)).toBe(1)
    expect(meteredMessages(32 * 1024)).toBe(1)
    expect(meteredMessages(32 * 1024 + 1)).toBe(2)
    expect(meteredMessages(33 * 1024)).toBe(2)
    expect(meteredMessages(128 * 1024)).toBe(4)
  })

  it('meters a live session: messages both ways and connection minutes', () => {
    const meter = new UsageMeter()
    meter.opened(0)
    meter.message(10)
    meter.message(40 * 1024)
    expect(meter.meteredMessages).toBe(3)
    expect(meter.connectionMinutes(90_000)).toBe(1.5)
    meter.closed(120_000)
    expect(meter.connectionMinutes(999_999)).toBe(2)
  })

  it('counts the minutes of connections open side by side', () => {
    const meter = new UsageMeter()
    meter.opened(0, 'c1')
    meter.opened(30_000, 'c2')
    expect(meter.connectionMinutes(60_000)).toBe(1.5)
    meter.closed(60_000, 'c1')
    expect(meter.connectionMinutes(120_000)).toBe(2.5)
  })
})

describe('prices', () => {
  it('charges per million messages, with the us-east-1 tier above a billion', () => {
    expect(messageCost(1_000_000_000, usEast1)).toBeCloseTo(1000)
    expect(messageCost(1_500_000_000, usEast1)).toBeCloseTo(1400)
    expect(connectionMinuteCost(10_000_000, usEast1)).toBeCloseTo(2.5)
  })

  it('reproduces the Tokyo worked example (per million, not per billion as the article says)', () => {
    // 1,000 users × 2 h/day × 30 days = 3.6 M connection minutes; 30 M messages.
    const result = projectMonthlyCost(
      { users: 1000, minutesPerUser: 120 * 30, messagesPerUser: 30_000, bytesPerMessage: 1024 },
      tokyo,
    )
    expect(result.connectionMinutes).toBe(3_600_000)
    expect(result.connectionCost).toBeCloseTo(1.134)
    expect(result.messageCost).toBeCloseTo(37.8)
  })
})

describe('projection input', () => {
  const good = { users: 10, minutesPerUser: 60, messagesPerUser: 100, bytesPerMessage: 512 }
  it('accepts zero and positive numbers', () => {
    expect(projectionProblems(good)).toEqual([])
    expect(projectionProblems({ ...good, users: 0 })).toEqual([])
  })
  it('refuses negative and blank fields by name, instead of projecting a negative cost', () => {
    expect(projectionProblems({ ...good, users: -2 })).toEqual(['Users cannot be negative.'])
    expect(
      projectionProblems({ ...good, bytesPerMessage: '' as unknown as number, minutesPerUser: Number.NaN }),
    ).toEqual(['Minutes per user: enter a number.', 'Bytes per message: enter a number.'])
  })
})
