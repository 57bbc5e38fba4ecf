import { createRequire } from 'node:module'
import type { Page } from '@playwright/test'
import { expect, logList, openPlayground, openTool, sendMessage, stateBadge, test } from './fixtures'
import { startHostileServer } from './hostile-server'

// axe-core runs inside the real page, injected from its own package (no wrapper library).
const axePath = createRequire(import.meta.url).resolve('axe-core/axe.min.js')

interface AxeResult {
  violations: {
    id: string
    impact: string | null
    help: string
    nodes: { target: unknown[]; failureSummary?: string }[]
  }[]
}

/** Serious and critical violations, one line each, with the elements they were found on. */
async function seriousViolations(page: Page): Promise<string[]> {
  await page.addScriptTag({ path: axePath })
  const result = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (context: Document, options: object) => Promise<unknown> } }).axe
    return (await axe.run(document, { resultTypes: ['violations'] })) as AxeResult
  })
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.impact} ${v.id}: ${v.help} — ${v.nodes.map((n) => JSON.stringify(n.target)).join(', ')}`)
}

for (const scheme of ['light', 'dark'] as const) {
  test(`axe-core finds no serious or critical violations in ${scheme} mode`, async ({ page, gateway }) => {
    await page.emulateMedia({ colorScheme: scheme })
    await openPlayground(page, { endpoint: gateway.wsUrl })
    expect(await seriousViolations(page), 'before connecting').toEqual([])

    await page.getByRole('button', { name: 'Connect', exact: true }).click()
    await expect(stateBadge(page)).toHaveText(/OPEN/)
    for (const tool of ['Timeout lab', 'Management API', 'Cost meter'] as const) {
      await openTool(page, tool)
      expect(await seriousViolations(page), `${tool} open`).toEqual([])
    }
    await page.getByRole('button', { name: 'Disconnect' }).click()
    await expect(stateBadge(page)).toHaveText(/CLOSED/)
    expect(await seriousViolations(page), 'after the close').toEqual([])
  })
}

test('the CONNECTING badge is readable in both schemes', async ({ page }) => {
  // The badge only shows CONNECTING for a moment, so its colours are checked against the panel directly.
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme })
    await openPlayground(page)
    await page.evaluate(() => {
      const badge = document.querySelector('[aria-label="Connection state"]')!
      badge.classList.remove('snone')
      badge.classList.add('s0')
      badge.textContent = 'CONNECTING (0)'
    })
    await page.addScriptTag({ path: axePath })
    const violations = await page.evaluate(async () => {
      const axe = (window as unknown as { axe: { run: (context: object, options: object) => Promise<AxeResult> } }).axe
      const result = await axe.run({ include: [['[aria-label="Connection state"]']] }, { runOnly: ['color-contrast'] })
      return result.violations.map((v) => v.id)
    })
    expect(violations, scheme).toEqual([])
  }
})

for (const scheme of ['light', 'dark'] as const) {
  test(`a selected log row is readable and told apart from its connection's other rows (${scheme})`, async ({
    page,
    gateway,
  }) => {
    await page.emulateMedia({ colorScheme: scheme })
    await openPlayground(page, { endpoint: gateway.wsUrl, autoconnect: 1 })
    await expect(stateBadge(page)).toHaveText(/OPEN/)
    await sendMessage(page, '{"action":"echo","data":"apple"}')
    const log = logList(page)
    const open = log.getByRole('option').filter({ hasText: 'open' })
    const sent = log.getByRole('option').filter({ hasText: 'sent' })
    await expect(log.getByRole('option').filter({ hasText: 'received' })).toBeVisible()
    await page.addScriptTag({ path: axePath })
    const contrast = () =>
      page.evaluate(async () => {
        const axe = (window as unknown as { axe: { run: (c: object, o: object) => Promise<AxeResult> } }).axe
        const result = await axe.run({ include: [['[role="listbox"]']] }, { runOnly: ['color-contrast'] })
        return result.violations.flatMap((v) => v.nodes.map((n) => n.failureSummary?.split('\n').at(-1)))
      })
    // Selected, with its connection pointed at in the timeline: every row of that connection is tinted.
    await open.click()
    await page
      .getByRole('group', { name: 'Timeline lanes, one per connection' })
      .getByRole('group', { name: /^A: / })
      .focus()
    await expect(sent).toHaveClass(/highlighted/)
    await expect(open).toHaveAttribute('aria-selected', 'true')
    expect(await contrast(), 'selected, its connection pointed at').toEqual([])
    const look = (row: typeof open) =>
      row.evaluate((el) =>
        ['background-color', 'outline-style', 'outline-color'].map((p) => getComputedStyle(el)[p as 'color']).join(' '),
      )
    expect(await look(open)).not.toEqual(await look(sent))
    await log.focus()
    await expect(sent).not.toHaveClass(/highlighted/)
    expect(await contrast(), 'selected').toEqual([])
  })
}

