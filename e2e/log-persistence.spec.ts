import type { Page } from '@playwright/test'
import { expect, logList, openPlayground, renameConnection, sendMessage, stateBadge, test } from './fixtures'

// Keeping the log across reloads, in Chromium's real IndexedDB.
const keep = (page: Page) => page.getByRole('checkbox', { name: 'Keep log across reloads' })

/** What the page kept, read straight from IndexedDB. */
async function keptRecords(page: Page): Promise<Record<string, unknown>[]> {
  return page.evaluate(
    () =>
      new Promise<Record<string, unknown>[]>((resolve, reject) => {
        const open = indexedDB.open('apigw-playground-log')
        open.onerror = () => reject(open.error)
        open.onsuccess = () => {
          const db = open.result
          if (!db.objectStoreNames.contains('entries')) return resolve([])
          const all = db.transaction('entries').objectStore('entries').getAll()
          all.onsuccess = () => resolve(all.result as Record<string, unknown>[])
          all.onerror = () => reject(all.error)
        }
      }),
  )
}

test('kept log: off by default; on, it survives a reload marked restored, without credentials; Clear and off empty it', async ({
  page,
  gateway,
}) => {
  test.setTimeout(180_000) // two reloads and several round trips to IndexedDB on a loaded machine
  await openPlayground(page)
  await expect(keep(page)).not.toBeChecked()
  await keep(page).check()
  // A token in the URL: the page uses it, the kept copy does not hold it.
  await page.getByLabel('Endpoint URL').fill(`${gateway.wsUrl}?token=SECRET-TOKEN-12345`)
  await page.getByRole('button', { name: 'Connect', exact: true }).click()
  await expect(stateBadge(page)).toHaveText(/OPEN \(1\)/)
  await sendMessage(page, 'kept across reloads', 'Text')
  const rows = logList(page).getByRole('option')
  const sent = (text: string) => logList(page).locator('[data-kind="sent"]').filter({ hasText: text })
  await expect(sent('kept across reloads')).toHaveCount(1)
  await expect(logList(page).locator('[data-kind="received"]')).toHaveCount(1) // the backend's reply
  await expect.poll(async () => (await keptRecords(page)).length).toBe(4) // connecting, open, sent, received
  const kept = await keptRecords(page)
  expect(JSON.stringify(kept)).not.toContain('SECRET-TOKEN')
  expect(kept.find((r) => r.kind === 'connecting')?.url).toContain('token=REDACTED')

  await page.reload()
  await expect(page.getByRole('status', { name: 'Restored log' })).toContainText(/\d+ entries restored/)
  await expect(keep(page)).toBeChecked()
  await expect(page.getByRole('status', { name: 'Restored log' })).toContainText('4 entries restored')
  await expect(sent('kept across reloads')).toContainText('restored')
  await expect(logList(page).locator('.restored')).toHaveCount(4)
  // The notice can be dismissed (from the keyboard: focus goes to the log, not to <body>); the restored rows stay.
  await page.getByRole('button', { name: 'Dismiss restored notice' }).press('Enter')
  await expect(page.getByRole('status', { name: 'Restored log' })).toHaveCount(0)
  await expect(logList(page)).toBeFocused()
  await expect(logList(page).locator('.restored')).toHaveCount(4)
  // New entries are kept after the restored ones.
  await page.getByRole('button', { name: 'Connect', exact: true }).click()
  await expect(stateBadge(page)).toHaveText(/OPEN \(1\)/)
  await sendMessage(page, 'after the reload', 'Text')
  await expect(sent('after the reload')).toHaveCount(1)
  await expect(sent('after the reload')).not.toContainText('restored')
  // Its reply too (the restored one and this one): a reply that came after the Clear below would be kept anew.
  await expect(logList(page).locator('[data-kind="received"]')).toHaveCount(2)
  await expect.poll(async () => (await keptRecords(page)).filter((r) => r.data === 'after the reload').length).toBe(1)
  expect((await keptRecords(page)).length).toBeGreaterThanOrEqual(7)

  await page.getByRole('button', { name: 'Clear log' }).click()
  await expect.poll(async () => (await keptRecords(page)).length).toBe(0)
  await sendMessage(page, 'after clear', 'Text')
  await expect.poll(async () => (await keptRecords(page)).length).toBeGreaterThan(0)

  await keep(page).uncheck()
  await expect.poll(async () => (await keptRecords(page)).length).toBe(0)
  await page.reload()
  await expect(keep(page)).not.toBeChecked()
  await expect(page.getByRole('status', { name: 'Restored log' })).toHaveCount(0)
  await expect(rows).toHaveCount(0)
})

