import type { Page } from '@playwright/test'
import { expect, openPlayground, stateBadge, test } from './fixtures'

const connections = (page: Page) => page.evaluate(() => window.playground.connections)
const connectionList = (page: Page) => page.getByRole('list', { name: 'Connections' })
const demoStatus = (page: Page) => page.getByRole('status', { name: 'Demo status' })
const consentDialog = (page: Page) => page.getByRole('dialog', { name: 'This link wants to act for you' })

// Three sockets, a broadcast and a second page each: at load 30 on 2 cores some took over a minute.
test.describe.configure({ timeout: 120_000 })

async function runDemo(page: Page, title: string) {
  await page.getByRole('button', { name: 'Demos' }).click()
  await page.getByRole('button', { name: `Run demo: ${title}` }).click()
}

test('broadcast demo: three connections, one broadcasts, all three receive it', async ({ page, gateway }) => {
  const seen: string[] = []
  const senders: string[] = []
  gateway.on('message', (m: { body?: string; connectionId?: string }) => {
    seen.push(String(m.body))
    senders.push(String(m.connectionId))
  })
  await openPlayground(page, { endpoint: gateway.wsUrl })
  await runDemo(page, 'Broadcast')
  await expect(demoStatus(page)).toHaveText('Broadcast: All 3 connections received the broadcast from “broadcaster”.', {
    timeout: 20_000,
  })
  const list = connectionList(page)
  for (const name of ['broadcaster', 'listener 1', 'listener 2'])
    await expect(list.getByRole('button', { name: `${name}: OPEN` })).toBeVisible()
  expect(gateway.connections()).toHaveLength(3)
  // One message went to the gateway; each connection's own log has the broadcast, naming the sender's id.
  expect(seen).toEqual(['{"action":"broadcast","data":"hello from the broadcast demo"}'])
  const all = await connections(page)
  const logs = await page.evaluate(
    (ids) =>
      ids.map((id) =>
        window.playground
          .connectionLog(id)
          .filter((e) => e.kind === 'received')
          .map((e) => JSON.parse(e.data!)),
      ),
    all.map((c) => c.id),
  )
  const sender = senders[0]
  for (const received of logs)
    expect(received).toEqual([{ action: 'broadcast', from: sender, data: 'hello from the broadcast demo' }])
})

test('a demo replaces open connections only after asking', async ({ page, gateway }) => {
  await openPlayground(page, { endpoint: gateway.wsUrl, autoconnect: 1 })
  await expect(stateBadge(page)).toHaveText(/OPEN \(1\)/)
  await runDemo(page, 'Broadcast')
  const confirm = page.getByRole('dialog', { name: "Replace this tab's connections?" })
  await expect(confirm).toContainText('replaces the 1 connection of this tab; 1 is open and will be closed.')
  await expect(confirm).toHaveAccessibleDescription(
    /replaces the 1 connection of this tab; 1 is open and will be closed/,
  )
  await confirm.getByRole('button', { name: 'Cancel' }).click()
  await expect(confirm).toHaveCount(0)
  expect((await connections(page)).map((c) => [c.name, c.readyState])).toEqual([['A', 1]])

  await page.getByRole('button', { name: 'Run demo: Broadcast' }).click()
  await page
    .getByRole('dialog', { name: "Replace this tab's connections?" })
    .getByRole('button', { name: 'Replace and run' })
    .click()
  await expect(demoStatus(page)).toContainText('All 3 connections received the broadcast', { timeout: 20_000 })
  // The tab's connection was closed first, then reused as the broadcaster.
  expect((await connections(page)).map((c) => [c.name, c.readyState])).toEqual([
    ['broadcaster', 1],
    ['listener 1', 1],
    ['listener 2', 1],
  ])
})

test('a demo link runs the demo (here for a script that opted in)', async ({ page, gateway }) => {
  await openPlayground(page, { demo: 'broadcast', endpoint: gateway.wsUrl })
  await expect(demoStatus(page)).toContainText('All 3 connections received the broadcast', { timeout: 20_000 })
})

