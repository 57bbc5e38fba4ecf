/**
 * The flood rows (issues 13 and 17), side by side in one run: 50,000 messages from `e2e/flood-server.ts` over one
 * connection and over ten flooding at once, read by a bare page counting on its main thread, a bare page counting in
 * a worker, and the playground with its sockets on the main thread (inline host) and in a worker; in paired rounds
 * (paired-rounds.ts), in tabs Playwright does not instrument (quiet-tab.ts says why). The playground is driven through
 * its own controls (Duplicate, Connect, Send / Send to all) and a real click lands on a filter checkbox 150 ms into
 * every flood. `npm run bench -- --flood-only` runs just these; `npx tsx bench/host-only.ts URL` against a page
 * already served.
 */
import { loadavg } from 'node:os'
import { chromium, type Browser } from '@playwright/test'
import { startFloodServer } from '../e2e/flood-server'
import { QuietTab } from './quiet-tab'
import { listRounds, median, pairedRounds, roundRatios } from './paired-rounds'
import { cpuPerMessage, markedBrowser, threadTimes, type FloodCpu, type ThreadTimes } from './thread-cpu'

export type Host = 'inline' | 'worker'

export interface Flooded {
  perSecond: number
  /** Main-thread task time during the flood divided by the messages. */
  mainThreadUs: number
  /** The longest main-thread task in the flood (0: none of 50 ms or more, the Long Tasks API's threshold). */
  longestTaskMs?: number
  /** Event Timing of the click during the flood, input to paint (16: under 16 ms, the API's least). */
  clickMs?: number
  /** Where the click's time went (its longest Event Timing entry); absent under 16 ms. */
  clickSplit?: ClickSplit
  /** The browser's CPU per message over the flood, by thread (absent where /proc is not readable). */
  cpu?: FloodCpu
}

/**
 * An Event Timing entry's parts: input delay (startTime → processingStart: the thread was busy), handlers
 * (processingStart → processingEnd) and presentation (processingEnd → the next paint: rendering, compositing).
 */
export interface ClickSplit {
  event: string
  inputDelay: number
  handlers: number
  presentation: number
}

export interface PlaygroundFigures {
  perSecond: number
  /** Per round, in order, and their median. */
  roundsToBare: number[]
  ratioToBare: number
  roundsToBareWorker: number[]
  ratioToBareWorker: number
  /** The longest of every round's (each round's in `longestTasks`). */
  longestTaskMs: number
  longestTasks: number[]
  clickMs: number
  clicks: number[]
  clickSplits: (ClickSplit | undefined)[]
  mainThreadUs: number
}

export interface FloodCase {
  connections: number
  messages: number
  barePerSecond: number
  bareWorkerPerSecond: number
  bareMainThreadUs: number
  bareWorkerMainThreadUs: number
  /**
   * The bare worker page ÷ the bare main-thread page, per round and their median: what moving nothing but the
   * counting into a worker gains on this machine, the most a page with its sockets in a worker can expect over the
   * bare main-thread page.
   */
  bareWorkerToBareRounds: number[]
  bareWorkerToBare: number
  /** The same click on a bare page's checkbox during its flood (what the machine itself allows), every round. */
  bareClicks: number[]
  bareWorkerClicks: number[]
  /** The bare pages' longest main-thread task in each round (0: none of 50 ms): what the machine's load alone makes. */
  bareLongestTasks: number[]
  bareWorkerLongestTasks: number[]
  playground: Record<Host, PlaygroundFigures>
  /**
   * Each contender's browser CPU per message over the flood, by thread, the median of its rounds for each part
   * (absent without /proc): what the page itself costs beside what every page pays in the browser's IO threads.
   */
  cpu?: Record<'bare' | 'bareWorker' | Host, FloodCpu>
  /** The 1-minute load average after each round. */
  loads: number[]
}

/** BENCH_FLOOD_CONNECTIONS (e.g. `10`): only those cases, for A/B runs of one of them. */
const CONNECTIONS = process.env.BENCH_FLOOD_CONNECTIONS
  ? process.env.BENCH_FLOOD_CONNECTIONS.split(',').map(Number)
  : [1, 10]

