import type { BusyPacing, TickingClock } from './interval-batch'
import { atRate } from './flood-rate'

/**
 * A paced flush: call it with how many units (messages) the change stands for; `cancel` stops a waiting flush,
 * `flushNow` runs a waiting one at once (to share a repaint with something else), `busy` says the long window is on.
 */
export interface PacedFlush {
  (units?: number): void
  cancel(): void
  flushNow(): void
  readonly busy: boolean
}

/**
 * Flushes at most once per window, and at once when the last flush is a window old or more, so a lone change (one
 * reply) shows without delay while a stream of them shows a few times a second. With `busy`, a window that saw
 * `busy.perSecond` units a second or more makes the next one `busy.ms` long. `now` is the clock (Date.now, which
 * fake timers move). With `clock` (the page's, whose ticks call `flushNow`), a long window's timer waits a tick longer:
 * the tick flushes it, in the frame the clock draws anyway, and the timer only if the clock stopped.
 */
export function pacedFlush(
  flush: () => void,
  ms: number,
  busy?: BusyPacing,
  now: () => number = () => Date.now(),
  clock?: TickingClock,
): PacedFlush {
  let timer: ReturnType<typeof setTimeout> | undefined
  let lastAt = -Infinity
  let units = 0
  let windowMs = ms

  const run = () => {
    timer = undefined
    const at = now()
    const flooding = busy !== undefined && atRate(units, windowMs, busy.perSecond)
    windowMs = flooding ? busy.ms : ms
    units = 0
    lastAt = at
    flush()
  }

  const paced = ((count = 1) => {
    units += count
    if (timer !== undefined) return
    const wait = lastAt + windowMs - now()
    if (wait <= 0) {
      // Quiet for a window or more: this change is not part of a stream (yet), and the short window follows.
      windowMs = ms
      run()
    } else timer = setTimeout(run, clock && busy && windowMs === busy.ms ? wait + clock.intervalMs : wait)
  }) as PacedFlush
  paced.cancel = () => {
    if (timer !== undefined) clearTimeout(timer)
    timer = undefined
  }
  paced.flushNow = () => {
    if (timer === undefined) return
    clearTimeout(timer)
    run()
  }
  Object.defineProperty(paced, 'busy', { get: () => busy !== undefined && windowMs === busy.ms })
  return paced
}
