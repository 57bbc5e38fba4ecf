import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'

/** A fresh clock module (its timer starts on import) under fake timers, with the times it ticked at. */
async function freshClock() {
  vi.resetModules()
  const clock = await import('./now')
  const ticks: number[] = []
  const { watch } = await import('vue')
  watch(clock.now, (date) => ticks.push(date.getTime()), { flush: 'sync' })
  return { ...clock, ticks }
}

describe('the page clock', () => {
  beforeEach(() => {
    vi.useFakeTimers()
    vi.setSystemTime(0)
  })
  afterEach(() => vi.useRealTimers())

  it('ticks four times a second when no traffic renders', async () => {
    const { ticks } = await freshClock()
    vi.advanceTimersByTime(1000)
    expect(ticks).toEqual([250, 500, 750, 1000])
  })

  it('during traffic, ticks with its renders rather than in frames of its own between them', async () => {
    const { alignClock, ticks } = await freshClock()
    // Renders every 280 ms, out of step with the clock's 250 ms.
    for (let at = 280; at <= 2800; at += 280) {
      await vi.advanceTimersByTimeAsync(280)
      alignClock()
    }
    // The first tick came before any traffic; every later one with a render.
    expect(ticks).toEqual([250, 560, 840, 1120, 1400, 1680, 1960, 2240, 2520, 2800])
  })

  it('waits for a render at most LATE past its interval, and ticks on its own again when the traffic stops', async () => {
    const { alignClock, ticks } = await freshClock()
    await vi.advanceTimersByTimeAsync(200)
    alignClock()
    expect(ticks).toEqual([200])
    await vi.advanceTimersByTimeAsync(1000)
    // Due at 450, waited until 600 for a render; then no traffic for 500 ms: ticks every 250 ms.
    expect(ticks).toEqual([200, 600, 850, 1100])
    expect(Math.max(...ticks.slice(1).map((at, i) => at - ticks[i]!))).toBeLessThan(1000)
  })

  it('keeps its pace when what renders is held for its ticks (their render is not traffic of its own)', async () => {
    const { alignClock, now, ticks } = await freshClock()
    const { watch } = await import('vue')
    // The log shows held rows with each tick, and its update calls alignClock as any render does.
    watch(now, () => alignClock())
    await vi.advanceTimersByTimeAsync(1000)
    expect(ticks).toEqual([250, 500, 750, 1000])
  })
})
