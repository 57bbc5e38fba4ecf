/**
 * Where a flood's (or idle keepalives') time goes: CPU profiles of the playground's main thread and, with the worker
 * host, of its connections worker, in a quiet tab, from an unminified build so functions keep their names. Prints
 * self and inclusive ms and µs per message (or per keepalive). A diagnosis aid, not a bench:
 * `npx tsx bench/flood-profile.ts [worker|inline] [connections] [--idle]`; `bare-worker` (`bare-main`): the bench's bare
 * worker page's (bare main-thread page's) threads' CPU time for the same flood, for comparison (BARE_ONMESSAGE replaces the start of its handler,
 * `ws.onmessage = () => {`, e.g. with `ws.onmessage = (e) => { self.x = e.data;` to see what reading the text costs).
 * The threads' CPU time comes from /proc (Linux): a JS profile of a worker files most of its native work (the socket's
 * message events) under "(idle)", so only the /proc and trace lines say what the worker costs in all.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { execFileSync } from 'node:child_process'
import {
  collectTraceEvents,
  functionKey,
  profileSamples,
  selfTimeIn,
  type CpuProfile,
  type TraceEvent,
} from './chromium-trace'
import { serveForProfile } from './profile-page'
import { BARE_COUNTER, openPlayground, type Host } from './flood-bench'
import { QuietTab } from './quiet-tab'
import { markedBrowser, threadCpu } from './thread-cpu'
import type { Browser } from '@playwright/test'

type Send = <T>(method: string, params?: object) => Promise<T>

const args = process.argv.slice(2).filter((a) => !a.startsWith('--'))
const host: Host = args[0] === 'inline' ? 'inline' : 'worker'
const idle = process.argv.includes('--idle')
/** Also record a trace of the flood and sum the main thread's rendering work by kind (style, layout, paint…). */
const trace = process.argv.includes('--trace')
/** A real click on the log filter's "Regular expression" checkbox 150 ms into the flood, as the bench clicks; with
 * --trace, the main thread's work from that input to the frame that shows it. */
const click = process.argv.includes('--click')
const connections = Number(args[1] ?? (idle ? 50 : 1))
const MESSAGES = Number(process.env.PROFILE_MESSAGES) || 50_000
/** Finds this browser's processes in /proc (thread-cpu.ts). */
const MARKER = `--flood-profile=${process.pid}`

// PROFILE_DIST: a build made before (unminified for names), to compare two versions side by side.
const outDir = process.env.PROFILE_DIST ?? mkdtempSync(join(tmpdir(), 'flood-profile-'))
if (!process.env.PROFILE_DIST)
  execFileSync(
    'npx',
    ['vite', 'build', '--minify', 'false', '--outDir', outDir, '--emptyOutDir', '--logLevel', 'error'],
    {
      stdio: 'inherit',
    },
  )
