import type { Page } from '@playwright/test'
import { expect, openPlayground, stateBadge, test } from './fixtures'

/** Every WebSocket the page opens, by URL, from the moment this is called. */
function watchSockets(page: Page): string[] {
  const urls: string[] = []
  page.on('websocket', (ws) => urls.push(ws.url()))
  return urls
}

const consentDialog = (page: Page) => page.getByRole('dialog', { name: 'This link wants to act for you' })

test.describe('a link opened by a person', () => {
  test.use({ scripted: false })

  test('asks before connecting, connects nothing until allowed, and remembers "always allow"', async ({
    page,
    gateway,
  }) => {
    const sockets = watchSockets(page)
    const origin = new URL(gateway.wsUrl).origin
    await openPlayground(page, { endpoint: gateway.wsUrl, autoconnect: 1 })
    const dialog = consentDialog(page)
    await expect(dialog).toBeVisible()
    await expect(dialog).toContainText(`Connect to ${gateway.wsUrl}?`)
    // The link's endpoint is in the form, but nothing has connected.
    await expect(page.getByLabel('Endpoint URL')).toHaveValue(gateway.wsUrl)
    await expect(stateBadge(page)).not.toHaveText(/OPEN|CONNECTING/)
    expect(sockets).toEqual([])

    await dialog.getByRole('checkbox', { name: `Always allow links to connect to ${origin}` }).check()
    await dialog.getByRole('button', { name: 'Connect', exact: true }).click()
    await expect(stateBadge(page)).toHaveText(/OPEN \(1\)/)
    await expect(dialog).toBeHidden()
    expect(sockets).toEqual([gateway.wsUrl])
    expect(await page.evaluate(() => localStorage.getItem('apigw-playground:link-allowed-origins'))).toBe(
      JSON.stringify([origin]),
    )

    // The same link again: the origin is allowed, so it connects without asking.
    await page.reload()
    await expect(stateBadge(page)).toHaveText(/OPEN \(1\)/)
    await expect(consentDialog(page)).toHaveCount(0)
    expect(sockets).toHaveLength(2)
  })

  test('declining (or Escape) keeps the link’s settings in the tab and connects nothing', async ({ page, gateway }) => {
    const sockets = watchSockets(page)
    await openPlayground(page, { endpoint: gateway.wsUrl, autoconnect: 1 })
    await consentDialog(page).getByRole('button', { name: "Don't connect" }).click()
    await expect(consentDialog(page)).toHaveCount(0)
    await expect(page.getByLabel('Endpoint URL')).toHaveValue(gateway.wsUrl)
    expect(sockets).toEqual([])
    // Nothing was remembered: the link asks again, and Escape is a no too.
    await page.reload()
    await expect(consentDialog(page)).toBeVisible()
    await page.keyboard.press('Escape')
    await expect(consentDialog(page)).toHaveCount(0)
    expect(sockets).toEqual([])
    // The user's own click still connects.
    await page.getByRole('button', { name: 'Connect', exact: true }).click()
    await expect(stateBadge(page)).toHaveText(/OPEN \(1\)/)
  })

  test('a link that starts an experiment names it and its endpoint, and does not start it when declined', async ({
    page,
    gateway,
  }) => {
    const sockets = watchSockets(page)
    await openPlayground(page, { endpoint: gateway.wsUrl, experiment: 'idle', runs: 2, start: 1 })
    const dialog = consentDialog(page)
    await expect(dialog).toContainText(
      `Start the experiment “Idle timeout with no traffic” (2 runs), which opens its own connections to ${gateway.wsUrl}?`,
    )
    await dialog.getByRole('button', { name: "Don't start" }).click()
    await expect(dialog).toHaveCount(0)
    // The lab is set up as the link said, idle, and ready for the user's own start.
    await expect(page.getByRole('button', { name: 'Start experiment' })).toBeEnabled()
    expect(await page.evaluate(() => window.playground.experiment.status)).toBe('idle')
    expect(sockets).toEqual([])
  })
})

test('a script that opts in (window.__playgroundScripted) connects without being asked', async ({ page, gateway }) => {
  await openPlayground(page, { endpoint: gateway.wsUrl, autoconnect: 1 })
  await expect(stateBadge(page)).toHaveText(/OPEN \(1\)/)
  await expect(consentDialog(page)).toHaveCount(0)
})

test('a link’s settings apply to the tab only: never to the preferences other tabs share', async ({
  page,
  gateway,
}) => {
  await openPlayground(page, {
    endpoint: gateway.wsUrl,
    keepalive: 30,
    payload: 'link-payload',
    profile: 'custom',
    idle: 21,
    max: 91,
    experiment: 'size-limits',
  })
  await expect(page.getByLabel('Endpoint URL')).toHaveValue(gateway.wsUrl)
  await expect(page.getByLabel('Custom idle timeout (seconds)')).toHaveValue('21')
  await expect(page.getByLabel('Experiment', { exact: true })).toHaveValue('size-limits')
  const shared = () => page.evaluate(() => JSON.stringify(localStorage))
  const tab = () => page.evaluate(() => sessionStorage.getItem('apigw-playground:tab-connections') ?? '')
  for (const value of [gateway.wsUrl, 'link-payload', '"custom"', 'size-limits'])
    expect(await shared()).not.toContain(value)

  // Changed by the user, a setting is still this tab's: its connection's, kept across a reload of the tab.
  await page.getByLabel('Custom maximum duration (seconds)').fill('92')
  await expect.poll(tab).toContain('"customMaxSeconds":92')
  expect(await shared()).not.toContain('92')
  await openPlayground(page)
  await expect(page.getByLabel('Endpoint URL')).toHaveValue(gateway.wsUrl)
  await expect(page.getByLabel('Custom maximum duration (seconds)')).toHaveValue('92')

  // Another tab without the link starts from the defaults, not from this tab's set-up.
  const other = await page.context().newPage()
  await openPlayground(other)
  await expect(other.getByLabel('Endpoint URL')).not.toHaveValue(gateway.wsUrl)
  await expect(other.getByLabel('Timeout profile')).toHaveValue('aws')
  await expect(other.getByLabel('Experiment', { exact: true })).not.toHaveValue('size-limits')
})

test('a presigned endpoint’s signature and token leave the address bar; the tab still uses them', async ({
  page,
  gateway,
}) => {
  const signed = `${gateway.wsUrl}?room=7&X-Amz-Credential=ASIAEXAMPLE&X-Amz-Security-Token=SESSIONSECRET&X-Amz-Signature=deadbeef`
  const opened = page.waitForEvent('websocket')
  await openPlayground(page, { endpoint: signed, autoconnect: 1 })
  expect((await opened).url()).toContain('X-Amz-Security-Token=SESSIONSECRET')
  expect(new URL(page.url()).searchParams.get('endpoint')).toBe(`${gateway.wsUrl}?room=7`)
  expect(new URL(page.url()).searchParams.get('autoconnect')).toBe('1')
  expect(page.url()).not.toMatch(/SESSIONSECRET|deadbeef|ASIAEXAMPLE/)
})
