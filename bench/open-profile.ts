/**
 * Where the time of opening a heavy log entry goes: clicks the row of a 50 MB message (and of a JSON nested 3,000
 * deep) with a Chromium trace running, then prints the click's Event Timing split (input delay, handlers,
 * presentation) and the main thread's self time by trace event and by JS function. A diagnosis aid, not a bench:
 * `npx vite build && npx tsx bench/open-profile.ts [rounds]`.
 */
import { chromium, type Page } from '@playwright/test'
import { preview } from 'vite'
import { startHostileServer } from '../e2e/hostile-server'
import { findChromium } from '../scripts/chromium-path.ts'
import { collectTraceEvents, type CpuProfile, type TraceEvent } from './chromium-trace'

const ROUNDS = Number(process.argv[2] ?? 3)
/** `--arrival`: click the 50 MB message as soon as its row shows, as the bench does, tracing from before it is sent. */
const ARRIVAL = process.argv.includes('--arrival')

const server = await startHostileServer()
const web = await preview({ preview: { port: 0, host: '127.0.0.1' }, logLevel: 'error' })
const address = web.httpServer.address()
if (!address || typeof address === 'string') throw new Error('preview server has no port')
const browser = await chromium.launch({ executablePath: findChromium(), args: ['--disable-dev-shm-usage'] })
try {
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } })
  await page.addInitScript(() => {
    const w = window as unknown as { __playgroundScripted: boolean; __clicks: PerformanceEventTiming[] }
    w.__playgroundScripted = true
    w.__clicks = []
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) w.__clicks.push(e as PerformanceEventTiming)
    }).observe({ type: 'event', buffered: true, durationThreshold: 16 } as PerformanceObserverInit)
  })
  await page.goto(`http://127.0.0.1:${address.port}/?endpoint=${encodeURIComponent(server.url)}&autoconnect=1`)
  await page.getByRole('status', { name: 'Connection state' }).filter({ hasText: 'OPEN' }).waitFor()
  await page.getByRole('radiogroup', { name: 'Message format' }).getByLabel('Text').check()
  const rows = page.getByRole('listbox', { name: 'Message log' }).getByRole('option')
  const huge = rows
    .filter({ hasText: /received/ })
    .filter({ hasText: '["yyy' })
    .last()
  const nested = rows.filter({ hasText: '[[[[' })
  if (ARRIVAL)
    await profileClick(page, '50 MB message, clicked on arrival', async () => {
      await send(page, 'huge 52428800')
      await huge.click({ timeout: 240_000 })
    })
  await send(page, 'huge 52428800')
  await send(page, 'nested 3000')
  await nested.waitFor({ timeout: 240_000 })
  for (let round = 0; round < ROUNDS; round++) {
    for (const [label, row] of [
      ['50 MB message', huge],
      ['JSON nested 3,000 deep', nested],
    ] as const) {
      // Start from a closed inspector, as a first open does.
      const close = page.getByRole('button', { name: 'Close inspector' })
      if (await close.isVisible()) await close.click()
      await settle(page)
      await profileClick(page, label, () => row.click())
    }
  }
} finally {
  await browser.close()
  await web.close()
  await server.close()
}

async function send(page: Page, command: string) {
  await page.getByLabel('Message', { exact: true }).fill(command)
  await page.getByRole('button', { name: 'Send', exact: true }).click()
}

function settle(page: Page) {
  return page.evaluate(
    () => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(done, 300)))),
  )
}

async function profileClick(page: Page, label: string, click: () => Promise<void>) {
  const cdp = await page.context().newCDPSession(page)
  const events = collectTraceEvents(cdp)
  await cdp.send('Profiler.enable')
  await cdp.send('Profiler.setSamplingInterval', { interval: 100 })
  await cdp.send('Tracing.start', {
    categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'v8', 'blink'].join(','),
    transferMode: 'ReportEvents',
  })
  await cdp.send('Profiler.start')
  const before = await clicks(page)
  await click()
  await settle(page)
  const { profile } = (await cdp.send('Profiler.stop')) as { profile: CpuProfile }
  const ended = new Promise((done) => cdp.once('Tracing.tracingComplete', done))
  await cdp.send('Tracing.end')
  await ended
  await cdp.detach()
  const after = await clicks(page)
  console.log(`\n== ${label}`)
  if (after.length === before.length) console.log('Event Timing: no event over 16 ms')
  for (const timing of after.slice(before.length).filter((t) => t.name === 'click' || t.name === 'pointerdown'))
    console.log(
      `Event Timing ${timing.name}: ${timing.duration} ms = input delay ${(timing.processingStart - timing.startTime).toFixed(1)}` +
        ` + handlers ${(timing.processingEnd - timing.processingStart).toFixed(1)}` +
        ` + to paint ${(timing.startTime + timing.duration - timing.processingEnd).toFixed(1)}`,
    )
  summarizeTrace(events)
  summarizeProfile(profile)
}

