import { readFile } from 'node:fs/promises'
import { expect, exportNdjson, logList, openPlayground, sendMessage, stateBadge, test } from './fixtures'

test('export holds only the entries the active filter lets through when asked', async ({ page, gateway }) => {
  await openPlayground(page, { endpoint: gateway.wsUrl, autoconnect: 1 })
  await expect(stateBadge(page)).toHaveText(/OPEN \(1\)/)
  await sendMessage(page, '{"action":"echo","data":"apple"}')
  await sendMessage(page, '{"action":"echo","data":"banana"}')
  await expect(logList(page).getByRole('option').filter({ hasText: 'banana' })).toHaveCount(2)
  await page.getByLabel('Filter log').fill('apple')
  await expect(logList(page).getByRole('option')).toHaveCount(2)

  await page.getByLabel('Export only matching').check()
  const lines = await exportNdjson(page)
  expect(lines.map((l) => `${l.kind} ${l.data}`)).toEqual(['sent {"action":"echo","data":"apple"}', 'received apple'])

  await page.getByLabel('Export only matching').uncheck()
  const [json] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Export log as JSON' }).click(),
  ])
  expect(JSON.parse(await readFile((await json.path())!, 'utf8')).entries).toHaveLength(6)
})

test('an exported log opens in the page to browse and filter; a file that is not one is explained', async ({
  page,
}) => {
  await openPlayground(page)
  const lines = [
    {
      at: 1_700_000_000_000,
      connection: 1,
      kind: 'sent',
      direction: 'out',
      data: '{"action":"echo","data":"apple"}',
      bytes: 32,
    },
    { at: 1_700_000_000_100, connection: 1, kind: 'received', direction: 'in', data: 'apple', bytes: 5 },
    {
      at: 1_700_000_000_200,
      connection: 1,
      kind: 'received',
      direction: 'in',
      data: '3q2+7w==',
      bytes: 4,
      binary: true,
      encoding: 'base64',
    },
  ]
  const file = page.getByLabel('Open an exported log')
  await file.setInputFiles({
    name: 'saved.ndjson',
    mimeType: 'application/x-ndjson',
    buffer: Buffer.from(lines.map((l) => JSON.stringify(l)).join('\n')),
  })
  await expect(page.getByRole('status', { name: 'Opened log' })).toContainText('Showing saved.ndjson: 3 entries')
  const rows = logList(page).getByRole('option')
  await expect(rows).toHaveCount(3)
  await expect(rows.filter({ hasText: 'de ad be ef' })).toContainText('bin')
  await page.getByLabel('Filter log').fill('apple')
  await expect(rows).toHaveCount(2)

  await file.setInputFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('hello\nworld') })
  await expect(page.getByRole('alert').filter({ hasText: 'notes.txt' })).toContainText('not valid JSON')
})

test('a file of one entry reads "1 entry"; a binary file is explained in words and the log kept', async ({ page }) => {
  await openPlayground(page)
  const file = page.getByLabel('Open an exported log')
  // What it does is said to a screen reader too, not only in the label's tooltip.
  await expect(file).toHaveAccessibleDescription(/to browse and filter it \(replaces what the log shows\)$/)
  const entry = { at: 1_700_000_000_000, connection: 1, kind: 'received', direction: 'in', data: 'apple', bytes: 5 }
  await file.setInputFiles({
    name: 'one.ndjson',
    mimeType: 'application/x-ndjson',
    buffer: Buffer.from(JSON.stringify(entry)),
  })
  await expect(page.getByRole('status', { name: 'Opened log' })).toContainText('Showing one.ndjson: 1 entry.')
  await expect(page.getByLabel('Log entry count')).toHaveText('1 entry')

  // A picture picked by mistake: the message said "Unexpected token '�', "�PNG..." is not valid JSON".
  const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0xff, 0xfe])
  await file.setInputFiles({ name: 'photo.json', mimeType: 'application/json', buffer: png })
  await expect(page.getByRole('alert', { name: 'Opened log' })).toHaveText(
    'photo.json: This is not a text file (it holds binary data): open an .ndjson, .json or .har log. ×',
  )
  await expect(logList(page).getByRole('option')).toHaveCount(1)
  // Dismissed from the keyboard, the note goes and focus returns to Open… (it fell to <body>).
  await page.getByRole('alert', { name: 'Opened log' }).getByRole('button', { name: 'Dismiss' }).press('Enter')
  await expect(page.getByRole('alert', { name: 'Opened log' })).toHaveCount(0)
  await expect(file).toBeFocused()
})

test('a file opened replaces the selection with the log: the inspector closes and times nothing against the old', async ({
  page,
  gateway,
}) => {
  await openPlayground(page, { endpoint: gateway.wsUrl, autoconnect: 1 })
  const rows = logList(page).getByRole('option')
  await rows.filter({ hasText: 'open' }).click()
  const inspector = page.getByRole('region', { name: 'Selected log entry' })
  await expect(inspector).toContainText('open')
  const lines = ['first', 'second'].map((data, i) =>
    JSON.stringify({ at: 1_700_000_000_000 + i * 500, connection: 1, kind: 'received', direction: 'in', data }),
  )
  await page
    .getByLabel('Open an exported log')
    .setInputFiles({ name: 'two.ndjson', mimeType: 'application/x-ndjson', buffer: Buffer.from(lines.join('\n')) })
  await expect(page.getByRole('status', { name: 'Opened log' })).toContainText('Showing two.ndjson: 2 entries')
  // The entry shown was the replaced log's: it stayed open, and the next pick was timed against it.
  await expect(inspector).toHaveCount(0)
  await rows.filter({ hasText: 'second' }).click()
  await expect(inspector).toContainText('second')
  await expect(inspector.getByLabel('Time since the entry selected before')).toHaveCount(0)
  await rows.filter({ hasText: 'first' }).click()
  await expect(inspector.getByLabel('Time since the entry selected before')).toHaveText(
    'Δ 0.500s before the received selected before',
  )
})

