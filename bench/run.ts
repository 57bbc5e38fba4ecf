/**
 * `npm run bench`: builds the page, measures it in Chromium and the gateway in Node, prints every figure next to its
 * aim and writes bench-results/bench.json. Loopback only; every loop is bounded.
 */
import { execFileSync, spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { cpus, loadavg, totalmem } from 'node:os'
import { preview } from 'vite'
import { findChromium } from '../scripts/chromium-path.ts'
import { measureBundle } from './bundle-bench'
import { runPageBench } from './page-bench'
import { cpuText, runFloodBench } from './flood-bench'
import { listRounds } from './paired-rounds'
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
/** The quiet tab's bare page with one connection (flood rows), to show what Playwright's instrumentation costs. */
let bareOneConnectionPerSecond: number | undefined
const add = (section: string, measure: string, value: number, unit: string, aim?: string, ok?: boolean) =>
  rows.push({ section, measure, value, unit, aim, ok })
const chromium = findChromium()
/** `npm run bench -- --heavy-only`: just the heavy-message cases (bundle figures are cheap and stay). */
const heavyOnly = process.argv.includes('--heavy-only')
/** `npm run bench -- --flood-only` (or `--worker-only`): just the flood rows, both hosts, 1 and 10 connections. */
const floodOnly = process.argv.includes('--flood-only') || process.argv.includes('--worker-only')
/** `npm run bench -- --connections-only`: just the fifty idle connections (and the bundle figures). */
const connectionsOnly = process.argv.includes('--connections-only')
const only = heavyOnly || floodOnly || connectionsOnly
const skipGateway = only || process.argv.includes('--no-gateway')
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
  if (!only || floodOnly) await floodFigures()
  if (!only || connectionsOnly) await connectionFigures()
  if (!only) await pageFigures()
  if (!only || heavyOnly) await heavyFigures()
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

/** "load 12.3–18.0": the 1-minute load averages seen while a figure was measured. */
function loadRange(loads: number[]): string {
  return `load ${Math.min(...loads).toFixed(1)}${loads.length > 1 ? `–${Math.max(...loads).toFixed(1)}` : ''}`
}

/** One connection and ten flooding at once: bare pages (main thread, worker) and the playground on both hosts. */
async function floodFigures() {
  for (const c of await runFloodBench(baseUrl, chromium)) {
    if (c.connections === 1) bareOneConnectionPerSecond = c.barePerSecond
    const what = `${c.connections} connection${c.connections === 1 ? '' : 's'}`
    add(
      'flood',
      `${what}, ${c.messages.toLocaleString('en-US')} messages (${loadRange(c.loads)}): bare page, main thread`,
      c.barePerSecond,
      'msg/s',
    )
    add('flood', '  bare page counting in a worker', c.bareWorkerPerSecond, 'msg/s')
    // No aim: the reference for the playground's ÷ bare main thread (a worker page with nothing else to do).
    add('flood', `    ÷ bare main thread (rounds ${listRounds(c.bareWorkerToBareRounds)})`, c.bareWorkerToBare, '×')
    add('flood', '  main-thread µs per message: bare main thread', c.bareMainThreadUs, 'µs')
    add('flood', '    bare worker', c.bareWorkerMainThreadUs, 'µs')
    // Where the flood's CPU goes (/proc): the page's own threads beside the browser's IO threads, which every page pays.
    if (c.cpu) {
      add(
        'flood',
        `  browser CPU µs per message: bare main thread, all threads: ${cpuText(c.cpu.bare)}`,
        c.cpu.bare.all,
        'µs',
      )
      add('flood', `    bare worker: ${cpuText(c.cpu.bareWorker)}`, c.cpu.bareWorker.all, 'µs')
    }
    // The controls for the playground's click and longest task: the same click on a bare page's checkbox, and the bare
    // pages' own longest tasks (what the machine allows: a bare worker page's main thread does nothing at all).
    const clickRounds = (clicks: number[]) => clicks.map((t) => Math.round(t)).join(', ')
    add(
      'flood',
      `  bare page click, main thread (rounds ${clickRounds(c.bareClicks)})`,
      Math.max(...c.bareClicks),
      'ms',
    )
    add(
      'flood',
      `  bare page click, worker (rounds ${clickRounds(c.bareWorkerClicks)})`,
      Math.max(...c.bareWorkerClicks),
      'ms',
    )
    add(
      'flood',
      `  bare page longest task, main thread (rounds ${clickRounds(c.bareLongestTasks)})`,
      Math.max(...c.bareLongestTasks),
      'ms',
    )
    add(
      'flood',
      `  bare page longest task, worker (rounds ${clickRounds(c.bareWorkerLongestTasks)})`,
      Math.max(...c.bareWorkerLongestTasks),
      'ms',
    )
    for (const host of ['worker', 'inline'] as const) {
      const p = c.playground[host]
      // Issue 17 asks the worker host to beat the bare main-thread page; issue 13 asks ≥ 0.8 of it for ten.
      const aimToBare = host === 'worker' ? 1 : 0.8
      add(
        'flood',
        `  playground, sockets ${host === 'worker' ? 'in a worker' : 'on the main thread'}`,
        p.perSecond,
        'msg/s',
      )
      add(
        'flood',
        `    ÷ bare main thread (rounds ${listRounds(p.roundsToBare)})`,
        p.ratioToBare,
        '×',
        `≥ ${aimToBare.toFixed(1)}`,
        p.ratioToBare >= aimToBare,
      )
      add(
        'flood',
        `    ÷ bare worker (rounds ${listRounds(p.roundsToBareWorker)})`,
        p.ratioToBareWorker,
        '×',
        host === 'worker' ? '≥ 0.8' : undefined,
        host === 'worker' ? p.ratioToBareWorker >= 0.8 : undefined,
      )
      add(
        'flood',
        `    longest main-thread task, 0: none (rounds ${p.longestTasks.map((t) => Math.round(t)).join(', ')})`,
        p.longestTaskMs,
        'ms',
        '< 50 ms',
        p.longestTaskMs < 50,
      )
      add(
        'flood',
        `    a click: input to paint (rounds ${p.clicks.map((t) => Math.round(t)).join(', ')})`,
        p.clickMs,
        'ms',
        '< 100 ms',
        p.clickMs < 100,
      )
      // Where each round's click went: input delay + handlers + presentation (Event Timing), ms.
      const splits = p.clickSplits.map((x) =>
        x ? `${Math.round(x.inputDelay)}+${Math.round(x.handlers)}+${Math.round(x.presentation)}` : '<16',
      )
      add('flood', `      click split, delay+handlers+presentation (rounds ${splits.join(', ')})`, p.clickMs, 'ms')
      add('flood', '    main-thread µs per message', p.mainThreadUs, 'µs')
      if (c.cpu) add('flood', `    browser CPU µs per message: ${cpuText(c.cpu[host])}`, c.cpu[host].all, 'µs')
    }
  }
}

async function connectionFigures() {
  for (const idle of await runConnectionsBench(baseUrl, chromium)) {
    const expected = (idle.connections * idle.watchedSeconds) / idle.keepaliveSeconds
    add(
      'idle',
      `${idle.connections} idle, keepalive every ${idle.keepaliveSeconds} s, sockets ${idle.host === 'worker' ? 'in a worker' : 'on the main thread'} (load ${idle.load.toFixed(1)}): longest task (0: none)`,
      idle.longestTaskMs,
      'ms',
      '< 50 ms',
      idle.longestTaskMs < 50,
    )
    add(
      'idle',
      `  keepalives sent in the ${idle.watchedSeconds.toFixed(0)} s watched`,
      idle.keepalivesSent,
      '',
      `≈ ${Math.round(expected)}`,
      idle.keepalivesSent >= 0.9 * expected,
    )
    add('idle', '  main-thread time, share of the wall time', idle.mainThreadShare * 100, '%')
    // The page's first load in a new browser, then the set-up through the page's controls (0: no task ≥ 50 ms).
    add('idle', '  longest task while the page loaded', idle.setupLongestTaskMs.load, 'ms')
    add('idle', '  longest task while duplicating them', idle.setupLongestTaskMs.duplicating, 'ms')
    add('idle', '  longest task while connecting them', idle.setupLongestTaskMs.connecting, 'ms')
  }
}

async function pageFigures() {
  const page = await runPageBench(baseUrl, chromium)
  add('page', 'main-thread µs per message: bare page counting', page.bareCountingUs, 'µs')
  add('page', '  bare page that also reads each message', page.bareReadingDataUs, 'µs')
  const managed = page.instrumented
  add(
    'page',
    `under Playwright instrumentation, ${page.messages.toLocaleString('en-US')} messages: bare page`,
    managed.barePerSecond,
    'msg/s',
  )
  add('page', '  playground', managed.playgroundPerSecond, 'msg/s')
  if (bareOneConnectionPerSecond)
    add(
      'page',
      "  its bare page ÷ the quiet tab's (instrumentation cost)",
      managed.barePerSecond / bareOneConnectionPerSecond,
      '×',
    )
  add('page', `  ratio (rounds ${listRounds(managed.ratios)})`, managed.ratio, '×')
  add('page', '  longest task ≥ 50 ms in the flood (0: none)', managed.longestTaskMs, 'ms')
  add('page', '  a click during the flood: input to paint', managed.clickDuringFloodMs, 'ms')
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
  `\nPage and bundle (${machine.cpus} × ${machine.cpuModel}, ${machine.memoryGb} GiB, Node ${machine.node}; load now ${loadavg()
    .map((l) => l.toFixed(1))
    .join(', ')})\n`,
)
console.log(`  ${'measure'.padEnd(96)}${'value'.padStart(14)}  ${'aim'.padEnd(18)}`)
for (const r of rows) {
  const value = `${r.value >= 100 ? Math.round(r.value).toLocaleString('en-US') : r.value.toFixed(r.unit === '×' ? 2 : 1)} ${r.unit}`
  console.log(
    `  ${`${r.section}: ${r.measure}`.padEnd(96)}${value.padStart(14)}  ${(r.aim ?? '').padEnd(18)}${r.ok === undefined ? '' : r.ok ? 'ok' : 'MISSED'}`,
  )
}
mkdirSync('bench-results', { recursive: true })
writeFileSync(
  'bench-results/bench.json',
  JSON.stringify({ at: new Date().toISOString(), machine, rows, gateway }, null, 2) + '\n',
)
console.log('\nWrote bench-results/bench.json')
