import { expect, logList, openPlayground, openTool, renameConnection, sendMessage, test } from './fixtures'
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

/** The right end of a close-code label and of the plot it is drawn in (the lane's background band), in page pixels. */
async function closeCodeEdges(page: Page) {
  const lane = page.getByRole('img', { name: /readyState over time/ }).first()
  const code = lane.locator('g.marker[data-kind="closed"] text.close-code').last()
  await expect(code).toHaveText('4321')
  return lane.evaluate((svg) => {
    const plot = svg.querySelector('rect.lane')!.getBoundingClientRect()
    const text = Array.from(svg.querySelectorAll('g.marker[data-kind="closed"] text.close-code')).at(-1)!
    const box = text.getBoundingClientRect()
    return { left: box.left, right: box.right, plotLeft: plot.left, plotRight: plot.right }
  })
}

for (const width of [1440, 390]) {
  test(`at ${width} px a close code drawn at the chart's right edge is whole ("4321", not "43")`, async ({
    page,
    gateway,
  }) => {
    await page.setViewportSize({ width, height: 900 })
    await openPlayground(page, { endpoint: gateway.wsUrl, autoconnect: 1 })
    await expect(page.getByRole('status', { name: 'Connection state' })).toHaveText(/OPEN \(1\)/)
    await page.getByLabel('Close code').fill('4321')
    await page.getByRole('button', { name: 'Disconnect' }).click()
    await expect(page.getByRole('status', { name: 'Connection state' })).toHaveText(/CLOSED \(3\)/)
    // Just closed: its line is at "now", the plot's right edge.
    const edges = await closeCodeEdges(page)
    expect(edges.right).toBeLessThanOrEqual(edges.plotRight)
    expect(edges.left).toBeGreaterThanOrEqual(edges.plotLeft)
  })
}

test('a long connection name is shown whole in the State changes list', async ({ page, gateway }) => {
  await openPlayground(page, { endpoint: gateway.wsUrl })
  const name = 'orders-service-eu-west-1-primary-socket'
  await renameConnection(page, 'A', name)
  await page.getByRole('button', { name: 'Connect', exact: true }).click()
  const changes = page.getByRole('list', { name: 'State changes' })
  await expect(changes.getByRole('listitem').first()).toContainText('OPEN (1)')
  for (const entry of await changes.getByRole('listitem').all()) {
    await expect(entry).toContainText(name)
    // Nothing in it cut off (with an ellipsis or not), and nothing past the list's side.
    const cut = await entry.evaluate((li) => {
      const list = li.parentElement!.getBoundingClientRect()
      return [li, ...Array.from(li.querySelectorAll('*'))]
        .filter((el) => el.scrollWidth > el.clientWidth + 1 || el.getBoundingClientRect().right > list.right + 1)
        .map((el) => `${el.className}: ${el.textContent}`)
    })
    expect(cut).toEqual([])
  }
})

test('at 390 px the subprotocols field shows its whole placeholder, connected or not', async ({ page, gateway }) => {
  await page.setViewportSize({ width: 390, height: 844 })
  await openPlayground(page, { endpoint: gateway.wsUrl })
  const field = page.getByLabel('Subprotocols')
  /** The field's text area against the placeholder's width in the field's own font. */
  const room = () =>
    field.evaluate((input: HTMLInputElement) => {
      const style = getComputedStyle(input)
      const context = document.createElement('canvas').getContext('2d')!
      context.font = style.font
      const inner = input.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight)
      return { inner, text: context.measureText(input.placeholder).width }
    })
  /** Pairs of the endpoint line's controls whose boxes overlap. */
  const overlaps = () =>
    page.locator('.endpoint-form .line').evaluate((line) => {
      const boxes = Array.from(line.children, (el) => ({ el, r: el.getBoundingClientRect() }))
      return boxes.flatMap((a, i) =>
        boxes
          .slice(i + 1)
          .filter((b) => a.r.left < b.r.right && b.r.left < a.r.right && a.r.top < b.r.bottom && b.r.top < a.r.bottom)
          .map((b) => `${a.el.className} × ${b.el.className}`),
      )
    })
  const idle = await room()
  expect(idle.inner).toBeGreaterThanOrEqual(idle.text)
  expect(await overlaps()).toEqual([])
  await page.getByRole('button', { name: 'Connect', exact: true }).click()
  await expect(page.getByRole('status', { name: 'Connection state' })).toHaveText(/OPEN \(1\)/)
  const open = await room()
  expect(open.inner).toBeGreaterThanOrEqual(open.text)
  expect(await overlaps()).toEqual([])
})

test("at 390 px a long connection name in the lane's head is cut to fit, its state in sight", async ({
  page,
  gateway,
}) => {
  await page.setViewportSize({ width: 390, height: 844 })
  await openPlayground(page, { endpoint: gateway.wsUrl })
  const name = 'orders-service-eu-west-1-primary-socket'
  await renameConnection(page, 'A', name)
  const lane = page.getByRole('img', {
    name: `readyState over time, with sent, received and keepalive messages and closes: ${name}`,
  })
  const head = lane.locator('text.name')
  const fits = async (state: string) => {
    await expect(head).toContainText(state)
    const edges = await head.evaluate((text) => ({
      right: text.getBoundingClientRect().right,
      svgRight: text.closest('svg')!.getBoundingClientRect().right,
    }))
    expect(edges.right, state).toBeLessThanOrEqual(edges.svgRight)
  }
  await fits('nothing in this window')
  await page.getByRole('button', { name: 'Connect', exact: true }).click()
  await fits('OPEN (1)')
  await page.getByRole('button', { name: 'Disconnect' }).click()
  await fits('CLOSED (3)')
  // The whole name is still there, for the pointer and for assistive technology.
  await expect(head.locator('title')).toHaveText(name)
})