// The marker finds this browser's processes in /proc (see threadCpu).
const { baseUrl, floodUrl, browser, close } = await serveForProfile(outDir, [
  '--disable-background-networking',
  '--disable-dev-shm-usage',
  MARKER,
])
try {
  if (args[0] === 'bare-worker' || args[0] === 'bare-main') {
    // The bench's bare worker page (counts messages in a worker), or with `bare-main` its bare page counting on its
    // main thread, its threads measured while it is open.
    const inWorker = args[0] === 'bare-worker'
    const tab = await QuietTab.open(browser, 'about:blank')
    const browserPid = markedBrowser(MARKER)
    const each = Math.floor(MESSAGES / connections)
    const counter = BARE_COUNTER(floodUrl, each, connections).replace(
      'ws.onmessage = () => {',
      process.env.BARE_ONMESSAGE || 'ws.onmessage = () => {',
    )
    const body = `const done = (ms) => postMessage({ ms }); const fail = (e) => postMessage({ error: e });${counter}`
    await tab.evaluate(
      `(window.__bare = URL.createObjectURL(new Blob([${JSON.stringify(body)}], { type: 'text/javascript' })), true)`,
    )
    const tracer = trace ? await startTrace(browser) : undefined
    const before = browserPid ? threadCpu(browserPid) : undefined
    const ms = await tab.evaluate<number>(
      inWorker
        ? `new Promise((resolve, reject) => {
      const worker = new Worker(window.__bare)
      // Anything else a BARE_ONMESSAGE handler posts is only received.
      worker.onmessage = (e) => e.data.error ? reject(new Error(e.data.error)) : e.data.ms !== undefined && resolve(e.data.ms)
    })`
        : `new Promise((resolve, reject) => { const done = resolve; const fail = (e) => reject(new Error(e)); ${counter} })`,
    )
    const after = browserPid ? threadCpu(browserPid) : undefined
    if (tracer) await tracer.stop(each * connections, 'message', tab)
    await tab.close()
    console.log(
      `bare ${inWorker ? 'worker' : 'main-thread'} page, ${connections} connection(s), ${each * connections} messages: ${((each * connections * 1000) / ms).toFixed(0)} msg/s, load ${loadavg()[0]!.toFixed(1)}`,
    )
    if (before && after) printThreads(before, after, each * connections, 'message', 'flood')
    process.exit(0)
  }
  const query = `endpoint=${encodeURIComponent(floodUrl)}${idle ? '&keepalive=1' : ''}`
  const tab = await openPlayground(browser, baseUrl, query, connections, host)
  const each = Math.floor(MESSAGES / connections)
  const main: Send = (method, params) => tab.send(method, params)
  const worker = host === 'worker' ? await workerSession(tab) : undefined
  if (!idle)
    await tab.evaluate(`(() => {
      document.querySelector('input[name="composer-mode"][value="text"]').click()
      const text = document.querySelector('textarea[aria-label="Message"]')
      text.value = 'flood ${each}'
      text.dispatchEvent(new Event('input'))
      return true
    })()`)
  await new Promise((resolve) => setTimeout(resolve, 500))
  if (process.env.PROFILE_SETUP) await tab.evaluate(process.env.PROFILE_SETUP)
  for (const send of [main, worker]) {
    if (!send || process.env.PROFILE_CPU === '0') continue
    await send('Profiler.enable')
    await send('Profiler.setSamplingInterval', { interval: 250 })
    await send('Profiler.start')
  }
  // Which parts of the page change during the flood, and how often (MutationObserver callbacks: about one per Vue
  // flush that touched the DOM), bucketed by the nearest labelled ancestor.
  await tab.evaluate(`(() => {
    const counts = (window.__mutations = { flushes: 0, by: {} })
    const label = (node) => {
      for (let el = node.nodeType === 1 ? node : node.parentElement; el; el = el.parentElement) {
        const name = el.getAttribute('aria-label') || el.id
        if (name && el !== document.body) return (el.tagName.toLowerCase() + ' ' + name).slice(0, 60)
      }
      return '(page)'
    }
    new MutationObserver((records) => {
      counts.flushes++
      const seen = new Set()
      for (const r of records)
        seen.add(label(r.target) + ' [' + (r.type === 'attributes' ? r.attributeName : r.type === 'characterData' ? 'text' : 'children') + ']')
      for (const k of seen) counts.by[k] = (counts.by[k] || 0) + 1
    }).observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true })
    return true
  })()`)
  const tracer = trace ? await startTrace(browser) : undefined
  const browserPid = markedBrowser(MARKER)
  const startThreads = browserPid ? threadCpu(browserPid) : undefined
  const startMetrics = await tab.mainThreadBreakdown()
  const startCounts = await renderCounts(tab)
  const t0 = Date.now()
  if (idle) await new Promise((resolve) => setTimeout(resolve, 10_000))
  else {
    const before = await tab.evaluate<number>('window.playground.log.total')
    const button =
      connections > 1
        ? 'button[title="Send to every OPEN connection of this tab"]'
        : 'button.primary[title="Ctrl+Enter"]'
    const box = await tab.evaluate<{ x: number; y: number }>(`(() => {
      const r = document.querySelector('input[aria-label="Regular expression"]').getBoundingClientRect()
      return { x: r.x + r.width / 2, y: r.y + r.height / 2 }
    })()`)
    await tab.evaluate(`(window.__inputs = [], new PerformanceObserver((list) => { for (const e of list.getEntries())
      window.__inputs.push({ event: e.name, duration: e.duration, inputDelay: e.processingStart - e.startTime,
        handlers: e.processingEnd - e.processingStart, presentation: e.startTime + e.duration - e.processingEnd }) })
      .observe({ type: 'event', durationThreshold: 16 }), true)`)
    await tab.evaluate(`(document.querySelector(${JSON.stringify(button)}).click(), true)`)
    if (click) {
      await new Promise((resolve) => setTimeout(resolve, 150))
      await tab.click(box.x, box.y)
    }
    await tab.waitFor(`window.playground.log.total >= ${before + each * connections + connections}`, 180_000, 100)
    if (click) console.log('click Event Timing (≥ 16 ms):', JSON.stringify(await tab.evaluate('window.__inputs')))
  }
  const wall = Date.now() - t0
  const endThreads = browserPid ? threadCpu(browserPid) : undefined
  const endMetrics = await tab.mainThreadBreakdown()
  const endCounts = await renderCounts(tab)
  if (process.env.PROFILE_REPORT) console.log(await tab.evaluate(process.env.PROFILE_REPORT))
  const busy = endMetrics.task - startMetrics.task
  const units = idle ? (wall / 1000) * connections : each * connections
  const per = idle ? 'keepalive' : 'message'
  console.log(
    `${host} host, ${connections} connection(s), ${idle ? 'idle with keepalives' : `${units} messages`}: wall ${wall} ms, main-thread task time ${busy.toFixed(0)} ms (${((busy * 1000) / units).toFixed(1)} µs per ${per}), load ${loadavg()[0]!.toFixed(1)}`,
  )
  // Style recalculations and layouts over the flood: about one style recalculation per frame the page drew.
  console.log(
    `style recalculations ${endCounts.style - startCounts.style}, layouts ${endCounts.layout - startCounts.layout}`,
  )
  if (startThreads && endThreads) {
    // CPU time of the browser's threads by name over the flood, from /proc (no tracing or sampling overhead): the
    // worker's line is what the connections worker costs the machine per message, its message events included.
    printThreads(startThreads, endThreads, units, per, idle ? 'run' : 'flood')
  }
  const heavy = tracer ? await tracer.stop(units, per, tab) : []
  const mutations = await tab.evaluate<{ flushes: number; by: Record<string, number> }>('window.__mutations')
  console.log(`\nDOM changes: ${mutations.flushes} flushes that changed the DOM; flushes by region:`)
  for (const [name, count] of Object.entries(mutations.by)
    .sort((a, b) => b[1] - a[1])
    .slice(0, 20))
    console.log(`${String(count).padStart(7)}  ${name}`)
  // The rest of the task time is mostly the browser's own rendering: paint, compositing, hit testing.
  const part = (k: keyof typeof endMetrics) => `${k} ${(((endMetrics[k] - startMetrics[k]) * 1000) / units).toFixed(0)}`
  console.log(
    `main thread µs per ${per}: ${(['task', 'script', 'style', 'layout'] as const).map(part).join(', ')} (the rest is mostly paint and compositing)`,
  )
  if (process.env.PROFILE_CPU !== '0') {
    const { profile } = await main<{ profile: CpuProfile }>('Profiler.stop')
    // PROFILE_OUT: the main thread's CPU profile kept (its timestamps are the trace's: samples can be read by task).
    if (process.env.PROFILE_OUT) writeFileSync(process.env.PROFILE_OUT, JSON.stringify(profile))
    report('main thread', profile, units, per)
    if (heavy.length) {
      console.log("\nthe heaviest tasks' script (self ms by function):")
      scriptInTasks(profile, heavy)
    }
  }
  if (worker && process.env.PROFILE_CPU !== '0')
    report('worker', (await worker<{ profile: CpuProfile }>('Profiler.stop')).profile, units, per)
  await tab.close()
} finally {
  await close()
  if (!process.env.PROFILE_DIST) rmSync(outDir, { recursive: true, force: true })
}

