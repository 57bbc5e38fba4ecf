import type { ConnectionState } from './page-connection'
import { pacedFlush, type PacedFlush } from '../timing/paced-flush'
import type { BusyPacing, TickingClock } from '../timing/interval-batch'
import { floodPacing } from '../timing/flood-rate'
import { samePlain } from '../same-plain'

/** The fields that every message changes: only these may wait for the paced repaint. */
const TRAFFIC_FIELDS = new Set<keyof ConnectionState>(['sentCount', 'receivedCount', 'lastSentAt', 'lastReceivedAt'])

/** True when `next` differs from `shown` in traffic fields only (counters, last message times). */
export function trafficOnly(shown: Readonly<ConnectionState>, next: Readonly<ConnectionState>): boolean {
  for (const key of Object.keys(next) as (keyof ConnectionState)[]) {
    if (TRAFFIC_FIELDS.has(key)) continue
    const a = shown[key]
    const b = next[key]
    if (a === b) continue
    // lastClose crosses from a worker as a fresh copy with every update: the same close is not a change.
    if (key === 'lastClose' && samePlain(a, b)) continue
    return false
  }
  return true
}

/** Messages a state accounts for beyond another (for the pacing's flood detection). */
function messagesBetween(from: Readonly<ConnectionState> | undefined, to: Readonly<ConnectionState>): number {
  if (!from) return 1
  return Math.max(1, to.sentCount + to.receivedCount - from.sentCount - from.receivedCount)
}

/**
 * Traffic states shown 10 times a second, and while messages arrive at 1,000/s or more with the page's clock tick
 * (4 a second, see `tick`), else every 300 ms.
 */
export const STATE_REPAINT_MS = 100
export const STATE_REPAINT_BUSY = floodPacing(300)

/**
 * The connection states the page shows, paced: a state that changes anything but traffic (readyState, a close, the
 * keepalive switch…) is shown at once, whole; a state that only counts messages is shown at once when none was for a
 * window, else with the next paced repaint (at most 10 a second, 4 during a flood). `latest` always has the exact
 * state, for scripts (window.playground) and anything that must not lag. `show` writes to the reactive copy.
 */
export class StatePacer {
  private readonly latestStates = new Map<string, ConnectionState>()
  private readonly waiting = new Set<string>()
  private readonly paced: PacedFlush

  constructor(
    private readonly shown: (id: string) => Readonly<ConnectionState> | undefined,
    private readonly show: (id: string, state: ConnectionState) => void,
    options: { ms?: number; busy?: BusyPacing; now?: () => number; clock?: TickingClock } = {},
  ) {
    this.paced = pacedFlush(
      () => this.flush(),
      options.ms ?? STATE_REPAINT_MS,
      options.busy ?? STATE_REPAINT_BUSY,
      options.now,
      options.clock,
    )
  }

  /** The exact, newest state of a connection (undefined before the host reported one). */
  latest(id: string): ConnectionState | undefined {
    return this.latestStates.get(id)
  }

  /** A connection's new state; `now`: show it at once whatever it changed (the answer to the user's command). */
  offer(id: string, state: ConnectionState, now = false): void {
    const before = this.latestStates.get(id)
    this.latestStates.set(id, state)
    const shown = this.shown(id)
    if (now || !shown || !trafficOnly(shown, state)) {
      this.waiting.delete(id)
      this.show(id, state)
      return
    }
    this.waiting.add(id)
    this.paced(messagesBetween(before, state))
  }

  /** A connection that is gone: nothing of it is kept or shown. */
  forget(id: string): void {
    this.latestStates.delete(id)
    this.waiting.delete(id)
  }

  /**
   * A clock tick that repaints anyway (the page's shared clock): during a flood the waiting states are shown with it,
   * so the panels that follow both the clock and the counters repaint once, not once for each.
   */
  tick(): void {
    if (this.paced.busy) this.paced.flushNow()
  }

  dispose(): void {
    this.paced.cancel()
    this.waiting.clear()
  }

  private flush(): void {
    for (const id of this.waiting) {
      const state = this.latestStates.get(id)
      if (state) this.show(id, state)
    }
    this.waiting.clear()
  }
}
