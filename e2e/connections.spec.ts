import { WebSocketServer } from 'ws'
import { expect, openPlayground, openTool, stateBadge, test, type Gateway } from './fixtures'

const connections = (page: import('@playwright/test').Page) => page.evaluate(() => window.playground.connections)

/** The playground at the gateway with A and a copy of A; returns the list of connections. */
async function withCopyOfA(page: import('@playwright/test').Page, gateway: Gateway) {
  await openPlayground(page, { endpoint: gateway.wsUrl })
  const list = page.getByRole('list', { name: 'Connections' })
  await page.getByRole('button', { name: 'Duplicate A', exact: true }).click()
  await expect(list.getByRole('listitem')).toHaveCount(2)
  return list
}

test('two connections side by side: each its own state, send to all, and the management picker names both', async ({
  page,
  gateway,
}) => {
  await openPlayground(page, { endpoint: gateway.wsUrl })
  const list = page.getByRole('list', { name: 'Connections' })
  await page.getByRole('button', { name: 'Add connection' }).click()
  await expect(list.getByRole('listitem')).toHaveCount(2)
  // The new one starts from the defaults: give it the gateway's endpoint too.
  await list.getByRole('button', { name: /^B:/ }).click()
  await page.getByLabel('Endpoint URL').fill(gateway.wsUrl)
  await page.getByRole('button', { name: 'Connect A' }).click()
  await page.getByRole('button', { name: 'Connect B' }).click()
  await expect(list.getByRole('button', { name: 'A: OPEN' })).toBeVisible()
  await expect(list.getByRole('button', { name: 'B: OPEN' })).toBeVisible()
  expect(gateway.connections()).toHaveLength(2)

  await page.getByRole('radiogroup', { name: 'Message format' }).getByLabel('JSON').check()
  await page.getByLabel('Message', { exact: true }).fill('{"action":"whoami"}')
  await page.getByRole('button', { name: 'Send to all' }).click()
  await expect(page.getByRole('status', { name: 'Sent to all' })).toHaveText('Sent to 2 connections.')
  await expect
    .poll(async () => (await connections(page)).map((c) => [c.name, c.sentCount, c.receivedCount]))
    .toEqual([
      ['A', 1, 1],
      ['B', 1, 1],
    ])
  // Closing one leaves the other open.
  await page.getByRole('button', { name: 'Close A' }).click()
  await expect(list.getByRole('button', { name: 'A: CLOSED' })).toBeVisible()
  await expect(list.getByRole('button', { name: 'B: OPEN' })).toBeVisible()

  await openTool(page, 'Management API')
  const picker = page.getByLabel("This page's connections")
  const ids = gateway.connections().map((c) => c.connectionId)
  await expect(picker.getByRole('option')).toHaveText(['Page connection…', /^A: /, /^B: /])
  const texts = await picker.getByRole('option').allTextContents()
  for (const id of ids) expect(texts.join(' ')).toContain(id)
})

test('two tabs do not affect each other, and a reload restores the tab’s set-up (not its sockets)', async ({
  page,
  gateway,
}) => {
  await openPlayground(page, { endpoint: gateway.wsUrl, autoconnect: 1 })
  await expect(stateBadge(page)).toHaveText(/OPEN \(1\)/)
  const other = await page.context().newPage()
  await openPlayground(other)
  await other.getByLabel('Endpoint URL').fill('ws://127.0.0.1:9/elsewhere')
  await other.getByLabel('Timeout profile').selectOption('article')
  await other.getByRole('button', { name: 'Add connection' }).click()
  // The first tab's connection is untouched.
  await expect(page.getByLabel('Endpoint URL')).toHaveValue(gateway.wsUrl)
  await expect(page.getByLabel('Timeout profile')).toHaveValue('aws')
  await expect(page.getByRole('list', { name: 'Connections' }).getByRole('listitem')).toHaveCount(1)
  await expect(stateBadge(page)).toHaveText(/OPEN \(1\)/)

  await other.reload()
  await expect(other.getByRole('list', { name: 'Connections' }).getByRole('listitem')).toHaveCount(2)
  await expect(other.getByLabel('Endpoint URL')).toHaveValue('ws://127.0.0.1:9/elsewhere')
  await expect(other.getByLabel('Timeout profile')).toHaveValue('article')
  expect((await connections(other)).map((c) => c.readyState)).toEqual([undefined, undefined])
})