/** How many style recalculations and layouts the tab has done so far (DevTools' counters). */
async function renderCounts(tab: QuietTab): Promise<{ style: number; layout: number }> {
  const { metrics } = await tab.send<{ metrics: { name: string; value: number }[] }>('Performance.getMetrics')
  const count = (name: string) => metrics.find((m) => m.name === name)?.value ?? Number.NaN
  return { style: count('RecalcStyleCount'), layout: count('LayoutCount') }
}

/** The tab's connections worker, attached through the tab's own DevTools session (non-flattened). */
async function workerSession(tab: QuietTab): Promise<Send> {
  let sessionId = ''
  const pending = new Map<number, (reply: { result?: unknown; error?: { message: string } }) => void>()
  tab.onEvent((method, params) => {
    const p = params as { sessionId: string; targetInfo?: { type: string }; message?: string }
    if (method === 'Target.attachedToTarget' && p.targetInfo?.type === 'worker') sessionId = p.sessionId
    if (method === 'Target.receivedMessageFromTarget' && p.sessionId === sessionId && p.message) {
      const reply = JSON.parse(p.message) as { id?: number; result?: unknown; error?: { message: string } }
      if (reply.id !== undefined) pending.get(reply.id)?.(reply)
    }
  })
  await tab.send('Target.setAutoAttach', { autoAttach: true, waitForDebuggerOnStart: false, flatten: false })
  for (let i = 0; i < 100 && !sessionId; i++) await new Promise((resolve) => setTimeout(resolve, 100))
  if (!sessionId) throw new Error('the page has no worker')
  let nextId = 1
  return async <T>(method: string, params: object = {}) => {
    const id = nextId++
    const reply = new Promise<{ result?: unknown; error?: { message: string } }>((resolve) => pending.set(id, resolve))
    await tab.send('Target.sendMessageToTarget', { sessionId, message: JSON.stringify({ id, method, params }) })
    const { result, error } = await reply
    pending.delete(id)
    if (error) throw new Error(`${method}: ${error.message}`)
    return result as T
  }
}

