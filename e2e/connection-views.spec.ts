import type { Page } from '@playwright/test'
import { expect, logList, openPlayground, test } from './fixtures'

/** The timeline's lane of one connection: a labelled group, "A: OPEN (1)". */
const lane = (page: Page, name: string) =>
  page
    .getByRole('group', { name: 'Timeline lanes, one per connection' })
    .getByRole('group', { name: new RegExp(`^${name}: `) })

async function sendFrom(page: Page, name: string, text: string) {
  await page
    .getByRole('list', { name: 'Connections' })
    .getByRole('button', { name: new RegExp(`^${name}:`) })
    .click()
  await page.getByRole('radiogroup', { name: 'Message format' }).getByLabel('Text').check()
  await page.getByLabel('Message', { exact: true }).fill(text)
  await page.getByRole('button', { name: 'Send', exact: true }).click()
}

test('two connections: one lane each on the timeline, a log filter per connection, and hovering a lane lights its rows', async ({
  page,
  gateway,
}) => {
  // Many steps on a shared, loaded machine: more time than the default, no assertion on how long anything took.
  test.setTimeout(180_000)
  await openPlayground(page, { endpoint: gateway.wsUrl })
  const list = page.getByRole('list', { name: 'Connections' })
  await page.getByRole('button', { name: 'Add connection' }).click()
  await list.getByRole('button', { name: /^B:/ }).click()
  await page.getByLabel('Endpoint URL').fill(gateway.wsUrl)
  await page.getByRole('button', { name: 'Connect A' }).click()
  await page.getByRole('button', { name: 'Connect B' }).click()
  await expect(list.getByRole('button', { name: 'B: OPEN' })).toBeVisible()
  await sendFrom(page, 'A', 'hello from A')
  await sendFrom(page, 'B', 'hello from B')

  // One labelled lane group per connection, each with its own OPEN segment and its own sent marker.
  await expect(lane(page, 'A')).toHaveAccessibleName('A: OPEN (1)')
  await expect(lane(page, 'B')).toHaveAccessibleName('B: OPEN (1)')
  for (const name of ['A', 'B']) {
    await expect(lane(page, name).locator('rect.segment[data-state="1"]')).toHaveCount(1)
    await expect(lane(page, name).locator('g.marker[data-kind="sent"]')).toHaveCount(1)
    await expect(
      lane(page, name).getByRole('img', { name: new RegExp(`readyState over time.*: ${name}$`) }),
    ).toBeVisible()
  }
  // Closing A closes A's lane only, with the code on A's close marker.
  await page.getByRole('button', { name: 'Close A' }).click()
  await expect(lane(page, 'A')).toHaveAccessibleName('A: CLOSED (3)')
  await expect(lane(page, 'A').locator('g.marker[data-kind="closed"] title')).toHaveText(/^A · closed 1005/)
  await expect(lane(page, 'B').locator('g.marker[data-kind="closed"]')).toHaveCount(0)
  await expect(lane(page, 'B')).toHaveAccessibleName('B: OPEN (1)')

  // Every row names its connection.
  const rows = logList(page).getByRole('option')
  await expect(rows.filter({ hasText: 'hello from A' })).toContainText('A')
  const rowOf = (text: string) => rows.filter({ hasText: text })
  await expect(rowOf('hello from B').locator('.conn')).toHaveText('B')

  // The connection filter: only B's rows; with the text filter too; then all again.
  const filter = page.getByLabel('Connection filter')
  await expect(filter.getByRole('option')).toHaveText(['All connections', 'A', 'B', 'Timeout lab'])
  await filter.selectOption({ label: 'B' })
  await expect(rowOf('hello from B')).toHaveCount(1)
  await expect(rowOf('hello from A')).toHaveCount(0)
  const sources = () => rows.evaluateAll((els) => [...new Set(els.map((e) => e.getAttribute('data-source')))])
  expect(await sources()).toEqual(['c2'])
  // Composed with the text and direction filters: B's one sent "hello".
  await page.getByLabel('Filter log').fill('hello')
  await page.getByLabel('Direction filter').selectOption('out')
  await expect(rows).toHaveCount(1)
  await expect(rows).toContainText('hello from B')
  await expect(page.getByRole('status', { name: 'Log entry count' })).toContainText(/^1 of \d+ entries/)
  await page.getByLabel('Filter log').fill('')
  await page.getByLabel('Direction filter').selectOption('all')
  // Keyboard: the select moves with the arrow keys like any other.
  await filter.focus()
  await page.keyboard.press('ArrowUp')
  await expect(filter).toHaveValue('c1')
  await expect(rowOf('hello from A')).toHaveCount(1)
  await expect(rowOf('hello from B')).toHaveCount(0)
  await filter.selectOption({ label: 'All connections' })
  await expect(rowOf('hello from B')).toHaveCount(1)

  // Hovering A's lane lights A's rows only; keyboard focus on B's lane lights B's.
  const highlighted = () =>
    rows.evaluateAll((els) => [
      ...new Set(els.filter((e) => e.classList.contains('highlighted')).map((e) => e.getAttribute('data-source'))),
    ])
  await lane(page, 'A').hover()
  await expect.poll(highlighted).toEqual(['c1'])
  await expect(lane(page, 'A')).toHaveClass(/highlight/)
  await page.mouse.move(0, 0)
  await expect.poll(highlighted).toEqual([])
  // One lane is in the tab order; ↓ moves to the next.
  await expect(lane(page, 'A')).toHaveAttribute('tabindex', '0')
  await expect(lane(page, 'B')).toHaveAttribute('tabindex', '-1')
  await lane(page, 'A').focus()
  await expect.poll(highlighted).toEqual(['c1'])
  await page.keyboard.press('ArrowDown')
  await expect(lane(page, 'B')).toBeFocused()
  await expect.poll(highlighted).toEqual(['c2'])
  await expect(lane(page, 'B')).toHaveAttribute('tabindex', '0')
  await lane(page, 'B').blur()
  await expect.poll(highlighted).toEqual([])
  // And the other way: pointing at a row of B lights B's lane.
  await rowOf('hello from B').hover()
  await expect(lane(page, 'B')).toHaveClass(/highlight/)
  await expect(lane(page, 'A')).not.toHaveClass(/highlight/)
})

for (const count of [10, 50]) {
  test(`${count} connections: compact lanes that scroll inside the chart, on a phone in dark mode`, async ({
    page,
  }) => {
    await page.setViewportSize({ width: 390, height: 844 })
    await page.emulateMedia({ colorScheme: 'dark' })
    await openPlayground(page)
    const add = page.getByRole('button', { name: 'Add connection' })
    for (let i = 1; i < count; i++) await add.click()
    const lanes = page.getByRole('group', { name: 'Timeline lanes, one per connection' })
    await expect(lanes.getByRole('group')).toHaveCount(count)
    // Compact rows (22 px), named, and the page itself does not scroll sideways.
    const last = lanes.getByRole('group').last()
    await expect(last).toHaveAccessibleName(/: nothing in this window$/)
    expect((await last.locator('svg').boundingBox())!.height).toBe(22)
    await expect(last.locator('text.name')).not.toBeEmpty()
    const fits = await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)
    expect(fits).toBe(true)
    const box = await lanes.evaluate((el) => ({ scroll: el.scrollHeight, client: el.clientHeight }))
    if (count === 50) expect(box.scroll).toBeGreaterThan(box.client)
    else expect(box.scroll).toBe(box.client)
    if (process.env.SCREENSHOTS)
      await page.screenshot({ path: `${process.env.SCREENSHOTS}/lanes-${count}.png`, fullPage: true })
  })
}
