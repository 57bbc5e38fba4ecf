/**
 * Many connections in one tab (issue 13): ten connections flooding at once against a bare page reading the same ten
 * sockets (paired rounds, as in page-bench), and fifty idle connections with keepalives (the longest main-thread
 * task while they tick). Quiet tabs only (quiet-tab.ts says why); the page is set up through its own controls.
 */
import { chromium, type Browser } from '@playwright/test'
import { startFloodServer } from '../e2e/flood-server'
import { QuietTab } from './quiet-tab'

export interface ConnectionsBenchResult {
  flood: {
    connections: number
    messagesEach: number
    barePerSecond: number
    playgroundPerSecond: number
    /** Median of the per-round ratios (playground ÷ bare page). */
    ratio: number
    /** Every round's ratio, in round order. */
    ratios: number[]
    /** The longest main-thread task in the playground's floods (0: none ≥ 50 ms). */
    longestTaskMs: number
  }
  idle: {
    connections: number
    keepaliveSeconds: number
    watchedSeconds: number
    keepalivesSent: number
    /** The longest main-thread task while they idled (0: none ≥ 50 ms, the Long Tasks API's threshold). */
    longestTaskMs: number
    /** Main-thread time while they idled, as a share of the wall time. */
    mainThreadShare: number
    /** The longest task while they were being duplicated and connected (for information). */
    setupLongestTaskMs: number
  }
}

const FLOOD_CONNECTIONS = 10
const IDLE_CONNECTIONS = 50

export async function runConnectionsBench(
  baseUrl: string,
  executablePath: string | undefined,
  options: { rounds?: number; messagesEach?: number; idleSeconds?: number; keepaliveSeconds?: number } = {},
): Promise<ConnectionsBenchResult> {
  const rounds = options.rounds ?? 5
  const messagesEach = options.messagesEach ?? 5_000
  const flood = await startFloodServer()
  const browser = await chromium.launch({
    executablePath,
    args: ['--disable-background-networking', '--disable-dev-shm-usage'],
  })
  try {
    const bares: number[] = []
    const runs: { perSecond: number; longestTaskMs: number }[] = []
    for (let round = 0; round < rounds; round++) {
      bares.push(await bareFlood(browser, flood.url, FLOOD_CONNECTIONS, messagesEach))
      runs.push(await playgroundFlood(browser, baseUrl, flood.url, FLOOD_CONNECTIONS, messagesEach))
      console.log(
        `  round ${round + 1}: bare ${Math.round(bares[round]!)} msg/s, playground ${Math.round(runs[round]!.perSecond)} msg/s`,
      )
    }
    const ratios = runs.map((r, i) => r.perSecond / bares[i]!)
    const idle = await idleConnections(
      browser,
      baseUrl,
      flood.url,
      IDLE_CONNECTIONS,
      options.keepaliveSeconds ?? 1,
      options.idleSeconds ?? 15,
    )
    return {
      flood: {
        connections: FLOOD_CONNECTIONS,
        messagesEach,
        barePerSecond: median(bares),
        playgroundPerSecond: median(runs.map((r) => r.perSecond)),
        ratio: median(ratios),
        ratios,
        longestTaskMs: Math.max(...runs.map((r) => r.longestTaskMs)),
      },
      idle,
    }
  } finally {
    await browser.close()
    await flood.close()
  }
}

/**
 * The bare page: opens the sockets, and once all are open asks each for its flood at the same moment, counting
 * onmessage until every message of every socket arrived.
 */
const BARE_FLOODS = (url: string, sockets: number, each: number) => `new Promise((resolve, reject) => {
  const all = []
  let open = 0
  let count = 0
  let t0 = 0
  const total = ${sockets * each}
  for (let i = 0; i < ${sockets}; i++) {
    const ws = new WebSocket(${JSON.stringify(url)})
    all.push(ws)
    ws.onopen = () => {
      if (++open < ${sockets}) return
      t0 = performance.now()
      for (const s of all) s.send('flood ${each}')
    }
    ws.onmessage = () => {
      if (++count === total) {
        resolve(performance.now() - t0)
        for (const s of all) s.close()
      }
    }
    ws.onerror = () => reject(new Error('bare page: socket error'))
  }
})`

async function bareFlood(browser: Browser, url: string, sockets: number, each: number): Promise<number> {
  const tab = await QuietTab.open(browser, 'about:blank')
  try {
    const ms = await tab.evaluate<number>(BARE_FLOODS(url, sockets, each))
    return ((sockets * each) / ms) * 1000
  } finally {
    await tab.close()
  }
}

/** Observes long tasks from now on (the Long Tasks API reports tasks of 50 ms and more). */
const OBSERVE_LONG_TASKS = `(() => {
  window.__longTasks = []
  new PerformanceObserver((list) => { for (const e of list.getEntries()) window.__longTasks.push(e.duration) }).observe({ type: 'longtask' })
  return true
})()`
const LONGEST_TASK = `Math.max(0, ...window.__longTasks)`