/** Self and inclusive time by function (name, file, line), in ms and µs per unit. */
function report(thread: string, profile: CpuProfile, units: number, per: string) {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]))
  const parent = new Map<number, number>()
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id)
  const self = new Map<string, number>()
  const inclusive = new Map<string, number>()
  for (const { id, ms } of profileSamples(profile)) {
    const k = functionKey(byId.get(id)!.callFrame)
    self.set(k, (self.get(k) ?? 0) + ms)
    const seen = new Set<string>()
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const name = functionKey(byId.get(at)!.callFrame)
      if (seen.has(name)) continue
      seen.add(name)
      inclusive.set(name, (inclusive.get(name) ?? 0) + ms)
    }
  }
  const print = (title: string, map: Map<string, number>, top: number) => {
    console.log(`\n${thread}, ${title} (ms, µs per ${per}):`)
    for (const [name, ms] of [...map].sort((a, b) => b[1] - a[1]).slice(0, top))
      console.log(`${ms.toFixed(1).padStart(9)} ${((ms * 1000) / units).toFixed(2).padStart(8)}  ${name}`)
  }
  // PROFILE_TOP: more lines of each list (the ingest's small parts sit below the top 40).
  const top = Number(process.env.PROFILE_TOP) || 40
  print('self time', self, Math.min(25, top))
  print('inclusive time', inclusive, top)
}

