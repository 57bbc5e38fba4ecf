import { expect, logList, openPlayground, stateBadge, test } from './fixtures'

test('keepalive messages reach the server at the configured interval and are marked as keepalive', async ({
  page,
  gateway,
}) => {
  const seen: { at: number; body: string }[] = []
  gateway.on('message', (m: { body?: string; time?: number }) => seen.push({ at: Date.now(), body: String(m.body) }))
  await openPlayground(page, { endpoint: gateway.wsUrl, autoconnect: 1 })
  await expect(stateBadge(page)).toHaveText(/OPEN \(1\)/)

  await page.getByLabel('Keepalive interval (seconds)').fill('0.4')
  await page.getByRole('button', { name: '{"action":"ping"}' }).click()
  await page.getByRole('switch', { name: 'Keepalive' }).check()
  await expect(page.getByLabel('Next keepalive in')).toBeVisible()
  await expect.poll(() => seen.length, { timeout: 15_000 }).toBeGreaterThanOrEqual(5)
  expect(seen.every((m) => m.body === '{"action":"ping"}')).toBe(true)

  const keepalives = logList(page).getByRole('option').filter({ hasText: 'keepalive' })
  await expect(keepalives.first()).toBeVisible()
  const chart = page.getByRole('img', { name: /readyState over time/ })
  await expect(chart.locator('g.marker[data-kind="keepalive"]').first()).toBeAttached()

  await page.getByRole('switch', { name: 'Keepalive' }).uncheck()
  await expect(page.getByLabel('Next keepalive in')).toHaveCount(0)
  // Every keepalive the page logged reached the server, and none was sent after the switch went off.
  const [exported] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Export log as JSON' }).click(),
  ])
  const entries: { kind: string; at: number }[] = JSON.parse(
    await (await import('node:fs/promises')).readFile((await exported.path())!, 'utf8'),
  ).entries
  const sentAt = entries.filter((e) => e.kind === 'keepalive').map((e) => e.at)
  await expect.poll(() => seen.length).toBe(sentAt.length)
  // The page sent them at the configured interval (its own timestamps; the server's can bunch up on a busy machine):
  // never faster, and on a loaded machine perhaps slower, but far from a tenfold misread setting (4 s).
  const mean = (sentAt.at(-1)! - sentAt[0]!) / (sentAt.length - 1)
  expect(mean).toBeGreaterThanOrEqual(390)
  expect(mean).toBeLessThan(2000)
  await page.waitForTimeout(1200) // three intervals: long enough for a stray timer to show itself
  expect(seen.length).toBe(sentAt.length)
})

test('keepalive stops on a close and never sends on a closed socket', async ({ page, startGateway }) => {
  // 4 s: under test:stress the page's first keepalive (0.3 s after open) could come after a 1.5 s maximum duration.
  const gateway = await startGateway({ maxDuration: 4 })
  const seen: string[] = []
  gateway.on('message', (m: { body?: string }) => seen.push(String(m.body)))
  await openPlayground(page, { endpoint: gateway.wsUrl, autoconnect: 1, keepalive: 0.3, payload: 'ping' })
  await expect(stateBadge(page)).toHaveText(/CLOSED \(3\)/, { timeout: 30_000 })
  expect(seen.length).toBeGreaterThan(0)
  await expect(page.getByLabel('Next keepalive in')).toHaveCount(0)
  await expect(page.getByText('waiting for OPEN')).toBeVisible()
  const count = page.getByLabel('Log entry count')
  // The count follows the badge by a moment (its rows come from the worker's log first): read it once it shows
  // every entry the page had at the close.
  const entries = await page.evaluate(() => window.playground.log.total)
  await expect(count).toHaveText(new RegExp(`^${entries.toLocaleString('en-US')} entries`))
  const atClose = await count.textContent()
  await page.waitForTimeout(1000) // more than three intervals: a live timer would have logged a keepalive or an error
  expect(await count.textContent()).toBe(atClose)
})

