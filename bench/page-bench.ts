/**
 * The page measured in Debian's Chromium: message ingest against a bare page that only counts onmessage (same
 * browser, same server, same run), the longest main-thread task during the flood, responsiveness to a click,
 * heap with 100,000 log entries, and frame times while scrolling the log.
 */
import { chromium, type Browser, type Page } from '@playwright/test'
import { startFloodServer } from '../e2e/flood-server'
import { QuietTab } from './quiet-tab'

/** The paired rounds in tabs Playwright does not instrument, the same flood in pages it does, and the log's memory. */
export interface PageBenchResult extends PairedRounds {
  messages: number
  /** µs of main-thread time per message for a bare page that also reads each message's data. */
  bareReadingDataUs: number
  /** The same flood in pages Playwright manages (it copies every frame to the driver), for comparison. */
  instrumented: PairedRounds
  heapBaselineMb: number
  heapWith100kMb: number
  scrollFrameP50Ms: number
  scrollFrameP95Ms: number
  scrollFrameMaxMs: number
}

const QUIET_ROUNDS = 5
const INSTRUMENTED_ROUNDS = 2

interface Flooded {
  perSecond: number
  longestTaskMs?: number
  clickMs?: number
  /** Main-thread task time during the flood divided by the messages (quiet tabs only). */
  mainThreadUs?: number
}

interface PairedRounds {
  barePerSecond: number
  playgroundPerSecond: number
  /** Median of the per-round ratios. */
  ratio: number
  ratios: number[]
  longestTaskMs: number
  clickDuringFloodMs: number
  /** Medians, µs of main-thread time per message (quiet tabs only). */
  mainThreadUs?: { bare: number; playground: number }
}

/**
 * Bare page and playground back to back in each round; the median of the paired ratios resists a noisy neighbour
 * better than a ratio of bests taken minutes apart.
 */
async function pairedRounds(
  rounds: number,
  bare: () => Promise<Flooded>,
  playground: () => Promise<Flooded>,
): Promise<PairedRounds> {
  const bares: Flooded[] = []
  const runs: Flooded[] = []
  for (let round = 0; round < rounds; round++) {
    bares.push(await bare())
    runs.push(await playground())
  }
  const ratios = bares.map((b, i) => runs[i]!.perSecond / b.perSecond).sort((x, y) => x - y)
  const usOf = (floods: Flooded[]) => median(floods.map((f) => f.mainThreadUs ?? Number.NaN))
  return {
    barePerSecond: median(bares.map((b) => b.perSecond)),
    playgroundPerSecond: median(runs.map((r) => r.perSecond)),
    ratio: median(ratios),
    ratios,
    longestTaskMs: Math.max(...runs.map((r) => r.longestTaskMs ?? 0)),
    clickDuringFloodMs: Math.max(...runs.map((r) => r.clickMs ?? 0)),
    mainThreadUs: bares[0]?.mainThreadUs === undefined ? undefined : { bare: usOf(bares), playground: usOf(runs) },
  }
}

export async function runPageBench(
  baseUrl: string,
  executablePath: string | undefined,
  messages = 50_000,
): Promise<PageBenchResult> {
  const flood = await startFloodServer()
  const browser = await chromium.launch({
    executablePath,
    args: ['--disable-background-networking', '--disable-dev-shm-usage'],
  })
  try {
    const quiet = await pairedRounds(
      QUIET_ROUNDS,
      () => quietBareIngest(browser, flood.url, messages),
      () => quietPlaygroundIngest(browser, baseUrl, flood.url, messages),
    )
    const instrumented = await pairedRounds(
      INSTRUMENTED_ROUNDS,
      () => bareIngest(browser, flood.url, messages),
      () => playgroundIngest(browser, baseUrl, flood.url, messages),
    )
    // What reading each message costs by itself: the least any page that logs messages must spend.
    const readingData = await quietBareIngest(browser, flood.url, messages, true)
    const memory = await heapAndScroll(browser, baseUrl, flood.url)
    return { messages, ...quiet, bareReadingDataUs: readingData.mainThreadUs!, instrumented, ...memory }
  } finally {
    await browser.close()
    await flood.close()
  }
}

/** The bare page: counts onmessage and nothing else (or, with readData, also reads each message's text). */
const BARE_FLOOD = (url: string, n: number, readData = false) => `new Promise((resolve, reject) => {
  let count = 0
  let t0 = 0
  let chars = 0
  const ws = new WebSocket(${JSON.stringify(url)})
  ws.onopen = () => { t0 = performance.now(); ws.send('flood ${n}') }
  ws.onmessage = (e) => {${readData ? ' chars += e.data.length;' : ''} if (++count === ${n}) { resolve(performance.now() - t0); globalThis.chars = chars; ws.close() } }
  ws.onerror = () => reject(new Error('bare page: socket error'))
})`