/** A browser-wide trace (timeline categories); `stop` prints the renderer main threads' work by event name. */
async function startTrace(browser: Browser) {
  const cdp = await browser.newBrowserCDPSession()
  const events = collectTraceEvents(cdp)
  await cdp.send('Tracing.start', {
    // PROFILE_TRACE_CATEGORIES adds categories (e.g. cc,viz,gpu to follow a frame past the main thread); PROFILE_TASKS
    // adds what invalidated style and layout (see heaviestTasks).
    categories: [
      'devtools.timeline,disabled-by-default-devtools.timeline,v8.execute',
      process.env.PROFILE_TRACE_CATEGORIES,
      process.env.PROFILE_TASKS && 'disabled-by-default-devtools.timeline.invalidationTracking',
    ]
      .filter(Boolean)
      .join(','),
    transferMode: 'ReportEvents',
  })
  return {
    async stop(units: number, per: string, tab: QuietTab) {
      const done = new Promise((resolve) => cdp.once('Tracing.tracingComplete', resolve))
      await cdp.send('Tracing.end')
      await done
      if (process.env.TRACE_OUT) writeFileSync(process.env.TRACE_OUT, JSON.stringify({ traceEvents: events }))
      const mains = new Set(
        events
          .filter((e) => e.name === 'thread_name' && e.args?.name === 'CrRendererMain')
          .map((e) => `${e.pid}:${e.tid}`),
      )
      const byThread = new Map<string, Map<string, { ms: number; count: number }>>()
      for (const e of events) {
        const key = `${e.pid}:${e.tid}`
        if (!mains.has(key) || e.ph !== 'X' || e.dur === undefined) continue
        const names = byThread.get(key) ?? new Map<string, { ms: number; count: number }>()
        byThread.set(key, names)
        addDuration(names, e.name, e.dur)
      }
      // The tab's thread is the busiest one.
      const [, names] =
        [...byThread].sort((a, b) => (b[1].get('RunTask')?.ms ?? 0) - (a[1].get('RunTask')?.ms ?? 0))[0] ?? []
      console.log(`\nmain thread trace, by event (ms total, count, µs per ${per}; nested events overlap):`)
      for (const [name, { ms, count }] of [...(names ?? [])].sort((a, b) => b[1].ms - a[1].ms).slice(0, 30))
        console.log(
          `${ms.toFixed(1).padStart(9)} ${String(count).padStart(7)} ${((ms * 1000) / units).toFixed(2).padStart(8)}  ${name}`,
        )
      // Paint by the element painted (its layer's root): which parts of the page cost the paint.
      const paints = new Map<number, { ms: number; count: number }>()
      for (const e of events) {
        const node = e.args?.data?.nodeId
        if (e.name !== 'Paint' || e.dur === undefined || node === undefined) continue
        if (names !== byThread.get(`${e.pid}:${e.tid}`)) continue
        addDuration(paints, node, e.dur)
      }
      console.log('paint by element (ms total, count):')
      await tab.send('DOM.getDocument', { depth: 0 }).catch(() => undefined)
      for (const [node, { ms, count }] of [...paints].sort((a, b) => b[1].ms - a[1].ms).slice(0, 8)) {
        const described = await tab
          .send<{ node: { nodeName: string; attributes?: string[] } }>('DOM.describeNode', { backendNodeId: node })
          .then(({ node: n }) => `${n.nodeName.toLowerCase()} ${(n.attributes ?? []).join(' ').slice(0, 90)}`)
          .catch(() => `node ${node}`)
        console.log(`${ms.toFixed(1).padStart(9)} ${String(count).padStart(7)}  ${described}`)
      }
      workerSummary(events, units, per)
      if (click) clickTimeline(events, names === undefined ? undefined : [...byThread].find(([, n]) => n === names)![0])
      const tasks = [...events].filter((e) => {
        const key = `${e.pid}:${e.tid}`
        return e.name === 'RunTask' && e.dur !== undefined && names === byThread.get(key)
      })
      // Wall and CPU time: a task far longer than its CPU time waited for a core (the machine's load, not the page).
      const long = tasks.sort((a, b) => b.dur! - a.dur!)
      console.log(
        `longest main-thread tasks (wall / CPU ms): ${long
          .slice(0, 10)
          .map((e) => `${(e.dur! / 1000).toFixed(0)} / ${((e.tdur ?? 0) / 1000).toFixed(0)}`)
          .join(', ')}; most CPU: ${tasks
          .map((e) => (e.tdur ?? 0) / 1000)
          .sort((a, b) => b - a)
          .slice(0, 5)
          .map((ms) => ms.toFixed(0))
          .join(', ')}`,
      )
      const heavy = process.env.PROFILE_TASKS ? heaviestTasks(events, tasks, Number(process.env.PROFILE_TASKS)) : []
      await cdp.detach()
      return heavy
    },
  }
}