test('URL parameters restore a set-up: endpoint, autoconnect, keepalive, payload and profile', async ({
  page,
  gateway,
}) => {
  await openPlayground(page, {
    endpoint: gateway.wsUrl,
    autoconnect: 1,
    keepalive: 30,
    payload: '{"action":"ping"}',
    profile: 'custom',
    idle: 20,
    max: 90,
  })
  await expect(stateBadge(page)).toHaveText(/OPEN \(1\)/)
  await expect(page.getByLabel('Endpoint URL')).toHaveValue(gateway.wsUrl)
  await expect(page.getByRole('switch', { name: 'Keepalive' })).toBeChecked()
  await expect(page.getByLabel('Keepalive interval (seconds)')).toHaveValue('30')
  await expect(page.getByLabel('Keepalive payload')).toHaveValue('{"action":"ping"}')
  await expect(page.getByLabel('Timeout profile')).toHaveValue('custom')
  await expect(page.getByLabel('Idle timeout countdown')).toHaveText(/0:(1\d|20)/)
  await expect(page.getByLabel('Maximum duration countdown')).toHaveText(/1:[23]\d/)
})

test('a keepalive interval over a day and a bad handshake timeout are refused with a message', async ({
  page,
  gateway,
}) => {
  const seen: string[] = []
  gateway.on('message', (m: { body?: string }) => seen.push(String(m.body)))
  await openPlayground(page, { endpoint: gateway.wsUrl, autoconnect: 1 })
  await expect(stateBadge(page)).toHaveText(/OPEN \(1\)/)
  // 3,000,000 s is past what a browser timer can wait: it would fire at once, over and over.
  const interval = page.getByLabel('Keepalive interval (seconds)')
  await interval.fill('3000000')
  await expect(page.getByRole('alert').filter({ hasText: 'from 0.1 s to a day (86,400 s)' })).toBeVisible()
  await expect(interval).toHaveAttribute('aria-invalid', 'true')
  await expect(page.getByRole('switch', { name: 'Keepalive' })).toBeDisabled()
  await page.waitForTimeout(1000)
  expect(seen).toEqual([])
  await interval.fill('86400')
  await expect(page.getByRole('alert').filter({ hasText: 'to a day' })).toHaveCount(0)
  await page.getByRole('switch', { name: 'Keepalive' }).check()
  await expect(page.getByLabel('Next keepalive in')).toHaveText(/next in 8639\d\.\d s/)

  const timeout = page.getByLabel('Handshake timeout (seconds, 0 = off)')
  await timeout.fill('-1')
  // The page's alert says what was refused; the panel says it beside the field, and what it turned off.
  await expect(page.getByRole('alert').filter({ hasText: 'between 0 (off) and 600 seconds' })).toBeVisible()
  await expect(page.getByLabel('Handshake timeout refused')).toHaveText(
    'The handshake timeout is between 0 (off) and 600 seconds. Until then, auto-reconnect and the handshake timeout are off.',
  )
  await expect(timeout).toHaveAttribute('aria-invalid', 'true')
  await timeout.fill('0.0001')
  await expect(page.getByLabel('Handshake timeout refused')).toContainText('under 0.1 s would cut off every handshake')
  await timeout.fill('5')
  await expect(page.getByLabel('Handshake timeout refused')).toHaveCount(0)
  await expect(page.getByRole('alert').filter({ hasText: 'handshake' })).toHaveCount(0)
  await expect(timeout).not.toHaveAttribute('aria-invalid', 'true')
  expect(seen).toEqual([])
  await expect(stateBadge(page)).toHaveText(/OPEN \(1\)/)
})

test('bad URL parameters are reported, not fatal', async ({ page }) => {
  await openPlayground(page, { keepalive: 'soon', profile: 'fast' })
  await expect(page.getByText('Ignored keepalive=soon')).toBeVisible()
  await expect(page.getByText('Ignored profile=fast')).toBeVisible()
})

test('the article profile expects 1 minute of idle before the first message and 2 minutes after', async ({
  page,
  gateway,
}) => {
  await openPlayground(page, { endpoint: gateway.wsUrl, autoconnect: 1, profile: 'article' })
  await expect(stateBadge(page)).toHaveText(/OPEN \(1\)/)
  await expect(page.getByLabel('Idle timeout countdown')).toHaveText(/^\s*0:5\d|1:00/)
  await page.getByLabel('Message', { exact: true }).fill('MESSAGE')
  await page.getByRole('radiogroup', { name: 'Message format' }).getByLabel('Text').check()
  await page.getByRole('button', { name: 'Send', exact: true }).click()
  await expect(page.getByLabel('Idle timeout countdown')).toHaveText(/^\s*(1:5\d|2:00)/)
})
