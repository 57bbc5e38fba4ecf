import type { Locator, Page } from '@playwright/test'
import { expect, logList, openPlayground, openTool, stateBadge, test, type Gateway } from './fixtures'

test('the missing-name complaint goes as soon as a name is typed', async ({ page }) => {
  await openPlayground(page)
  await page.getByRole('button', { name: 'Save current' }).click()
  const complaint = page.getByRole('alert').filter({ hasText: 'Give the message a name' })
  await expect(complaint).toBeVisible()
  await page.getByLabel('Saved message name').fill('greeting')
  await expect(complaint).toBeHidden()
})

test('negative users get a message, not a negative monthly cost', async ({ page }) => {
  await openPlayground(page)
  await openTool(page, 'Cost meter')
  await page.getByLabel('Users', { exact: true }).fill('-2')
  await expect(page.getByRole('alert').filter({ hasText: 'Users cannot be negative.' })).toBeVisible()
  await expect(page.getByText(/\$-/)).toHaveCount(0)
})

test('a Post refused for bad base64 does not leave the previous call’s CLI command on show', async ({ page }) => {
  await openPlayground(page)
  await openTool(page, 'Management API')
  await page.getByLabel('Connection id', { exact: true }).fill('abc=')
  await page.getByLabel('Management endpoint').fill('http://127.0.0.1:9/dev')
  await page.getByRole('button', { name: 'Get', exact: true }).click()
  await expect(page.getByLabel('AWS CLI command', { exact: true })).toContainText('get-connection')
  await page.getByLabel('Data encoding').selectOption('base64')
  await page.getByLabel('Data to post').fill('not base64!')
  await page.getByRole('button', { name: 'Post', exact: true }).click()
  await expect(page.getByRole('alert', { name: 'Management error' })).toContainText('Not valid base64')
  await expect(page.getByText('AWS CLI equivalent')).toHaveCount(0)
})

test('only endpoints that opened join the recent list', async ({ page, gateway }) => {
  await openPlayground(page)
  // Nothing listens on port 9: the handshake fails.
  await page.getByLabel('Endpoint URL').fill('ws://127.0.0.1:9/nothing-here')
  await page.getByRole('button', { name: 'Connect', exact: true }).click()
  await expect(stateBadge(page)).toHaveText(/CLOSED/)
  await page.getByLabel('Endpoint URL').fill(gateway.wsUrl)
  await page.getByRole('button', { name: 'Connect', exact: true }).click()
  await expect(stateBadge(page)).toHaveText(/OPEN/)
  await expect(page.getByLabel('Endpoint presets').locator('optgroup[label="Recent"] option')).toHaveText([
    gateway.wsUrl,
  ])
})

test('a bad regular expression is explained once', async ({ page }) => {
  await openPlayground(page)
  await page.getByLabel('Regular expression').check()
  await page.getByLabel('Filter log').fill('([')
  const message = page.getByText(/Invalid regular expression/)
  await expect(message).toHaveCount(1)
  expect((await message.textContent())!.match(/Invalid regular expression/g)).toHaveLength(1)
})

test('a JSON mistake is shown with its line and column, once', async ({ page }) => {
  await openPlayground(page)
  await page.getByLabel('Message', { exact: true }).fill('{"action": echo}')
  const message = page.getByRole('alert').filter({ hasText: 'Invalid JSON' })
  await expect(message).toHaveText(/^Invalid JSON at line 1, column 12: unexpected “e”/)
  expect((await message.textContent())!.match(/line/g)).toHaveLength(1)
})

/** Connects to the gateway and sends `count` echo messages from the composer, until all their echoes are logged. */
async function openWithEchoes(page: Page, gateway: Gateway, count: number) {
  await openPlayground(page, { endpoint: gateway.wsUrl, autoconnect: 1 })
  await expect(stateBadge(page)).toHaveText(/OPEN/)
  const message = page.getByLabel('Message', { exact: true })
  for (let i = 0; i < count; i++) {
    await message.fill(`{"action":"echo","data":${i}}`)
    await message.press('Control+Enter')
  }
  // connecting + open + each message sent and echoed
  await expect(page.getByLabel('Log entry count')).toHaveText(new RegExp(`^${2 + 2 * count} entries`))
}

