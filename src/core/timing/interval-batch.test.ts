import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { intervalBatch, type IntervalBatch } from './interval-batch'

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

  it('ignores ticks when made without a clock: its busy windows end on their own timer', () => {
    const flushedAt: number[] = []
    const schedule = intervalBatch(() => flushedAt.push(Date.now()), 50, { perSecond: 1000, ms: 200 })
    const t0 = Date.now()
    for (let ms = 0; ms < 600; ms++) {
      schedule(2)
      vi.advanceTimersByTime(1)
      if (ms % 25 === 0) schedule.tick()
    }
    expect(flushedAt.map((t) => t - t0)).toEqual([50, 250, 450])
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

describe('intervalBatch with the page clock', () => {
  beforeEach(() => vi.useFakeTimers())
  afterEach(() => vi.useRealTimers())
  const clock = { intervalMs: 250, earlyMs: 100 }

  /** Calls at 2,000 a second for `ms`, with the clock ticking every 250 ms (a tick at each multiple of 250). */
  function flood(batch: IntervalBatch, ms: number, ticking = true) {
    for (let t = 0; t < ms; t++) {
      batch(2)
      vi.advanceTimersByTime(1)
      if (ticking && (Date.now() - start) % 250 === 0) batch.tick()
    }
  }
  let start = 0

  it('flushes a light stream once per short window, ticks or not', () => {
    const flushedAt: number[] = []
    const batch = intervalBatch(() => flushedAt.push(Date.now()), 50, { perSecond: 1000, ms: 500 }, clock)
    start = Date.now()
    batch()
    batch.tick()
    vi.advanceTimersByTime(49)
    batch.tick()
    expect(flushedAt).toEqual([])
    vi.advanceTimersByTime(1)
    expect(flushedAt.map((t) => t - start)).toEqual([50])
    vi.advanceTimersByTime(1000)
    expect(flushedAt).toHaveLength(1)
  })

  it('while busy, flushes only with the tick that ends the long window, and leaves the busy pace when calls stop', () => {
    const flushedAt: number[] = []
    const batch = intervalBatch(() => flushedAt.push(Date.now() - start), 250, { perSecond: 1000, ms: 500 }, clock)
    start = Date.now()
    flood(batch, 2000)
    // The first (short) window on its own timer, then every other tick: never between ticks.
    expect(flushedAt[0]).toBe(250)
    expect(flushedAt.slice(1)).toEqual([750, 1250, 1750])
    // The calls stopped: the tick that ends the window flushes what is left, and the busy pace ends with the next.
    vi.advanceTimersByTime(250)
    batch.tick()
    expect(flushedAt.at(-1)).toBe(2250)
    vi.advanceTimersByTime(1000)
    batch.tick()
    const count = flushedAt.length
    batch()
    vi.advanceTimersByTime(250)
    expect(flushedAt).toHaveLength(count + 1)
  })

  it('says whether the window under way is a busy one, until the tick that ends it after the calls stopped', () => {
    const batch = intervalBatch(() => {}, 250, { perSecond: 1000, ms: 500 }, clock)
    start = Date.now()
    expect(batch.busy()).toBe(false)
    flood(batch, 1000)
    expect(batch.busy()).toBe(true)
    vi.advanceTimersByTime(500)
    batch.tick()
    expect(batch.busy()).toBe(false)
  })

  it('flushes a busy window by itself when the clock stops ticking', () => {
    const flushedAt: number[] = []
    const batch = intervalBatch(() => flushedAt.push(Date.now() - start), 250, { perSecond: 1000, ms: 500 }, clock)
    start = Date.now()
    flood(batch, 2000, false)
    // 250 (short), then busy windows of 500 + the clock's 250 each.
    expect(flushedAt).toEqual([250, 1000, 1750])
    // What came after the last flush still shows.
    vi.advanceTimersByTime(1000)
    expect(flushedAt).toEqual([250, 1000, 1750, 2500])
    vi.advanceTimersByTime(2000)
    expect(flushedAt).toHaveLength(4)
  })
})
