import { existsSync } from 'node:fs'

/**
 * Debian's Chromium, which the tests, the benchmarks and `npm run experiment` drive (Playwright cannot download its
 * own browser here). CHROMIUM_PATH overrides; the real binary comes before the shell wrapper in /usr/bin.
 */
export const CHROMIUM_CANDIDATES = ['/usr/lib/chromium/chromium', '/usr/bin/chromium', '/usr/bin/chromium-browser']

export function findChromium(): string | undefined {
  return process.env.CHROMIUM_PATH ?? CHROMIUM_CANDIDATES.find((p) => existsSync(p))
}
