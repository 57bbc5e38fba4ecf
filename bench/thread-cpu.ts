/**
 * Where a flood's CPU goes, from /proc (Linux; other systems get no figures): the browser's threads by name, summed
 * over its processes. A page's profile cannot say this: most of what a message costs is spent outside the page's
 * JavaScript, in the network service's IO thread and the renderer's IO thread, which every page pays alike.
 */
import { execFileSync } from 'node:child_process'
import { readdirSync, readFileSync } from 'node:fs'

/** The kernel's clock tick in ms (/proc counts CPU time in ticks), asked once: the bench reads /proc around every flood. */
let tickCache: number | undefined
function tickMs(): number {
  tickCache ??= 1000 / Number(execFileSync('getconf', ['CLK_TCK']).toString().trim() || 100)
  return tickCache
}

/** Each thread's name and CPU time so far, by `pid/tid`. */
export type ThreadTimes = Map<string, { name: string; ms: number }>

/**
 * CPU time (user + system, ms) of the threads of a process and its descendants, summed by thread name: Chromium's
 * processes' main threads show as `main`, a dedicated worker's thread as DedicatedWorker (Linux only; 10 ms ticks).
 */
export function threadCpu(root: number): Map<string, number> {
  const byName = new Map<string, number>()
  for (const { name, ms } of threadTimes(root).values()) byName.set(name, (byName.get(name) ?? 0) + ms)
  return byName
}

/** The same, thread by thread: a difference of two readings then leaves out threads that ended between them. */
export function threadTimes(root: number): ThreadTimes {
  const tick = tickMs()
  const children = new Map<number, number[]>()
  const stat = (path: string) => {
    try {
      const text = readFileSync(path, 'utf8')
      const close = text.lastIndexOf(')')
      const comm = text.slice(text.indexOf('(') + 1, close)
      const fields = text.slice(close + 2).split(' ')
      // After the name: state, ppid, …; utime and stime are the 14th and 15th fields of the whole line.
      return { comm, ppid: Number(fields[1]), cpu: (Number(fields[11]) + Number(fields[12])) * tick }
    } catch {
      return undefined
    }
  }
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    const s = stat(`/proc/${entry}/stat`)
    if (s) children.set(s.ppid, [...(children.get(s.ppid) ?? []), Number(entry)])
  }
  const times: ThreadTimes = new Map()
  for (const pids = [root]; pids.length;) {
    const pid = pids.pop()!
    pids.push(...(children.get(pid) ?? []))
    let tasks: string[] = []
    let type = 'browser'
    try {
      tasks = readdirSync(`/proc/${pid}/task`)
      // Chromium rewrites its children's command lines (one string, spaces between the switches).
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8')
      type = /--type=(\S+)/.exec(cmdline)?.[1] ?? type
      type = /--utility-sub-type=\S*?(\w+)\s/.exec(cmdline + ' ')?.[1] ?? type
    } catch {
      continue
    }
    for (const tid of tasks) {
      const s = stat(`/proc/${pid}/task/${tid}/stat`)
      const name = `${type} ${s?.comm === 'chromium' ? 'main' : s?.comm}`
      if (s) times.set(`${pid}/${tid}`, { name, ms: s.cpu })
    }
  }
  return times
}

/**
 * The browser launched with `marker` among its switches (e.g. `--flood-bench=<this pid>`: Chromium ignores a switch
 * it does not know; its child processes inherit none).
 */
export function markedBrowser(marker: string): number | undefined {
  const marked = readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((entry) => {
      try {
        return readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes(marker)
      } catch {
        return false
      }
    })
    .map(Number)
  // The lowest pid: the browser itself rather than a helper it started with the same switches.
  return marked.length ? Math.min(...marked) : undefined
}

/** A flood's CPU per message, µs, from two `threadTimes` readings (a thread started between them counts whole). */
export interface FloodCpu {
  /** Every thread of the browser's processes. */
  all: number
  /** The page's own: its main thread, its workers, and the renderer's pool (V8's garbage collection helpers). */
  page: number
  /** The renderer's IO thread: every frame's message from the network service passes through it. */
  rendererIo: number
  /** The network service's IO thread: the socket, the WebSocket framing. */
  network: number
}

export function cpuPerMessage(before: ThreadTimes, after: ThreadTimes, messages: number): FloodCpu {
  const out: FloodCpu = { all: 0, page: 0, rendererIo: 0, network: 0 }
  for (const [task, { name, ms }] of after) {
    const us = ((ms - (before.get(task)?.ms ?? 0)) * 1000) / messages
    out.all += us
    if (/^renderer (main|DedicatedWorker|ThreadPoolForeg)/.test(name)) out.page += us
    else if (name === 'renderer Chrome_ChildIOT') out.rendererIo += us
    else if (name === 'NetworkService Chrome_ChildIOT') out.network += us
  }
  return out
}