test('window.playground.experiment reads the same before the Timeout lab has loaded and after', async ({ page }) => {
  const experiment = () => page.evaluate(() => window.playground.experiment)
  await openPlayground(page)
  // The lab's code loads when the lab opens: a script still sees the lab idle, with the chosen experiment.
  expect(await experiment()).toMatchObject({ id: 'idle', status: 'idle', rows: [] })
  await openTool(page, 'Timeout lab')
  await page.getByLabel('Experiment', { exact: true }).selectOption({ label: 'Keepalive survival' })
  expect(await experiment()).toMatchObject({ id: 'keepalive', status: 'idle', rows: [] })
  await page.getByRole('button', { name: 'Hide tools' }).click()
  await page.reload()
  await expect(page.getByRole('heading', { name: 'API Gateway WebSocket Playground' })).toBeVisible()
  expect(await experiment()).toMatchObject({ id: 'keepalive', status: 'idle', rows: [] })
})

test('rename: ✎ puts the cursor in the name field; a refused name is explained there and the old name kept', async ({
  page,
}) => {
  await openPlayground(page)
  const list = page.getByRole('list', { name: 'Connections' })
  await page.getByRole('button', { name: 'Add connection' }).click()
  await expect(list.getByRole('listitem')).toHaveCount(2)

  // Typed straight after the click, with no click into the field.
  await list.getByRole('button', { name: 'Rename A' }).click()
  await page.keyboard.type('Primary')
  await page.keyboard.press('Enter')
  await expect(list.getByRole('button', { name: /^Primary:/ })).toBeVisible()

  await list.getByRole('button', { name: 'Rename B' }).click()
  await page.keyboard.type('Primary')
  await page.keyboard.press('Enter')
  const field = list.getByRole('textbox', { name: 'New name for B' })
  await expect(field).toBeVisible()
  await expect(field).toHaveAttribute('aria-invalid', 'true')
  await expect(list.getByRole('alert')).toHaveText('Another connection is already called “Primary”.')
  await expect(list.getByRole('button', { name: /^B:/ })).toBeVisible()
  // Escape still cancels, and the message goes with the field.
  await page.keyboard.press('Escape')
  await expect(field).toHaveCount(0)
  await expect(list.getByRole('alert')).toHaveCount(0)
  expect((await connections(page)).map((c) => c.name)).toEqual(['Primary', 'B'])
})

test('All: connect and close every connection at once, each to its own endpoint', async ({ page, gateway }) => {
  await openPlayground(page, { endpoint: gateway.wsUrl })
  const list = page.getByRole('list', { name: 'Connections' })
  const all = page.getByRole('group', { name: 'All connections' })
  // One connection: nothing to do all at once.
  await expect(all).toHaveCount(0)
  await page.getByRole('button', { name: 'Duplicate A', exact: true }).click()
  await page.getByRole('button', { name: 'Duplicate A', exact: true }).click()
  await expect(list.getByRole('listitem')).toHaveCount(3)
  const [b, c] = (await list.locator('.name').allTextContents()).slice(1)
  await page.getByRole('button', { name: `Connect ${b}`, exact: true }).click()
  await expect(list.getByRole('button', { name: `${b}: OPEN` })).toBeVisible()
  // A script's lookup of one connection's button by name (a substring, any case) never finds the "all" buttons.
  await expect(all.getByRole('button', { name: 'Connect A' })).toHaveCount(0)

  await all.getByRole('button', { name: 'connect' }).click()
  for (const name of ['A', b, c]) await expect(list.getByRole('button', { name: `${name}: OPEN` })).toBeVisible()
  // B was open already: two new connections, not three.
  expect(gateway.connections()).toHaveLength(3)
  await expect(all.getByRole('button', { name: 'connect' })).toBeDisabled()
  await expect(all.getByRole('button', { name: 'Close A' })).toHaveCount(0)

  await all.getByRole('button', { name: 'close' }).click()
  for (const name of ['A', b, c]) await expect(list.getByRole('button', { name: `${name}: CLOSED` })).toBeVisible()
  await expect.poll(() => gateway.connections().length).toBe(0)
  await expect(all.getByRole('button', { name: 'close' })).toBeDisabled()
  await expect(all.getByRole('button', { name: 'connect' })).toBeEnabled()
})

