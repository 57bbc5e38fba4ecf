/**
 * The flood rows alone against a page already served (`npm run bench -- --flood-only` builds and serves it itself):
 * `npx tsx bench/host-only.ts http://127.0.0.1:PORT` (BENCH_FLOOD_ROUNDS rounds, 5 by default).
 */
import { findChromium } from '../scripts/chromium-path.ts'
import { runFloodBench } from './flood-bench'

const baseUrl = process.argv[2]
if (!baseUrl) throw new Error('usage: npx tsx bench/host-only.ts http://127.0.0.1:PORT')
console.log(JSON.stringify(await runFloodBench(baseUrl, findChromium()), null, 2))
