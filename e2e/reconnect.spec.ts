import { expect, logList, openPlayground, stateBadge, test } from './fixtures'

test('auto-reconnect (off by default) connects again after a server close, shown in the log and on the timeline', async ({
  page,
  startGateway,
}) => {
  const gateway = await startGateway({ idleTimeout: 2 })
  await openPlayground(page, { endpoint: gateway.wsUrl })
  const toggle = page.getByRole('checkbox', { name: 'Auto-reconnect' })
  await expect(toggle).not.toBeChecked()
  await toggle.press(' ')
  await expect(toggle).toBeChecked()
  await page.getByRole('button', { name: 'Connect', exact: true }).click()
  await expect(stateBadge(page)).toHaveText(/OPEN \(1\)/)
  // The gateway's 2 s idle timeout closes with 1001; the page schedules attempt 1 after 1 s and opens connection #2.
  await expect(
    logList(page).getByRole('option').filter({ hasText: 'Reconnecting in 1 s (attempt 1 of 10).' }).first(),
  ).toBeVisible()
  await expect(
    page
      .getByRole('img', { name: /readyState over time/ })
      .locator('g.marker[data-kind="reconnect"]')
      .first(),
  ).toBeAttached()
  await expect(
    logList(page)
      .getByRole('option')
      .filter({ hasText: /Connection #2 →/ }),
  ).toHaveCount(1)
})