async function quietBareIngest(browser: Browser, url: string, messages: number, readData = false): Promise<Flooded> {
  const tab = await QuietTab.open(browser, 'about:blank')
  try {
    const before = await tab.mainThreadMs()
    const ms = await tab.evaluate<number>(BARE_FLOOD(url, messages, readData))
    const mainThreadUs = ((await tab.mainThreadMs()) - before) * (1000 / messages)
    return { perSecond: (messages / ms) * 1000, mainThreadUs }
  } finally {
    await tab.close()
  }
}

/** Observers installed before the flood: long tasks, and Event Timing for input to the next paint (≥ 16 ms only). */
const OBSERVE = `(() => {
  window.__longTasks = []
  window.__inputs = []
  new PerformanceObserver((list) => { for (const e of list.getEntries()) window.__longTasks.push(e.duration) }).observe({ type: 'longtask' })
  new PerformanceObserver((list) => { for (const e of list.getEntries()) window.__inputs.push(e.duration) }).observe({ type: 'event', durationThreshold: 16 })
  return true
})()`

/**
 * The playground in a quiet tab: the flood starts from the page's own Send button, a real (CDP) mouse click lands
 * on a filter checkbox 150 ms in, and the rate runs until the log holds the last message, timed by the log's own
 * entries (the send and the last receipt) as the bare page times its send and its last onmessage.
 */
async function quietPlaygroundIngest(browser: Browser, baseUrl: string, floodUrl: string, messages: number) {
  const tab = await QuietTab.open(browser, `${baseUrl}/?endpoint=${encodeURIComponent(floodUrl)}&autoconnect=1`)
  try {
    await tab.waitFor('window.playground && window.playground.session.readyState === 1', 30_000)
    const box = await tab.evaluate<{ x: number; y: number }>(`(() => {
      document.querySelector('input[name="composer-mode"][value="text"]').click()
      const text = document.querySelector('textarea[aria-label="Message"]')
      text.value = 'flood ${messages}'
      text.dispatchEvent(new Event('input'))
      const r = document.querySelector('input[aria-label="Regular expression"]').getBoundingClientRect()
      return { x: r.x + r.width / 2, y: r.y + r.height / 2 }
    })()`)
    await tab.evaluate(OBSERVE)
    await new Promise((resolve) => setTimeout(resolve, 300)) // let the composer's update settle before the flood
    const before = await tab.mainThreadMs()
    await tab.evaluate(`(document.querySelector('button.primary[title="Ctrl+Enter"]').click(), true)`)
    await new Promise((resolve) => setTimeout(resolve, 150))
    await tab.click(box.x, box.y)
    await tab.waitFor(`window.playground.log.total >= ${messages + 3}`, 120_000, 100)
    const mainThreadUs = ((await tab.mainThreadMs()) - before) * (1000 / messages)
    const result = await tab.evaluate<{
      sent?: LoggedEntry
      last?: LoggedEntry
      longest: number
      click: number
      checked: boolean
    }>(`({
      sent: window.playground.log.entries(2, 3)[0],
      last: window.playground.log.entries(-1)[0],
      longest: Math.max(0, ...window.__longTasks),
      click: Math.max(16, ...window.__inputs),
      checked: document.querySelector('input[aria-label="Regular expression"]').checked,
    })`)
    const ms = logSpan(result, messages)
    if (!result.checked) throw new Error('the click during the flood was lost')
    return { perSecond: (messages / ms) * 1000, longestTaskMs: result.longest, clickMs: result.click, mainThreadUs }
  } finally {
    await tab.close()
  }
}

interface LoggedEntry {
  kind: string
  at: number
  data?: string
}

/** ms from the logged send to the logged last message, after checking both are what the flood should produce. */
function logSpan(ends: { sent?: LoggedEntry; last?: LoggedEntry }, messages: number): number {
  if (ends.sent?.kind !== 'sent' || ends.last?.kind !== 'received' || !ends.last.data?.startsWith(`{"n":${messages},`))
    throw new Error(`unexpected log ends: ${JSON.stringify(ends)}`)
  return ends.last.at - ends.sent.at
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)]!
}

/** The bare page in a page Playwright manages (and instruments). */
async function bareIngest(browser: Browser, url: string, messages: number): Promise<Flooded> {
  const page = await browser.newPage()
  try {
    await page.setContent('<!doctype html><title>bare</title>')
    return { perSecond: (messages / ((await page.evaluate(BARE_FLOOD(url, messages))) as number)) * 1000 }
  } finally {
    await page.close()
  }
}

