import { expect, openPlayground, stateBadge, test } from './fixtures'

test('explanations and warnings use the active profile, and a close at the idle timer is labelled', async ({
  page,
  startGateway,
}) => {
  const gateway = await startGateway({ idleTimeout: 5 })
  await openPlayground(page, { endpoint: gateway.wsUrl, profile: 'custom', idle: 5, max: 60 })
  // A keepalive slower than the 5 s idle timeout cannot keep the connection open.
  await page.getByLabel('Keepalive interval (seconds)').fill('8')
  await expect(page.getByRole('note', { name: 'Keepalive too slow' })).toContainText('idle timeout (5 s)')
  await page.getByLabel('Keepalive interval (seconds)').fill('60')
  await expect(page.getByRole('note', { name: 'Keepalive too slow' })).toContainText('idle timeout (5 s)')
  await page.getByLabel('Keepalive interval (seconds)').fill('2')
  await expect(page.getByRole('note', { name: 'Keepalive too slow' })).toHaveCount(0)

  await page.getByRole('button', { name: 'Connect', exact: true }).click()
  await expect(stateBadge(page)).toHaveText(/CLOSED \(3\)/, { timeout: 20_000 })
  const close = page.getByRole('group', { name: 'Last close' })
  await expect(close.getByLabel('Close code')).toHaveText('1001')
  await expect(close).toContainText('idle timeout (5 s) or the maximum connection duration (1 min)')
  await expect(close).not.toContainText('10 min')
  await expect(close.getByLabel('Matched timer')).toHaveText('Matches the idle timeout (5 s) of the profile')
  await expect(page.getByRole('status', { name: 'Announcements', exact: true })).toContainText(
    'Matches the idle timeout (5 s)',
  )
})
