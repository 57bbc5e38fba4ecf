import { readFile } from 'node:fs/promises'
import { test as base, expect, type Page } from '@playwright/test'
import { startGateway } from '../gateway/src/index'

export type Gateway = Awaited<ReturnType<typeof startGateway>>
export type GatewayOptions = NonNullable<Parameters<typeof startGateway>[0]>

interface Options {
  /**
   * The page is driven by this script, so its links connect and start experiments without asking (the page's
   * `window.__playgroundScripted` opt-in). On by default; link-consent specs turn it off to see what a user sees.
   */
  scripted: boolean
}

interface Fixtures {
  /** A local gateway on a free port, started for the test and stopped after it. */
  gateway: Gateway
  /** Starts another gateway with other options (short timeouts, IAM…); stopped after the test. */
  startGateway: (options?: Partial<GatewayOptions>) => Promise<Gateway>
}

export const test = base.extend<Fixtures & Options>({
  scripted: [true, { option: true }],
  context: async ({ context, scripted }, use) => {
    if (scripted)
      await context.addInitScript(() => ((window as { __playgroundScripted?: boolean }).__playgroundScripted = true))
    await use(context)
  },
  startGateway: async ({}, use) => {
    const started: Gateway[] = []
    await use(async (options = {}) => {
      const gw = await startGateway({ port: 0, log: false, ...options } as GatewayOptions)
      started.push(gw)
      return gw
    })
    await Promise.all(started.map((gw) => gw.close()))
  },
  gateway: async ({ startGateway: start }, use) => {
    await use(await start())
  },
})

export { expect }

/** The type of `window.playground`, which specs read as is inside page.evaluate (see playground-api.d.ts). */
export type { PlaygroundApi } from '../src/core/playground-api'

/** One connection's `@connections` URL at a local gateway (POST to send, GET to ask, DELETE to close), unsigned. */
export function connectionUrl(gateway: Gateway, connectionId: string): string {
  return `${gateway.connectionsUrl}/@connections/${encodeURIComponent(connectionId)}`
}

/** Opens the playground with a set-up in the URL, as a link or a script would. */
export async function openPlayground(page: Page, params: Record<string, string | number> = {}) {
  const query = new URLSearchParams(Object.entries(params).map(([k, v]) => [k, String(v)])).toString()
  await page.goto(query ? `/?${query}` : '/')
  await expect(page.getByRole('heading', { name: 'API Gateway WebSocket Playground' })).toBeVisible()
}

/** The lab, the management API and the cost meter are tabs of the work area. */
export async function openTool(page: Page, name: 'Timeout lab' | 'Management API' | 'Cost meter') {
  await page.getByRole('tablist', { name: 'Tools' }).getByRole('tab', { name }).click()
  // Each tool's code loads after the first paint: a check of the page made at once could find its panel still empty.
  await expect(page.getByRole('tabpanel', { name })).not.toBeEmpty()
}

export function stateBadge(page: Page) {
  return page.getByRole('status', { name: 'Connection state' })
}

export function logList(page: Page) {
  return page.getByRole('listbox', { name: 'Message log' })
}

/** Renames a connection the way a user does from the keyboard (✎, type, Enter) and waits for the new name. */
export async function renameConnection(page: Page, from: string, to: string) {
  const list = page.getByRole('list', { name: 'Connections' })
  await list.getByRole('button', { name: `Rename ${from}`, exact: true }).click()
  await page.keyboard.type(to)
  await page.keyboard.press('Enter')
  await expect(list.getByRole('button', { name: `${to}: `, exact: false }).first()).toBeVisible()
}

export async function sendMessage(page: Page, text: string, mode: 'Text' | 'JSON' = 'JSON') {
  await page.getByRole('radiogroup', { name: 'Message format' }).getByLabel(mode).check()
  await page.getByLabel('Message', { exact: true }).fill(text)
  await page.getByRole('button', { name: 'Send', exact: true }).click()
}

/** Clicks "Export log as NDJSON" and returns the downloaded lines, parsed. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the specs read whichever fields they check
export async function exportNdjson(page: Page): Promise<any[]> {
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Export log as NDJSON' }).click(),
  ])
  return (await readFile((await download.path())!, 'utf8'))
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l))
}