async function openPlayground(browser: Browser, baseUrl: string, floodUrl: string): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } })
  await page.addInitScript(() => {
    // The bench drives the page: its link connects without the consent dialog.
    ;(window as { __playgroundScripted?: boolean }).__playgroundScripted = true
    const w = window as unknown as { __longTasks: number[]; __inputs: number[] }
    w.__longTasks = []
    w.__inputs = []
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) w.__longTasks.push(entry.duration)
    }).observe({ type: 'longtask', buffered: true })
    // Event Timing: from the input's timestamp to the next paint after its handlers ran (only entries ≥ 16 ms).
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) w.__inputs.push(entry.duration)
    }).observe({ type: 'event', buffered: true, durationThreshold: 16 } as PerformanceObserverInit)
  })
  await page.goto(`${baseUrl}/?endpoint=${encodeURIComponent(floodUrl)}&autoconnect=1`)
  await page.getByRole('status', { name: 'Connection state' }).filter({ hasText: 'OPEN' }).waitFor()
  await page.getByRole('radiogroup', { name: 'Message format' }).getByLabel('Text').check()
  return page
}

async function playgroundIngest(browser: Browser, baseUrl: string, floodUrl: string, messages: number) {
  const page = await openPlayground(browser, baseUrl, floodUrl)
  try {
    await page.getByLabel('Message', { exact: true }).fill(`flood ${messages}`)
    const box = (await page.getByLabel('Regular expression').boundingBox())!
    const expected = (messages + 3).toLocaleString('en-US') // connecting, open, sent + the flood
    await page.evaluate(() => {
      const w = window as unknown as { __longTasks: number[]; __inputs: number[] }
      w.__longTasks.length = 0
      w.__inputs.length = 0
      ;(document.querySelector('button.primary[title="Ctrl+Enter"]') as HTMLButtonElement).click()
    })
    // A real mouse click while the flood pours in; the browser's Event Timing says how long until it was handled
    // and painted (Playwright's own round trips through a busy page would measure Playwright, not the page).
    await page.waitForTimeout(150)
    await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2)
    // Polled on a timer, not on animation frames, which would make the page render every frame.
    await page.waitForFunction(
      (text) =>
        (document.querySelector('[aria-label="Log entry count"]')?.textContent ?? '')
          .trim()
          .startsWith(`${text} entries`),
      expected,
      { timeout: 120_000, polling: 100 },
    )
    const ends = await page.evaluate(() => {
      const log = (window as unknown as { playground: { log: { entries(s: number, e?: number): LoggedEntry[] } } })
        .playground.log
      return { sent: log.entries(2, 3)[0], last: log.entries(-1)[0] }
    })
    const ms = logSpan(ends, messages)
    const longestTaskMs = await page.evaluate(() =>
      Math.max(0, ...(window as unknown as { __longTasks: number[] }).__longTasks),
    )
    if (!(await page.getByLabel('Regular expression').isChecked()))
      throw new Error('the click during the flood was lost')
    // No entry means every input event was handled and painted within 16 ms.
    const clickMs = await page.evaluate(() => Math.max(16, ...(window as unknown as { __inputs: number[] }).__inputs))
    return { perSecond: (messages / ms) * 1000, longestTaskMs, clickMs }
  } finally {
    await page.close()
  }
}

async function heapAndScroll(browser: Browser, baseUrl: string, floodUrl: string) {
  const page = await openPlayground(browser, baseUrl, floodUrl)
  try {
    const cdp = await page.context().newCDPSession(page)
    const heap = async () => {
      await cdp.send('HeapProfiler.collectGarbage')
      const usage = await cdp.send('Runtime.getHeapUsage')
      return usage.usedSize / 1024 / 1024
    }
    const heapBaselineMb = await heap()
    await page.getByLabel('Message', { exact: true }).fill('flood 100000')
    await page.getByRole('button', { name: 'Send', exact: true }).click()
    await page
      .getByLabel('Log entry count')
      .filter({ hasText: /^100,000 entries/ })
      .waitFor({ timeout: 180_000 })
    const heapWith100kMb = await heap()
    // A string, not a function: tsx's esbuild would wrap named inner functions in a helper the page does not have.
    const frames = (await page.evaluate(`new Promise((resolve) => {
      const el = document.querySelector('[aria-label="Message log"]')
      el.scrollTop = 0
      const deltas = []
      let last = performance.now()
      let n = 0
      const step = (t) => {
        deltas.push(t - last)
        last = t
        el.scrollTop += 1500
        if (++n < 180) requestAnimationFrame(step)
        else resolve(deltas.slice(1))
      }
      requestAnimationFrame(step)
    })`)) as number[]
    frames.sort((a, b) => a - b)
    const at = (q: number) => frames[Math.min(frames.length - 1, Math.floor(q * frames.length))]!
    return {
      heapBaselineMb,
      heapWith100kMb,
      scrollFrameP50Ms: at(0.5),
      scrollFrameP95Ms: at(0.95),
      scrollFrameMaxMs: frames.at(-1)!,
    }
  } finally {
    await page.close()
  }
}

