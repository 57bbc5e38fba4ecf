import { readFile } from 'node:fs/promises'
import { expect, logList, openPlayground, sendMessage, stateBadge, test } from './fixtures'
import { startHostileServer } from './hostile-server'
import { rendererRssMb } from './renderer-memory'

/**
 * Bound on the renderers' growth while the 1 MB messages arrive, measured from just before the flood (the browser's
 * other renderers are in the figure too, so the growth is what tells). Without the text budget every message stayed
 * whole: 1,500 took the renderer from 156 to 1,870 MB, about 1.2 MB a message, so 200 would grow it ~240 MB. With it,
 * old ones keep 32 KB each.
 */
const FLOOD_RSS_GROWTH_BOUND_MB = 150
/**
 * 1,500 in the measurement; on a loaded 2-core machine Chromium takes in about one 1 MB message a second,
 * so the suite sends 200 (200 MB: without the budget, past the bound). HOSTILE_FLOOD_MESSAGES=1500 for the full run.
 */
const FLOOD_MESSAGES = Number(process.env.HOSTILE_FLOOD_MESSAGES ?? 200)

test('1 MB messages by the hundred keep the renderer under the memory bound; old large ones keep head and tail', async ({
  page,
  browser,
}) => {
  test.setTimeout(120_000 + FLOOD_MESSAGES * 3000)
  const server = await startHostileServer()
  try {
    await openPlayground(page, { endpoint: server.url, autoconnect: 1 })
    await expect(stateBadge(page)).toHaveText(/OPEN \(1\)/)
    const before = await rendererRssMb(browser)
    await sendMessage(page, `big ${FLOOD_MESSAGES} 1048576`, 'Text')
    let peak = before
    const count = page.getByLabel('Log entry count')
    await expect(async () => {
      peak = Math.max(peak, await rendererRssMb(browser))
      await expect(count).toHaveText(
        `${(FLOOD_MESSAGES + 3).toLocaleString('en-US')} entries · ${(FLOOD_MESSAGES - 3).toLocaleString('en-US')} large cut to head and tail`,
        { timeout: 500 },
      )
    }).toPass({ timeout: FLOOD_MESSAGES * 3000, intervals: [3000] })
    peak = Math.max(peak, await rendererRssMb(browser))
    console.log(
      `renderer RSS: ${before.toFixed(0)} MB before, ${peak.toFixed(0)} MB peak (growth bound ${FLOOD_RSS_GROWTH_BOUND_MB} MB)`,
    )
    expect(peak - before).toBeLessThan(FLOOD_RSS_GROWTH_BOUND_MB)

    // The oldest large message says what was kept; the newest is whole, shown a page at a time.
    const log = logList(page)
    await log.focus()
    await log.press('Home')
    await log.press('ArrowDown')
    await log.press('ArrowDown')
    await log.press('ArrowDown')
    await expect(page.getByLabel('Selected log entry').getByRole('note')).toContainText(
      'Only the first 16 KB and the last 16 KB of this 1,048,576-character message were kept',
    )
    await expect(page.getByLabel('Entry content')).toContainText('characters not kept')
    await expect(page.getByLabel('Entry content')).toContainText('<00000000>')
    await log.press('End')
    await expect(page.getByLabel('Selected log entry').getByRole('note')).toHaveCount(0)
    await expect(page.getByText('16,384 of 1,048,576 characters shown')).toBeVisible()
    await page.getByRole('button', { name: 'Show more of the entry' }).click()
    await expect(page.getByText('32,768 of 1,048,576 characters shown')).toBeVisible()

    // The export says which entries were cut.
    const download = page.waitForEvent('download')
    await page.getByRole('button', { name: 'Export log as JSON' }).click()
    const exported = JSON.parse(await readFile(await (await download).path(), 'utf8')) as {
      truncated: number
      entries: { truncated?: { chars: number } }[]
    }
    expect(exported.truncated).toBe(FLOOD_MESSAGES - 3)
    expect(exported.entries.filter((e) => e.truncated?.chars === 1_048_576)).toHaveLength(FLOOD_MESSAGES - 3)
  } finally {
    await server.close()
  }
})