/** Adds an event's duration (µs) to its key's total (ms) and count. */
function addDuration<K>(totals: Map<K, { ms: number; count: number }>, key: K, micros: number) {
  const sum = totals.get(key) ?? { ms: 0, count: 0 }
  sum.ms += micros / 1000
  sum.count++
  totals.set(key, sum)
}

/** A Layout event's extent: objects laid out of the total, and its roots (#document: the whole page). */
function layoutExtent(e: TraceEvent): string {
  const args = e.args as
    | {
        beginData?: { dirtyObjects?: number; totalObjects?: number }
        endData?: { layoutRoots?: { nodeName?: string }[] }
      }
    | undefined
  const roots = (args?.endData?.layoutRoots ?? []).map((r) => r.nodeName).join(' ')
  return `${args?.beginData?.dirtyObjects} of ${args?.beginData?.totalObjects} objects from ${roots}`
}

/**
 * PROFILE_TASKS=n: what invalidated style and layout over the flood (by element and reason), the layouts by their
 * roots, and the n main-thread tasks with the most CPU time with what ran inside each: what makes a task long.
 */
function heaviestTasks(events: TraceEvent[], tasks: TraceEvent[], n: number): TraceEvent[] {
  const thread = tasks[0] && `${tasks[0].pid}:${tasks[0].tid}`
  const inside = events
    .filter((e) => `${e.pid}:${e.tid}` === thread && e.dur !== undefined && e.name !== 'RunTask')
    .sort((a, b) => a.ts - b.ts)
  const count = (keys: string[]) => {
    const counts = new Map<string, number>()
    for (const key of keys) counts.set(key, (counts.get(key) ?? 0) + 1)
    return [...counts].sort((a, b) => b[1] - a[1])
  }
  console.log('invalidations (count, kind, element, reason):')
  const invalidations = events
    .filter((e) => e.name.endsWith('InvalidationTracking'))
    .map((e) => `${e.name.replace('InvalidationTracking', '')} ${e.args?.data?.nodeName} · ${e.args?.data?.reason}`)
  for (const [key, times] of count(invalidations).slice(0, 25)) console.log(`${String(times).padStart(7)}  ${key}`)
  const layouts = inside.filter((e) => e.name === 'Layout')
  const byRoot = new Map<string, { ms: number; count: number }>()
  for (const e of layouts) {
    addDuration(byRoot, layoutExtent(e).replace(/.* from /, ''), e.dur!)
  }
  console.log('layouts by root (ms, count):')
  for (const [roots, { ms, count: times }] of [...byRoot].sort((a, b) => b[1].ms - a[1].ms).slice(0, 8))
    console.log(`${ms.toFixed(1).padStart(9)} ${String(times).padStart(5)}  ${roots.slice(0, 100)}`)
  const start = Math.min(...tasks.map((t) => t.ts))
  const heaviest = [...tasks].sort((a, b) => (b.tdur ?? 0) - (a.tdur ?? 0)).slice(0, n)
  for (const task of heaviest) {
    const end = task.ts + task.dur!
    const within = inside.filter((e) => e.ts >= task.ts && e.ts < end)
    const parts = new Map<string, number>()
    for (const e of within) {
      const data = e.args?.data as { functionName?: string; url?: string; lineNumber?: number } | undefined
      const what = data?.functionName
        ? `${e.name} ${data.functionName} ${data.url?.split('/').pop()}:${data.lineNumber}`
        : e.name
      parts.set(what, (parts.get(what) ?? 0) + e.dur! / 1000)
    }
    console.log(
      `task ${(task.dur! / 1000).toFixed(1)} ms wall / ${((task.tdur ?? 0) / 1000).toFixed(1)} CPU, ${((task.ts - start) / 1000).toFixed(0)} ms in:`,
    )
    for (const [what, ms] of [...parts].sort((a, b) => b[1] - a[1]).slice(0, 10))
      console.log(`  ${ms.toFixed(1).padStart(7)}  ${what}`)
    for (const e of within.filter((x) => x.name === 'Layout'))
      console.log(`  layout ${(e.dur! / 1000).toFixed(1)} ms: ${layoutExtent(e)}`)
  }
  return heaviest
}

