import { atRate } from './flood-rate'

export interface BusyPacing {
  /** Calls per second from which the source counts as flooding. */
  perSecond: number
  /** The longer interval used while it floods. */
  ms: number
}

/** The page's shared clock, as an intervalBatch sees it: how far apart its ticks are at most, and how early one may come. */
export interface TickingClock {
  intervalMs: number
  earlyMs: number
}

export interface IntervalBatch {
  /** `count`: a caller that hands over many at once (an update's events) counts them all in one call. */
  (count?: number): void
  /**
   * The shared clock ticked (a repaint is under way): a busy window that is over, or nearly, flushes with it.
   * Does nothing for a batch made without a clock.
   */
  tick(): void
  /** The window under way is a busy one (see `busy`): its flush waits for the clock, if made with one. */
  busy(): boolean
}

/**
 * Coalesces calls into one flush every `ms` milliseconds, for views that need not follow every message. With `busy`,
 * a window that saw calls at `busy.perSecond` or more makes the next window `busy.ms` long: during a flood nobody
 * reads individual rows, and every repaint skipped leaves the main thread to the messages (measured in bench/:
 * the page then keeps up with a bare page). Light traffic keeps the short interval, so typing and clicking stay snappy.
 *
 * With `clock` (the page's, which ticks a few times a second and repaints with each tick; its ticks call `tick`), a
 * busy window sets no timer of its own: a flush that waits for the tick ending its window shares that task and that
 * frame rather than making one more of each. A tick ends a busy window up to `clock.earlyMs` before it is due (the
 * ticks are not aligned with the window); a timer flushes a window the clock let run past its next tick (a clock that
 * stopped). `now` is the clock the windows are measured on (Date.now, which fake timers move).
 */
export function intervalBatch(
  flush: () => void,
  ms: number,
  busy?: BusyPacing,
  clock?: TickingClock,
  now: () => number = () => Date.now(),
): IntervalBatch {
  let timer: ReturnType<typeof setTimeout> | undefined
  let calls = 0
  let busyWindow = false
  let lastFlushAt = 0

  const end = (windowMs: number) => {
    if (timer !== undefined) clearTimeout(timer)
    timer = undefined
    busyWindow = busy !== undefined && atRate(calls, windowMs, busy.perSecond)
    const had = calls
    calls = 0
    lastFlushAt = now()
    if (had) flush()
  }
  const batch = ((count = 1) => {
    calls += count
    if (timer !== undefined) return
    if (!busy || !busyWindow) timer = setTimeout(() => end(ms), ms)
    else if (!clock) timer = setTimeout(() => end(busy.ms), busy.ms)
    else
      timer = setTimeout(() => end(now() - lastFlushAt), Math.max(0, lastFlushAt + busy.ms + clock.intervalMs - now()))
  }) as IntervalBatch
  batch.tick = () => {
    if (!clock || !busy || !busyWindow) return
    const elapsed = now() - lastFlushAt
    if (elapsed >= busy.ms - clock.earlyMs) end(elapsed)
  }
  batch.busy = () => busyWindow
  return batch
}
