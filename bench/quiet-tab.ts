/**
 * A tab that Playwright does not instrument. Playwright enables the DevTools Network domain on every page it
 * manages, and Chromium then copies every WebSocket frame to the driver: for a 50,000-message flood that is seconds
 * of browser-process and Node CPU on top of the page's own work, halving a bare page's rate on 2 cores. A tab
 * created through the browser's own CDP session in the default browser context is left alone by Playwright (it
 * detaches from targets outside its contexts), so it sees only what a user's browser would do. It is driven with
 * Runtime.evaluate over the non-flattened Target protocol, which needs no per-page session.
 */
import type { Browser, CDPSession } from '@playwright/test'

interface TargetReply {
  id?: number
  result?: unknown
  error?: { message: string }
  /** An event (no id): its method and params. */
  method?: string
  params?: unknown
}

interface EvaluateResult {
  result?: { value?: unknown }
  exceptionDetails?: { text?: string; exception?: { description?: string } }
}

export class QuietTab {
  private nextId = 1
  private pending = new Map<number, (reply: TargetReply) => void>()
  private listeners: ((method: string, params: unknown) => void)[] = []

  private constructor(
    private cdp: CDPSession,
    private targetId: string,
    private sessionId: string,
  ) {
    cdp.on('Target.receivedMessageFromTarget', (event) => {
      if (event.sessionId !== this.sessionId) return
      const reply = JSON.parse(event.message) as TargetReply
      if (reply.id === undefined) {
        if (reply.method) for (const listener of this.listeners) listener(reply.method, reply.params)
        return
      }
      this.pending.get(reply.id)?.(reply)
      this.pending.delete(reply.id)
    })
  }

  static async open(
    browser: Browser,
    url: string,
    viewport = { width: 1440, height: 900 },
    /** Run before the page's own scripts (e.g. to choose where its sockets run). */
    initScript = '',
  ): Promise<QuietTab> {
    const cdp = await browser.newBrowserCDPSession()
    const { targetId } = await cdp.send('Target.createTarget', { url: 'about:blank' })
    const { sessionId } = await cdp.send('Target.attachToTarget', { targetId, flatten: false })
    const tab = new QuietTab(cdp, targetId, sessionId)
    await tab.send('Performance.enable')
    // Without the Page domain enabled, Chromium keeps the script below but never runs it: the page then asked for
    // consent before acting on the bench's links (keepalives never started, `autoconnect` never connected) and
    // ignored `initScript`. Its events (navigations, lifecycle) are few.
    await tab.send('Page.enable')
    await tab.send('Emulation.setDeviceMetricsOverride', { ...viewport, deviceScaleFactor: 1, mobile: false })
    // The window itself gets the viewport's size too: headless Chromium's window is 780×580, and the display only
    // draws what lies inside it, so a change further down (the playground's log filter, at y ≈ 680) reached the
    // screen only with the next frame that also changed something inside the window: a click there measured the
    // page's next paint elsewhere (60–200 ms in a flood), not its own.
    if (process.env.QUIET_TAB_SMALL_WINDOW !== '1') {
      const { windowId } = await cdp.send('Browser.getWindowForTarget', { targetId })
      await cdp.send('Browser.setWindowBounds', {
        windowId,
        bounds: { width: viewport.width, height: viewport.height },
      })
    }
    // The bench drives the page: its links connect without the consent dialog. Sockets made on the main thread are
    // counted (the constructor only, nothing per message), so a row can tell where the page's sockets ran.
    await tab.send('Page.addScriptToEvaluateOnNewDocument', {
      source: `window.__playgroundScripted = true;window.__mainThreadSockets = 0;window.WebSocket = new Proxy(window.WebSocket, { construct(target, args) { window.__mainThreadSockets++; return Reflect.construct(target, args) } });${initScript}`,
    })
    if (url !== 'about:blank') await tab.send('Page.navigate', { url })
    await tab.waitFor(`location.href === ${JSON.stringify(url)} && document.readyState === 'complete'`, 30_000)
    if (url !== 'about:blank' && !(await tab.evaluate<boolean>('window.__playgroundScripted === true')))
      throw new Error('the quiet tab did not run its script before the page loaded')
    return tab
  }

  /** One DevTools command to the tab, e.g. Emulation.*, Input.*, Page.navigate (never Network.enable). */
  async send<T = unknown>(method: string, params: object = {}): Promise<T> {
    const id = this.nextId++
    const reply = new Promise<TargetReply>((resolve) => this.pending.set(id, resolve))
    await this.cdp.send('Target.sendMessageToTarget', {
      sessionId: this.sessionId,
      message: JSON.stringify({ id, method, params }),
    })
    const { result, error } = await reply
    if (error) throw new Error(`${method}: ${error.message}`)
    return result as T
  }

  /** DevTools events from the tab (e.g. Target.attachedToTarget after Target.setAutoAttach, for its workers). */
  onEvent(listener: (method: string, params: unknown) => void): void {
    this.listeners.push(listener)
  }

  /** Evaluates an expression (a string: tsx would wrap functions in helpers the page lacks) and returns its value. */
  async evaluate<T>(expression: string): Promise<T> {
    const result = await this.send<EvaluateResult>('Runtime.evaluate', {
      expression,
      returnByValue: true,
      awaitPromise: true,
    })
    if (result.exceptionDetails)
      throw new Error(result.exceptionDetails.exception?.description ?? result.exceptionDetails.text)
    return result.result?.value as T
  }

  /** Time the tab's main thread has spent running tasks so far (DevTools' TaskDuration), in ms. */
  async mainThreadMs(): Promise<number> {
    const { metrics } = await this.send<{ metrics: { name: string; value: number }[] }>('Performance.getMetrics')
    return (metrics.find((m) => m.name === 'TaskDuration')?.value ?? Number.NaN) * 1000
  }

  /** DevTools' main-thread durations so far, in ms: tasks, script, style recalculation and layout. */
  async mainThreadBreakdown(): Promise<{ task: number; script: number; style: number; layout: number }> {
    const { metrics } = await this.send<{ metrics: { name: string; value: number }[] }>('Performance.getMetrics')
    const ms = (name: string) => (metrics.find((m) => m.name === name)?.value ?? Number.NaN) * 1000
    return {
      task: ms('TaskDuration'),
      script: ms('ScriptDuration'),
      style: ms('RecalcStyleDuration'),
      layout: ms('LayoutDuration'),
    }
  }

  /** A real left click at page coordinates, through the browser's input pipeline. */
  async click(x: number, y: number): Promise<void> {
    for (const type of ['mousePressed', 'mouseReleased'])
      await this.send('Input.dispatchMouseEvent', { type, x, y, button: 'left', clickCount: 1 })
  }

  /** Polls every `intervalMs` (never on animation frames, which would make the page render) until truthy. */
  async waitFor<T>(expression: string, timeoutMs: number, intervalMs = 50): Promise<T> {
    const deadline = Date.now() + timeoutMs
    for (;;) {
      const value = await this.evaluate<T>(expression).catch(() => undefined)
      if (value) return value
      if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${expression}`)
      await new Promise((resolve) => setTimeout(resolve, intervalMs))
    }
  }

  async close(): Promise<void> {
    await this.cdp.send('Target.closeTarget', { targetId: this.targetId }).catch(() => undefined)
    await this.cdp.detach().catch(() => undefined)
  }
}