test('kept log in another tab: restored rows name the connections they came from', async ({ page, gateway }) => {
  test.setTimeout(180_000) // a reload, a second tab and several round trips to IndexedDB on a loaded machine
  await openPlayground(page, { endpoint: gateway.wsUrl })
  await keep(page).check()
  const list = page.getByRole('list', { name: 'Connections' })
  const rename = (from: string, to: string) => renameConnection(page, from, to)
  await rename('A', 'Primary')
  await page.getByRole('button', { name: 'Add connection' }).click()
  await list.getByRole('button', { name: /^B:/ }).click()
  await page.getByLabel('Endpoint URL').fill(gateway.wsUrl)
  await rename('B', 'Orders')
  await page.getByRole('button', { name: 'Connect Primary' }).click()
  await page.getByRole('button', { name: 'Connect Orders' }).click()
  await expect(list.getByRole('button', { name: 'Orders: OPEN' })).toBeVisible()
  await sendMessage(page, 'from orders', 'Text')
  await list.getByRole('button', { name: /^Primary:/ }).click()
  await expect(list.getByRole('button', { name: 'Primary: OPEN' })).toBeVisible()
  await sendMessage(page, 'from primary', 'Text')
  const wasKept = async (texts: string[]) =>
    (await keptRecords(page)).filter((r) => r.kind === 'sent' && texts.includes(r.data as string)).length
  await expect.poll(() => wasKept(['from orders', 'from primary'])).toBe(2)

  // The same tab, reloaded, has the same connections: its restored rows follow a rename.
  await rename('Primary', 'Main')
  await page.reload()
  const sentIn = (p: Page, text: string) => logList(p).locator('[data-kind="sent"]').filter({ hasText: text })
  await expect(sentIn(page, 'from primary')).toContainText('restored')
  await expect(sentIn(page, 'from primary').locator('.conn')).toHaveText('Main')
  await expect(sentIn(page, 'from orders').locator('.conn')).toHaveText('Orders')

  // Another tab has its own connections (its A is another connection, and it has no B): the rows keep their names.
  const other = await page.context().newPage()
  await openPlayground(other)
  await expect(other.getByRole('status', { name: 'Restored log' })).toBeVisible()
  await expect(sentIn(other, 'from primary').locator('.conn')).toHaveText('Main')
  await expect(sentIn(other, 'from orders').locator('.conn')).toHaveText('Orders')
  // Nor do they carry the first tab's connection ids, which here would put them under this tab's connections.
  expect(await sentIn(other, 'from primary').getAttribute('data-source')).toBeNull()
})

test('kept log: a full storage quota is explained, keeping turns off, and the log on the page stays', async ({
  page,
  gateway,
}) => {
  test.setTimeout(120_000)
  // The browser refuses every write as over quota.
  await page.addInitScript(() => {
    IDBObjectStore.prototype.put = function () {
      throw new DOMException('The quota has been exceeded.', 'QuotaExceededError')
    }
  })
  await openPlayground(page)
  await page.getByLabel('Endpoint URL').fill(gateway.wsUrl)
  await page.getByRole('button', { name: 'Connect', exact: true }).click()
  await expect(stateBadge(page)).toHaveText(/OPEN \(1\)/)
  await sendMessage(page, 'stays on the page', 'Text')
  const rows = logList(page).getByRole('option')
  const sent = (text: string) => logList(page).locator('[data-kind="sent"]').filter({ hasText: text })
  await expect(sent('stays on the page')).toHaveCount(1)
  // Count only once the backend's reply is in, or a late reply reads as a row the failure added.
  await expect(logList(page).locator('[data-kind="received"]')).toHaveCount(1)
  const before = await rows.count()
  await keep(page).click() // not check(): the switch turns itself off again, which is the point
  await expect(page.getByRole('alert', { name: 'Keeping the log failed' })).toContainText(
    /storage quota is full.*now off; the log on this page is unchanged/,
  )
  await expect(keep(page)).not.toBeChecked()
  await expect(rows).toHaveCount(before)
  await expect(sent('stays on the page')).toHaveCount(1)
  await sendMessage(page, 'and still logging', 'Text')
  await expect(sent('and still logging')).toHaveCount(1)
})
