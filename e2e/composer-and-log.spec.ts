import { readFile } from 'node:fs/promises'
import { expect, exportNdjson, logList, openPlayground, sendMessage, stateBadge, test } from './fixtures'
import { startFloodServer } from './flood-server'

test('message content is rendered as text and never runs', async ({ page, gateway }) => {
  await openPlayground(page, { endpoint: gateway.wsUrl, autoconnect: 1 })
  await expect(stateBadge(page)).toHaveText(/OPEN \(1\)/)
  const payload = '<img src=x onerror=window.__pwned=1>'
  // The echo route sends the data back as it is.
  await sendMessage(page, JSON.stringify({ action: 'echo', data: payload }))
  const rows = logList(page).getByRole('option').filter({ hasText: payload })
  await expect(rows).toHaveCount(2)
  await expect(rows.first()).toContainText('sent')
  await expect(rows.last()).toContainText('received')
  await rows.last().click()
  await expect(page.getByLabel('Entry content')).toHaveText(payload)
  await expect(page.locator('img[src="x"]')).toHaveCount(0)
  // A control image with the same broken src does fire onerror, so had the payload become markup it would have too.
  await page.evaluate(() => {
    const img = document.createElement('img')
    img.onerror = () => ((window as unknown as { __control?: number }).__control = 1)
    img.src = 'x'
  })
  await expect.poll(() => page.evaluate(() => (window as unknown as { __control?: number }).__control)).toBe(1)
  expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined()
})

test('JSON mode validates, prettifies, and history recalls sent messages with the keyboard', async ({
  page,
  gateway,
}) => {
  await openPlayground(page, { endpoint: gateway.wsUrl, autoconnect: 1 })
  await expect(stateBadge(page)).toHaveText(/OPEN \(1\)/)
  const box = page.getByLabel('Message', { exact: true })
  await box.fill('{"action": "echo", ')
  await expect(page.getByText(/Invalid JSON/)).toBeVisible()
  await expect(page.getByRole('button', { name: 'Send', exact: true })).toBeDisabled()
  await box.fill('{"action":"echo","data":"first"}')
  await page.getByRole('button', { name: 'Prettify' }).click()
  await expect(box).toHaveValue('{\n  "action": "echo",\n  "data": "first"\n}')
  await page.getByRole('button', { name: 'Send', exact: true }).click()
  await box.fill('{"action":"echo","data":"second"}')
  await box.press('Control+Enter')
  await expect(logList(page).getByRole('option').filter({ hasText: 'second' })).toHaveCount(2)
  await box.fill('')
  await box.press('ArrowUp')
  await expect(box).toHaveValue('{"action":"echo","data":"second"}')
  await box.press('Control+ArrowUp')
  await expect(box).toHaveValue(/"first"/)
  await box.press('Control+ArrowDown')
  await box.press('Control+ArrowDown')
  await expect(box).toHaveValue('')
})

test('named saved messages persist across reloads', async ({ page }) => {
  await openPlayground(page)
  await page.getByLabel('Message', { exact: true }).fill('{"action":"broadcast","data":"hi all"}')
  await page.getByLabel('Saved message name').fill('greet everyone')
  await page.getByRole('button', { name: 'Save current' }).click()
  await page.reload()
  await page.getByLabel('Message', { exact: true }).fill('')
  await page.getByRole('button', { name: 'Load saved message greet everyone' }).click()
  await expect(page.getByLabel('Message', { exact: true })).toHaveValue('{"action":"broadcast","data":"hi all"}')
})

test('the log filters by text, regex and direction, and exports NDJSON and JSON', async ({ page, gateway }) => {
  await openPlayground(page, { endpoint: gateway.wsUrl, autoconnect: 1 })
  await expect(stateBadge(page)).toHaveText(/OPEN \(1\)/)
  const rows = logList(page).getByRole('option')
  await sendMessage(page, '{"action":"echo","data":"apple"}')
  // The export below lists apple's echo before banana: a reply that came after the second send would not be.
  await expect(rows.filter({ hasText: 'apple' })).toHaveCount(2)
  await sendMessage(page, '{"action":"echo","data":"banana"}')
  await expect(rows.filter({ hasText: 'banana' })).toHaveCount(2)

  await page.getByLabel('Filter log').fill('apple')
  await expect(rows).toHaveCount(2)
  await page.getByLabel('Direction filter').selectOption('in')
  await expect(rows).toHaveCount(1)
  await expect(rows.first()).toContainText('received')
  await page.getByLabel('Direction filter').selectOption('all')
  await page.getByLabel('Regular expression').check()
  // The echo route replies with the data alone: apple, banana.
  await page.getByLabel('Filter log').fill('^(apple|banana)$|"data":"(apple|banana)"')
  await expect(rows).toHaveCount(4)
  await page.getByLabel('Filter log').fill('^apple$')
  await expect(rows).toHaveCount(1)
  await page.getByLabel('Filter log').fill('([')
  await expect(page.getByText(/Invalid regular expression/)).toBeVisible()
  await page.getByLabel('Filter log').fill('')
  await expect(page.getByLabel('Log entry count')).toHaveText(/^6 entries/)

  const lines = await exportNdjson(page)
  expect(lines.map((l) => l.kind)).toEqual(['connecting', 'open', 'sent', 'received', 'sent', 'received'])
  expect(lines[2].data).toBe('{"action":"echo","data":"apple"}')
  const [json] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Export log as JSON' }).click(),
  ])
  expect(JSON.parse(await readFile((await json.path())!, 'utf8')).entries).toHaveLength(6)

  await page.getByRole('button', { name: 'Clear log' }).click()
  await expect(page.getByLabel('Log entry count')).toHaveText(/^0 entries/)
})

