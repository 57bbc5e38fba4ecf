import { chromium } from '@playwright/test'
import { preview } from 'vite'
import { startFloodServer } from '../e2e/flood-server'
import { findChromium } from '../scripts/chromium-path.ts'
import { QuietTab } from './quiet-tab'
const dirs = process.argv.slice(2)
const N = 50000
const flood = await startFloodServer()
const servers = await Promise.all(dirs.map((outDir) => preview({ preview: { port: 0, host: '127.0.0.1' }, build: { outDir }, logLevel: 'error' })))
const urls = servers.map((s) => `http://127.0.0.1:${(s.httpServer.address() as { port: number }).port}`)
const browser = await chromium.launch({ executablePath: findChromium(), args: ['--disable-background-networking', '--disable-dev-shm-usage'] })
type M = Record<string, number>
async function metrics(tab: QuietTab): Promise<M> {
  const r = await tab.send<{ metrics: { name: string; value: number }[] }>('Performance.getMetrics')
  return Object.fromEntries(r.metrics.map((m) => [m.name, m.value]))
}
const keys = ['TaskDuration', 'ScriptDuration', 'LayoutDuration', 'RecalcStyleDuration']
const fmt = (a: M, b: M) => keys.map((k) => `${k.replace('Duration', '')}=${(((b[k]! - a[k]!) * 1e6) / N).toFixed(1)}`).join(' ')
async function bare(touch: boolean) {
  const tab = await QuietTab.open(browser, 'about:blank')
  await tab.send('Performance.enable')
  const a = await metrics(tab)
  await tab.evaluate(`new Promise((resolve) => { let count = 0, s = 0; const ws = new WebSocket(${JSON.stringify(flood.url)}); ws.onopen = () => ws.send('flood ${N}'); ws.onmessage = (e) => { ${touch ? 's += e.data.length;' : ''} if (++count === ${N}) { resolve(s); ws.close() } } })`)
  const b = await metrics(tab)
  await tab.close()
  return fmt(a, b)
}
async function pg(url: string) {
  const tab = await QuietTab.open(browser, `${url}/?endpoint=${encodeURIComponent(flood.url)}&autoconnect=1`)
  await tab.waitFor('window.playground && window.playground.session.readyState === 1', 20000)
  await tab.evaluate(`(() => { document.querySelector('input[name="composer-mode"][value="text"]').click(); const t = document.querySelector('textarea[aria-label="Message"]'); t.value = 'flood ${N}'; t.dispatchEvent(new Event('input')); return true })()`)
  await new Promise((r) => setTimeout(r, 500))
  await tab.send('Performance.enable')
  const a = await metrics(tab)
  await tab.evaluate(`(document.querySelector('button.primary[title="Ctrl+Enter"]').click(), true)`)
  await tab.waitFor(`window.playground.log.total >= ${N + 3}`, 120000, 100)
  const b = await metrics(tab)
  await tab.close()
  return fmt(a, b)
}
for (let r = 0; r < Number(process.env.ROUNDS ?? 3); r++) {
  console.log('bare       ', await bare(false))
  console.log('bare+touch ', await bare(true))
  for (let i = 0; i < dirs.length; i++) console.log(dirs[i]!.padEnd(11), await pg(urls[i]!))
}
await browser.close(); await flood.close(); for (const s of servers) await s.close()
