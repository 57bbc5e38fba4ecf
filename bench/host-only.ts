/**
 * The sockets-in-a-worker figures alone against a page already served (`npm run bench -- --worker-only` builds and
 * serves it itself): `npx tsx bench/host-only.ts http://127.0.0.1:PORT`.
 */
import { findChromium } from '../scripts/chromium-path.ts'
import { runHostBench } from './page-bench'

const baseUrl = process.argv[2]
if (!baseUrl) throw new Error('usage: npx tsx bench/host-only.ts http://127.0.0.1:PORT')
console.log(JSON.stringify(await runHostBench(baseUrl, findChromium()), null, 2))