/**
 * Opens the playground with its first connection set up by `query`, duplicates it until there are `count`, and
 * connects them all through their own Connect buttons; long tasks are observed from before the first duplicate.
 */
async function openConnections(browser: Browser, baseUrl: string, query: string, count: number): Promise<QuietTab> {
  const tab = await QuietTab.open(browser, `${baseUrl}/?${query}`)
  await tab.waitFor(`window.playground && window.playground.connections.length === 1`, 30_000)
  await tab.evaluate(OBSERVE_LONG_TASKS)
  await tab.evaluate(`(async () => {
    const first = window.playground.connections[0].name
    for (let i = 1; i < ${count}; i++) {
      document.querySelector('button[aria-label="Duplicate ' + first + '"]').click()
      await new Promise((resolve) => setTimeout(resolve, 0))
    }
    return true
  })()`)
  await tab.waitFor(`window.playground.connections.length === ${count}`, 30_000)
  await tab.evaluate(`(document.querySelectorAll('button[aria-label^="Connect "]').forEach((b) => b.click()), true)`)
  await tab.waitFor(`window.playground.connections.every((c) => c.readyState === 1)`, 60_000, 100)
  return tab
}

/**
 * The playground with `sockets` connections to the flood server: "Send to all" asks every one for its flood; the
 * rate is timed by the log's own entries, from the first "sent" to the last message received, as the bare page
 * times its sends and its last onmessage.
 */
async function playgroundFlood(browser: Browser, baseUrl: string, url: string, sockets: number, each: number) {
  const tab = await openConnections(browser, baseUrl, `endpoint=${encodeURIComponent(url)}`, sockets)
  try {
    await tab.evaluate(`(() => {
      document.querySelector('input[name="composer-mode"][value="text"]').click()
      const text = document.querySelector('textarea[aria-label="Message"]')
      text.value = 'flood ${each}'
      text.dispatchEvent(new Event('input'))
      return true
    })()`)
    await new Promise((resolve) => setTimeout(resolve, 300)) // let the composer's update settle before the flood
    const before = await tab.evaluate<number>(`window.playground.log.total`)
    await tab.evaluate(OBSERVE_LONG_TASKS)
    await tab.evaluate(
      `([...document.querySelectorAll('button')].find((b) => b.textContent.trim() === 'Send to all').click(), true)`,
    )
    const expected = before + sockets * (each + 1)
    // The connections' counters are refreshed in batches: wait for them too.
    await tab.waitFor(
      `window.playground.log.total >= ${expected} && window.playground.connections.reduce((n, c) => n + c.receivedCount, 0) >= ${sockets * each}`,
      180_000,
      100,
    )
    // The log's own times: the first send (they come first, together) and the last message received.
    const result = await tab.evaluate<{
      head: { kind: string; at: number }[]
      last?: { kind: string; at: number }
      sent: number
      received: number
      longest: number
    }>(`({
      head: window.playground.log.entries(${before}, ${before + 100}),
      last: window.playground.log.entries(-1)[0],
      sent: window.playground.connections.reduce((n, c) => n + c.sentCount, 0),
      received: window.playground.connections.reduce((n, c) => n + c.receivedCount, 0),
      longest: ${LONGEST_TASK},
    })`)
    const firstSent = result.head.find((e) => e.kind === 'sent')
    if (result.sent !== sockets || result.received !== sockets * each || !firstSent || result.last?.kind !== 'received')
      throw new Error(
        `expected ${sockets} sends and ${sockets * each} messages, got ${result.sent} and ${result.received}`,
      )
    const ms = result.last.at - firstSent.at
    return { perSecond: ((sockets * each) / ms) * 1000, longestTaskMs: result.longest }
  } finally {
    await tab.close()
  }
}

/** `count` connections with a keepalive every `keepaliveSeconds`, left alone for `seconds` with the log and timeline on. */
async function idleConnections(
  browser: Browser,
  baseUrl: string,
  url: string,
  count: number,
  keepaliveSeconds: number,
  seconds: number,
): Promise<ConnectionsBenchResult['idle']> {
  const query = `endpoint=${encodeURIComponent(url)}&keepalive=${keepaliveSeconds}`
  const setupTab = await openConnections(browser, baseUrl, query, count)
  try {
    const setupLongestTaskMs = await setupTab.evaluate<number>(LONGEST_TASK)
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
    console.log(`  idle: ${keepalives} keepalives sent in ${(wall / 1000).toFixed(1)} s (≈ ${expected} expected)`)
    if (after.silent > 0 || keepalives < expected / 2)
      throw new Error(
        `idle connections: ${keepalives} keepalives sent (≈ ${expected} expected), ${after.silent} of ${count} connections sent none`,
      )
    return {
      connections: count,
      keepaliveSeconds,
      watchedSeconds: wall / 1000,
      keepalivesSent: keepalives,
      longestTaskMs: after.longest,
      mainThreadShare: busy / wall,
      setupLongestTaskMs,
    }
  } finally {
    await setupTab.close()
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)]!
}