test('a flood of 20,000 messages leaves the log complete, scrollable and responsive', async ({ page }) => {
  const flood = await startFloodServer()
  try {
    await openPlayground(page, { endpoint: flood.url, autoconnect: 1 })
    await expect(stateBadge(page)).toHaveText(/OPEN \(1\)/)
    await sendMessage(page, 'flood 20000', 'Text')
    // The page answers input during the flood: the direction filter applies while messages pour in.
    await page.getByLabel('Direction filter').selectOption('out')
    await expect(page.getByLabel('Log entry count')).toHaveText(/^1 of [\d,]+ entries/)
    await page.getByLabel('Direction filter').selectOption('all')
    // connecting + open + sent + 20,000 received
    await expect(page.getByLabel('Log entry count')).toHaveText(/^20,003 entries/, { timeout: 30_000 })
    await expect(page.getByText('1 sent · 20000 received')).toBeVisible()
    // Scripts read the same log through window.playground: copies, by position, at most 10,000 per call.
    const script = await page.evaluate(() => {
      const log = window.playground.log
      log.entries(-1)[0]!.data = 'changed by a script'
      return {
        first: log.entries(0, 3).map((e) => e.kind),
        last: log.entries(-1)[0]!.data,
        batch: log.entries().length,
      }
    })
    expect(script).toEqual({
      first: ['connecting', 'open', 'sent'],
      last: expect.stringMatching(/^\{"n":20000,/),
      batch: 10_000,
    })

    const log = logList(page)
    await expect(log.getByRole('option').filter({ hasText: '"n":20000,' })).toBeVisible()
    // Only a window of rows is in the DOM, whatever the log holds.
    expect(await log.getByRole('option').count()).toBeLessThan(200)
    await log.focus()
    await log.press('Home')
    await expect(log.getByRole('option').filter({ hasText: 'Connection #1' })).toBeVisible()
    await expect(page.getByRole('button', { name: 'Jump to latest' })).toBeVisible()
    await log.evaluate((el) => (el.scrollTop = el.scrollHeight / 2))
    await expect(
      log
        .getByRole('option')
        .filter({ hasText: /"n":10\d\d\d,/ })
        .first(),
    ).toBeVisible()
    await page.getByRole('button', { name: 'Jump to latest' }).click()
    await expect(log.getByRole('option').filter({ hasText: '"n":20000,' })).toBeVisible()
    // Keys pressed faster than the rows off screen arrive (from the worker's log) move on from each other: Home and
    // three ArrowDowns in one task select the fourth entry, the first message received.
    await log.evaluate((el) => {
      for (const key of ['Home', 'ArrowDown', 'ArrowDown', 'ArrowDown'])
        el.dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true, cancelable: true }))
    })
    await expect(log.getByRole('option', { selected: true })).toContainText('{"n":1,')
    await page.getByRole('button', { name: 'Jump to latest' }).click()

    // Complete up to its cap: with a cap of 1,000 the newest 1,000 stay and the rest are counted as dropped.
    await page.getByLabel('Log capacity (entries)').fill('1000')
    await page.getByLabel('Log capacity (entries)').press('Enter')
    await expect(page.getByLabel('Log entry count')).toHaveText(/^1,000 entries\s+· 19,003 dropped/)
    await log.press('Home')
    await expect(log.getByRole('option').filter({ hasText: '"n":19001,' })).toBeVisible()
  } finally {
    await flood.close()
  }
})

test('the inspector says the time since the entry selected before: a request then its answer reads the round trip', async ({
  page,
  gateway,
}) => {
  await openPlayground(page, { endpoint: gateway.wsUrl, autoconnect: 1 })
  await expect(stateBadge(page)).toHaveText(/OPEN \(1\)/)
  await sendMessage(page, '{"action":"echo","data":"apple"}')
  const log = logList(page)
  const sent = log.getByRole('option').filter({ hasText: 'sent' }).first()
  const received = log.getByRole('option').filter({ hasText: 'received' }).first()
  await expect(received).toBeVisible()
  const entries = await page.evaluate(() => window.playground.log.entries())
  const at = (kind: string) => entries.find((e) => e.kind === kind)!.at
  const gap = (ms: number) => `${(Math.abs(ms) / 1000).toFixed(3)}s`
  const since = page
    .getByRole('region', { name: 'Selected log entry' })
    .getByLabel('Time since the entry selected before')

  // One entry selected: nothing to compare with.
  await sent.click()
  await expect(since).toHaveCount(0)
  await received.click()
  await expect(since).toHaveText(`Δ ${gap(at('received') - at('sent'))} after the sent selected before`)
  // From the keyboard too, and an earlier entry picked second says "before".
  await log.focus()
  await page.keyboard.press('Home')
  const first = entries[0]!
  await expect(since).toHaveText(`Δ ${gap(first.at - at('received'))} before the received selected before`)
  // A new selection after the inspector closed starts again.
  await page.keyboard.press('Escape')
  await received.click()
  await expect(since).toHaveCount(0)
})
