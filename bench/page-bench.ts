/**
 * The page in Debian's Chromium beyond the flood rows (flood-bench.ts): the same flood in pages Playwright manages
 * (it copies every frame to the driver) for comparison, what reading each message costs a bare page, heap with
 * 100,000 log entries, and frame times while scrolling the log.
 */
import { chromium, type Browser, type Page } from '@playwright/test'
import { startFloodServer } from '../e2e/flood-server'
import { QuietTab } from './quiet-tab'
import { median, pairedRounds, roundRatios } from './paired-rounds'

export interface PageBenchResult {
  messages: number
  /** µs of main-thread time per message for a bare page in a quiet tab: counting only, and reading each message. */
  bareCountingUs: number
  bareReadingDataUs: number
  /** The same flood in pages Playwright manages, in paired rounds. */
  instrumented: InstrumentedRounds
  heapBaselineMb: number
  heapWith100kMb: number
  scrollFrameP50Ms: number
  scrollFrameP95Ms: number
  scrollFrameMaxMs: number
}

const INSTRUMENTED_ROUNDS = 2

interface Flooded {
  perSecond: number
  longestTaskMs?: number
  clickMs?: number
}

interface InstrumentedRounds {
  barePerSecond: number
  playgroundPerSecond: number
  /** Median of the per-round ratios, and every round's in order. */
  ratio: number
  ratios: number[]
  longestTaskMs: number
  clickDuringFloodMs: number
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
    const runs = await pairedRounds(INSTRUMENTED_ROUNDS, {
      bare: () => bareIngest(browser, flood.url, messages),
      playground: () => playgroundIngest(browser, baseUrl, flood.url, messages),
    })
    const rates = (f: Flooded[]) => f.map((x) => x.perSecond)
    const ratios = roundRatios(rates(runs.playground), rates(runs.bare))
    const instrumented = {
      barePerSecond: median(rates(runs.bare)),
      playgroundPerSecond: median(rates(runs.playground)),
      ratio: median(ratios),
      ratios,
      longestTaskMs: Math.max(...runs.playground.map((r) => r.longestTaskMs ?? 0)),
      clickDuringFloodMs: Math.max(...runs.playground.map((r) => r.clickMs ?? 0)),
    }
    // What reading each message costs by itself: the least any page that logs messages must spend.
    const bareCountingUs = await quietBareMainThreadUs(browser, flood.url, messages, false)
    const bareReadingDataUs = await quietBareMainThreadUs(browser, flood.url, messages, true)
    const memory = await heapAndScroll(browser, baseUrl, flood.url)
    return { messages, bareCountingUs, bareReadingDataUs, instrumented, ...memory }
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

/** Main-thread µs per message of a bare page in a quiet tab (quiet-tab.ts) that counts, or also reads, each one. */
async function quietBareMainThreadUs(browser: Browser, url: string, messages: number, readData: boolean) {
  const tab = await QuietTab.open(browser, 'about:blank')
  try {
    const before = await tab.mainThreadMs()
    await tab.evaluate<number>(BARE_FLOOD(url, messages, readData))
    return ((await tab.mainThreadMs()) - before) * (1000 / messages)
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
