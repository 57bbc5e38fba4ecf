/**
 * Where the set-up of many connections spends the main thread's time (the idle bench's "longest task while duplicating
 * and connecting them"): the page is set up through its own controls as the benches do (Duplicate × n−1, then every
 * Connect button in one go), under a trace and a CPU profile of the main thread. Prints the longest tasks (wall and
 * CPU ms) with the action that ran them and the functions that took their time, and each phase's total.
 * A diagnosis aid, not a bench: `PROFILE_DIST=<unminified build> npx tsx bench/setup-profile.ts [worker|inline] [n]`;
 * `--load` profiles a second load of the tab instead, `--cold` (trace only) its first load in a new browser.
 */
import { loadavg } from 'node:os'
import { collectTraceEvents, selfTimeIn, type CpuProfile, type TraceEvent } from './chromium-trace'
import { serveForProfile } from './profile-page'
import type { Host } from './flood-bench'
import { QuietTab } from './quiet-tab'

const args = process.argv.slice(2).filter((a) => !a.startsWith('--'))
const host: Host = args[0] === 'inline' ? 'inline' : 'worker'
const count = Number(args[1] ?? 50)
/** Profile the page's load instead (a second load of the same tab: its set-up comes back from sessionStorage). */
const load = process.argv.includes('--load') || process.argv.includes('--cold')
/** Profile the first load of the page in a new browser (no code cache), as the benches open it: trace only. */
const cold = process.argv.includes('--cold')
/**
 * Long tasks since the page loaded, kept as [start, duration] in `window.__longTasks` beside `window.__actions` (the
 * set-up's steps, [start, label]); resolves after `settleMs` (the buffered entries come in an observer task).
 */
