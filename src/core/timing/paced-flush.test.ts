import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { pacedFlush } from './paced-flush'

describe('pacedFlush', () => {
  beforeEach(() => vi.useFakeTimers())
  afterEach(() => vi.useRealTimers())

  it('flushes a lone change at once, and the changes after it once at the end of the window', () => {
    const flush = vi.fn()
    const paced = pacedFlush(flush, 100)
    paced()
    expect(flush).toHaveBeenCalledTimes(1)
    vi.advanceTimersByTime(10)
    paced()
    paced()
    expect(flush).toHaveBeenCalledTimes(1)
    vi.advanceTimersByTime(89)
    expect(flush).toHaveBeenCalledTimes(1)
    vi.advanceTimersByTime(1)
    expect(flush).toHaveBeenCalledTimes(2)
    vi.advanceTimersByTime(1000)
    expect(flush).toHaveBeenCalledTimes(2)
    // Quiet for a window: at once again.
    paced()
    expect(flush).toHaveBeenCalledTimes(3)
  })

  it('stretches the window while units arrive at the busy rate, and is prompt again once they stop', () => {
    const flushedAt: number[] = []
    const paced = pacedFlush(() => flushedAt.push(Date.now()), 100, { perSecond: 1000, ms: 250 })
    const t0 = Date.now()
    // A flood: 130 messages every 16 ms (about 8,000/s) for a second.
    for (let ms = 0; ms < 1000; ms += 16) {
      paced(130)
      vi.advanceTimersByTime(16)
    }
    vi.advanceTimersByTime(1000)
    const gaps = flushedAt.map((t, i) => t - (i ? flushedAt[i - 1]! : t0))
    expect(gaps[0]).toBe(0) // the first change shows at once
    // At most four a second after that.
    for (const gap of gaps.slice(1)) expect(gap).toBeGreaterThanOrEqual(250)
    expect(flushedAt.length).toBeLessThanOrEqual(6)

    // After the flood, one reply shows at once, and a trickle keeps the short window.
    flushedAt.length = 0
    const before = Date.now()
    paced(1)
    vi.advanceTimersByTime(30)
    paced(1)
    vi.advanceTimersByTime(1000)
    expect(flushedAt.map((t) => t - before)).toEqual([0, 100])
  })

  it('counts units, not calls: one call standing for a thousand messages stretches the window', () => {
    const flushedAt: number[] = []
    const paced = pacedFlush(() => flushedAt.push(Date.now()), 100, { perSecond: 1000, ms: 250 })
    const t0 = Date.now()
    paced(1000)
    paced(1)
    vi.advanceTimersByTime(1000)
    expect(flushedAt.map((t) => t - t0)).toEqual([0, 250])
  })

  it('flushNow runs a waiting flush at once and restarts the window from there', () => {
    const flushedAt: number[] = []
    const paced = pacedFlush(() => flushedAt.push(Date.now()), 100, { perSecond: 1000, ms: 300 })
    const t0 = Date.now()
    paced(1000)
    expect(paced.busy).toBe(true)
    vi.advanceTimersByTime(40)
    paced.flushNow()
    expect(flushedAt).toHaveLength(1)
    paced(500)
    vi.advanceTimersByTime(60)
    paced.flushNow()
    paced(1)
    vi.advanceTimersByTime(1000)
    expect(flushedAt.map((t) => t - t0)).toEqual([0, 100, 400])
  })

  it('cancel drops a waiting flush', () => {
    const flush = vi.fn()
    const paced = pacedFlush(flush, 100)
    paced()
    paced()
    paced.cancel()
    vi.advanceTimersByTime(1000)
    expect(flush).toHaveBeenCalledTimes(1)
  })
})

describe('pacedFlush with the page clock', () => {
  beforeEach(() => vi.useFakeTimers())
  afterEach(() => vi.useRealTimers())
  const clock = { intervalMs: 400, earlyMs: 100 }

  it('leaves a busy window to the clock’s tick, and flushes it itself only when the clock stops', () => {
    const flushedAt: number[] = []
    const paced = pacedFlush(() => flushedAt.push(Date.now() - t0), 100, { perSecond: 1000, ms: 300 }, undefined, clock)
    const t0 = Date.now()
    // A flood of 2,000 a second; the clock ticks every 400 ms.
    for (let ms = 1; ms <= 2000; ms++) {
      paced(2)
      vi.advanceTimersByTime(1)
      if (ms % 400 === 0 && paced.busy) paced.flushNow()
    }
    // At once, then the short window (100), then only with the ticks: none of the busy windows' own timers fired.
    expect(flushedAt).toEqual([0, 100, 400, 800, 1200, 1600, 2000])
    // The clock stopped: the timer flushes a window and a tick late.
    paced(2)
    vi.advanceTimersByTime(699)
    expect(flushedAt).toHaveLength(7)
    vi.advanceTimersByTime(1)
    expect(flushedAt.at(-1)).toBe(2700)
  })
})