test('URL set-up of several connections, and "Copy set-up link" rebuilds them', async ({ page, gateway, context }) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write'])
  const query =
    `?profile=custom&idle=30&max=60&endpoint=${encodeURIComponent(gateway.wsUrl)}&name=with+keepalive&keepalive=5` +
    `&endpoint=${encodeURIComponent(gateway.wsUrl)}&name=silent&endpoint=${encodeURIComponent(gateway.wsUrl)}&profile=article&autoconnect=1`
  await page.goto(`/${query}`)
  const list = connectionList(page)
  await expect(list.getByRole('listitem')).toHaveCount(3)
  for (const name of ['with keepalive', 'silent', 'C'])
    await expect(list.getByRole('button', { name: `${name}: OPEN` })).toBeVisible()
  const expected = [
    ['with keepalive', true, 'custom'],
    ['silent', false, 'custom'],
    ['C', false, 'article'],
  ]
  expect((await connections(page)).map((c) => [c.name, c.keepaliveEnabled, c.profile])).toEqual(expected)

  await page.getByRole('button', { name: 'Copy set-up link' }).click()
  await expect(page.getByRole('status').filter({ hasText: 'Link copied' })).toBeVisible()
  const link = await page.evaluate(() => navigator.clipboard.readText())
  expect(new URL(link).searchParams.getAll('endpoint')).toHaveLength(3)
  const other = await context.newPage()
  await other.goto(link)
  await expect(connectionList(other).getByRole('listitem')).toHaveCount(3)
  expect((await connections(other)).map((c) => [c.name, c.keepaliveEnabled, c.profile])).toEqual(expected)
  // Not connected: the link was copied without "autoconnect".
  expect((await connections(other)).map((c) => c.readyState)).toEqual([undefined, undefined, undefined])
})

test('a malformed several-connection link says what it ignored and sets up the rest', async ({ page, gateway }) => {
  const ws = encodeURIComponent(gateway.wsUrl)
  await page.goto(`/?endpoint=${ws}&name=twin&keepalive=soon&endpoint=${ws}&name=TWIN&profile=fast&a%=1`)
  const problems = page.getByRole('alert', { name: 'Set-up link problems' })
  await expect(problems).toContainText('Connection 1: Ignored keepalive=soon: expected a positive number of seconds.')
  await expect(problems).toContainText('Connection 2: Ignored profile=fast: use aws, article or custom.')
  await expect(problems).toContainText('Connection 2: Ignored name=TWIN: another connection of the link has that name.')
  expect((await connections(page)).map((c) => c.name)).toEqual(['twin', 'B'])
})

test.describe('a link opened by a person', () => {
  test.use({ scripted: false })

  test('a declined link shows what it proposed, and applies it on request', async ({ page, gateway }) => {
    await openPlayground(page, { demo: 'broadcast', endpoint: gateway.wsUrl })
    const dialog = consentDialog(page)
    await expect(dialog).toContainText(`Run the demo “Broadcast”: connect 3 connections to ${gateway.wsUrl}?`)
    await dialog.getByRole('button', { name: "Don't run" }).click()
    const note = page.getByRole('region', { name: 'Link not applied' })
    await expect(note).toContainText(
      `The link proposed: Run the demo “Broadcast”: connect 3 connections to ${gateway.wsUrl}. Not applied`,
    )
    // The demo's connections are there, unconnected.
    await expect(connectionList(page).getByRole('listitem')).toHaveCount(3)
    expect(gateway.connections()).toHaveLength(0)

    await note.getByRole('button', { name: 'Apply the link' }).click()
    await expect(note).toHaveCount(0)
    await expect(demoStatus(page)).toContainText('All 3 connections received the broadcast', { timeout: 20_000 })
  })

  test('a keepalive from a link asks first, and does not start when declined', async ({ page, gateway }) => {
    await openPlayground(page, { endpoint: gateway.wsUrl, keepalive: 30 })
    const dialog = consentDialog(page)
    await expect(dialog).toContainText(`Start a keepalive every 30 s (on ${gateway.wsUrl}, once connected)?`)
    await dialog.getByRole('button', { name: "Don't start" }).click()
    const keepalive = page.getByRole('switch', { name: 'Keepalive' })
    await expect(keepalive).not.toBeChecked()
    await expect(page.getByLabel('Keepalive interval (seconds)')).toHaveValue('30')
    const note = page.getByRole('region', { name: 'Link not applied' })
    await expect(note).toBeVisible()
    await note.getByRole('button', { name: 'Dismiss the link note' }).click()
    await expect(note).toHaveCount(0)
    await expect(keepalive).not.toBeChecked()

    // Asked again, and allowed: the switch goes on.
    await page.reload()
    await consentDialog(page).getByRole('button', { name: 'Start keepalive' }).click()
    await expect(keepalive).toBeChecked()
  })
})
