import { expect, openPlayground, stateBadge, test } from './fixtures'

test('the local gateway is the default endpoint and a preset', async ({ page }) => {
  await openPlayground(page)
  await expect(page.getByLabel('Endpoint URL')).toHaveValue('ws://127.0.0.1:4001/dev')
  await page.getByLabel('Endpoint URL').fill('wss://example.com/x')
  await page.getByLabel('Endpoint presets').selectOption({ label: 'Local gateway (ws://127.0.0.1:4001/dev)' })
  await expect(page.getByLabel('Endpoint URL')).toHaveValue('ws://127.0.0.1:4001/dev')
})

const cases: [string, RegExp, string?][] = [
  ['http://127.0.0.1:4001/dev', /This is an HTTP URL/, 'ws://127.0.0.1:4001/dev'],
  [
    'https://abcde12345.execute-api.us-east-1.amazonaws.com/prod',
    /This is an HTTPS URL/,
    'wss://abcde12345.execute-api.us-east-1.amazonaws.com/prod',
  ],
  ['wws://example.com/prod', /not a valid scheme/, 'wss://example.com/prod'],
  ['ws:///dev', /no host/],
  ['wss://exa mple.com/prod', /contains spaces/, 'wss://example.com/prod'],
  ['example.com/prod', /no scheme/, 'wss://example.com/prod'],
  [
    'ws://127.0.0.1:4001/dev?discount=50%',
    /% that is not followed by two hex digits/,
    'ws://127.0.0.1:4001/dev?discount=50%25',
  ],
]

for (const [input, message, suggestion] of cases) {
  test(`explains what is wrong with ${input}`, async ({ page }) => {
    await openPlayground(page)
    await page.getByLabel('Endpoint URL').fill(input)
    await expect(page.getByRole('alert').filter({ hasText: message })).toBeVisible()
    await expect(page.getByRole('button', { name: 'Connect', exact: true })).toBeDisabled()
    await expect(page.getByLabel('Endpoint URL')).toHaveAttribute('aria-invalid', 'true')
    if (suggestion) {
      await page.getByRole('button', { name: `Use ${suggestion}` }).click()
      await expect(page.getByLabel('Endpoint URL')).toHaveValue(suggestion)
      await expect(page.getByRole('button', { name: 'Connect', exact: true })).toBeEnabled()
    }
  })
}

test('a link whose own address has a stray % explains it by the endpoint field instead of failing', async ({
  page,
}) => {
  const sockets: string[] = []
  page.on('websocket', (ws) => sockets.push(ws.url()))
  // Written as a hand-edited link would be: the endpoint's % is not escaped in the page's own query either.
  await page.goto('/?endpoint=ws://127.0.0.1:4001/dev?room=7%zz&autoconnect=1')
  await expect(
    page.getByRole('alert').filter({ hasText: 'a % that is not followed by two hex digits (near' }),
  ).toBeVisible()
  await expect(page.getByRole('alert', { name: 'Set-up link problems' })).toContainText('Did not connect')
  await expect(page.getByRole('button', { name: 'Connect', exact: true })).toBeDisabled()
  expect(sockets).toEqual([])
})

test('subprotocols are validated and the accepted one is shown', async ({ page, gateway }) => {
  await openPlayground(page, { endpoint: gateway.wsUrl })
  await page.getByLabel('Subprotocols').fill('bad protocol')
  await expect(page.getByRole('alert').filter({ hasText: 'not a valid subprotocol' })).toBeVisible()
  await expect(page.getByRole('button', { name: 'Connect', exact: true })).toBeDisabled()
  await page.getByLabel('Subprotocols').fill('')
  await page.getByRole('button', { name: 'Connect', exact: true }).click()
  await expect(stateBadge(page)).toHaveText(/OPEN \(1\)/)
})

test('recent endpoints are remembered in localStorage, without credentials', async ({ page, gateway }) => {
  const signed = `${gateway.wsUrl}?room=7&X-Amz-Credential=ASIAEXAMPLE&X-Amz-Security-Token=SESSIONSECRET&X-Amz-Signature=deadbeef`
  await openPlayground(page)
  await page.getByLabel('Endpoint URL').fill(signed)
  await page.getByRole('button', { name: 'Connect', exact: true }).click()
  await expect(stateBadge(page)).toHaveText(/OPEN|CLOSED/)
  const stored = await page.evaluate(() => JSON.stringify(localStorage))
  expect(stored).toContain(`${gateway.wsUrl}?room=7`)
  expect(stored).not.toContain('SESSIONSECRET')
  expect(stored).not.toContain('deadbeef')
  await page
    .getByRole('button', { name: 'Disconnect' })
    .click({ timeout: 2000 })
    .catch(() => {})
  await page.reload()
  await expect(page.getByLabel('Endpoint presets').locator('optgroup[label="Recent"] option')).toHaveText([
    `${gateway.wsUrl}?room=7`,
  ])
})

test('dark mode can be switched on and is remembered', async ({ page }) => {
  await openPlayground(page)
  await page.getByLabel('Colour scheme').selectOption('dark')
  await expect(page.locator('html')).toHaveClass(/dark/)
  await page.reload()
  await expect(page.locator('html')).toHaveClass(/dark/)
})

test('the colour scheme follows the system until one is chosen', async ({ page }) => {
  await page.emulateMedia({ colorScheme: 'dark' })
  await openPlayground(page)
  await expect(page.getByLabel('Colour scheme')).toHaveValue('auto')
  await expect(page.locator('html')).toHaveClass(/dark/)
  await page.emulateMedia({ colorScheme: 'light' })
  await expect(page.locator('html')).not.toHaveClass(/dark/)
  await page.getByLabel('Colour scheme').selectOption('dark')
  await expect(page.locator('html')).toHaveClass(/dark/)
})