test('a link parameter the page does not read is named, not dropped without a word', async ({ page }) => {
  await page.goto('/?connect=1&interval=abc&mode=zzz&name=Orders')
  const problems = page.getByRole('alert', { name: 'Set-up link problems' })
  await expect(problems.getByRole('listitem')).toHaveText([
    /^Ignored connect, interval, mode: not parameters of a playground link, which are endpoint, autoconnect, /,
  ])
  // What it could read was applied.
  await expect(page.getByRole('list', { name: 'Connections' }).getByRole('button', { name: /^Orders:/ })).toBeVisible()
})

for (const size of [
  { width: 1280, height: 800 },
  { width: 1280, height: 720 },
]) {
  test(`at ${size.width}×${size.height} with a tool open, an entry in the inspector leaves log rows and its body in sight`, async ({
    page,
    gateway,
  }) => {
    await page.setViewportSize(size)
    await openPlayground(page, { endpoint: gateway.wsUrl })
    await openTool(page, 'Timeout lab')
    await page.getByRole('button', { name: 'Connect', exact: true }).click()
    const log = logList(page)
    for (let i = 1; i <= 5; i++) {
      await sendMessage(page, JSON.stringify({ action: 'echo', i, text: 'hello '.repeat(20) }))
      await expect(log.getByRole('option').filter({ hasText: `"i":${i},` })).toHaveCount(2)
    }
    await log.getByRole('option').filter({ hasText: '"i":3,' }).first().click()
    const inspector = page.getByRole('region', { name: 'Selected log entry' })
    await expect(inspector).toContainText('"i": 3')
    // At 1280×800 the open tool used to leave the log 180 px: two rows, and no line of the entry's body.
    const room = await page.evaluate(() => {
      const list = document.getElementById('message-log')!.getBoundingClientRect()
      const inspector = document.querySelector('[aria-label="Selected log entry"]')!.getBoundingClientRect()
      const body = document.querySelector('[aria-label="Entry content"]')!.getBoundingClientRect()
      // What the main column (which scrolls on a short window) and the window show of each.
      const column = document.querySelector('main')!.getBoundingClientRect()
      const top = Math.max(column.top, 0)
      const bottom = Math.min(column.bottom, window.innerHeight)
      return {
        rows: Math.min(list.bottom, bottom) - Math.max(list.top, top),
        body: Math.min(inspector.bottom, bottom) - Math.max(body.top, inspector.top, top),
      }
    })
    expect(room.rows, 'the log rows in sight, px').toBeGreaterThanOrEqual(4 * 22)
    expect(room.body, "the entry's body in sight, px").toBeGreaterThanOrEqual(3 * 15)
    // The tool keeps a strip, and comes back whole when the inspector closes.
    const tool = page.getByRole('tabpanel', { name: 'Timeout lab' })
    expect((await tool.boundingBox())!.height).toBeGreaterThanOrEqual(40)
    await inspector.getByRole('button', { name: 'Close inspector' }).click()
    await expect(inspector).toHaveCount(0)
    await expect.poll(async () => (await tool.boundingBox())!.height).toBeGreaterThanOrEqual(150)
  })
}

test('on a phone (390×844) an entry in the inspector leaves the open tool whole: nothing overlaps, the log keeps its rows', async ({
  page,
  gateway,
}) => {
  await page.setViewportSize({ width: 390, height: 844 })
  await openPlayground(page, { endpoint: gateway.wsUrl })
  await openTool(page, 'Timeout lab')
  await page.getByRole('button', { name: 'Connect', exact: true }).click()
  const log = logList(page)
  for (let i = 1; i <= 3; i++) {
    await sendMessage(page, JSON.stringify({ action: 'echo', i }))
    await expect(log.getByRole('option').filter({ hasText: `"i":${i}` })).toHaveCount(2)
  }
  const tool = page.getByRole('tabpanel', { name: 'Timeout lab' })
  const filter = page.getByRole('searchbox', { name: 'Filter log' })
  const toolHeight = (await tool.boundingBox())!.height
  await log.getByRole('option').filter({ hasText: '"i":2' }).first().click()
  await expect(page.getByRole('region', { name: 'Selected log entry' })).toContainText('"i": 2')
  // The wide layout's sharing of one screen between tool and log squeezed the tool to 80 px here, its box drawn over
  // the log's filter and rows, and left the log two rows: on a phone the page scrolls instead.
  const toolBox = (await tool.boundingBox())!
  expect(toolBox.height, 'the tool keeps its height, px').toBeGreaterThanOrEqual(toolHeight - 1)
  expect(toolBox.y + toolBox.height, 'the tool ends above the log filter').toBeLessThanOrEqual(
    (await filter.boundingBox())!.y,
  )
  expect((await log.boundingBox())!.height, 'the log rows, px').toBeGreaterThanOrEqual(4 * 22)
})

test('the log’s limits wrap as one: “keep N ≤ M MB” never splits across two lines of the toolbar', async ({ page }) => {
  await openPlayground(page)
  const capacity = page.getByRole('textbox', { name: 'Log capacity (entries)' })
  const budget = page.getByRole('textbox', { name: 'Log text budget (MB)' })
  // At 768 px the toolbar wrapped between the two, "keep 100000" ending one line and "≤ 256 MB" starting the next.
  for (const width of [390, 768, 1024, 1280]) {
    await page.setViewportSize({ width, height: 900 })
    await expect
      .poll(async () => {
        const [a, b] = [(await capacity.boundingBox())!, (await budget.boundingBox())!]
        return Math.abs(a.y + a.height / 2 - (b.y + b.height / 2))
      }, `at ${width} px`)
      .toBeLessThan(4)
  }
})
