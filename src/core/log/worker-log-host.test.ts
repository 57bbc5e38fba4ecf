import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { HostUpdate } from '../session/host-protocol'
import { WorkerHost } from '../session/worker-host'
import { channelWorkerHost } from '../test-support/channel-worker-host'
import { startEchoServer, until } from '../test-support/ws-test-server'
import { LogCore, type LogCounters } from './log-core'
import { KEPT_HEAD_CHARS, KEPT_TAIL_CHARS } from './log-buffer'
import { ROW_PREVIEW_CHARS } from './log-worker-side'
import { WorkerLogHost } from './worker-log-host'

type EchoServer = Awaited<ReturnType<typeof startEchoServer>>

// The log in the connections worker, both halves joined in Node through the structured-clone channel (the worker
// side runs the sockets on the `ws` client against a real echo server). The page gets counters and asks for rows.
describe('WorkerLogHost and the worker’s log', () => {
  let server: EchoServer
  let host: WorkerHost
  let log: WorkerLogHost
  let mirror: LogCore
  let counters: LogCounters[]
  let updates: HostUpdate[]

  beforeEach(async () => {
    server = await startEchoServer()
    counters = []
    updates = []
  })

  afterEach(async () => {
    host.dispose()
    await server.close()
  })

  function start(options: { withWorker: boolean }) {
    const started = channelWorkerHost(server.url, options)
    host = started.host
    const channel = started.channel
    mirror = new LogCore()
    log = new WorkerLogHost(host.logLink, mirror)
    log.onCounters((c) => counters.push(c))
    // As the session store does: socket events reach the page's copy, the worker's log has them already.
    host.onUpdate((u) => {
      updates.push(u)
      for (const e of u.events) log.observe(e)
    })
    return channel
  }
  const latest = () => counters.at(-1)

  it('keeps the log in the worker: counters in batches, rows and exports on request, scripts read the page copy', async () => {
    const channel = start({ withWorker: true })
    expect(log.kind).toBe('worker')
    expect(host.command({ op: 'connect', id: 'c1' })).toEqual({ ok: true })
    await until(() => host.state('c1')?.readyState === 1, 'open')
    for (let i = 0; i < 300; i++) host.command({ op: 'send', id: 'c1', data: i % 3 ? `m${i}` : `needle ${i}` })
    // connecting, open, 300 sent, 300 received
    await until(() => latest()?.total === 602, 'counters')
    expect(channel.received.filter((m) => m.type === 'logCounters').length).toBeLessThan(60)
    expect(latest()).toMatchObject({ matching: 602, dropped: 0, appended: 602, filterActive: false })

    const window = await log.rows(600, 700)
    expect(window.start).toBe(600)
    expect(window.rows.map((e) => e.kind)).toEqual(['received', 'received'])
    expect(window.openedAt).toEqual([[expect.any(Number), expect.any(Number)]])

    // The filter runs in the worker (here without a pattern worker: in the worker's own thread).
    log.setFilter({ text: 'needle', regex: false, direction: 'in' })
    await until(() => latest()?.matching === 100 && latest()!.filterActive, 'filtered')
    expect((await log.rows(0, 2)).rows.map((e) => e.data)).toEqual(['needle 0', 'needle 3'])
    const json = JSON.parse((await log.exportAs('json', { onlyMatching: true, userAgent: 'UA' })).text)
    expect(json.entries).toHaveLength(100)
    expect(json.filter).toEqual({ text: 'needle', regex: false, direction: 'in' })
    log.setFilter({ text: '(', regex: true, direction: 'all' })
    await until(() => latest()?.filterError !== undefined, 'bad pattern')
    expect(latest()?.matching).toBe(100)

    // An event the page records goes to both; scripts read the page's copy, which matches the worker's log once the
    // host's updates (paced during heavy traffic) have brought it every socket event.
    await until(() => mirror.buffer.size === 602, 'page copy caught up')
    log.append({ kind: 'aws', direction: 'none', at: Date.now(), connection: 0, message: 'a call' } as never)
    log.setFilter({ text: '', regex: false, direction: 'all' })
    await until(() => latest()?.total === 603, 'appended')
    await until(() => mirror.buffer.size === 603, 'page copy')
    const all = JSON.parse((await log.exportAs('json', {})).text) as { entries: { seq: number; kind: string }[] }
    expect(mirror.entriesAt(0).map((e) => e.kind)).toEqual(all.entries.map((e) => e.kind))
    expect(log.entriesAt(-1)[0]).toMatchObject({ kind: 'aws', message: 'a call' })

    // Limits, clear and import reach both.
    log.setLimits({ capacity: 100, maxChars: 1024 * 1024 })
    await until(() => latest()?.total === 100, 'resized')
    expect(mirror.buffer.size).toBe(100)
    log.clear()
    await until(() => latest()?.total === 0, 'cleared')
    const line = JSON.stringify({ kind: 'received', direction: 'in', at: 1, connection: 1, data: 'imported' })
    expect(await log.openFile(`${line}\n${line}\n`)).toEqual({ ok: true, summary: '2 entries' })
    await until(() => latest()?.total === 2, 'imported')
    expect((await log.rows(0, 5)).rows.map((e) => e.data)).toEqual(['imported', 'imported'])
  })

  it('sends the counters with the update that brings their events: never ahead of the page’s copy, rarely alone', async () => {
    const channel = start({ withWorker: true })
    // Each time the page hears the counters: how many entries the worker's log and the page's copy hold.
    const seen: [number, number][] = []
    log.onCounters((c) => {
      counters.push(c)
      seen.push([c.total, mirror.buffer.size])
    })
    expect(host.command({ op: 'connect', id: 'c1' })).toEqual({ ok: true })
    await until(() => host.state('c1')?.readyState === 1, 'open')
    for (let i = 0; i < 1000; i++) host.command({ op: 'send', id: 'c1', data: `m${i}` })
    await until(() => latest()?.total === 2002, 'counters')
    expect(seen.every(([total, copy]) => total === copy)).toBe(true)
    const withCounters = channel.received.filter((m) => m.type === 'update' && m.counters !== undefined).length
    const alone = channel.received.filter((m) => m.type === 'logCounters').length
    expect(withCounters).toBeGreaterThan(0)
    expect(alone).toBeLessThanOrEqual(withCounters)
    // A change the page asks for shows at once, in a message of its own.
    log.setFilter({ text: 'm99', regex: false, direction: 'in' })
    await until(() => latest()?.matching === 11 && latest()!.filterActive, 'filtered')
  })

  it('keeps large messages whole in the worker’s log; the page gets them already cut to head and tail, once', async () => {
    const channel = start({ withWorker: true })
    expect(host.command({ op: 'connect', id: 'c1' })).toEqual({ ok: true })
    await until(() => host.state('c1')?.readyState === 1, 'open')
    // Five messages over LARGE_MESSAGE_CHARS (200 KB), each sent and echoed: ten large entries.
    const big = (i: number) => `<${i}${'x'.repeat(200_000)}${i}>`
    for (let i = 0; i < 5; i++) host.command({ op: 'send', id: 'c1', data: big(i) })
    await until(() => mirror.buffer.size === 12, 'page copy')
    await until(() => latest()?.total === 12, 'counters')

    // No update carried a whole one. (Each event's text, not each update's size: when the echoes come quickly, one
    // update carries all ten cut messages, 330 KB, and a bound on the update's size failed half the runs.)
    const crossed = channel.received.filter((m) => m.type === 'update')
    expect(crossed.length).toBeGreaterThan(0)
    const texts = updates.flatMap((u) => u.events.map((e) => e.data?.length ?? 0))
    expect(texts.filter((length) => length > 0)).toHaveLength(10)
    expect(Math.max(...texts)).toBe(KEPT_HEAD_CHARS + KEPT_TAIL_CHARS)
    // The page's copy (window.playground's entries, the kept log) holds head and tail, marked, each counted once.
    const cut = (i: number) => ({ chars: big(i).length, head: KEPT_HEAD_CHARS, tail: KEPT_TAIL_CHARS })
    const headAndTail = (text: string) => text.slice(0, KEPT_HEAD_CHARS) + text.slice(-KEPT_TAIL_CHARS)
    const onPage = log.entriesAt(2).map((e) => ({ kind: e.kind, data: e.data, truncated: e.truncated }))
    for (let i = 0; i < 5; i++) {
      const at = onPage.findIndex((e) => e.kind === 'received' && e.data === headAndTail(big(i)))
      expect(onPage[at]!.truncated).toEqual(cut(i))
    }
    expect(onPage.every((e) => e.data!.length === KEPT_HEAD_CHARS + KEPT_TAIL_CHARS)).toBe(true)
    expect(mirror.counters().truncated).toBe(10)

    // The worker's log has them as the log keeps any: the newest three whole, the older ones cut, for its rows and
    // exports (the inspector shows a selected entry from those rows).
    expect(latest()?.truncated).toBe(7)
    const exported = JSON.parse((await log.exportAs('json', {})).text) as {
      truncated: number
      entries: { kind: string; data?: string; truncated?: unknown }[]
    }
    expect(exported.truncated).toBe(7)
    expect(exported.entries.slice(2).map((e) => (e.truncated ? 'cut' : e.data!.length))).toEqual([
      ...Array<string>(7).fill('cut'),
      ...Array<number>(3).fill(200_004),
    ])
    // Its rows carry only the start of each (listed in `cut`); the selected one is asked for as held.
    const window = await log.rows(0, 12)
    expect(window.cut).toEqual(window.rows.slice(2).map((e) => e.seq))
    expect(window.rows.slice(2).every((e) => e.data!.length === ROW_PREVIEW_CHARS)).toBe(true)
    expect(window.rows.slice(2).map((e) => Boolean(e.truncated))).toEqual([
      ...Array<boolean>(7).fill(true),
      false,
      false,
      false,
    ])
    const newest = await log.wholeEntry(window.rows[11]!.seq)
    expect(newest!.data).toBe(exported.entries[11]!.data)
    expect(newest!.data!.length).toBe(200_004)
    expect((await log.wholeEntry(window.rows[2]!.seq))!.truncated).toEqual(cut(Number(window.rows[2]!.data![1])))
    expect(await log.wholeEntry(1000)).toBeUndefined()
  })

  it('falls back to the page’s copy, filter and all, when no worker can be created', async () => {
    start({ withWorker: false })
    expect(log.kind).toBe('inline')
    log.setFilter({ text: '', regex: false, direction: 'out' })
    expect(host.command({ op: 'connect', id: 'c1' })).toEqual({ ok: true })
    await until(() => host.state('c1')?.readyState === 1, 'open')
    host.command({ op: 'send', id: 'c1', data: 'hi' })
    await until(() => updates.some((u) => u.events.some((e) => e.kind === 'received')), 'echo')
    const rows = log.rows(0, 10)
    expect(rows instanceof Promise).toBe(false)
    expect((rows as Awaited<typeof rows>).rows.map((e) => e.data)).toEqual(['hi'])
    await until(() => latest()?.total === 4 && latest()?.matching === 1, 'counters')
  })
})
