#!/usr/bin/env node
// Bundles the gateway's default handler module into one ESM file for Lambda (backend/dist/index.mjs).
// The AWS SDK v3 is left out: the nodejs20.x runtime provides it.
import { build } from 'esbuild'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('..', import.meta.url))
await build({
  entryPoints: [`${root}gateway/handlers/default.ts`],
  outfile: `${root}backend/dist/index.mjs`,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  external: ['@aws-sdk/*'],
  logLevel: 'warning',
})
console.log('backend/dist/index.mjs written')
