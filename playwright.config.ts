import { defineConfig, devices } from '@playwright/test'
import { findChromium } from './scripts/chromium-path.ts'

// Browsers cannot be downloaded here: drive Debian's Chromium (see scripts/ensure-chromium.ts).
const chromium = findChromium()

const PORT = Number(process.env.E2E_PORT ?? 4173)
const TIMED = /(timeout-lab|\.timing)\.spec\.ts$/

export default defineConfig({
  testDir: './e2e',
  fullyParallel: true,
  forbidOnly: !!process.env.CI,
  retries: 0,
  workers: 2,
  // Bounds that catch a hang, not measures: CI machines run these at load 10–40 on 2 cores.
  timeout: 120_000,
  expect: { timeout: 20_000 },
  reporter: process.env.CI ? [['list']] : [['list'], ['html', { open: 'never' }]],
  use: {
    baseURL: `http://127.0.0.1:${PORT}`,
    trace: 'retain-on-failure',
    ...devices['Desktop Chrome'],
    viewport: { width: 1440, height: 900 },
    launchOptions: {
      executablePath: chromium,
      args: [
        '--disable-background-networking',
        '--disable-component-update',
        '--no-first-run',
        '--disable-sync',
        '--disable-dev-shm-usage',
      ],
    },
  },
  // The timeout lab and *.timing.spec.ts time browser events, so they run after the rest and one at a time: a flood
  // or a second browser starting in the other worker would delay the very events they time.
  projects: [
    { name: 'page', testIgnore: TIMED },
    { name: 'timing', testMatch: TIMED, dependencies: ['page'], workers: 1 },
  ],
  // The tests run against the production build, as users of `npm run preview` and static hosting see it.
  webServer: {
    command: `npx vite preview --port ${PORT} --strictPort`,
    url: `http://127.0.0.1:${PORT}`,
    reuseExistingServer: !process.env.CI,
    timeout: 180_000,
  },
})