test('clearing the log resumes autoscroll: no “Jump to latest” over an empty log', async ({ page, gateway }) => {
  await openWithEchoes(page, gateway, 30)
  const log = logList(page)
  await log.focus()
  await log.press('Home')
  const jump = page.getByRole('button', { name: 'Jump to latest' })
  await expect(jump).toBeVisible()
  await page.getByRole('button', { name: 'Clear log' }).click()
  await expect(page.getByText('Nothing yet: connect, send a message')).toBeVisible()
  await expect(jump).toBeHidden()
})

test('a saved message with a long name stays inside the Send panel', async ({ page }) => {
  await openPlayground(page)
  await page.getByLabel('Saved message name').fill('n'.repeat(80))
  await page.getByRole('button', { name: 'Save current' }).click()
  const load = page.getByRole('button', { name: `Load saved message ${'n'.repeat(80)}` })
  const remove = page.getByRole('button', { name: `Delete saved message ${'n'.repeat(80)}` })
  const panel = (await page.getByRole('region', { name: 'Send' }).boundingBox())!
  for (const button of [load, remove]) {
    const box = (await button.boundingBox())!
    expect(box.x + box.width).toBeLessThanOrEqual(panel.x + panel.width)
  }
  // Cut to fit, the whole name is still given (its accessible name) and shown on hover.
  await expect(load).toHaveAttribute('title', /n{80}/)
})

test('removing a connection or a saved message from the keyboard leaves focus on what takes its place', async ({
  page,
}) => {
  await openPlayground(page)
  await page.getByRole('button', { name: 'Add connection' }).click()
  await page.getByRole('button', { name: 'Add connection' }).click()
  const connections = page.getByRole('list', { name: 'Connections' })
  const saved = page.getByRole('list', { name: 'Saved messages' })
  // Each removal, and what must have focus after it: the item now in the removed one's place, else the one before
  // it; with no saved message left, the name field.
  const removals: [Locator, string, Locator][] = [
    [connections, 'Remove B', connections.getByRole('button', { name: 'C: not connected' })],
    [connections, 'Remove C', connections.getByRole('button', { name: 'A: not connected' })],
    [saved, 'Delete saved message echo', saved.getByRole('button', { name: 'Load saved message broadcast' })],
    [saved, 'Delete saved message broadcast', saved.getByRole('button', { name: 'Load saved message whoami' })],
    [saved, 'Delete saved message whoami', page.getByLabel('Saved message name')],
  ]
  for (const [list, remove, focused] of removals) {
    await list.getByRole('button', { name: remove }).press('Enter')
    await expect(focused).toBeFocused()
  }
})

test.describe('at 390 px', () => {
  test.use({ viewport: { width: 390, height: 844 } })

  test('the inspector opening under a following log leaves no blank rows: the newest stay drawn', async ({
    page,
    gateway,
  }) => {
    await openWithEchoes(page, gateway, 20)
    const log = logList(page)
    await log.scrollIntoViewIfNeeded()
    const newest = log.locator('[aria-posinset="42"]')
    await expect(newest).toBeInViewport()
    // The inspector takes room from the list, which stays at its bottom: the rows now at the bottom must be drawn.
    // (The newest row is clicked: a row above it pauses autoscroll, to stay in sight itself.)
    await newest.click()
    await expect(page.getByRole('button', { name: 'Copy entry' })).toBeVisible()
    await expect(newest).toBeInViewport()
  })
})