export async function runFloodBench(
  baseUrl: string,
  executablePath: string | undefined,
  options: { messages?: number; rounds?: number } = {},
): Promise<FloodCase[]> {
  const messages = options.messages ?? 50_000
  const rounds = options.rounds ?? (Number(process.env.BENCH_FLOOD_ROUNDS) || 5)
  const flood = await startFloodServer()
  const marker = `--flood-bench=${process.pid}`
  const browser = await chromium.launch({
    executablePath,
    args: ['--disable-background-networking', '--disable-dev-shm-usage', marker],
  })
  const cpu = cpuReader(markedBrowser(marker))
  try {
    const cases: FloodCase[] = []
    for (const connections of CONNECTIONS) {
      const loads: number[] = []
      const runs = await pairedRounds(
        rounds,
        {
          bare: () => bareFlood(browser, flood.url, messages, connections, false, cpu),
          bareWorker: () => bareFlood(browser, flood.url, messages, connections, true, cpu),
          inline: () => playgroundFlood(browser, baseUrl, flood.url, messages, connections, 'inline', cpu),
          worker: () => playgroundFlood(browser, baseUrl, flood.url, messages, connections, 'worker', cpu),
        },
        (round, r) => {
          loads.push(loadavg()[0]!)
          const rate = (f: Flooded) => Math.round(f.perSecond)
          console.log(
            `  ${connections} connection(s), round ${round + 1}: bare ${rate(r.bare)}, bare worker ${rate(r.bareWorker)}, inline ${rate(r.inline)}, worker ${rate(r.worker)} msg/s; longest task bare ${r.bare.longestTaskMs} / bare worker ${r.bareWorker.longestTaskMs} / inline ${r.inline.longestTaskMs} / worker ${r.worker.longestTaskMs} ms (load ${loads.at(-1)!.toFixed(1)})`,
          )
          console.log(
            `    click ms: bare ${clickText(r.bare)}, bare worker ${clickText(r.bareWorker)}, inline ${clickText(r.inline)}, worker ${clickText(r.worker)}`,
          )
        },
      )
      const rates = (f: Flooded[]) => f.map((x) => x.perSecond)
      const figures = (host: Host): PlaygroundFigures => {
        const toBare = roundRatios(rates(runs[host]), rates(runs.bare))
        const toWorker = roundRatios(rates(runs[host]), rates(runs.bareWorker))
        const longestTasks = runs[host].map((f) => f.longestTaskMs ?? 0)
        const clicks = runs[host].map((f) => f.clickMs ?? 0)
        return {
          perSecond: median(rates(runs[host])),
          roundsToBare: toBare,
          ratioToBare: median(toBare),
          roundsToBareWorker: toWorker,
          ratioToBareWorker: median(toWorker),
          longestTaskMs: Math.max(...longestTasks),
          longestTasks,
          clickMs: Math.max(...clicks),
          clicks,
          clickSplits: runs[host].map((f) => f.clickSplit),
          mainThreadUs: median(runs[host].map((f) => f.mainThreadUs)),
        }
      }
      const result: FloodCase = {
        connections,
        messages: Math.floor(messages / connections) * connections,
        barePerSecond: median(rates(runs.bare)),
        bareWorkerPerSecond: median(rates(runs.bareWorker)),
        bareMainThreadUs: median(runs.bare.map((f) => f.mainThreadUs)),
        bareWorkerMainThreadUs: median(runs.bareWorker.map((f) => f.mainThreadUs)),
        bareWorkerToBareRounds: roundRatios(rates(runs.bareWorker), rates(runs.bare)),
        bareWorkerToBare: median(roundRatios(rates(runs.bareWorker), rates(runs.bare))),
        bareClicks: runs.bare.map((f) => f.clickMs ?? 0),
        bareWorkerClicks: runs.bareWorker.map((f) => f.clickMs ?? 0),
        bareLongestTasks: runs.bare.map((f) => f.longestTaskMs ?? 0),
        bareWorkerLongestTasks: runs.bareWorker.map((f) => f.longestTaskMs ?? 0),
        playground: { inline: figures('inline'), worker: figures('worker') },
        cpu: medianCpu(runs),
        loads,
      }
      console.log(
        `  ${connections} connection(s), bare worker page: ÷ bare ${result.bareWorkerToBare.toFixed(2)} (${listRounds(result.bareWorkerToBareRounds)})`,
      )
      for (const host of ['inline', 'worker'] as const) {
        const p = result.playground[host]
        console.log(
          `  ${connections} connection(s), ${host} host: ÷ bare ${p.ratioToBare.toFixed(2)} (${listRounds(p.roundsToBare)}), ÷ bare worker ${p.ratioToBareWorker.toFixed(2)} (${listRounds(p.roundsToBareWorker)})`,
        )
      }
      if (result.cpu)
        console.log(
          `  ${connections} connection(s), browser CPU µs per message, all threads: ${(['bare', 'bareWorker', 'inline', 'worker'] as const).map((k) => `${k} ${cpuText(result.cpu![k])}`).join(', ')}`,
        )
      cases.push(result)
    }
    return cases
  } finally {
    await browser.close()
    await flood.close()
  }
}

