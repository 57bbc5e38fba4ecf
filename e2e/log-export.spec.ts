import { readFile } from 'node:fs/promises'
import { expect, logList, openPlayground, sendMessage, stateBadge, test } from './fixtures'

test('export holds only the entries the active filter lets through when asked', async ({ page, gateway }) => {
  await openPlayground(page, { endpoint: gateway.wsUrl, autoconnect: 1 })
  await expect(stateBadge(page)).toHaveText(/OPEN \(1\)/)
  await sendMessage(page, '{"action":"echo","data":"apple"}')
  await sendMessage(page, '{"action":"echo","data":"banana"}')
  await expect(logList(page).getByRole('option').filter({ hasText: 'banana' })).toHaveCount(2)
  await page.getByLabel('Filter log').fill('apple')
  await expect(logList(page).getByRole('option')).toHaveCount(2)

  await page.getByLabel('Export only matching').check()
  const [ndjson] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export log as NDJSON' }).click()])
  const lines = (await readFile((await ndjson.path())!, 'utf8')).trim().split('\n').map((l) => JSON.parse(l))
  expect(lines.map((l) => `${l.kind} ${l.data}`)).toEqual(['sent {"action":"echo","data":"apple"}', 'received apple'])

  await page.getByLabel('Export only matching').uncheck()
  const [json] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export log as JSON' }).click()])
  expect(JSON.parse(await readFile((await json.path())!, 'utf8')).entries).toHaveLength(6)
})