/**
 * Sockets off the main thread (issue 17), side by side in one run: the playground against a bare page counting on its
 * main thread and one counting in a worker, with one connection and with ten flooding at once (the same messages in
 * all), in paired rounds. `npm run bench -- --worker-only` runs just these.
 */
export interface HostBenchCase {
  connections: number
  messages: number
  barePerSecond: number
  bareWorkerPerSecond: number
  playgroundPerSecond: number
  /** Medians of the per-round ratios, and every round's (in order). */
  ratioToBare: number
  ratioToBareWorker: number
  roundsToBare: number[]
  roundsToBareWorker: number[]
  longestTaskMs: number
  clickDuringFloodMs: number
  /** Medians, µs of main-thread time per message. */
  mainThreadUs: { bare: number; bareWorker: number; playground: number }
}

export async function runHostBench(
  baseUrl: string,
  executablePath: string | undefined,
  options: { messages?: number; rounds?: number } = {},
): Promise<HostBenchCase[]> {
  const messages = options.messages ?? 50_000
  const rounds = options.rounds ?? (Number(process.env.BENCH_HOST_ROUNDS) || QUIET_ROUNDS)
  const flood = await startFloodServer()
  const browser = await chromium.launch({
    executablePath,
    args: ['--disable-background-networking', '--disable-dev-shm-usage'],
  })
  try {
    const cases: HostBenchCase[] = []
    for (const connections of [1, 10]) {
      const bare: Flooded[] = []
      const bareWorker: Flooded[] = []
      const playground: Flooded[] = []
      for (let round = 0; round < rounds; round++) {
        bare.push(await quietBareFlood(browser, flood.url, messages, connections, false))
        bareWorker.push(await quietBareFlood(browser, flood.url, messages, connections, true))
        playground.push(await quietPlaygroundFlood(browser, baseUrl, flood.url, messages, connections))
      }
      const rate = (f: Flooded[]) => median(f.map((x) => x.perSecond))
      const us = (f: Flooded[]) => median(f.map((x) => x.mainThreadUs ?? Number.NaN))
      const toBare = playground.map((p, i) => p.perSecond / bare[i]!.perSecond)
      const toWorker = playground.map((p, i) => p.perSecond / bareWorker[i]!.perSecond)
      cases.push({
        connections,
        messages,
        barePerSecond: rate(bare),
        bareWorkerPerSecond: rate(bareWorker),
        playgroundPerSecond: rate(playground),
        ratioToBare: median(toBare),
        ratioToBareWorker: median(toWorker),
        roundsToBare: toBare,
        roundsToBareWorker: toWorker,
        longestTaskMs: Math.max(...playground.map((p) => p.longestTaskMs ?? 0)),
        clickDuringFloodMs: Math.max(...playground.map((p) => p.clickMs ?? 0)),
        mainThreadUs: { bare: us(bare), bareWorker: us(bareWorker), playground: us(playground) },
      })
    }
    return cases
  } finally {
    await browser.close()
    await flood.close()
  }
}

/**
 * The bare page: `connections` sockets share the messages and only count them, on the main thread or in a worker;
 * timed from the first send to the last message of all.
 */
const BARE_COUNTER = (url: string, total: number, connections: number) => `
  const each = ${Math.floor(total / connections)}
  let count = 0, open = 0, t0 = 0
  const sockets = []
  for (let i = 0; i < ${connections}; i++) {
    const ws = new WebSocket(${JSON.stringify(url)})
    sockets.push(ws)
    ws.onopen = () => { if (++open === ${connections}) { t0 = performance.now(); for (const s of sockets) s.send('flood ' + each) } }
    ws.onmessage = () => { if (++count === each * ${connections}) { done(performance.now() - t0); for (const s of sockets) s.close() } }
    ws.onerror = () => fail('bare page: socket error')
  }`