/**
 * The bare page: `connections` sockets share the messages and only count them, on the main thread or in a worker;
 * once all are open each asks for its share at the same moment; timed from the sends to the last message of all.
 */
export const BARE_COUNTER = (url: string, each: number, connections: number) => `
  let count = 0, open = 0, t0 = 0
  const sockets = []
  for (let i = 0; i < ${connections}; i++) {
    const ws = new WebSocket(${JSON.stringify(url)})
    sockets.push(ws)
    ws.onopen = () => { if (++open === ${connections}) { t0 = performance.now(); for (const s of sockets) s.send('flood ${each}') } }
    ws.onmessage = () => { if (++count === ${each * connections}) { done(performance.now() - t0); for (const s of sockets) s.close() } }
    ws.onerror = () => fail('bare page: socket error')
  }`

/** Where the playground's "Regular expression" checkbox sits in the bench's 1440×900 viewport (top left). */
const FILTER_CHECKBOX = { x: 635, y: 682 }

export async function bareFlood(
  browser: Browser,
  url: string,
  messages: number,
  connections: number,
  inWorker: boolean,
  cpu: CpuReader = noCpu,
): Promise<Flooded> {
  const tab = await QuietTab.open(browser, 'about:blank')
  try {
    const each = Math.floor(messages / connections)
    const body = BARE_COUNTER(url, each, connections)
    // The control for the playground's click: a plain checkbox on the bare page where the playground's filter
    // checkbox is (at 1440×900), clicked the same way.
    const box = await tab.evaluate<{ x: number; y: number }>(`(() => {
      const label = document.body.appendChild(document.createElement('label'))
      label.style.cssText = 'position: absolute; left: ${FILTER_CHECKBOX.x}px; top: ${FILTER_CHECKBOX.y}px'
      const input = label.appendChild(document.createElement('input'))
      input.type = 'checkbox'
      label.append(' Regular expression')
      const r = input.getBoundingClientRect()
      return { x: r.x + r.width / 2, y: r.y + r.height / 2 }
    })()`)
    await tab.evaluate(OBSERVE)
    const script = inWorker
      ? `new Promise((resolve, reject) => {
          const source = 'const done = (ms) => postMessage({ ms }); const fail = (e) => postMessage({ error: e });' + ${JSON.stringify(body)}
          const worker = new Worker(URL.createObjectURL(new Blob([source], { type: 'text/javascript' })))
          // Not terminated: its thread's CPU time is read after the flood (the tab's closing ends it).
          worker.onmessage = (e) => { e.data.error ? reject(new Error(e.data.error)) : resolve(e.data.ms) }
        })`
      : `new Promise((resolve, reject) => { const done = resolve; const fail = (e) => reject(new Error(e)); ${body} })`
    const before = await tab.mainThreadMs()
    const threadsBefore = cpu.read()
    await tab.evaluate(`(window.__flood = ${script}, true)`)
    await new Promise((resolve) => setTimeout(resolve, 150))
    await tab.click(box.x, box.y)
    const ms = await tab.evaluate<number>('window.__flood')
    const received = each * connections
    const threadsAfter = cpu.read()
    const mainThreadUs = ((await tab.mainThreadMs()) - before) * (1000 / received)
    const clicked = await tab.evaluate<ClickResult & { checked: boolean }>(
      `({ ...(${CLICK_RESULT}), checked: document.querySelector('input').checked })`,
    )
    if (!clicked.checked) throw new Error('bare page: the click during the flood was lost')
    return {
      perSecond: (received / ms) * 1000,
      mainThreadUs,
      ...clickFigures(clicked),
      cpu: cpu.perMessage(threadsBefore, threadsAfter, received),
    }
  } finally {
    await tab.close()
  }
}

/**
 * Observers installed before the flood: long tasks, and Event Timing for input to the next paint (≥ 16 ms only),
 * each event's split kept.
 */
const OBSERVE = `(() => {
  window.__longTasks = []
  window.__inputs = []
  new PerformanceObserver((list) => { for (const e of list.getEntries()) window.__longTasks.push(e.duration) }).observe({ type: 'longtask' })
  new PerformanceObserver((list) => {
    for (const e of list.getEntries())
      window.__inputs.push({ event: e.name, duration: e.duration, inputDelay: e.processingStart - e.startTime, handlers: e.processingEnd - e.processingStart, presentation: e.startTime + e.duration - e.processingEnd })
  }).observe({ type: 'event', durationThreshold: 16 })
  return true
})()`

