import { nextTick, shallowRef } from 'vue'
import type { TickingClock } from '@/core/timing/interval-batch'

/** How often the clock ticks: the article logged readyState every second, and a countdown that skips one looks broken. */
const INTERVAL = 250
/**
 * How early a tick may come to join a render already under way (a batch of traffic arrived): the countdowns, the
 * timeline's slide and the paced counters then change in the same update as the log, and the page renders one frame
 * for both rather than one for each a few milliseconds apart.
 */
const EARLY = 100

/** One shared clock for every live display (badge, countdowns, timeline, paced counters), ticking four times a second. */
export const now = shallowRef(new Date())

/**
 * How late a tick may come, while traffic is rendering the page, to wait for its next render (and join it, see
 * alignClock): a flood renders a few times a second, out of step with the clock, and a tick of its own between two
 * renders is a frame of its own. Ticks stay under 400 ms apart, so a countdown in seconds never skips one.
 */
const LATE = 150
/** Traffic rendered within this long: more is on its way. */
const TRAFFIC_MS = 2 * INTERVAL

/** The clock as paced batches see it (see intervalBatch): their busy windows end on its ticks, at most this far apart. */
export const CLOCK: TickingClock = { intervalMs: INTERVAL + LATE, earlyMs: EARLY }

let timer: ReturnType<typeof setTimeout> | undefined
/** When traffic last rendered (alignClock). */
let renderedAt = -Infinity

/** The render under way is the tick's own (renders held for the tick, see the log store): not traffic's. */
let ticking = false

function tick() {
  // The tick's render is the flush its change queues: over when Vue's next tick comes (a microtask, not a task).
  ticking = true
  now.value = new Date()
  void nextTick(() => (ticking = false))
  clearTimeout(timer)
  timer = setTimeout(due, INTERVAL)
}

function due() {
  if (Date.now() - renderedAt < TRAFFIC_MS) timer = setTimeout(tick, LATE)
  else tick()
}
timer = setTimeout(due, INTERVAL)

/** A render is under way: tick now if the next tick is due within EARLY (see above), else leave the clock be. */
export function alignClock() {
  if (ticking) return
  renderedAt = Date.now()
  if (renderedAt - now.value.getTime() >= INTERVAL - EARLY) tick()
}
