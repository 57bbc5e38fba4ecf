/**
 * `npm run bench`: builds the page, measures it in Chromium and the gateway in Node, prints every figure next to its
 * aim and writes bench-results/bench.json. Loopback only; every loop is bounded.
 */
import { execFileSync, spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { cpus, totalmem } from 'node:os'
import { preview } from 'vite'
import { findChromium } from '../scripts/chromium-path.ts'
import { measureBundle } from './bundle-bench'
import { runHostBench, runPageBench } from './page-bench'
import { runHeavyBench } from './heavy-bench'
import { runConnectionsBench } from './connections-bench'

interface Row {
  section: string
  measure: string
  value: number
  unit: string
  aim?: string
  ok?: boolean
}

const rows: Row[] = []
const add = (section: string, measure: string, value: number, unit: string, aim?: string, ok?: boolean) =>
  rows.push({ section, measure, value, unit, aim, ok })
const chromium = findChromium()
/** `npm run bench -- --heavy-only`: just the heavy-message cases (bundle figures are cheap and stay). */
const heavyOnly = process.argv.includes('--heavy-only')
/** `npm run bench -- --worker-only`: just the sockets-in-a-worker figures (issue 17). */
const workerOnly = process.argv.includes('--worker-only')
/** `npm run bench -- --connections-only`: just the many-connections cases (and the bundle figures). */
const connectionsOnly = process.argv.includes('--connections-only')
const skipGateway = heavyOnly || workerOnly || connectionsOnly || process.argv.includes('--no-gateway')
/** 1,500 × 1 MB as in the issue's measurement; BENCH_HEAVY_MESSAGES for a shorter run (about 1 s a message here). */
const HEAVY_MESSAGES = Number(process.env.BENCH_HEAVY_MESSAGES ?? 1500)

console.log('Building the page…')
execFileSync('npx', ['vite', 'build', '--logLevel', 'error'], { stdio: 'inherit' })

const bundle = measureBundle()
add('bundle', 'initial JS + CSS (gzip)', bundle.initialTotalGzipKb, 'KB', '< 100 KB', bundle.initialTotalGzipKb < 100)
add('bundle', 'initial JS (gzip)', bundle.initialJsGzipKb, 'KB')
add('bundle', 'initial CSS (gzip)', bundle.initialCssGzipKb, 'KB')
add('bundle', 'lazy chunks, AWS SDK (gzip)', bundle.lazyJsGzipKb, 'KB', 'not in first load', true)

console.log('Measuring the page in Chromium…')
const server = await preview({ preview: { port: 0, host: '127.0.0.1' }, logLevel: 'error' })
const address = server.httpServer.address()
if (!address || typeof address === 'string') throw new Error('preview server has no port')
const baseUrl = `http://127.0.0.1:${address.port}`
try {
  if (!heavyOnly && !connectionsOnly && !workerOnly) await pageFigures()
  if (!heavyOnly && !workerOnly) await connectionFigures()
  if (!heavyOnly && !connectionsOnly) await hostFigures()
  if (!connectionsOnly && !workerOnly) await heavyFigures()
} finally {
  await server.close()
}

async function heavyFigures() {
  const heavy = await runHeavyBench(baseUrl, chromium, HEAVY_MESSAGES)
  const flood = `${heavy.messages.toLocaleString('en-US')} × 1 MB`
  add('heavy', `${flood}: renderer RSS before`, heavy.rssBeforeMb, 'MB')
  add('heavy', `${flood}: renderer RSS peak`, heavy.rssPeakMb, 'MB')
  // Kept whole, each message added ~1,200 KB (measured before the budget); with it, only the newest few stay whole
  // and older ones keep 32 KB of text, so growth stays under half of keeping them all.
  add(
    'heavy',
    '  growth per message',
    heavy.growthPerMessageKb,
    'KB',
    '< 600 KB (½ whole)',
    heavy.growthPerMessageKb < 600,
  )
  add('heavy', '  ingest', heavy.ingestPerSecond, 'msg/s')
  add(
    'heavy',
    'open a 50 MB message: click input to paint',
    heavy.huge.clickMs,
    'ms',
    '< 100 ms',
    heavy.huge.clickMs < 100,
  )
  add('heavy', '  its first page seen after the click returned', heavy.huge.shownMs, 'ms')
  add(
    'heavy',
    'open 6 KB JSON nested 3,000 deep: click input to paint',
    heavy.nested.clickMs,
    'ms',
    '< 100 ms',
    heavy.nested.clickMs < 100,
  )
  add('heavy', '  its first page seen after the click returned', heavy.nested.shownMs, 'ms')
}

/** The sockets in a worker: the playground against bare pages counting on the main thread and in a worker. */
async function hostFigures() {
  for (const c of await runHostBench(baseUrl, chromium)) {
    const what = `${c.connections} connection${c.connections === 1 ? '' : 's'}`
    const rounds = (r: number[]) => r.map((x) => x.toFixed(2)).join(', ')
    add(
      'host',
      `${what}, ${c.messages.toLocaleString('en-US')} messages: bare page (main thread)`,
      c.barePerSecond,
      'msg/s',
    )
    add('host', '  bare page counting in a worker', c.bareWorkerPerSecond, 'msg/s')
    add('host', '  playground', c.playgroundPerSecond, 'msg/s')
    add(
      'host',
      `  playground ÷ bare main thread (rounds ${rounds(c.roundsToBare)})`,
      c.ratioToBare,
      '×',
      '≥ 1.0',
      c.ratioToBare >= 1,
    )
    add(
      'host',
      `  playground ÷ bare worker (rounds ${rounds(c.roundsToBareWorker)})`,
      c.ratioToBareWorker,
      '×',
      '≥ 0.8',
      c.ratioToBareWorker >= 0.8,
    )
    add(
      'host',
      '  longest main-thread task in the flood (0: none)',
      c.longestTaskMs,
      'ms',
      '< 50 ms',
      c.longestTaskMs < 50,
    )
    add(
      'host',
      '  a click during the flood: input to paint',
      c.clickDuringFloodMs,
      'ms',
      '< 100 ms',
      c.clickDuringFloodMs < 100,
    )
    add('host', '  main-thread µs per message: bare main thread', c.mainThreadUs.bare, 'µs')
    add('host', '    bare worker', c.mainThreadUs.bareWorker, 'µs')
    add('host', '    playground', c.mainThreadUs.playground, 'µs')
  }
}

async function connectionFigures() {
  const result = await runConnectionsBench(baseUrl, chromium, {
    rounds: Number(process.env.BENCH_CONNECTION_ROUNDS ?? 5),
  })
  const { flood, idle } = result
  const each = flood.messagesEach.toLocaleString('en-US')
  add(
    'connections',
    `${flood.connections} × ${each} messages at once: bare page (median)`,
    flood.barePerSecond,
    'msg/s',
  )
  add('connections', '  playground, same floods (median)', flood.playgroundPerSecond, 'msg/s')
  add(
    'connections',
    `  playground ÷ bare page (median; rounds ${flood.ratios.map((r) => r.toFixed(2)).join(', ')})`,
    flood.ratio,
    '×',
    '≥ 0.8',
    flood.ratio >= 0.8,
  )
  add('connections', '  longest task ≥ 50 ms in the floods (0: none)', flood.longestTaskMs, 'ms')
  add(
    'connections',
    `${idle.connections} idle, keepalive every ${idle.keepaliveSeconds} s: longest task (0: none ≥ 50 ms)`,
    idle.longestTaskMs,
    'ms',
    '< 50 ms',
    idle.longestTaskMs < 50,
  )
  const expected = (idle.connections * idle.watchedSeconds) / idle.keepaliveSeconds
  add(
    'connections',
    `  keepalives sent in the ${idle.watchedSeconds.toFixed(0)} s watched`,
    idle.keepalivesSent,
    '',
    `≈ ${Math.round(expected)}`,
    idle.keepalivesSent >= 0.9 * expected,
  )
  add('connections', '  main-thread time, share of the wall time', idle.mainThreadShare * 100, '%')
  add('connections', '  longest task while duplicating and connecting them', idle.setupLongestTaskMs, 'ms')
}

async function pageFigures() {
  const page = await runPageBench(baseUrl, chromium)
  add('page', `bare page, ${page.messages.toLocaleString('en-US')} messages (median)`, page.barePerSecond, 'msg/s')
  add('page', 'playground, same flood (median)', page.playgroundPerSecond, 'msg/s')
  add(
    'page',
    `playground ÷ bare page (median of ${page.ratios.map((r) => r.toFixed(2)).join(', ')})`,
    page.ratio,
    '×',
    '≥ 0.8',
    page.ratio >= 0.8,
  )
  add(
    'page',
    'longest task ≥ 50 ms in the flood (0: none)',
    page.longestTaskMs,
    'ms',
    '< 100 ms',
    page.longestTaskMs < 100,
  )
  add(
    'page',
    'a click during the flood: input to paint',
    page.clickDuringFloodMs,
    'ms',
    '< 100 ms',
    page.clickDuringFloodMs < 100,
  )
  if (page.mainThreadUs) {
    add('page', 'main-thread time per message: bare page', page.mainThreadUs.bare, 'µs')
    add('page', '  bare page that also reads each message', page.bareReadingDataUs, 'µs')
    add('page', '  playground', page.mainThreadUs.playground, 'µs')
  }
  const managed = page.instrumented
  add('page', 'under Playwright instrumentation: bare page', managed.barePerSecond, 'msg/s')
  add('page', '  playground', managed.playgroundPerSecond, 'msg/s')
  add(
    'page',
    "  its bare page ÷ the quiet tab's (instrumentation cost)",
    managed.barePerSecond / page.barePerSecond,
    '×',
  )
  add('page', `  ratio (median of ${managed.ratios.map((r) => r.toFixed(2)).join(', ')})`, managed.ratio, '×')
  add(
    'page',
    '  longest task ≥ 50 ms in the flood (0: none)',
    managed.longestTaskMs,
    'ms',
    '< 100 ms',
    managed.longestTaskMs < 100,
  )
  add(
    'page',
    '  a click during the flood: input to paint',
    managed.clickDuringFloodMs,
    'ms',
    '< 100 ms',
    managed.clickDuringFloodMs < 100,
  )
  add('log', 'JS heap, empty page', page.heapBaselineMb, 'MB')
  add('log', 'JS heap with 100,000 entries', page.heapWith100kMb, 'MB', '< 150 MB', page.heapWith100kMb < 150)
  add('log', 'scrolling 100,000 entries: frame p50', page.scrollFrameP50Ms, 'ms')
  add('log', 'scrolling: frame p95', page.scrollFrameP95Ms, 'ms', '≤ 33 ms', page.scrollFrameP95Ms <= 33.4)
  add('log', 'scrolling: longest frame', page.scrollFrameMaxMs, 'ms')
}

let gateway: unknown
if (!skipGateway) {
  console.log('Measuring the gateway…')
  const run = spawnSync('npx', ['tsx', 'gateway/bench/gateway-bench.ts', '--out', 'bench-results/gateway.json'], {
    stdio: 'inherit',
  })
  if (run.status === 0 && existsSync('bench-results/gateway.json'))
    gateway = JSON.parse(readFileSync('bench-results/gateway.json', 'utf8'))
}

const machine = {
  cpus: cpus().length,
  cpuModel: cpus()[0]?.model,
  memoryGb: Math.round(totalmem() / 2 ** 30),
  node: process.version,
  chromium,
}
console.log(
  `\nPage and bundle (${machine.cpus} × ${machine.cpuModel}, ${machine.memoryGb} GiB, Node ${machine.node})\n`,
)
console.log(`  ${'measure'.padEnd(64)}${'value'.padStart(14)}  ${'aim'.padEnd(18)}`)
for (const r of rows) {
  const value = `${r.value >= 100 ? Math.round(r.value).toLocaleString('en-US') : r.value.toFixed(r.unit === '×' ? 2 : 1)} ${r.unit}`
  console.log(
    `  ${`${r.section}: ${r.measure}`.padEnd(64)}${value.padStart(14)}  ${(r.aim ?? '').padEnd(18)}${r.ok === undefined ? '' : r.ok ? 'ok' : 'MISSED'}`,
  )
}
mkdirSync('bench-results', { recursive: true })
writeFileSync(
  'bench-results/bench.json',
  JSON.stringify({ at: new Date().toISOString(), machine, rows, gateway }, null, 2) + '\n',
)
console.log('\nWrote bench-results/bench.json')
