import { shallowRef } from 'vue'
import type { TickingClock } from '@/core/timing/interval-batch'

/** How often the clock ticks: the article logged readyState every second, and a countdown that skips one looks broken. */
const INTERVAL = 250
/**
 * How early a tick may come to join a render already under way (a batch of traffic arrived): the countdowns, the
 * timeline's slide and the paced counters then change in the same update as the log, and the page renders one frame
 * for both rather than one for each a few milliseconds apart.
 */
const EARLY = 100

/** The clock as paced batches see it (see clockedBatch): their busy windows end on its ticks. */
export const CLOCK: TickingClock = { intervalMs: INTERVAL, earlyMs: EARLY }

/** One shared clock for every live display (badge, countdowns, timeline, paced counters), ticking four times a second. */
export const now = shallowRef(new Date())

let timer: ReturnType<typeof setTimeout> | undefined

function tick() {
  now.value = new Date()
  clearTimeout(timer)
  timer = setTimeout(tick, INTERVAL)
}
timer = setTimeout(tick, INTERVAL)

/** A render is under way: tick now if the next tick is due within EARLY (see above), else leave the clock be. */
export function alignClock() {
  if (Date.now() - now.value.getTime() >= INTERVAL - EARLY) tick()
}