test('All: connect and close, and a Close while it closes, keep focus on the button pressed', async ({
  page,
  gateway,
}) => {
  const list = await withCopyOfA(page, gateway)
  const all = page.getByRole('group', { name: 'All connections' })
  const connect = all.getByRole('button', { name: 'connect' })
  const close = all.getByRole('button', { name: 'close' })

  // Pressed, each has nothing left to do; it says so and keeps focus (disabled, it dropped focus to <body>).
  await connect.press('Enter')
  await expect(list.getByRole('button', { name: /: OPEN$/ })).toHaveCount(2)
  await expect(connect).toBeDisabled()
  await expect(connect).toBeFocused()
  await page.keyboard.press('Tab')
  await expect(close).toBeFocused()
  await page.keyboard.press('Enter')
  await expect(list.getByRole('button', { name: /: CLOSED$/ })).toHaveCount(2)
  await expect(close).toBeDisabled()
  await expect(close).toBeFocused()
  // Pressing it again does nothing.
  await page.keyboard.press('Enter')
  expect(gateway.connections()).toHaveLength(0)

  // A server that never answers the close keeps A CLOSING: its row's button waits, focused.
  const silent = new WebSocketServer({ host: '127.0.0.1', port: 0 })
  silent.on('connection', (socket) => (socket as unknown as { _socket: { pause(): void } })._socket.pause())
  try {
    await new Promise((resolve) => silent.once('listening', resolve))
    await list.getByRole('button', { name: /^A:/ }).click()
    await page.getByLabel('Endpoint URL').fill(`ws://127.0.0.1:${(silent.address() as { port: number }).port}/`)
    await page.getByRole('button', { name: 'Connect A', exact: true }).click()
    await expect(list.getByRole('button', { name: 'A: OPEN' })).toBeVisible()
    await page.getByRole('button', { name: 'Close A', exact: true }).press('Enter')
    await expect(list.getByRole('button', { name: 'A: CLOSING' })).toBeVisible()
    const waiting = page.getByRole('button', { name: 'Connect A', exact: true })
    await expect(waiting).toBeDisabled()
    await expect(waiting).toBeFocused()
  } finally {
    for (const client of silent.clients) client.terminate()
    await new Promise((resolve) => silent.close(resolve))
  }
})

test('removing an open connection asks first; Cancel keeps it open, and a closed one goes at once', async ({
  page,
  gateway,
}) => {
  const list = await withCopyOfA(page, gateway)
  const copy = (await list.locator('.name').allTextContents())[1]!
  await page.getByRole('button', { name: `Connect ${copy}`, exact: true }).click()
  await expect(list.getByRole('button', { name: `${copy}: OPEN` })).toBeVisible()

  const remove = page.getByRole('button', { name: `Remove ${copy}`, exact: true })
  await remove.click()
  const dialog = page.getByRole('dialog', { name: `Remove ${copy}?` })
  await expect(dialog).toContainText(`${copy} is OPEN: removing it closes the connection (1000).`)
  // A screen reader says what the question is about with it, not just "Remove B?" and a button.
  await expect(dialog).toHaveAccessibleDescription(
    `${copy} is OPEN: removing it closes the connection (1000). Its log entries stay.`,
  )
  await dialog.getByRole('button', { name: 'Cancel' }).click()
  await expect(dialog).toHaveCount(0)
  await expect(list.getByRole('button', { name: `${copy}: OPEN` })).toBeVisible()
  await expect(remove).toBeFocused()
  expect(gateway.connections()).toHaveLength(1)

  // From the keyboard this time: Enter on ✕, then the dialog's first button.
  await remove.press('Enter')
  await dialog.getByRole('button', { name: 'Close and remove' }).press('Enter')
  await expect(list.getByRole('listitem')).toHaveCount(1)
  await expect.poll(() => gateway.connections().length).toBe(0)
  await expect(list.getByRole('button', { name: 'A: not connected' })).toBeFocused()

  // Not connected: no question.
  await page.getByRole('button', { name: 'Duplicate A', exact: true }).click()
  await expect(list.getByRole('listitem')).toHaveCount(2)
  await page.getByRole('button', { name: `Remove ${copy}`, exact: true }).click()
  await expect(list.getByRole('listitem')).toHaveCount(1)
  await expect(dialog).toHaveCount(0)
})