test('exports name each entry’s connection, and a reopened file shows those names', async ({ page, gateway }) => {
  await openPlayground(page, { endpoint: gateway.wsUrl, name: 'orders', autoconnect: 1 })
  await expect(stateBadge(page)).toHaveText(/OPEN \(1\)/)
  await sendMessage(page, '{"action":"echo","data":"apple"}')
  await expect(logList(page).getByRole('option').filter({ hasText: 'received' })).toHaveCount(1)
  const lines = await exportNdjson(page)
  expect(lines.length).toBeGreaterThanOrEqual(4)
  expect(lines.every((l) => l.connectionName === 'orders')).toBe(true)

  // A file from another tab: its `source` ids mean nothing here, the names it carries do.
  const file = page.getByLabel('Open an exported log')
  await file.setInputFiles({
    name: 'elsewhere.ndjson',
    mimeType: 'application/x-ndjson',
    buffer: Buffer.from(
      [
        {
          at: 1_700_000_000_000,
          connection: 3,
          source: 'c9',
          connectionName: 'payments',
          kind: 'sent',
          direction: 'out',
          data: 'x',
        },
        { at: 1_700_000_000_100, connection: 4, kind: 'received', direction: 'in', data: 'y' },
      ]
        .map((l) => JSON.stringify(l))
        .join('\n'),
    ),
  })
  const rows = logList(page).getByRole('option')
  await expect(rows).toHaveCount(2)
  await expect(rows.first().locator('.conn')).toHaveText('payments')
  // An entry without a name (an older export) keeps its connection number.
  await expect(rows.last().locator('.conn')).toHaveText('#4')
})

test('HAR: a session the browser itself recorded opens in the log, and the log exports its connections as HAR', async ({
  page,
  browser,
  gateway,
}, testInfo) => {
  // A session in another page, recorded by the browser (Playwright's recordHar: Chrome's WebSocket messages).
  const harPath = testInfo.outputPath('recorded.har')
  const recorder = await browser.newContext({ recordHar: { path: harPath, content: 'embed' } })
  const other = await recorder.newPage()
  // A page of the playground's origin (the gateway, as API Gateway can, checks where a handshake comes from).
  await other.goto(`${testInfo.project.use.baseURL}/`)
  await other.evaluate(
    (url) =>
      new Promise<void>((resolve, reject) => {
        const ws = new WebSocket(url)
        ws.onopen = () => ws.send('{"action":"echo","data":"apple"}')
        ws.onmessage = () => ws.close(1000)
        ws.onclose = () => resolve()
        ws.onerror = () => reject(new Error('socket error'))
      }),
    gateway.wsUrl,
  )
  await recorder.close()

  await openPlayground(page)
  await page.getByLabel('Open an exported log').setInputFiles(harPath)
  await expect(page.getByRole('status', { name: 'Opened log' })).toContainText('recorded.har')
  const rows = logList(page).getByRole('option')
  await expect(rows).toHaveCount(4)
  await expect(rows.locator('.conn').first()).toHaveText('HAR 1')
  await expect(rows.nth(0)).toContainText(gateway.wsUrl)
  await expect(rows.nth(2)).toContainText('sent')
  await expect(rows.nth(2)).toContainText('{"action":"echo","data":"apple"}')
  await expect(rows.nth(3)).toContainText('received')
  await expect(rows.nth(3)).toContainText('apple')

  // The page's own session, exported as HAR: one entry per connection, its messages and its close.
  await page.getByRole('button', { name: 'Clear log' }).click()
  await page.getByLabel('Endpoint URL').fill(gateway.wsUrl)
  await page.getByRole('button', { name: 'Connect', exact: true }).click()
  await expect(stateBadge(page)).toHaveText(/OPEN \(1\)/)
  await sendMessage(page, '{"action":"echo","data":"banana"}')
  await expect(logList(page).getByRole('option').filter({ hasText: 'received' })).toHaveCount(1)
  await page.getByRole('button', { name: 'Disconnect' }).click()
  await expect(stateBadge(page)).toHaveText(/CLOSED/)
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Export log as HAR' }).click(),
  ])
  expect(download.suggestedFilename()).toMatch(/\.har$/)
  const har = JSON.parse(await readFile((await download.path())!, 'utf8'))
  expect(har.log.entries).toHaveLength(1)
  const [entry] = har.log.entries
  expect(entry).toMatchObject({
    request: { method: 'GET', url: gateway.wsUrl },
    response: { status: 101 },
    _resourceType: 'websocket',
    // Disconnect with the code field empty closes without a code: the browser reports 1005.
    _close: { code: 1005, wasClean: true, initiator: 'client' },
  })
  expect(entry._webSocketMessages.map((m: { type: string; data: string }) => [m.type, m.data])).toEqual([
    ['send', '{"action":"echo","data":"banana"}'],
    ['receive', 'banana'],
  ])
})
