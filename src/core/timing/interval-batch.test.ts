import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { intervalBatch } from './interval-batch'

describe('intervalBatch', () => {
  beforeEach(() => vi.useFakeTimers())
  afterEach(() => vi.useRealTimers())

  it('flushes once per interval however often it is called', () => {
    const flush = vi.fn()
    const schedule = intervalBatch(flush, 50)
    for (let i = 0; i < 10; i++) schedule()
    expect(flush).not.toHaveBeenCalled()
    vi.advanceTimersByTime(49)
    expect(flush).not.toHaveBeenCalled()
    vi.advanceTimersByTime(1)
    expect(flush).toHaveBeenCalledTimes(1)
    vi.advanceTimersByTime(500)
    expect(flush).toHaveBeenCalledTimes(1)
  })

  it('counts a call that hands over many at once as that many towards the busy rate', () => {
    const flushedAt: number[] = []
    const schedule = intervalBatch(() => flushedAt.push(Date.now()), 50, { perSecond: 1000, ms: 200 })
    const t0 = Date.now()
    // One call per 10 ms, each for 20 (2,000/s), for 600 ms.
    for (let ms = 0; ms < 600; ms += 10) {
      schedule(20)
      vi.advanceTimersByTime(10)
    }
    vi.advanceTimersByTime(1000)
    const gaps = flushedAt.map((t, i) => t - (i ? flushedAt[i - 1]! : t0))
    expect(gaps.slice(0, 3)).toEqual([50, 200, 200])
  })

  it('stretches the next window while calls arrive at the busy rate, and returns to the short one after', () => {
    const flushedAt: number[] = []
    const schedule = intervalBatch(() => flushedAt.push(Date.now()), 50, { perSecond: 1000, ms: 200 })
    const t0 = Date.now()
    // A flood: 2 calls per ms (2,000/s) for 600 ms.
    for (let ms = 0; ms < 600; ms++) {
      schedule()
      schedule()
      vi.advanceTimersByTime(1)
    }
    vi.advanceTimersByTime(1000)
    const gaps = flushedAt.map((t, i) => t - (i ? flushedAt[i - 1]! : t0))
    expect(gaps[0]).toBe(50) // the first window is short: nothing was known yet
    expect(gaps.slice(1, 3)).toEqual([200, 200])

    // Light traffic again: one call, then a short window.
    flushedAt.length = 0
    const before = Date.now()
    schedule()
    vi.advanceTimersByTime(1000)
    schedule()
    const second = Date.now()
    vi.advanceTimersByTime(1000)
    expect(flushedAt).toHaveLength(2)
    // The window right after the flood is still the long one; the next is back to 50 ms.
    expect(flushedAt[0]! - before).toBe(200)
    expect(flushedAt[1]! - second).toBe(50)
  })

  it('stays at the short interval for traffic below the busy rate', () => {
    const flushedAt: number[] = []
    const schedule = intervalBatch(() => flushedAt.push(Date.now()), 50, { perSecond: 1000, ms: 200 })
    const t0 = Date.now()
    for (let ms = 0; ms < 500; ms++) {
      if (ms % 2 === 0) schedule() // 500/s
      vi.advanceTimersByTime(1)
    }
    // Calls at 0, 2 … 498 ms: a flush every 50 ms from the first call, none stretched to the busy 200 ms.
    expect(flushedAt.map((t) => t - t0)).toEqual([50, 100, 150, 200, 250, 300, 350, 400, 450, 500])
  })
})
