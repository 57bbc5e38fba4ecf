import { fileURLToPath, URL } from 'node:url'
import vue from '@vitejs/plugin-vue'
import { configDefaults, defineConfig } from 'vitest/config'

// Three projects: the page's framework-free core (Node), the gateway emulator (Node), and the Pinia stores and
// components with logic, mounted in happy-dom with real stores talking to real `ws` servers.
const UI_TESTS = ['src/stores/**/*.test.ts', 'src/components/**/*.test.ts']

export default defineConfig({
  plugins: [vue()],
  resolve: { alias: { '@': fileURLToPath(new URL('./src', import.meta.url)) } },
  test: {
    // A safety net for a hung test, not a measure: tests assert no durations, and CI machines run at load 10–40.
    testTimeout: 30_000,
    projects: [
      {
        extends: true,
        test: {
          name: 'core',
          include: ['src/**/*.test.ts', 'server/**/*.test.ts', 'backend/**/*.test.ts', 'scripts/**/*.test.ts'],
          exclude: [...configDefaults.exclude, ...UI_TESTS],
          environment: 'node',
        },
      },
      {
        extends: true,
        test: {
          name: 'gateway',
          include: ['gateway/test/**/*.test.ts'],
          environment: 'node',
          testTimeout: 120_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'ui',
          include: UI_TESTS,
          environment: 'happy-dom',
          environmentOptions: { happyDOM: { url: 'http://127.0.0.1:5173/' } },
        },
      },
    ],
  },
})
