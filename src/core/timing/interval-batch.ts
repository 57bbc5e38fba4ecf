export interface BusyPacing {
  /** Calls per second from which the source counts as flooding. */
  perSecond: number
  /** The longer interval used while it floods. */
  ms: number
}

/**
 * Coalesces calls into one flush every `ms` milliseconds, for views that need not follow every message. With `busy`,
 * a window that saw calls at `busy.perSecond` or more makes the next window `busy.ms` long: during a flood nobody
 * reads individual rows, and every repaint skipped leaves the main thread to the messages (measured in bench/:
 * the page then keeps up with a bare page). Light traffic keeps the short interval, so typing and clicking stay snappy.
 */
export function intervalBatch(flush: () => void, ms: number, busy?: BusyPacing): (count?: number) => void {
  let timer: ReturnType<typeof setTimeout> | undefined
  let calls = 0
  let windowMs = ms
  // `count`: a caller that hands over many at once (an update's events) counts them all in one call.
  return (count = 1) => {
    calls += count
    if (timer !== undefined) return
    const started = windowMs
    timer = setTimeout(() => {
      timer = undefined
      const flooding = busy !== undefined && calls >= (busy.perSecond * started) / 1000
      windowMs = flooding ? busy.ms : ms
      calls = 0
      flush()
    }, started)
  }
}
