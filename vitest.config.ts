import { fileURLToPath, URL } from 'node:url'
import { defineConfig } from 'vitest/config'

// Two projects, both in Node: the page's framework-free core and stores, and the gateway emulator.
export default defineConfig({
  resolve: { alias: { '@': fileURLToPath(new URL('./src', import.meta.url)) } },
  test: {
    projects: [
      {
        extends: true,
        test: { name: 'core', include: ['src/**/*.test.ts', 'server/**/*.test.ts', 'backend/**/*.test.ts', 'scripts/**/*.test.ts'], environment: 'node' },
      },
      {
        extends: true,
        test: {
          name: 'gateway',
          include: ['gateway/test/**/*.test.ts'],
          environment: 'node',
          testTimeout: 20_000,
        },
      },
    ],
  },
})