async function quietBareFlood(
  browser: Browser,
  url: string,
  messages: number,
  connections: number,
  inWorker: boolean,
): Promise<Flooded> {
  const tab = await QuietTab.open(browser, 'about:blank')
  try {
    const body = BARE_COUNTER(url, messages, connections)
    const script = inWorker
      ? `new Promise((resolve, reject) => {
          const source = 'const done = (ms) => postMessage({ ms }); const fail = (e) => postMessage({ error: e });' + ${JSON.stringify(body)}
          const worker = new Worker(URL.createObjectURL(new Blob([source], { type: 'text/javascript' })))
          worker.onmessage = (e) => { worker.terminate(); e.data.error ? reject(new Error(e.data.error)) : resolve(e.data.ms) }
        })`
      : `new Promise((resolve, reject) => { const done = resolve; const fail = (e) => reject(new Error(e)); ${body} })`
    const before = await tab.mainThreadMs()
    const ms = await tab.evaluate<number>(script)
    const received = Math.floor(messages / connections) * connections
    const mainThreadUs = ((await tab.mainThreadMs()) - before) * (1000 / received)
    return { perSecond: (received / ms) * 1000, mainThreadUs }
  } finally {
    await tab.close()
  }
}

/**
 * The playground with `connections` connections to the flood server (the link's, duplicated), flooded at once with
 * Send to all (or Send for one); a real click on a filter checkbox 150 ms in. Timed by the log's own entries, from
 * the first send to the last message.
 */
async function quietPlaygroundFlood(
  browser: Browser,
  baseUrl: string,
  floodUrl: string,
  messages: number,
  connections: number,
): Promise<Flooded> {
  const tab = await QuietTab.open(
    browser,
    `${baseUrl}/?endpoint=${encodeURIComponent(floodUrl)}&autoconnect=1`,
    undefined,
    "window.__playgroundSessionHost = 'worker'",
  )
  const each = Math.floor(messages / connections)
  const received = each * connections
  try {
    await tab.waitFor('window.playground && window.playground.session.readyState === 1', 30_000)
    if (connections > 1) {
      for (let i = 1; i < connections; i++)
        await tab.evaluate(`(document.querySelector('button[aria-label="Duplicate A"]').click(), true)`)
      await tab.waitFor(`window.playground.connections.length === ${connections}`, 10_000)
      await tab.evaluate(
        `(document.querySelectorAll('button[aria-label^="Connect "]').forEach((b) => b.click()), true)`,
      )
      await tab.waitFor(`window.playground.connections.every((c) => c.readyState === 1)`, 30_000)
    }
    const box = await tab.evaluate<{ x: number; y: number }>(`(() => {
      document.querySelector('input[name="composer-mode"][value="text"]').click()
      const text = document.querySelector('textarea[aria-label="Message"]')
      text.value = 'flood ${each}'
      text.dispatchEvent(new Event('input'))
      const r = document.querySelector('input[aria-label="Regular expression"]').getBoundingClientRect()
      return { x: r.x + r.width / 2, y: r.y + r.height / 2 }
    })()`)
    await tab.evaluate(OBSERVE)
    await new Promise((resolve) => setTimeout(resolve, 300))
    const before = await tab.mainThreadMs()
    const button =
      connections > 1
        ? 'button[title="Send to every OPEN connection of this tab"]'
        : 'button.primary[title="Ctrl+Enter"]'
    await tab.evaluate(`(document.querySelector(${JSON.stringify(button)}).click(), true)`)
    await new Promise((resolve) => setTimeout(resolve, 150))
    await tab.click(box.x, box.y)
    const lifecycle = 3 * connections // connecting, open, sent
    await tab.waitFor(`window.playground.log.total >= ${received + lifecycle}`, 180_000, 100)
    const mainThreadUs = ((await tab.mainThreadMs()) - before) * (1000 / received)
    const result = await tab.evaluate<{
      firstSent?: LoggedEntry
      last?: LoggedEntry
      longest: number
      click: number
      checked: boolean
    }>(`({
      firstSent: window.playground.log.entries(0, ${lifecycle + 10}).find((e) => e.kind === 'sent'),
      last: window.playground.log.entries(-1)[0],
      longest: Math.max(0, ...window.__longTasks),
      click: Math.max(16, ...window.__inputs),
      checked: document.querySelector('input[aria-label="Regular expression"]').checked,
    })`)
    if (result.firstSent?.kind !== 'sent' || result.last?.kind !== 'received' || !result.last.data?.startsWith('{"n":'))
      throw new Error(`unexpected log ends: ${JSON.stringify(result)}`)
    if (!result.checked) throw new Error('the click during the flood was lost')
    const ms = result.last.at - result.firstSent.at
    return { perSecond: (received / ms) * 1000, longestTaskMs: result.longest, clickMs: result.click, mainThreadUs }
  } finally {
    await tab.close()
  }
}
