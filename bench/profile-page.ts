/**
 * What the diagnosis scripts (flood-profile.ts, setup-profile.ts) start: a built page served on a free port, the
 * flood server, and Chromium with `args` of their own.
 */
import { chromium, type Browser } from '@playwright/test'
import { preview } from 'vite'
import { startFloodServer } from '../e2e/flood-server'
import { findChromium } from '../scripts/chromium-path.ts'

export async function serveForProfile(
  outDir: string,
  args: string[],
): Promise<{ baseUrl: string; floodUrl: string; browser: Browser; close: () => Promise<void> }> {
  const web = await preview({ build: { outDir }, preview: { port: 0, host: '127.0.0.1' }, logLevel: 'error' })
  const address = web.httpServer.address()
  if (!address || typeof address === 'string') throw new Error('preview server has no port')
  const flood = await startFloodServer()
  const browser = await chromium.launch({ executablePath: findChromium(), args })
  return {
    baseUrl: `http://127.0.0.1:${address.port}`,
    floodUrl: flood.url,
    browser,
    async close() {
      await browser.close()
      await flood.close()
      await web.close()
    },
  }
}
