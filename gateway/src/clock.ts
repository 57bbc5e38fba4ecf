/**
 * The gateway's only source of time: every timer it sets (idle, maximum duration, integration timeout, close
 * deadlines) and every "now" it compares (rate limits, credential expiry, SigV4 skew) goes through a Clock, so tests
 * can drive them with a fake one and assert exact values instead of sleeping.
 */
export interface Timer {
  /** Restarts the countdown from now with the original delay (as Node's `timeout.refresh()`). */
  refresh(): void
  cancel(): void
}

export interface Clock {
  /** Epoch milliseconds. */
  now(): number
  /** Runs `fn` once after `ms`; a pending timer never keeps the process alive. */
  after(ms: number, fn: () => void): Timer
}

/** Node's timers only take delays up to 2^31-1 ms (24.8 days); a longer one fires at once. Options stay below it. */
export const MAX_TIMER_MS = 2 ** 31 - 1

export const realClock: Clock = {
  now: () => Date.now(),
  after(ms, fn) {
    if (!(ms <= MAX_TIMER_MS)) throw new RangeError(`timer delay ${ms} ms is over Node's limit (${MAX_TIMER_MS})`)
    const timer = setTimeout(fn, Math.max(0, ms))
    timer.unref()
    return { refresh: () => void timer.refresh(), cancel: () => clearTimeout(timer) }
  },
}