test('a close and an error are announced through live regions', async ({ page, gateway }) => {
  await openPlayground(page, { endpoint: gateway.wsUrl })
  await page.getByRole('button', { name: 'Connect', exact: true }).click()
  await expect(stateBadge(page)).toHaveText(/OPEN/)
  await page.getByLabel('Close code').fill('4000')
  await page.getByRole('button', { name: 'Disconnect' }).click()
  const polite = page.getByRole('status', { name: 'Announcements', exact: true })
  await expect(polite).toHaveText(/Connection closed: code 4000/)
  await expect(polite).toHaveAttribute('aria-live', 'polite')

  // A link whose endpoint cannot be used (http://) connects nothing; the reason is an alert (assertive by role).
  await openPlayground(page, { endpoint: 'http://example.com/dev', autoconnect: 1 })
  const problems = page.getByRole('alert', { name: 'Set-up link problems' })
  await expect(problems).toContainText('Did not connect')
  // "see above": the endpoint field's own alert names the schemes it takes.
  await expect(page.getByRole('alert').filter({ hasText: 'ws://' })).toBeVisible()
  await expect(stateBadge(page)).not.toHaveText(/CONNECTING|OPEN/)
})

test.describe('the dialog a link opens before it connects', () => {
  test.use({ scripted: false })

  test('is a labelled modal that takes the keyboard, with no serious or critical violations', async ({
    page,
    gateway,
  }) => {
    await openPlayground(page, { endpoint: gateway.wsUrl, autoconnect: 1 })
    const dialog = page.getByRole('dialog', { name: 'This link wants to act for you' })
    await expect(dialog).toBeVisible()
    await expect(dialog).toHaveAccessibleDescription(`Connect to ${gateway.wsUrl}?`)
    await expect(dialog.getByRole('checkbox', { name: /^Always allow links to connect to/ })).toBeFocused()
    await page.keyboard.press('Tab')
    await expect(dialog.getByRole('button', { name: 'Connect', exact: true })).toBeFocused()
    expect(await seriousViolations(page)).toEqual([])
  })
})

test('the log count is not a live region while messages stream; a filter’s result is said once it settles', async ({
  page,
}) => {
  const server = await startHostileServer()
  try {
    await openPlayground(page, { endpoint: server.url, autoconnect: 1 })
    await expect(stateBadge(page)).toHaveText(/OPEN \(1\)/)
    await sendMessage(page, 'drip tick 20', 'Text')
    const count = page.getByRole('status', { name: 'Log entry count' })
    await expect(count).toHaveText(/^\d\d+ entries/)
    // A polite status whose text changes 50 times a second queued every value for a screen reader to read out.
    await expect(count).toHaveAttribute('aria-live', 'off')
    const result = page.getByRole('status', { name: 'Filter result' })
    await expect(result).toHaveText('')
    await page.getByLabel('Filter log').fill('no such text')
    // Said while the messages still stream (the counts never settle), at the latest about 1.5 s after the change.
    await expect(result).toHaveText(/^0 of [\d,]+ entries match the filter$/)
    await page.getByLabel('Filter log').fill('')
    await expect(result).toHaveText(/^Filter off: all [\d,]+ entries shown$/)
  } finally {
    await server.close()
  }
})
