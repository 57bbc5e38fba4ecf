import { expect, openPlayground, openTool, test } from './fixtures'
import type { Page } from '@playwright/test'

const SIZES = [
  { width: 1440, height: 900 },
  { width: 1280, height: 720 },
  { width: 390, height: 844 },
]

/** Elements whose content is wider than their box and is cut off rather than scrollable. */
async function clipped(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const out: string[] = []
    const pageWidth = document.documentElement.clientWidth
    for (const el of Array.from(document.querySelectorAll<HTMLElement>('body *'))) {
      const style = getComputedStyle(el)
      if (
        style.display === 'none' ||
        style.visibility === 'hidden' ||
        el.closest('.sr-only, svg, [aria-hidden="true"]')
      )
        continue
      const rect = el.getBoundingClientRect()
      if (rect.width === 0 || rect.height === 0) continue
      const describe = () =>
        `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}.${Array.from(el.classList).join('.')} “${(el.getAttribute('aria-label') ?? el.textContent ?? '').trim().slice(0, 40)}”`
      if (rect.right > pageWidth + 1)
        out.push(`${describe()} ends at ${Math.round(rect.right)} px, past the ${pageWidth} px page`)
      // Text fields scroll their own text; only boxes that cut their children off count.
      if (el.matches('input, textarea, select')) continue
      const clipsX = style.overflowX === 'hidden' || style.overflowX === 'clip'
      // Ellipsis cells are cut on purpose, with the whole text one click away in the inspector.
      if (clipsX && style.textOverflow !== 'ellipsis' && el.scrollWidth > el.clientWidth + 1)
        out.push(`${describe()} hides ${el.scrollWidth - el.clientWidth} px of its content`)
    }
    return out
  })
}

for (const size of SIZES) {
  for (const scheme of ['light', 'dark'] as const) {
    test(`nothing is clipped at ${size.width}×${size.height} in ${scheme} mode, with each tool open`, async ({
      page,
      gateway,
    }) => {
      await page.setViewportSize(size)
      await page.emulateMedia({ colorScheme: scheme })
      await openPlayground(page, { endpoint: gateway.wsUrl })
      for (const tool of ['Timeout lab', 'Management API', 'Cost meter'] as const) {
        await openTool(page, tool)
        expect(await clipped(page), `${tool} open`).toEqual([])
        if (process.env.SCREENSHOTS)
          await page.screenshot({
            path: `${process.env.SCREENSHOTS}/${size.width}x${size.height}-${scheme}-${tool.replace(/ /g, '-')}.png`,
            fullPage: size.width < 900,
          })
      }
    })
  }
}

test('at 390 px the URL box takes most of the width and log rows stay readable', async ({ page, gateway }) => {
  await page.setViewportSize({ width: 390, height: 844 })
  await openPlayground(page, { endpoint: gateway.wsUrl })
  const url = await page.getByLabel('Endpoint URL').boundingBox()
  expect(url!.width).toBeGreaterThanOrEqual(0.8 * 390)
  await page.getByRole('button', { name: 'Connect', exact: true }).click()
  const row = page.getByRole('listbox', { name: 'Message log' }).getByRole('option').filter({ hasText: 'open' }).first()
  await expect(row).toBeVisible()
  const text = await row.locator('.data').boundingBox()
  expect(text!.width).toBeGreaterThanOrEqual(150)
})

test('at 390 px the Management API connection id field is usable beside both pickers: wide, its label not cut', async ({
  page,
  gateway,
}) => {
  await page.setViewportSize({ width: 390, height: 844 })
  await openPlayground(page, { endpoint: gateway.wsUrl })
  // Two connections that have both learned their ids: the row then also holds both pickers.
  await page.getByRole('button', { name: 'Add connection' }).click()
  await page.getByRole('list', { name: 'Connections' }).getByRole('button', { name: /^B:/ }).click()
  await page.getByLabel('Endpoint URL').fill(gateway.wsUrl)
  await page.getByRole('button', { name: 'Connect A' }).click()
  await page.getByRole('button', { name: 'Connect B' }).click()
  await page.getByRole('radiogroup', { name: 'Message format' }).getByLabel('JSON').check()
  await page.getByLabel('Message', { exact: true }).fill('{"action":"whoami"}')
  await page.getByRole('button', { name: 'Send to all' }).click()
  await openTool(page, 'Management API')
  await expect(page.getByRole('combobox', { name: 'Known connection ids' }).getByRole('option')).toHaveCount(2)
  await expect(page.getByRole('combobox', { name: "This page's connections" })).toBeVisible()
  const field = page.getByRole('combobox', { name: 'Connection id', exact: true })
  expect((await field.boundingBox())!.width).toBeGreaterThanOrEqual(200)
  // Its label holds the word and the field without running under the pickers ("Connectio" showed before).
  const label = page.locator('.mgmt label').filter({ has: field })
  await expect(label.getByText('Connection', { exact: true })).toBeVisible()
  expect(await label.evaluate((el) => el.scrollWidth - el.clientWidth)).toBeLessThanOrEqual(1)
  const whoami = await page.getByRole('button', { name: /^whoami/ }).boundingBox()
  expect(whoami!.x + whoami!.width).toBeLessThanOrEqual(390)
})

