import type { Page } from '@playwright/test'
import { expect, openPlayground, sendMessage, stateBadge, test } from './fixtures'
import { startHostileServer } from './hostile-server'

/**
 * The aim is a click answered (input to the next paint) within 200 ms while the filter worker is stuck on a
 * catastrophic pattern. On this shared 2-core host under load (30+), the same click with no filter at all took up to
 * ~1 s, so the bound is a tolerance load cannot break: a page whose own thread ran the pattern would not answer for
 * hours. Both clicks are printed: the one during the stuck pattern should read like the one before it.
 */
const CLICK_AIM_MS = 200
const CLICK_BOUND_MS = 3000

interface ClickRecord {
  /** Event Timing: input-to-next-paint of each click event (≥ 16 ms only), by the event's timestamp. */
  durations: Record<number, number>
  clicks: { at: number; duringMatching: boolean }[]
}

/**
 * A click on a cheap control (a header checkbox) as one mouse event at a known place, so it lands soon after the
 * step before it: input to paint, and whether the filter was still matching when the click was handled.
 */
async function timedClick(page: Page, at: { x: number; y: number }): Promise<{ ms: number; duringMatching: boolean }> {
  const clicks = await page.evaluate(() => (window as unknown as { __click: ClickRecord }).__click.clicks.length)
  await page.mouse.click(at.x, at.y)
  await expect
    .poll(() => page.evaluate(() => (window as unknown as { __click: ClickRecord }).__click.clicks.length))
    .toBe(clicks + 1)
  // Event Timing reports after the next paint: two frames and a task later, the click's entry is in if it has one.
  await page.evaluate(
    () => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(done, 50)))),
  )
  const record = await page.evaluate(() => (window as unknown as { __click: ClickRecord }).__click)
  const click = record.clicks.at(-1)!
  // Entries under 16 ms are never reported.
  return { ms: record.durations[click.at] ?? 16, duringMatching: click.duringMatching }
}

test('a click is answered within the aim while the filter worker is stuck on (a+)+$', async ({ page }) => {
  await page.addInitScript(() => {
    const record: ClickRecord = { durations: {}, clicks: [] }
    ;(window as unknown as { __click: ClickRecord }).__click = record
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) if (e.name === 'click') record.durations[e.startTime] = e.duration
    }).observe({ type: 'event', buffered: true, durationThreshold: 16 } as PerformanceObserverInit)
    document.addEventListener(
      'click',
      (e) => {
        if (!(e.target as Element).closest('header')) return
        const count = document.querySelector('[aria-label="Log entry count"]')?.textContent ?? ''
        record.clicks.push({ at: e.timeStamp, duringMatching: count.includes('still being matched') })
      },
      { capture: true },
    )
  })
  const server = await startHostileServer()
  try {
    await openPlayground(page, { endpoint: server.url, autoconnect: 1 })
    await expect(stateBadge(page)).toHaveText(/OPEN \(1\)/)
    await sendMessage(page, `drip ${'a'.repeat(40)}! 50`, 'Text')
    await expect(page.getByLabel('Log entry count')).toHaveText(/^\s*(\d\d|\d,\d{3}) entries/)
    const box = (await page.getByRole('checkbox', { name: 'Link connects on open' }).boundingBox())!
    const at = { x: box.x + box.width / 2, y: box.y + box.height / 2 }
    const before = await timedClick(page, at)
    await page.getByLabel('Regular expression').check()
    await page.getByLabel('Filter log').fill('(a+)+$')
    // A fresh worker has 3 s to start and 2 s for the batch: the next mouse event normally lands inside that.
    const during = await timedClick(page, at)
    await expect(page.getByRole('alert').filter({ hasText: 'took longer than 2 s' })).toBeVisible()
    console.log(
      `click input to paint: ${before.ms.toFixed(0)} ms before the filter, ${during.ms.toFixed(0)} ms while the worker was stuck (aim ${CLICK_AIM_MS} ms)`,
    )
    // On a host so loaded that even one mouse event took longer than the pattern's budget, nothing was measured.
    test.skip(!during.duringMatching, 'the click was handled only after the pattern was stopped')
    expect(during.ms).toBeLessThan(CLICK_BOUND_MS)
  } finally {
    await server.close()
  }
})
