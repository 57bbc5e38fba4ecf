import { connectionUrl, expect, logList, openPlayground, stateBadge, test } from './fixtures'

test('auto-reconnect (off by default) connects again after a server close, shown in the log and on the timeline', async ({
  page,
  gateway,
}) => {
  await openPlayground(page, { endpoint: gateway.wsUrl })
  const toggle = page.getByRole('checkbox', { name: 'Auto-reconnect' })
  await expect(toggle).not.toBeChecked()
  await toggle.press(' ')
  await expect(toggle).toBeChecked()
  await page.getByRole('button', { name: 'Connect', exact: true }).click()
  await expect(stateBadge(page)).toHaveText(/OPEN \(1\)/)
  // One server close, made by the test (DeleteConnection), not a 2 s idle timeout: that closed every connection
  // after it too, five rows each 3 s, and the log draws only the rows in view (9 here), so a loaded machine that
  // looked for connection #2's row 8 s after Connect found none.
  const [first] = gateway.connections()
  const response = await fetch(connectionUrl(gateway, first!.connectionId), { method: 'DELETE' })
  expect(response.status).toBe(204)
  // The page schedules attempt 1 after 1 s and opens connection #2, which stays open.
  const rows = logList(page).getByRole('option')
  await expect(rows.filter({ hasText: 'closing (by server) · code 1000' })).toBeVisible()
  // One row each (a locator matching two would fail as ambiguous): one close, one attempt.
  await expect(rows.filter({ hasText: 'Reconnecting in 1 s (attempt 1 of 10).' })).toBeVisible()
  await expect(
    page
      .getByRole('img', { name: /readyState over time/ })
      .locator('g.marker[data-kind="reconnect"]')
      .first(),
  ).toBeAttached()
  await expect(rows.filter({ hasText: /Connection #2 →/ })).toHaveCount(1)
  // Connection #2 is a new connection at the gateway, and the only one.
  await expect.poll(() => gateway.connections().map((c) => c.connectionId !== first!.connectionId)).toEqual([true])
  await expect(stateBadge(page)).toHaveText(/OPEN \(1\)/)
})