test('at 390 px the demos menu opens inside the screen', async ({ page }) => {
  await page.setViewportSize({ width: 390, height: 844 })
  await openPlayground(page)
  await page.getByRole('button', { name: 'Demos' }).click()
  for (const name of ['Run demo: Keepalive vs none', 'Run demo: Broadcast']) {
    const box = await page.getByRole('button', { name }).boundingBox()
    expect(box!.x).toBeGreaterThanOrEqual(0)
    expect(box!.x + box!.width).toBeLessThanOrEqual(390)
  }
  await page.getByRole('button', { name: 'Run demo: Broadcast' }).click()
  await expect(page.getByRole('button', { name: 'Run demo: Broadcast' })).toBeHidden()
})

test('folded panels and the chosen tool are remembered', async ({ page }) => {
  await openPlayground(page)
  await page.getByRole('button', { name: 'readyState timeline' }).click()
  await expect(page.getByRole('img', { name: /readyState over time/ })).toBeHidden()
  await openTool(page, 'Cost meter')
  await page.reload()
  await expect(page.getByRole('button', { name: 'readyState timeline' })).toHaveAttribute('aria-expanded', 'false')
  await expect(page.getByRole('img', { name: /readyState over time/ })).toBeHidden()
  await expect(page.getByRole('tab', { name: 'Cost meter' })).toHaveAttribute('aria-selected', 'true')
  await expect(page.getByLabel('Pricing region')).toBeVisible()
  await page.getByRole('button', { name: 'Hide tools' }).click()
  await page.reload()
  await expect(page.getByRole('tab', { name: 'Cost meter' })).toHaveAttribute('aria-selected', 'false')
  await expect(page.getByLabel('Pricing region')).toBeHidden()
})

test('skip links reach the composer and the log in one key press each', async ({ page }) => {
  await openPlayground(page)
  await page.keyboard.press('Tab')
  await expect(page.getByRole('link', { name: 'Skip to the message composer' })).toBeFocused()
  await page.keyboard.press('Enter')
  await expect(page.getByLabel('Message', { exact: true })).toBeFocused()
  await page.reload()
  await page.keyboard.press('Tab')
  await page.keyboard.press('Tab')
  await expect(page.getByRole('link', { name: 'Skip to the message log' })).toBeFocused()
  await page.keyboard.press('Enter')
  await expect(page.getByRole('listbox', { name: 'Message log' })).toBeFocused()
})

test('tools are tabs: arrow keys move between them', async ({ page }) => {
  await openPlayground(page)
  await openTool(page, 'Timeout lab')
  await page.keyboard.press('ArrowRight')
  await expect(page.getByRole('tab', { name: 'Management API' })).toBeFocused()
  await expect(page.getByRole('tabpanel', { name: 'Management API' })).toBeVisible()
})

test('bad link parameters are listed once, above the work area, and can be dismissed', async ({ page }) => {
  await openPlayground(page, { endpoint: 'http://example.com/dev', autoconnect: 1, profile: 'fast', keepalive: 'soon' })
  const problems = page.getByRole('alert', { name: 'Set-up link problems' })
  await expect(problems.getByRole('listitem')).toHaveText([
    /Ignored keepalive=soon/,
    /Ignored profile=fast/,
    /Did not connect/,
  ])
  // The scheme error is shown once, by the endpoint field, not again by the session and the link.
  await expect(page.getByRole('alert').filter({ hasText: 'ws://' })).toHaveCount(1)
  const box = await problems.boundingBox()
  expect(box!.y + box!.height).toBeLessThan(page.viewportSize()!.height)
  await problems.getByRole('button', { name: 'Dismiss' }).click()
  await expect(problems).toBeHidden()
})
