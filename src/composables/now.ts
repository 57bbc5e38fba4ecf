import { useNow } from '@vueuse/core'

/**
 * One shared clock for every live display (badge, countdowns, timeline), ticking four times a second:
 * the article logged readyState every second, and a countdown that skips a second looks broken.
 */
export const now = useNow({ interval: 250 })