/** The longest Event Timing entry (the click's duration) and the longest task, read after the flood. */
const CLICK_RESULT = `(() => {
  const longest = window.__inputs.reduce((a, e) => (!a || e.duration > a.duration ? e : a), undefined)
  return { longest: Math.max(0, ...window.__longTasks), click: Math.max(16, longest ? longest.duration : 0), split: longest }
})()`

interface ClickResult {
  longest: number
  click: number
  split?: ClickSplit & { duration: number }
}

function clickFigures(r: ClickResult): Pick<Flooded, 'longestTaskMs' | 'clickMs' | 'clickSplit'> {
  const round = (ms: number) => Math.round(ms * 10) / 10
  return {
    longestTaskMs: r.longest,
    clickMs: r.click,
    clickSplit: r.split && {
      event: r.split.event,
      inputDelay: round(r.split.inputDelay),
      handlers: round(r.split.handlers),
      presentation: round(r.split.presentation),
    },
  }
}

/** "144 (pointerdown: delay 3.2 + handlers 0.4 + presentation 140.4)", or "< 16". */
export function clickText(f: Flooded): string {
  const s = f.clickSplit
  if (!s) return '< 16'
  return `${Math.round(f.clickMs ?? 0)} (${s.event}: delay ${s.inputDelay} + handlers ${s.handlers} + presentation ${s.presentation})`
}

interface LoggedEntry {
  kind: string
  at: number
  data?: string
}

/**
 * Opens the playground with `host` chosen before it loads, its first connection from a `?endpoint=…` link, and
 * duplicates and connects it through its own buttons until `connections` are open. Checks where the sockets run.
 */
export async function openPlayground(
  browser: Browser,
  baseUrl: string,
  query: string,
  connections: number,
  host: Host,
): Promise<QuietTab> {
  const tab = await QuietTab.open(
    browser,
    `${baseUrl}/?${query}`,
    undefined,
    `window.__playgroundSessionHost = '${host}'`,
  )
  try {
    await tab.waitFor(`window.playground && window.playground.connections.length === 1`, 30_000)
    const first = await tab.evaluate<string>(`window.playground.connections[0].name`)
    // Marks for the idle bench, which tells the page's load from the duplicates and the connects (its long tasks).
    await tab.evaluate(`(performance.mark('bench:duplicating'), true)`)
    for (let i = 1; i < connections; i++)
      await tab.evaluate(
        `(document.querySelector(${JSON.stringify(`button[aria-label="Duplicate ${first}"]`)}).click(), true)`,
      )
    await tab.waitFor(`window.playground.connections.length === ${connections}`, 30_000)
    await tab.evaluate(
      `(performance.mark('bench:connecting'), document.querySelectorAll('button[aria-label^="Connect "]').forEach((b) => b.click()), true)`,
    )
    await tab.waitFor(`window.playground.connections.every((c) => c.readyState === 1)`, 60_000, 100)
    const onMainThread = await tab.evaluate<number>('window.__mainThreadSockets')
    if (onMainThread !== (host === 'worker' ? 0 : connections))
      throw new Error(`${host} host: ${onMainThread} of ${connections} sockets were made on the main thread`)
    return tab
  } catch (error) {
    await tab.close()
    throw error
  }
}

/**
 * The playground flooded through Send (one connection) or Send to all; a real click on a filter checkbox 150 ms in.
 * Timed by the log's own entries, from the first send to the last message, as the bare page times its sends and its
 * last onmessage; the connections' counters must account for every message.
 */
