/**
 * Heavy messages from `e2e/hostile-server.ts`: renderer memory while N × 1 MB messages arrive (the log's text budget
 * keeps old large ones to a head and a tail), and how long a click that opens a 50 MB message or a 6 KB JSON nested
 * 3,000 deep takes to answer (Event Timing: input to the next paint) and to show the entry's first page.
 */
import { chromium, type Browser, type Page } from '@playwright/test'
import { startHostileServer } from '../e2e/hostile-server'
import { rendererRssMb } from '../e2e/renderer-memory'

export interface HeavyBenchResult {
  messages: number
  rssBeforeMb: number
  rssPeakMb: number
  /** Peak growth over the flood divided by the messages. */
  growthPerMessageKb: number
  /** Messages per second taken in during the flood. */
  ingestPerSecond: number
  huge: OpenedEntry
  nested: OpenedEntry
}

interface OpenedEntry {
  /** Event Timing of the click: input to the next paint after its handlers (16 when under 16 ms, never reported). */
  clickMs: number
  /** From the click to the entry's first page seen shown (through Playwright's polling: an upper bound). */
  shownMs: number
}

const MB = 1024 * 1024

export async function runHeavyBench(
  baseUrl: string,
  executablePath: string | undefined,
  messages: number,
): Promise<HeavyBenchResult> {
  const server = await startHostileServer()
  const browser = await chromium.launch({
    executablePath,
    args: ['--disable-background-networking', '--disable-dev-shm-usage'],
  })
  try {
    console.log(`  ${messages.toLocaleString('en-US')} × 1 MB…`)
    const flood = await floodOfLargeMessages(browser, baseUrl, server.url, messages)
    const page = await open(browser, baseUrl, server.url)
    try {
      console.log('  a 50 MB message…')
      const huge = await openEntry(page, 'huge 52428800', /received/, /^16,384 of 52,\d{3},\d{3} characters shown$/)
      console.log('  a JSON nested 3,000 deep…')
      const nested = await openEntry(page, 'nested 3000', '[[[[', /characters of formatted JSON shown/)
      return { messages, ...flood, huge, nested }
    } finally {
      await page.close()
    }
  } finally {
    await browser.close()
    await server.close()
  }
}

async function open(browser: Browser, baseUrl: string, serverUrl: string): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } })
  await page.addInitScript(() => {
    const w = window as unknown as { __playgroundScripted: boolean; __clicks: number[] }
    // The bench drives the page: its link connects without the consent dialog.
    w.__playgroundScripted = true
    w.__clicks = []
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) if (e.name === 'click') w.__clicks.push(e.duration)
    }).observe({ type: 'event', buffered: true, durationThreshold: 16 } as PerformanceObserverInit)
  })
  await page.goto(`${baseUrl}/?endpoint=${encodeURIComponent(serverUrl)}&autoconnect=1`)
  await page.getByRole('status', { name: 'Connection state' }).filter({ hasText: 'OPEN' }).waitFor()
  await page.getByRole('radiogroup', { name: 'Message format' }).getByLabel('Text').check()
  return page
}

async function send(page: Page, command: string) {
  await page.getByLabel('Message', { exact: true }).fill(command)
  await page.getByRole('button', { name: 'Send', exact: true }).click()
}

async function floodOfLargeMessages(browser: Browser, baseUrl: string, serverUrl: string, messages: number) {
  const page = await open(browser, baseUrl, serverUrl)
  try {
    const rssBeforeMb = await rendererRssMb(browser)
    let rssPeakMb = rssBeforeMb
    const started = Date.now()
    await send(page, `big ${messages} ${MB}`)
    const expected = `${(messages + 3).toLocaleString('en-US')} entries`
    const deadline = started + messages * 5000 + 60_000
    for (;;) {
      rssPeakMb = Math.max(rssPeakMb, await rendererRssMb(browser))
      const count = (await page.getByLabel('Log entry count').textContent()) ?? ''
      if (count.trim().startsWith(expected)) break
      if (Date.now() > deadline) throw new Error(`the flood did not finish: ${count}`)
      await page.waitForTimeout(2000)
    }
    const seconds = (Date.now() - started) / 1000
    rssPeakMb = Math.max(rssPeakMb, await rendererRssMb(browser))
    return {
      rssBeforeMb,
      rssPeakMb,
      growthPerMessageKb: ((rssPeakMb - rssBeforeMb) * 1024) / messages,
      ingestPerSecond: messages / seconds,
    }
  } finally {
    await page.close()
  }
}

/** Asks the server for one heavy message, then clicks its log row once it has arrived and times the answer. */
async function openEntry(page: Page, command: string, row: RegExp | string, shown: RegExp): Promise<OpenedEntry> {
  await send(page, command)
  const option = page.getByRole('listbox', { name: 'Message log' }).getByRole('option').filter({ hasText: row }).last()
  await option.waitFor({ timeout: 240_000 })
  const clicks = () => page.evaluate(() => (window as unknown as { __clicks: number[] }).__clicks)
  const before = (await clicks()).length
  await option.click()
  const clicked = Date.now()
  await page.getByText(shown).waitFor({ timeout: 120_000 })
  // Seen from here, through Playwright's polling: an upper bound.
  const shownMs = Date.now() - clicked
  // Event Timing reports after the next paint: two frames and a task later, the click's entry is in if it has one.
  await page.evaluate(
    () => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(done, 50)))),
  )
  const after = await clicks()
  // Entries under 16 ms are never reported.
  return { clickMs: after.length > before ? after.at(-1)! : 16, shownMs }
}