async function clicks(page: Page) {
  return page.evaluate(() =>
    (window as unknown as { __clicks: PerformanceEventTiming[] }).__clicks.map((e) => ({
      name: e.name,
      startTime: e.startTime,
      duration: e.duration,
      processingStart: e.processingStart,
      processingEnd: e.processingEnd,
    })),
  )
}

/** Self time by event name on the renderer's main thread, from the click's dispatch to 500 ms after. */
function summarizeTrace(events: TraceEvent[]) {
  const main = events.find((e) => e.ph === 'M' && e.name === 'thread_name' && e.args?.name === 'CrRendererMain')
  if (!main) return console.log('no renderer main thread in the trace')
  const click = events.find(
    (e) => e.name === 'EventDispatch' && e.pid === main.pid && (e.args?.data as { type?: string })?.type === 'click',
  )
  if (!click) return console.log('no click in the trace')
  // The task that dispatched the click, and those up to 300 ms after it: the click's answer.
  const from = click.ts - (ARRIVAL ? 3_000_000 : 20_000)
  const to = click.ts + 300_000
  const spans = events
    .filter((e) => e.pid === main.pid && e.tid === main.tid && e.ph === 'X' && e.dur && e.ts >= from && e.ts <= to)
    .sort((a, b) => a.ts - b.ts || b.dur! - a.dur!)
  const self = new Map<string, number>()
  const stack: { end: number; name: string }[] = []
  for (const e of spans) {
    while (stack.length && stack.at(-1)!.end <= e.ts) stack.pop()
    const parent = stack.at(-1)
    if (parent) self.set(parent.name, (self.get(parent.name) ?? 0) - e.dur!)
    const name =
      e.name === 'EventDispatch' ? `EventDispatch ${(e.args?.data as { type?: string })?.type ?? ''}` : e.name
    self.set(name, (self.get(name) ?? 0) + e.dur!)
    stack.push({ end: e.ts + e.dur!, name })
  }
  console.log('tasks ≥ 3 ms on the main thread (start from the click dispatch, duration):')
  let end = 0
  for (const e of spans) {
    if (e.ts < end) continue
    end = e.ts + e.dur!
    if (e.dur! >= 10000)
      console.log(`  +${((e.ts - click.ts) / 1000).toFixed(1)} ms  ${(e.dur! / 1000).toFixed(1)} ms  ${e.name}`)
  }
  const rows = [...self].filter(([, us]) => us >= 1000).sort((a, b) => b[1] - a[1])
  console.log('main thread self time, ≥ 1 ms (click − 20 ms … + 300 ms):')
  for (const [name, us] of rows.slice(0, 25)) console.log(`  ${(us / 1000).toFixed(1).padStart(7)} ms  ${name}`)
}

/** JS self time by function, over the whole profile. */
function summarizeProfile(profile: CpuProfile) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]))
  const self = new Map<string, number>()
  profile.samples.forEach((id, i) => {
    const frame = byId.get(id)!.callFrame
    const name = `${frame.functionName || '(anonymous)'} ${frame.url.split('/').pop()}:${frame.lineNumber + 1}:${frame.columnNumber + 1}`
    self.set(name, (self.get(name) ?? 0) + (profile.timeDeltas[i] ?? 0))
  })
  const rows = [...self]
    .filter(([name, us]) => us >= 1000 && !name.startsWith('(idle)') && !name.startsWith('(program)'))
    .sort((a, b) => b[1] - a[1])
  console.log('JS self time, ≥ 1 ms:')
  for (const [name, us] of rows.slice(0, 12)) console.log(`  ${(us / 1000).toFixed(1).padStart(7)} ms  ${name}`)
}