test('Escape closes the demos panel from its button or from inside, and focus goes back to the button', async ({
  page,
}) => {
  await openPlayground(page)
  const toggle = page.getByRole('button', { name: 'Demos' })
  const panel = page.getByRole('region', { name: 'Demos' })
  await toggle.focus()
  await page.keyboard.press('Enter')
  await expect(panel).toBeVisible()
  await page.keyboard.press('Escape')
  await expect(panel).toBeHidden()
  await page.keyboard.press('Enter')
  await expect(panel).toBeVisible()
  await page.keyboard.press('Tab')
  await expect(panel.getByRole('button').first()).toBeFocused()
  await page.keyboard.press('Escape')
  await expect(panel).toBeHidden()
  await expect(toggle).toBeFocused()
  // A disclosure, not a menu: it does not announce a popup menu it does not open.
  await expect(toggle).not.toHaveAttribute('aria-haspopup')
  await expect(toggle).toHaveAttribute('aria-expanded', 'false')
})

test('Escape closes the entry inspector, from the list or from inside it, and focus goes back to the list', async ({
  page,
  gateway,
}) => {
  await openWithEchoes(page, gateway, 2)
  const log = logList(page)
  const inspector = page.getByRole('region', { name: 'Selected log entry' })
  await log.focus()
  await page.keyboard.press('Home')
  await expect(inspector).toBeVisible()
  await page.keyboard.press('Escape')
  await expect(inspector).toBeHidden()
  await expect(log).toBeFocused()
  await page.keyboard.press('End')
  await expect(inspector).toBeVisible()
  await inspector.getByRole('button', { name: 'Copy entry' }).focus()
  await page.keyboard.press('Escape')
  await expect(inspector).toBeHidden()
  await expect(log).toBeFocused()
})

test('the saved messages section is named, and the size line reads “19 B / 32 KB frame”', async ({ page }) => {
  await openPlayground(page)
  await expect(page.getByRole('group', { name: /^Saved messages \(\d+\)$/ })).toBeVisible()
  await page.getByLabel('Message', { exact: true }).fill('{"action":"whoami"}')
  await expect(page.getByLabel('Message size')).toHaveText(/^19 B \/ 32 KB frame · 128 KB message$/)
})

test('a running experiment’s runs and parameters cannot be edited: the run has taken them', async ({
  page,
  gateway,
}) => {
  await openPlayground(page, { endpoint: gateway.wsUrl, experiment: 'keepalive', runs: 2, start: 1 })
  await expect(page.getByRole('status', { name: 'Experiment status' })).toHaveText('running')
  const lab = page.getByRole('region', { name: 'Timeout lab' })
  for (const field of [lab.getByLabel('Runs'), lab.getByLabel('Keepalive every'), lab.getByLabel('Keepalive message')])
    await expect(field).toBeDisabled()
  await page.getByRole('button', { name: 'Cancel experiment' }).click()
  await expect(page.getByRole('status', { name: 'Experiment status' })).toHaveText('cancelled')
  await expect(lab.getByLabel('Runs')).toBeEnabled()
})

test('a row clicked while the log follows stays in sight: the inspector opens and messages keep coming', async ({
  page,
  gateway,
}) => {
  await page.setViewportSize({ width: 390, height: 844 })
  await openWithEchoes(page, gateway, 20)
  const log = logList(page)
  const inSight = (row: Locator) =>
    row.evaluate((el) => {
      const box = el.getBoundingClientRect()
      const list = el.closest('[role="listbox"]')!.getBoundingClientRect()
      return box.top >= list.top - 1 && box.bottom <= list.bottom + 1
    })
  const rows = log.getByRole('option')
  // A row in the middle of what is on screen.
  const count = await rows.count()
  const row = rows.nth(Math.floor(count / 2))
  const seq = await row.getAttribute('data-seq')
  await row.click()
  await expect(page.getByRole('region', { name: 'Selected log entry' })).toBeVisible()
  const clicked = log.locator(`[data-seq="${seq}"]`)
  await expect.poll(() => inSight(clicked)).toBe(true)
  const message = page.getByLabel('Message', { exact: true })
  for (let i = 0; i < 5; i++) {
    await message.fill(`{"action":"echo","data":"more ${i}"}`)
    await message.press('Control+Enter')
  }
  await expect(page.getByLabel('Log entry count')).toHaveText(/^52 entries/)
  await expect.poll(() => inSight(clicked)).toBe(true)
  await expect(page.getByRole('button', { name: /Autoscroll paused/ })).toBeVisible()
})
