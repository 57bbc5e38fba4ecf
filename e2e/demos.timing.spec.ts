import { expect, openPlayground, test } from './fixtures'

type ConnectionInfo = { name: string; readyState?: number; lastClose?: { code: number }; sentCount: number }
const connections = (page: import('@playwright/test').Page) =>
  page.evaluate(() => (window as unknown as { playground: { connections: ConnectionInfo[] } }).playground.connections)

// Real time: a gateway with a 1.5 s idle timeout. Only outcomes and their order are asserted, never durations.
test('keepalive vs none: the idle timeout closes the silent connection with 1001, the other stays open', async ({
  page,
  startGateway,
}) => {
  const gateway = await startGateway({ idleTimeout: 1.5 })
  await openPlayground(page, {
    demo: 'keepalive-vs-none',
    endpoint: gateway.wsUrl,
    profile: 'custom',
    idle: 1.5,
    max: 60,
  })
  const list = page.getByRole('list', { name: 'Connections' })
  await expect(list.getByRole('listitem')).toHaveCount(2)
  // The silent connection is selected: the countdown shown is its idle timeout under the 1.5 s profile.
  await expect(list.getByRole('button', { name: /^without keepalive:/ })).toHaveAttribute('aria-current', 'true')
  await expect(page.getByLabel('Timeout profile')).toHaveValue('custom')
  await expect(page.getByLabel('Custom idle timeout (seconds)')).toHaveValue('1.5')

  const status = page.getByRole('status', { name: 'Demo status' })
  await expect(status).toContainText('“without keepalive” closed with 1001', { timeout: 30_000 })
  await expect(status).toContainText('“with keepalive” is still open.')
  const [withKeepalive, without] = await connections(page)
  expect(without!.name).toBe('without keepalive')
  expect(without!.lastClose?.code).toBe(1001)
  expect(without!.sentCount).toBe(0)
  expect(withKeepalive!.readyState).toBe(1)
  expect(withKeepalive!.sentCount).toBeGreaterThan(0)
  // Still open after two more idle timeouts: its keepalives keep it alive.
  await page.waitForTimeout(3000)
  expect((await connections(page))[0]!.readyState).toBe(1)
  // The timeline marks its keepalives.
  const chart = page.getByRole('img', { name: /readyState over time/ })
  await expect(chart.locator('g.marker[data-kind="keepalive"]').first()).toBeAttached()
})
