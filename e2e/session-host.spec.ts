import type { Page } from '@playwright/test'
import { expect, logList, openPlayground, sendMessage, stateBadge, test } from './fixtures'

function hostInfo(page: Page) {
  return page.evaluate(() => window.playground.sessionHost)
}

/** Connect, send, see the echo, close: the same steps wherever the sockets run. */
async function roundTrip(page: Page, wsUrl: string) {
  await page.getByLabel('Endpoint URL').fill(wsUrl)
  await page.getByRole('button', { name: 'Connect', exact: true }).click()
  await expect(stateBadge(page)).toHaveText(/OPEN \(1\)/)
  await sendMessage(page, 'where do I run', 'Text')
  const reply = logList(page).getByRole('option').filter({ hasText: '"connectionId"' })
  await expect(reply).toHaveCount(1)
  await expect(reply).toContainText('received')
  await page.getByRole('button', { name: 'Disconnect', exact: true }).click()
  await expect(stateBadge(page)).toHaveText(/CLOSED/)
}

/** Says where the sockets should run before the page loads (src/main.ts: the worker by default). */
async function askFor(page: Page, kind: 'worker' | 'inline') {
  await page.addInitScript((k) => {
    ;(window as { __playgroundSessionHost?: string }).__playgroundSessionHost = k
  }, kind)
}

const askForWorker = (page: Page) => askFor(page, 'worker')

test('by default the sockets run in the connections worker', async ({ page, gateway }) => {
  await openPlayground(page)
  await roundTrip(page, gateway.wsUrl)
  expect(await hostInfo(page)).toEqual({ kind: 'worker' })
  expect(page.workers().some((w) => /session-worker/.test(w.url()))).toBe(true)
})

test('a script can keep the sockets on the main thread (window.__playgroundSessionHost = "inline")', async ({
  page,
  gateway,
}) => {
  await askFor(page, 'inline')
  await openPlayground(page)
  await roundTrip(page, gateway.wsUrl)
  expect(await hostInfo(page)).toEqual({ kind: 'inline' })
  expect(page.workers().some((w) => /session-worker/.test(w.url()))).toBe(false)
})

test('where the connections worker cannot be created, the page runs them on the main thread and says why', async ({
  page,
  gateway,
}) => {
  await askForWorker(page)
  await page.addInitScript(() => {
    const Real = window.Worker
    // Only the connections worker is refused: the log filter's worker still starts.
    window.Worker = class extends Real {
      constructor(url: string | URL, options?: WorkerOptions) {
        if (options?.name === 'connections') throw new DOMException('Workers are blocked here.', 'SecurityError')
        super(url, options)
      }
    }
  })
  await openPlayground(page)
  await roundTrip(page, gateway.wsUrl)
  const info = await hostInfo(page)
  expect(info.kind).toBe('inline')
  expect(info.fallback).toContain('Workers are blocked here.')
  expect(info.fallback).toContain('main thread')
})

test('where the connections worker fails to load, a connect made meanwhile still goes through on the main thread', async ({
  page,
  gateway,
}) => {
  // The worker's script never arrives; the page does not wait for it to fail before it can be used.
  await askForWorker(page)
  await page.route(/session-worker[^/]*\.js$/, (route) => route.abort())
  await openPlayground(page, { endpoint: gateway.wsUrl, autoconnect: 1 })
  await expect(stateBadge(page)).toHaveText(/OPEN \(1\)/)
  await sendMessage(page, 'still here', 'Text')
  await expect(logList(page).getByRole('option').filter({ hasText: '"connectionId"' })).toHaveCount(1)
  const info = await hostInfo(page)
  expect(info.kind).toBe('inline')
  expect(info.fallback).toContain('main thread')
})
