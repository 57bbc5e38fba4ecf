import { readFile } from 'node:fs/promises'
import type { Browser } from '@playwright/test'

/**
 * Resident memory of all this browser's renderer processes, in MB: the message strings of a flood live outside the
 * JS heap, so only the process figure shows them. The DevTools protocol names the processes, /proc measures them.
 */
export async function rendererRssMb(browser: Browser): Promise<number> {
  const cdp = await browser.newBrowserCDPSession()
  try {
    const { processInfo } = (await cdp.send('SystemInfo.getProcessInfo')) as {
      processInfo: { type: string; id: number }[]
    }
    let kb = 0
    for (const p of processInfo.filter((p) => p.type === 'renderer')) {
      const status = await readFile(`/proc/${p.id}/status`, 'utf8').catch(() => '')
      kb += Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0)
    }
    return kb / 1024
  } finally {
    await cdp.detach()
  }
}
