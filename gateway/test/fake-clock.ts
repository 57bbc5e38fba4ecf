import type { Clock, Timer } from '../src/clock'

/** A Clock that moves only when told to: `advance(ms)` fires, in order, every timer due by then. */
export class FakeClock implements Clock {
  private current: number
  private seq = 0
  private readonly pending = new Map<number, { due: number; ms: number; fn: () => void }>()

  /** Starts at the real time by default, so SigV4 signatures made now are within the allowed skew. */
  constructor(start = Date.now()) {
    this.current = start
  }

  now(): number {
    return this.current
  }

  after(ms: number, fn: () => void): Timer {
    const id = this.seq++
    this.pending.set(id, { due: this.current + ms, ms, fn })
    return {
      refresh: () => {
        const t = this.pending.get(id)
        if (t) t.due = this.current + t.ms
        else this.pending.set(id, { due: this.current + ms, ms, fn })
      },
      cancel: () => void this.pending.delete(id),
    }
  }

  /** Number of timers not yet fired or cancelled. */
  get timers(): number {
    return this.pending.size
  }

  advance(ms: number): void {
    const target = this.current + ms
    for (;;) {
      let next: [number, { due: number; fn: () => void }] | undefined
      for (const entry of this.pending)
        if (entry[1].due <= target && (!next || entry[1].due < next[1].due)) next = entry
      if (!next) break
      this.current = next[1].due
      this.pending.delete(next[0])
      next[1].fn()
    }
    this.current = target
  }
}
