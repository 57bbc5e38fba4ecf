/**
 * Many idle connections in one tab (issue 13): fifty connections with a keepalive every second, watched for 15 s with
 * the log and timeline on, for each host (sockets on the main thread, and in a worker): the longest main-thread task
 * while they tick and the main thread's share of the wall time. The keepalives sent are counted and checked, so the
 * row cannot quietly measure idle connections that send nothing. Quiet tabs (quiet-tab.ts); the page is set up
 * through its own controls (Duplicate, Connect); its long tasks are reported by phase (the load, the duplicates, the
 * connects; bench/setup-profile.ts says what they were). The ten-connection flood is in flood-bench.ts.
 */
import { loadavg } from 'node:os'
import { chromium, type Browser } from '@playwright/test'
import { startFloodServer } from '../e2e/flood-server'
import { openPlayground, type Host } from './flood-bench'

export interface IdleConnectionsResult {
  host: Host
  connections: number
  keepaliveSeconds: number
  watchedSeconds: number
  keepalivesSent: number
  /** The longest main-thread task while they idled (0: none ≥ 50 ms, the Long Tasks API's threshold). */
  longestTaskMs: number
  /** Main-thread time while they idled, as a share of the wall time. */
  mainThreadShare: number
  /**
   * The longest task while the page loaded (before the first Duplicate: a new browser's first load compiles and runs
   * the whole bundle and mounts the page in one task), while they were being duplicated, and while they were being
   * connected, 0 for none ≥ 50 ms (for information). Until 2026-12-03 one figure held all three: it was the load's.
   */
  setupLongestTaskMs: { load: number; duplicating: number; connecting: number }
  /** The 1-minute load average when the watch ended. */
  load: number
}

const IDLE_CONNECTIONS = 50

export async function runConnectionsBench(
  baseUrl: string,
  executablePath: string | undefined,
  options: { idleSeconds?: number; keepaliveSeconds?: number; hosts?: Host[] } = {},
): Promise<IdleConnectionsResult[]> {
  const flood = await startFloodServer()
  const browser = await chromium.launch({
    executablePath,
    args: ['--disable-background-networking', '--disable-dev-shm-usage'],
  })
  try {
    const results: IdleConnectionsResult[] = []
    for (const host of options.hosts ?? (['inline', 'worker'] as const))
      results.push(
        await idleConnections(
          browser,
          baseUrl,
          flood.url,
          host,
          IDLE_CONNECTIONS,
          options.keepaliveSeconds ?? 1,
          options.idleSeconds ?? 15,
        ),
      )
    return results
  } finally {
    await browser.close()
    await flood.close()
  }
}

/** Observes long tasks (the Long Tasks API reports tasks of 50 ms and more) from now on. */
const OBSERVE_LONG_TASKS = `(() => {
  window.__longTasks = []
  new PerformanceObserver((list) => { for (const e of list.getEntries()) window.__longTasks.push(e.duration) }).observe({ type: 'longtask' })
  return new Promise((resolve) => setTimeout(() => resolve(true), 0))
})()`
const LONGEST_TASK = `Math.max(0, ...window.__longTasks)`
/**
 * The set-up's long tasks (buffered since the page loaded) by the phase they started in (flood-bench.ts marks them).
 * The buffered entries come in an observer task; an observer that has none is never called, hence the timeout.
 */
const SETUP_LONG_TASKS = `new Promise((resolve) => {
  const entries = []
  const observer = new PerformanceObserver((list) => entries.push(...list.getEntries()))
  observer.observe({ type: 'longtask', buffered: true })
  setTimeout(() => {
    observer.disconnect()
    const at = (name) => performance.getEntriesByName(name, 'mark')[0].startTime
    const duplicating = at('bench:duplicating')
    const connecting = at('bench:connecting')
    const longest = (from, to) =>
      Math.max(0, ...entries.filter((e) => e.startTime >= from && e.startTime < to).map((e) => e.duration))
    resolve({ load: longest(0, duplicating), duplicating: longest(duplicating, connecting), connecting: longest(connecting, Infinity) })
  }, 200)
})`

/** `count` connections with a keepalive every `keepaliveSeconds`, left alone for `seconds` with the log and timeline on. */
async function idleConnections(
  browser: Browser,
  baseUrl: string,
  url: string,
  host: Host,
  count: number,
  keepaliveSeconds: number,
  seconds: number,
): Promise<IdleConnectionsResult> {
  const query = `endpoint=${encodeURIComponent(url)}&keepalive=${keepaliveSeconds}`
  const setupTab = await openPlayground(browser, baseUrl, query, count, host)
  try {
    const setupLongestTaskMs = await setupTab.evaluate<IdleConnectionsResult['setupLongestTaskMs']>(SETUP_LONG_TASKS)
    const keepalivesBefore = await setupTab.evaluate<number>(
      `window.playground.connections.reduce((n, c) => n + c.sentCount, 0)`,
    )
    await setupTab.evaluate(OBSERVE_LONG_TASKS)
    const busyBefore = await setupTab.mainThreadMs()
    const t0 = Date.now()
    await new Promise((resolve) => setTimeout(resolve, seconds * 1000))
    const wall = Date.now() - t0
    const busy = (await setupTab.mainThreadMs()) - busyBefore
    const after = await setupTab.evaluate<{ longest: number; sent: number; open: number; silent: number }>(`({
      longest: ${LONGEST_TASK},
      sent: window.playground.connections.reduce((n, c) => n + c.sentCount, 0),
      open: window.playground.connections.filter((c) => c.readyState === 1).length,
      silent: window.playground.connections.filter((c) => !c.keepaliveEnabled || c.sentCount === 0).length,
    })`)
    if (after.open !== count) throw new Error(`${count - after.open} of the ${count} idle connections closed`)
    // Idle connections that send nothing would make this row meaningless (it once measured none at all).
    const expected = (count * seconds) / keepaliveSeconds
    const keepalives = after.sent - keepalivesBefore
    console.log(
      `  idle, ${host} host: ${keepalives} keepalives sent in ${(wall / 1000).toFixed(1)} s (≈ ${expected} expected)`,
    )
    if (after.silent > 0 || keepalives < expected / 2)
      throw new Error(
        `idle connections: ${keepalives} keepalives sent (≈ ${expected} expected), ${after.silent} of ${count} connections sent none`,
      )
    return {
      host,
      connections: count,
      keepaliveSeconds,
      watchedSeconds: wall / 1000,
      keepalivesSent: keepalives,
      longestTaskMs: after.longest,
      mainThreadShare: busy / wall,
      setupLongestTaskMs,
      load: loadavg()[0]!,
    }
  } finally {
    await setupTab.close()
  }
}