test('a 50 MB message and a deeply nested JSON open in pages, not all at once', async ({ page }) => {
  test.setTimeout(240_000)
  const server = await startHostileServer()
  try {
    await openPlayground(page, { endpoint: server.url, autoconnect: 1 })
    await expect(stateBadge(page)).toHaveText(/OPEN \(1\)/)
    await sendMessage(page, 'huge 52428800', 'Text')
    const log = logList(page)
    const huge = log.getByRole('option').filter({ hasText: /received/ })
    await expect(huge).toHaveCount(1, { timeout: 150_000 })
    await huge.click()
    await expect(page.getByLabel('Selected log entry').getByRole('note')).toContainText(
      'shown as text, not as formatted JSON',
    )
    await expect(page.getByText(/^16,384 of 52,4\d\d,\d\d\d characters shown$/)).toBeVisible()
    expect((await page.getByLabel('Entry content').textContent())!.length).toBe(16_384)

    await sendMessage(page, 'nested 3000', 'Text')
    const nested = log.getByRole('option').filter({ hasText: '[[[[' })
    await nested.click()
    await expect(page.getByText(/characters of formatted JSON shown/)).toBeVisible()
    // Indentation stops growing, so the first page holds ~260 levels rather than the ~125 it would if it grew.
    const text = (await page.getByLabel('Entry content').textContent())!
    expect(text.length).toBeLessThan(18_000)
    expect(text.split('\n').length).toBeGreaterThan(200)
  } finally {
    await server.close()
  }
})

test('a close frame the browser rejects is explained as such, not as a missing close frame', async ({ page }) => {
  const server = await startHostileServer()
  try {
    await openPlayground(page, { endpoint: server.url, autoconnect: 1 })
    await expect(stateBadge(page)).toHaveText(/OPEN \(1\)/)
    await sendMessage(page, 'bad-close', 'Text')
    const closed = logList(page)
      .getByRole('option')
      .filter({ hasText: /closed · code 1006/ })
    await closed.click()
    await expect(page.getByLabel('Selected log entry')).toContainText('one arrived and the browser rejected it')
  } finally {
    await server.close()
  }
})

/** 40 a's and a '!': (a+)+$ backtracks through 2^40 ways to split them before it gives up, i.e. for hours. */
const BACKTRACKING_SUBJECT = `${'a'.repeat(40)}!`

test('a catastrophic filter pattern on a stream of messages leaves the page answering clicks, and is stopped', async ({
  page,
}) => {
  const server = await startHostileServer()
  try {
    await openPlayground(page, { endpoint: server.url, autoconnect: 1 })
    await expect(stateBadge(page)).toHaveText(/OPEN \(1\)/)
    await sendMessage(page, `drip ${BACKTRACKING_SUBJECT} 50`, 'Text')
    const total = () => page.evaluate(() => window.playground.log.total)
    await expect.poll(total).toBeGreaterThan(10)
    await page.getByLabel('Regular expression').check()
    await page.getByLabel('Filter log').fill('(a+)+$')
    // Run on the page's own thread, the pattern would hold it for hours: no click would be handled at all.
    await page.getByRole('tab', { name: 'Cost meter' }).click()
    await expect(page.getByRole('tabpanel', { name: 'Cost meter' })).toBeVisible()
    await expect(page.getByRole('alert').filter({ hasText: 'The filter pattern took longer than 2 s' })).toBeVisible()
    // The stream is still taken in and shown, the filter being off.
    const after = await total()
    await expect.poll(total).toBeGreaterThan(after)
    await expect(page.getByLabel('Log entry count')).not.toContainText(/\d of /)
  } finally {
    await server.close()
  }
})