const observeSinceLoad = (actions: string, settleMs: number) => `(() => {
  window.__longTasks = []
  new PerformanceObserver((list) => { for (const e of list.getEntries()) window.__longTasks.push([Math.round(e.startTime), Math.round(e.duration)]) }).observe({ type: 'longtask', buffered: true })
  window.__actions = ${actions}
  return new Promise((resolve) => setTimeout(() => resolve(true), ${settleMs}))
})()`
const outDir = process.env.PROFILE_DIST
if (!outDir) throw new Error('PROFILE_DIST: a build (vite build --minify false) to profile')
const { baseUrl, floodUrl, browser, close } = await serveForProfile(outDir, [
  '--disable-background-networking',
  '--disable-dev-shm-usage',
])
try {
  const query = `endpoint=${encodeURIComponent(floodUrl)}&keepalive=1`
  const cdp = await browser.newBrowserCDPSession()
  const events = collectTraceEvents(cdp)
  const startTracing = () =>
    cdp.send('Tracing.start', {
      categories: 'devtools.timeline,disabled-by-default-devtools.timeline,v8.execute,v8',
      transferMode: 'ReportEvents',
    })
  if (cold) await startTracing()
  const tab = await QuietTab.open(
    browser,
    `${baseUrl}/?${query}`,
    undefined,
    `window.__playgroundSessionHost = '${host}'`,
  )
  await tab.waitFor(`window.playground && window.playground.connections.length === 1`, 30_000)
  // What the idle bench counts as the set-up's longest task: long tasks since the page loaded.
  await tab.evaluate(observeSinceLoad(`[[0, 'load'], [Math.round(performance.now()), 'loaded']]`, 0))
  const first = await tab.evaluate<string>(`window.playground.connections[0].name`)
  await new Promise((resolve) => setTimeout(resolve, 500))
  if (!cold) await startTracing()
  // PROFILE_CPU=0: the trace only (starting the profiler is itself a task of 60–100 ms, listed before the set-up).
  const profiling = process.env.PROFILE_CPU !== '0'
  if (profiling) {
    await tab.send('Profiler.enable')
    await tab.send('Profiler.setSamplingInterval', { interval: 200 })
    await tab.send('Profiler.start')
  }
  if (load && !cold) {
    await tab.evaluate(`(location.href = location.href.replace('keepalive=1', 'keepalive=1&again'), true)`)
    await tab.waitFor(
      `location.href.includes('again') && window.playground && window.playground.connections.length === 1`,
      30_000,
    )
    await tab.evaluate(observeSinceLoad(`[[0, 'load']]`, 500))
  }
  const before = await tab.mainThreadMs()
  const t0 = Date.now()
  if (!load)
    for (let i = 1; i < count; i++)
      await tab.evaluate(
        `(console.timeStamp('duplicate ${i}'), window.__actions.push([Math.round(performance.now()), 'duplicate ${i}']), document.querySelector(${JSON.stringify(`button[aria-label="Duplicate ${first}"]`)}).click(), true)`,
      )
  if (!load) await tab.waitFor(`window.playground.connections.length === ${count}`, 30_000)
  await new Promise((resolve) => setTimeout(resolve, 300))
  const duplicated = await tab.mainThreadMs()
  const t1 = Date.now()
  if (!load)
    await tab.evaluate(
      `(console.timeStamp('connect all'), window.__actions.push([Math.round(performance.now()), 'connect all']), document.querySelectorAll('button[aria-label^="Connect "]').forEach((b) => b.click()), true)`,
    )
  if (!load) await tab.waitFor(`window.playground.connections.every((c) => c.readyState === 1)`, 60_000, 100)
  await new Promise((resolve) => setTimeout(resolve, 300))
  const connected = await tab.mainThreadMs()
  const t2 = Date.now()
  const { longTasks, actions } = await tab.evaluate<{ longTasks: [number, number][]; actions: [number, string][] }>(
    `({ longTasks: window.__longTasks, actions: window.__actions })`,
  )
  console.log(
    `long tasks (Long Tasks API, since load): ${longTasks.map(([at, ms]) => `${ms} ms at ${at} (${actions.filter((a) => a[0] <= at).pop()?.[1]})`).join(', ') || 'none'}`,
  )
  const { profile } = profiling
    ? await tab.send<{ profile: CpuProfile }>('Profiler.stop')
    : { profile: { nodes: [], startTime: 0, samples: [], timeDeltas: [] } as CpuProfile }
  const done = new Promise((resolve) => cdp.once('Tracing.tracingComplete', resolve))
  await cdp.send('Tracing.end')
  await done
  console.log(
    `${host} host, ${count} connections: duplicating ${t1 - t0} ms wall, ${(duplicated - before).toFixed(0)} ms main-thread tasks; connecting ${t2 - t1} ms wall, ${(connected - duplicated).toFixed(0)} ms tasks; load ${loadavg()[0]!.toFixed(1)}`,
  )

  // The tab's main thread: the renderer main thread with the most task time.
  const mains = new Set(
    events.filter((e) => e.name === 'thread_name' && e.args?.name === 'CrRendererMain').map((e) => `${e.pid}:${e.tid}`),
  )
  const tasksOf = new Map<string, TraceEvent[]>()
  for (const e of events) {
    const key = `${e.pid}:${e.tid}`
    if (!mains.has(key) || e.name !== 'RunTask' || e.dur === undefined) continue
    const list = tasksOf.get(key)
    if (list) list.push(e)
    else tasksOf.set(key, [e])
  }
  const [mainKey, tasks] = [...tasksOf].sort(
    (a, b) => b[1].reduce((s, e) => s + e.dur!, 0) - a[1].reduce((s, e) => s + e.dur!, 0),
  )[0]!
  if (process.env.PROFILE_THREADS)
    for (const [key, list] of tasksOf)
      console.log(
        `renderer main ${key}: ${list.length} tasks, ${list.reduce((s, e) => s + e.dur!, 0) / 1000} ms; ≥ 50 ms: ${list
          .filter((e) => e.dur! >= 50_000)
          .map((e) => `${(e.dur! / 1000).toFixed(0)}/${((e.tdur ?? 0) / 1000).toFixed(0)}`)
          .join(' ')}`,
      )
  const stamps = events
    .filter((e) => e.name === 'TimeStamp' && `${e.pid}:${e.tid}` === mainKey)
    .map((e) => ({ ts: e.ts, label: e.args?.data?.message ?? '?' }))
    .sort((a, b) => a.ts - b.ts)
  const actionAt = (ts: number) => stamps.filter((s) => s.ts <= ts).pop()?.label ?? '(before)'
  // Each task's own time by kind of nested event (script, style, layout, paint…).
  const nested = (task: TraceEvent) => {
    const by = new Map<string, number>()
    for (const e of events)
      if (
        `${e.pid}:${e.tid}` === mainKey &&
        e.ph === 'X' &&
        e.dur !== undefined &&
        e !== task &&
        e.ts >= task.ts &&
        e.ts + e.dur <= task.ts + task.dur! &&
        /^(v8\.compile.*|v8\.produce.*|V8\.CompileCode|ParseHTML|ParseAuthorStyleSheet|FunctionCall|EvaluateScript|v8\.evaluateModule|UpdateLayoutTree|Layout|Paint|PrePaint|Layerize|HitTest|ParseHTML|TimerFire|FireAnimationFrame|EventDispatch|V8\.Execute|v8\.run)$/.test(
          e.name,
        )
      )
        by.set(e.name, (by.get(e.name) ?? 0) + e.dur / 1000)
    return [...by]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 5)
      .map(([n, ms]) => `${n} ${ms.toFixed(0)}`)
      .join(', ')
  }
  // CPU profile samples inside a task, self time by function.
  const selfIn = selfTimeIn(profile)
  const phases = new Map<string, { wall: number; cpu: number; n: number; longest: number }>()
  for (const t of tasks) {
    const phase = actionAt(t.ts).replace(/ \d+$/, '')
    const p = phases.get(phase) ?? { wall: 0, cpu: 0, n: 0, longest: 0 }
    p.wall += t.dur! / 1000
    p.cpu += (t.tdur ?? 0) / 1000
    p.n++
    p.longest = Math.max(p.longest, t.dur! / 1000)
    phases.set(phase, p)
  }
  console.log('by phase (tasks, ms wall, ms CPU, longest task ms):')
  for (const [phase, p] of phases)
    console.log(
      `  ${phase}: ${p.n} tasks, ${p.wall.toFixed(0)} wall, ${p.cpu.toFixed(0)} CPU, longest ${p.longest.toFixed(0)}`,
    )
  // Each phase's tasks' samples together, self time by function; and the duplicates' CPU as the list grows.
  for (const phase of phases.keys()) {
    const self = new Map<string, number>()
    for (const t of tasks)
      if (actionAt(t.ts).replace(/ \d+$/, '') === phase)
        for (const [name, ms] of selfIn(t.ts, t.ts + t.dur!)) self.set(name, (self.get(name) ?? 0) + ms)
    console.log(`${phase}, self time by function (ms, all its tasks):`)
    for (const [name, ms] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 12))
      console.log(`      ${ms.toFixed(1).padStart(7)}  ${name}`)
  }
  const cpuOf = (label: string) =>
    tasks.filter((t) => actionAt(t.ts) === label).reduce((s, t) => s + (t.tdur ?? 0) / 1000, 0)
  console.log(
    `CPU ms of the tasks after duplicate 1, 10, 20, 30, 40, ${count - 1}: ${[1, 10, 20, 30, 40, count - 1].map((i) => cpuOf(`duplicate ${i}`).toFixed(0)).join(', ')}`,
  )
  const top = Number(process.env.PROFILE_TOP) || 4
  const long = [...tasks].sort((a, b) => b.dur! - a.dur!).slice(0, top)
  const busiest = [...tasks].sort((a, b) => (b.tdur ?? 0) - (a.tdur ?? 0)).slice(0, top)
  console.log('longest main-thread tasks (wall), then the most CPU:')
  for (const t of [...long, ...busiest]) {
    console.log(
      `  ${(t.dur! / 1000).toFixed(0)} ms wall / ${((t.tdur ?? 0) / 1000).toFixed(0)} ms CPU, after "${actionAt(t.ts)}": ${nested(t)}`,
    )
    for (const [name, ms] of selfIn(t.ts, t.ts + t.dur!).slice(0, 8))
      console.log(`      ${ms.toFixed(1).padStart(7)}  ${name}`)
  }
  await cdp.detach()
  await tab.close()
} finally {
  await close()
}
