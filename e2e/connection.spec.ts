import { connectionUrl, expect, logList, openPlayground, sendMessage, stateBadge, test } from './fixtures'

test('connects to the local gateway, sends, and sees the article backend’s echo', async ({ page, gateway }) => {
  await openPlayground(page)
  await page.getByLabel('Endpoint URL').fill(gateway.wsUrl)
  await page.getByRole('button', { name: 'Connect', exact: true }).click()
  await expect(stateBadge(page)).toHaveText(/OPEN \(1\)/)
  await expect(page.getByLabel('Time connected')).toHaveText(/0:0\d/)

  await sendMessage(page, 'hello gateway', 'Text')
  const log = logList(page)
  // $default posts {endpoint, connectionId, request} back through @connections, as in the article.
  await expect(log.getByRole('option').filter({ hasText: '"connectionId"' })).toHaveCount(1)
  const reply = log.getByRole('option').filter({ hasText: '"connectionId"' })
  await expect(reply).toContainText('"endpoint"')
  await expect(reply).toContainText('received')
  await reply.click()
  await expect(page.getByLabel('Entry content')).toContainText('"request": {')
  await expect(page.getByLabel('Entry content')).toContainText('hello gateway')

  await sendMessage(page, '{"action":"whoami"}')
  await expect(log.getByRole('option').filter({ hasText: /^(?!.*endpoint).*"connectionId"/ })).toHaveCount(1)
  expect(gateway.connections()).toHaveLength(1)
})

test('the readyState timeline follows CONNECTING → OPEN → CLOSING → CLOSED, with a gap before the next connection', async ({
  page,
  gateway,
}) => {
  await openPlayground(page, { endpoint: gateway.wsUrl })
  const changes = page.getByRole('list', { name: 'State changes' })
  await page.getByRole('button', { name: 'Connect', exact: true }).click()
  await expect(stateBadge(page)).toHaveText(/OPEN \(1\)/)
  await expect(changes.getByRole('listitem').first()).toContainText('OPEN (1)')
  await expect(changes).toContainText('CONNECTING (0)')
  const chart = page.getByRole('img', { name: /readyState over time/ })
  await expect(chart.locator('rect.segment[data-state="1"]')).toHaveCount(1)

  await page.getByLabel('Close code').fill('4000')
  await page.getByLabel('Close reason', { exact: true }).fill('done here')
  await page.getByRole('button', { name: 'Disconnect' }).click()
  await expect(stateBadge(page)).toHaveText(/CLOSED \(3\)/)
  await expect(changes.getByRole('listitem').first()).toContainText('CLOSED (3)')
  await expect(changes).toContainText('CLOSING (2)')
  await expect(page.getByRole('group', { name: 'Last close' })).toContainText('4000')
  await expect(page.getByRole('group', { name: 'Last close' })).toContainText('done here')
  await expect(page.getByRole('group', { name: 'Last close' })).toContainText('wasClean: true')
  await expect(chart.locator('g.marker[data-kind="closed"] title')).toHaveText(/closed 4000/)

  // Reconnect: the log keeps both connections, with a divider each.
  await page.getByRole('button', { name: 'Connect', exact: true }).click()
  await expect(stateBadge(page)).toHaveText(/OPEN \(1\)/)
  await expect(chart.locator('rect.segment.gap')).toHaveCount(1)
  await expect(
    logList(page)
      .getByRole('option')
      .filter({ hasText: /Connection #\d →/ }),
  ).toHaveCount(2)
})

test('a server-side close shows its code, reason and a plain explanation', async ({ page, startGateway }) => {
  const gateway = await startGateway({ idleTimeout: 3 })
  await openPlayground(page, { endpoint: gateway.wsUrl, autoconnect: 1 })
  // The gateway's idle timeout (configured to 3 s here) closes with 1001 Going away, as API Gateway does.
  await expect(stateBadge(page)).toHaveText(/CLOSED \(3\)/)
  // The connection did open first (a loaded page may show OPEN only after the close came): the recorded history
  // says so, in order, rather than the live badge.
  const changes = page.getByRole('list', { name: 'State changes' }).getByRole('listitem')
  await expect(changes).toHaveText([/CLOSED \(3\)/, /CLOSING \(2\)/, /OPEN \(1\)/, /CONNECTING \(0\)/])
  await expect(logList(page).locator('[data-kind="open"]')).toHaveCount(1)
  const close = page.getByRole('group', { name: 'Last close' })
  await expect(close.getByLabel('Close code')).toHaveText('1001')
  await expect(close).toContainText('Going away')
  await expect(close).toContainText('by server')
  await expect(close).toContainText('idle timeout')
})

test('DeleteConnection through @connections closes the socket with 1000', async ({ page, gateway }) => {
  await openPlayground(page, { endpoint: gateway.wsUrl, autoconnect: 1 })
  await expect(stateBadge(page)).toHaveText(/OPEN \(1\)/)
  const [connection] = gateway.connections()
  const response = await fetch(connectionUrl(gateway, connection!.connectionId), { method: 'DELETE' })
  expect(response.status).toBe(204)
  await expect(page.getByRole('group', { name: 'Last close' }).getByLabel('Close code')).toHaveText('1000')
  // The server's close frame put the socket in CLOSING: recorded from the close event, not left to the 1 s sample.
  await expect(page.getByRole('list', { name: 'State changes' })).toContainText('CLOSING (2)')
  await expect(logList(page).getByRole('option').filter({ hasText: 'closing (by server) · code 1000' })).toHaveCount(1)
})

test('a refused handshake is explained, not shown as a blank failure', async ({ page }) => {
  await openPlayground(page, { endpoint: 'ws://127.0.0.1:9/dev', autoconnect: 1 })
  await expect(stateBadge(page)).toHaveText(/CLOSED \(3\)/)
  const close = page.getByRole('group', { name: 'Last close' })
  await expect(close.getByLabel('Close code')).toHaveText('1006')
  await expect(close).toContainText('Handshake failed')
  await expect(logList(page)).toContainText('The handshake failed')
})

test('an oversize message is warned about, can still be sent, and the gateway closes with 1009', async ({
  page,
  gateway,
}) => {
  await openPlayground(page, { endpoint: gateway.wsUrl, autoconnect: 1 })
  await expect(stateBadge(page)).toHaveText(/OPEN \(1\)/)
  await page.getByLabel('Make a test payload of a given size').selectOption({ label: '32 KB + 1 byte (1009)' })
  await expect(page.getByLabel('Message size')).toContainText('32,769 B')
  await expect(page.getByText(/Over the 32 KB frame limit/)).toBeVisible()
  await page.getByRole('button', { name: 'Send', exact: true }).click()
  const confirm = page.getByRole('alertdialog', { name: 'Oversize message' })
  await expect(confirm).toContainText('Send 32,769 B anyway?')
  await confirm.getByRole('button', { name: 'Send anyway' }).click()
  await expect(page.getByRole('group', { name: 'Last close' }).getByLabel('Close code')).toHaveText('1009')
})
