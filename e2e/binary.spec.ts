import { connectionUrl, expect, exportNdjson, logList, openPlayground, stateBadge, test } from './fixtures'

test('a binary frame from the server is marked, shown as hex or base64 with its byte count, and exported as base64', async ({
  page,
  gateway,
}) => {
  await openPlayground(page, { endpoint: gateway.wsUrl, autoconnect: 1 })
  await expect(stateBadge(page)).toHaveText(/OPEN \(1\)/)
  const [connection] = gateway.connections()
  // Bytes that are not UTF-8: the local gateway sends them to the client as a binary frame.
  const response = await fetch(connectionUrl(gateway, connection!.connectionId), {
    method: 'POST',
    body: new Uint8Array([0xde, 0xad, 0xbe, 0xef, 0xff]),
  })
  expect(response.status).toBe(200)
  const row = logList(page).getByRole('option').filter({ hasText: 'de ad be ef ff' })
  await expect(row).toHaveCount(1)
  await expect(row).toContainText('bin')
  await expect(row).toContainText('5 B')
  await row.click()
  const inspector = page.getByRole('region', { name: 'Selected log entry' })
  await expect(inspector.getByLabel('Entry content')).toHaveText('de ad be ef ff')
  await inspector.getByRole('radiogroup', { name: 'Show bytes as' }).getByLabel('base64').check()
  await expect(inspector.getByLabel('Entry content')).toHaveText('3q2+7/8=')

  const lines = await exportNdjson(page)
  expect(lines.find((l) => l.binary)).toMatchObject({
    kind: 'received',
    data: '3q2+7/8=',
    bytes: 5,
    encoding: 'base64',
  })
})

test('the composer sends bytes typed as hex as a binary frame, and says the gateway closes with 1003', async ({
  page,
  gateway,
}) => {
  await openPlayground(page, { endpoint: gateway.wsUrl, autoconnect: 1 })
  await expect(stateBadge(page)).toHaveText(/OPEN \(1\)/)
  await page.getByRole('radiogroup', { name: 'Message format' }).getByLabel('Hex bytes').check()
  const message = page.getByLabel('Message', { exact: true })
  await message.fill('01 02 0')
  await expect(page.getByRole('alert').filter({ hasText: 'odd number' })).toBeVisible()
  await expect(page.getByRole('button', { name: 'Send', exact: true })).toBeDisabled()
  await message.fill('01 02 03')
  await expect(page.getByLabel('Binary frame note')).toContainText('3 bytes')
  await expect(page.getByLabel('Binary frame note')).toContainText('1003')
  await page.getByRole('button', { name: 'Send', exact: true }).click()
  const sent = logList(page).getByRole('option').filter({ hasText: '01 02 03' })
  await expect(sent).toContainText('sent')
  await expect(sent).toContainText('bin')
  await expect(page.getByRole('group', { name: 'Last close' }).getByLabel('Close code')).toHaveText('1003')
})

test('base64 typed in the composer is checked and sent as bytes', async ({ page, gateway }) => {
  await openPlayground(page, { endpoint: gateway.wsUrl, autoconnect: 1 })
  await expect(stateBadge(page)).toHaveText(/OPEN \(1\)/)
  await page.getByRole('radiogroup', { name: 'Message format' }).getByLabel('Base64 bytes').check()
  const message = page.getByLabel('Message', { exact: true })
  await message.fill('3q2*')
  await expect(page.getByRole('alert').filter({ hasText: 'not a base64 character' })).toBeVisible()
  await message.fill('3q2+7w==')
  await expect(page.getByLabel('Message size')).toContainText('4 B')
  await page.getByRole('button', { name: 'Send', exact: true }).click()
  await expect(logList(page).getByRole('option').filter({ hasText: 'de ad be ef' })).toContainText('sent')
})