export async function playgroundFlood(
  browser: Browser,
  baseUrl: string,
  floodUrl: string,
  messages: number,
  connections: number,
  host: Host,
  cpu: CpuReader = noCpu,
): Promise<Flooded> {
  const tab = await openPlayground(browser, baseUrl, `endpoint=${encodeURIComponent(floodUrl)}`, connections, host)
  const each = Math.floor(messages / connections)
  const received = each * connections
  try {
    const box = await tab.evaluate<{ x: number; y: number }>(`(() => {
      document.querySelector('input[name="composer-mode"][value="text"]').click()
      const text = document.querySelector('textarea[aria-label="Message"]')
      text.value = 'flood ${each}'
      text.dispatchEvent(new Event('input'))
      const r = document.querySelector('input[aria-label="Regular expression"]').getBoundingClientRect()
      return { x: r.x + r.width / 2, y: r.y + r.height / 2 }
    })()`)
    await new Promise((resolve) => setTimeout(resolve, 300)) // let the composer's update settle before the flood
    const before = await tab.evaluate<number>(`window.playground.log.total`)
    await tab.evaluate(OBSERVE)
    const busyBefore = await tab.mainThreadMs()
    const threadsBefore = cpu.read()
    const button =
      connections > 1
        ? 'button[title="Send to every OPEN connection of this tab"]'
        : 'button.primary[title="Ctrl+Enter"]'
    await tab.evaluate(`(document.querySelector(${JSON.stringify(button)}).click(), true)`)
    await new Promise((resolve) => setTimeout(resolve, 150))
    await tab.click(box.x, box.y)
    await tab.waitFor(
      `window.playground.log.total >= ${before + received + connections} && window.playground.connections.reduce((n, c) => n + c.receivedCount, 0) >= ${received}`,
      180_000,
      100,
    )
    // Read as soon as the page has every message: a bare page's reading follows its last message at once; this one
    // lags by up to one poll (100 ms) of an idle page.
    const threadsAfter = cpu.read()
    const mainThreadUs = ((await tab.mainThreadMs()) - busyBefore) * (1000 / received)
    const result = await tab.evaluate<
      ClickResult & {
        firstSent?: LoggedEntry
        last?: LoggedEntry
        sent: number
        received: number
        checked: boolean
      }
    >(`({
      ...(${CLICK_RESULT}),
      firstSent: window.playground.log.entries(${before}, ${before + 100}).find((e) => e.kind === 'sent'),
      last: window.playground.log.entries(-1)[0],
      sent: window.playground.connections.reduce((n, c) => n + c.sentCount, 0),
      received: window.playground.connections.reduce((n, c) => n + c.receivedCount, 0),
      checked: document.querySelector('input[aria-label="Regular expression"]').checked,
    })`)
    if (
      result.sent !== connections ||
      result.received !== received ||
      result.firstSent?.kind !== 'sent' ||
      result.last?.kind !== 'received' ||
      !result.last.data?.startsWith(`{"n":${each},`)
    )
      throw new Error(
        `${host} host: expected ${connections} sends and ${received} messages, got ${result.sent} and ${result.received}; log ends ${JSON.stringify({ firstSent: result.firstSent, last: result.last?.kind })}`,
      )
    if (!result.checked) throw new Error(`${host} host: the click during the flood was lost`)
    const ms = result.last.at - result.firstSent.at
    return {
      perSecond: (received / ms) * 1000,
      mainThreadUs,
      ...clickFigures(result),
      cpu: cpu.perMessage(threadsBefore, threadsAfter, received),
    }
  } finally {
    await tab.close()
  }
}

/** Reads the bench browser's threads' CPU (thread-cpu.ts); without /proc (or the browser's pid) it reads nothing. */
interface CpuReader {
  read(): ThreadTimes | undefined
  perMessage(before: ThreadTimes | undefined, after: ThreadTimes | undefined, messages: number): FloodCpu | undefined
}

const noCpu: CpuReader = { read: () => undefined, perMessage: () => undefined }

function cpuReader(browserPid: number | undefined): CpuReader {
  if (browserPid === undefined) return noCpu
  return {
    read: () => threadTimes(browserPid),
    perMessage: (before, after, messages) => (before && after ? cpuPerMessage(before, after, messages) : undefined),
  }
}

/** Each contender's median of every part over its rounds; undefined if any round lacks the figures. */
function medianCpu(runs: Record<'bare' | 'bareWorker' | Host, Flooded[]>): FloodCase['cpu'] {
  const out = {} as NonNullable<FloodCase['cpu']>
  for (const [name, rounds] of Object.entries(runs) as [keyof typeof runs, Flooded[]][]) {
    const all = rounds.map((f) => f.cpu)
    if (all.some((c) => !c)) return undefined
    const part = (k: keyof FloodCpu) => median(all.map((c) => c![k]))
    out[name] = { all: part('all'), page: part('page'), rendererIo: part('rendererIo'), network: part('network') }
  }
  return out
}

/** "52 (page 20, renderer IO 14, network 13)", µs per message. */
export function cpuText(c: FloodCpu): string {
  return `${c.all.toFixed(0)} (page ${c.page.toFixed(0)}, renderer IO ${c.rendererIo.toFixed(0)}, network ${c.network.toFixed(0)})`
}