/** The script in each of the heaviest tasks: the main thread's CPU profile samples in its time, by function (self). */
function scriptInTasks(profile: CpuProfile, heavy: TraceEvent[]) {
  const selfIn = selfTimeIn(profile)
  for (const task of heavy) {
    const top = selfIn(task.ts, task.ts + task.dur!).slice(0, 8)
    console.log(
      `task ${(task.dur! / 1000).toFixed(1)} ms: ${top.map(([key, ms]) => `${key} ${ms.toFixed(1)}`).join(' · ')}`,
    )
  }
}

/**
 * The connections worker's thread in the trace: its top-level tasks' wall and CPU time (what the worker costs the
 * machine, native work such as the socket's message events included, which a JS profile of a worker mostly files
 * under "(idle)" or leaves out) and its events by name.
 */
function workerSummary(events: TraceEvent[], units: number, per: string) {
  const workers = new Set(
    events.filter((e) => e.name === 'thread_name' && /Worker/.test(e.args?.name ?? '')).map((e) => `${e.pid}:${e.tid}`),
  )
  const byThread = new Map<string, TraceEvent[]>()
  for (const e of events) {
    const key = `${e.pid}:${e.tid}`
    if (!workers.has(key) || e.ph !== 'X' || e.dur === undefined) continue
    const list = byThread.get(key) ?? []
    byThread.set(key, list)
    list.push(e)
  }
  // The connections worker is the busiest worker thread (the pattern worker idles without a filter).
  const [, list] = [...byThread].sort((a, b) => busy(b[1]).wall - busy(a[1]).wall)[0] ?? []
  if (!list) {
    console.log('\nworker thread: not in the trace')
    return
  }
  const { wall, cpu } = busy(list)
  const us = (ms: number) => ((ms * 1000) / units).toFixed(2)
  console.log(
    `\nworker thread trace: top-level tasks ${wall.toFixed(0)} ms wall (${us(wall)} µs per ${per}), ${cpu.toFixed(0)} ms CPU (${us(cpu)} µs per ${per})`,
  )
  const names = new Map<string, { ms: number; cpu: number; count: number }>()
  for (const e of list) {
    const sum = names.get(e.name) ?? { ms: 0, cpu: 0, count: 0 }
    sum.ms += e.dur! / 1000
    sum.cpu += (e.tdur ?? 0) / 1000
    sum.count++
    names.set(e.name, sum)
  }
  console.log(`worker thread trace, by event (ms wall, ms CPU, count, µs wall per ${per}; nested events overlap):`)
  for (const [name, { ms, cpu: c, count }] of [...names].sort((a, b) => b[1].ms - a[1].ms).slice(0, 15))
    console.log(
      `${ms.toFixed(1).padStart(9)} ${c.toFixed(1).padStart(9)} ${String(count).padStart(7)} ${us(ms).padStart(8)}  ${name}`,
    )
}

/**
 * From the click's first pointer event on the tab's main thread to 400 ms later: every task (wall and CPU time: a
 * task whose CPU time is far below its wall time waited for a core), its main nested events, and the compositor's
 * frames, so the gap between the click's handlers and the paint that shows them can be read.
 */
function clickTimeline(events: TraceEvent[], main: string | undefined) {
  if (!main) return
  const [pid] = main.split(':')
  type Data = { type?: string; url?: string; functionName?: string; frame?: string }
  const data = (e: TraceEvent) => (e.args as { data?: Data } | undefined)?.data
  const onMain = events.filter((e) => `${e.pid}:${e.tid}` === main)
  const input = onMain.find((e) => e.name === 'EventDispatch' && /^(pointerdown|mousedown)$/.test(data(e)?.type ?? ''))
  if (!input) {
    console.log('\nclick: no pointerdown on the main thread in the trace')
    return
  }
  const from = input.ts
  const to = from + 400_000
  const at = (ts: number) => ((ts - from) / 1000).toFixed(1).padStart(7)
  const threadNames = new Map(
    events.filter((e) => e.name === 'thread_name').map((e) => [`${e.pid}:${e.tid}`, e.args?.name ?? '']),
  )
  const interesting = new Set([
    'EventDispatch',
    'FunctionCall',
    'TimerFire',
    'FireAnimationFrame',
    'UpdateLayoutTree',
    'Layout',
    'PrePaint',
    'Paint',
    'Layerize',
    'Commit',
    'HitTest',
    'ParseHTML',
    'MajorGC',
    'MinorGC',
    'V8.GC_SCAVENGER',
    'BeginMainThreadFrame',
    'UpdateLayer',
    'ScheduleStyleRecalculation',
  ])
  console.log(`\nclick timeline (ms from the pointerdown; wall / CPU ms):`)
  for (const e of events) {
    if (e.ts < from - 20_000 || e.ts > to) continue
    const key = `${e.pid}:${e.tid}`
    const thread = threadNames.get(key) ?? ''
    if (key === main) {
      if (e.name === 'RunTask' && e.dur !== undefined && e.dur >= 1000)
        console.log(`${at(e.ts)}  task ${(e.dur / 1000).toFixed(1)} / ${((e.tdur ?? 0) / 1000).toFixed(1)}`)
      else if (interesting.has(e.name) && (e.dur ?? 0) >= 300) {
        const d = data(e)
        const what = d?.type ?? d?.functionName ?? d?.url?.split('/').pop() ?? ''
        console.log(
          `${at(e.ts)}    ${e.name} ${what} ${((e.dur ?? 0) / 1000).toFixed(1)} / ${((e.tdur ?? 0) / 1000).toFixed(1)}`,
        )
      } else if (e.ph === 'I' || e.ph === 'R' || e.ph === 'n') {
        if (/Frame|Input|Presentation/.test(e.name)) console.log(`${at(e.ts)}    · ${e.name}`)
      }
    } else if (thread && !/Worker|CrBrowserMain/.test(thread) && (e.dur ?? 0) >= 1000 && e.ts >= from - 5000)
      // Other threads' work: raster, the compositors (renderer and viz), the GPU process.
      console.log(
        `${at(e.ts)}      [${e.pid === Number(pid) ? '' : `${e.pid} `}${thread}] ${e.name} ${((e.dur ?? 0) / 1000).toFixed(1)} / ${((e.tdur ?? 0) / 1000).toFixed(1)}`,
      )
  }
}

/** Sum of the events not nested in another (a thread's top-level tasks). */
function busy(list: TraceEvent[]): { wall: number; cpu: number } {
  const sorted = [...list].sort((a, b) => a.ts - b.ts)
  let wall = 0
  let cpu = 0
  let end = -Infinity
  for (const e of sorted) {
    const ts = e.ts
    if (ts < end) continue
    end = ts + e.dur!
    wall += e.dur! / 1000
    cpu += (e.tdur ?? 0) / 1000
  }
  return { wall, cpu }
}

function printThreads(start: Map<string, number>, end: Map<string, number>, units: number, per: string, what: string) {
  console.log(`\nthread CPU time over the ${what} (/proc; ms, µs per ${per}):`)
  const rows = [...end]
    .map(([name, ms]) => [name, ms - (start.get(name) ?? 0)] as const)
    .filter(([, ms]) => ms > 0)
    .sort((a, b) => b[1] - a[1])
    .slice(0, 8)
  for (const [name, ms] of rows)
    console.log(`${ms.toFixed(0).padStart(9)} ${((ms * 1000) / units).toFixed(2).padStart(8)}  ${name}`)
}
