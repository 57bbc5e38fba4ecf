import { fileURLToPath, URL as NodeURL } from 'node:url'
import { Worker as NodeWorker } from 'node:worker_threads'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { nextTick } from 'vue'
import { createPinia, setActivePinia } from 'pinia'
import type { SessionEvent } from '@/core/session/events'
import type { MatchReply, MatchRequest } from '@/core/log/text-match'
import { KEPT_HEAD_CHARS, KEPT_TAIL_CHARS } from '@/core/log/log-buffer'
import { ROW_PREVIEW_CHARS } from '@/core/log/log-worker-side'
import { channelWorkerHost } from '@/core/test-support/channel-worker-host'
import { startEchoServer, until } from '@/core/test-support/ws-test-server'
import { LogCore, type LogCounters } from '@/core/log/log-core'
import type { LogLink } from '@/core/log/worker-log-host'
import type { LogRequest } from '@/core/log/log-protocol'
import { now } from '@/composables/now'
import { useLogStore } from './log'
import { useSettingsStore } from './settings'

// The real log store: its ring buffer, its filtered view, and (for text filters) the matching code on a real
// worker thread standing in for the page's Web Worker, which happy-dom lacks. Counts are published in batches, so
// waits poll for them; nothing asserts how long anything took.
const settle = { timeout: 15_000, interval: 5 }

/** The page's filter worker, run on a worker_threads thread (the same matching code). */
class ThreadWorker {
  onmessage: ((event: { data: MatchReply }) => void) | null = null
  onerror: ((event: { message: string }) => void) | null = null
  private thread: NodeWorker
  constructor() {
    const script = fileURLToPath(new NodeURL('../core/test-support/node-filter-worker.ts', import.meta.url))
    this.thread = new NodeWorker(`require('tsx/cjs/api').register(); require(${JSON.stringify(script)})`, {
      eval: true,
    })
    this.thread.on('message', (data: MatchReply) => this.onmessage?.({ data }))
  }
  postMessage(message: MatchRequest): void {
    this.thread.postMessage(message)
  }
  terminate(): void {
    void this.thread.terminate()
  }
}

let at = 1_000_000
const event = (body: Record<string, unknown>): SessionEvent => ({ at: at++, connection: 1, ...body }) as SessionEvent
const received = (data: string) => event({ kind: 'received', direction: 'in', data, bytes: data.length })
const sent = (data: string) => event({ kind: 'sent', direction: 'out', data, bytes: data.length })

describe('log store', () => {
  let log: ReturnType<typeof useLogStore>
  let append: (event: SessionEvent) => unknown

  beforeEach(() => {
    localStorage.clear()
    vi.stubGlobal('Worker', ThreadWorker)
    setActivePinia(createPinia())
  })

  afterEach(() => {
    log.clear()
    vi.unstubAllGlobals()
  })

  const start = () => {
    log = useLogStore()
    append = log.sink()
  }
  const texts = () => log.entriesAt(0).map((e) => e.data)

  it('keeps the newest entries up to the capacity set, counting the dropped ones', async () => {
    useSettingsStore().logCapacity = 100
    start()
    for (let i = 0; i < 150; i++) append(received(`m${i}`))
    await vi.waitFor(() => expect(log.total).toBe(100), settle)
    expect(log.dropped).toBe(50)
    expect(log.appended).toBe(150)
    expect(texts()[0]).toBe('m50')
    expect(texts().at(-1)).toBe('m149')

    // A smaller capacity applies at once, keeping the newest.
    useSettingsStore().logCapacity = 120
    await nextTick()
    expect(log.total).toBe(100)
    useSettingsStore().logCapacity = 100
    await nextTick()
    expect(log.total).toBe(100)
  })

  it('drops the oldest entries when their text exceeds the MB budget, and never the newest', async () => {
    useSettingsStore().logMegabytes = 1
    start()
    const big = (c: string) => c.repeat(400 * 1024)
    append(received(big('a')))
    append(received(big('b')))
    await vi.waitFor(() => expect(log.total).toBe(2), settle)
    append(received(big('c'))) // 1.2 MB of text: the oldest goes
    await vi.waitFor(() => expect(log.dropped).toBe(1), settle)
    expect(log.total).toBe(2)
    expect(texts().map((t) => t![0])).toEqual(['b', 'c'])

    append(received('z'.repeat(2 * 1024 * 1024))) // alone over budget: kept, everything older goes
    await vi.waitFor(() => expect(log.total).toBe(1), settle)
    expect(texts()[0]!.length).toBe(2 * 1024 * 1024)
    expect(log.dropped).toBe(3)
  })

  it('ignores an out-of-range capacity or budget from storage, using the defaults', () => {
    const settings = useSettingsStore()
    settings.logCapacity = 5
    settings.logMegabytes = -1
    start()
    for (let i = 0; i < 200; i++) append(received(`m${i}`))
    expect(log.entriesAt(0)).toHaveLength(200)
  })

  it('filters by direction and by text (in the worker), and exports only the matching entries when asked', async () => {
    start()
    append(sent('needle out'))
    append(received('hay'))
    append(received('a NEEDLE in'))
    append(event({ kind: 'error', direction: 'none', message: 'needle error' }))
    await vi.waitFor(() => expect(log.total).toBe(4), settle)
    expect(log.filterActive).toBe(false)

    log.filter.direction = 'in'
    await nextTick()
    expect(log.filterActive).toBe(true)
    expect(log.matching).toBe(2)
    expect(log.rows(0, 10).map((e) => e.data)).toEqual(['hay', 'a NEEDLE in'])

    log.filter.direction = 'all'
    log.filter.text = 'needle'
    await nextTick()
    await vi.waitFor(() => expect(log.filtering).toBe(0), settle)
    await vi.waitFor(() => expect(log.matching).toBe(3), settle)

    const only = await log.exportAs('ndjson', { onlyMatching: true })
    const lines = only.text
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { kind: string; data?: string })
    expect(lines.map((l) => l.data ?? l.kind)).toEqual(['needle out', 'a NEEDLE in', 'error'])
    expect((await log.exportAs('ndjson')).text.trim().split('\n')).toHaveLength(4)
    const json = JSON.parse((await log.exportAs('json', { onlyMatching: true })).text) as {
      filter: unknown
      entries: unknown[]
    }
    expect(json.filter).toEqual({ text: 'needle', regex: false, direction: 'all' })
    expect(json.entries).toHaveLength(3)

    // A new entry is filtered as it arrives.
    append(received('one more needle'))
    await vi.waitFor(() => expect(log.matching).toBe(4), settle)
    append(received('no match'))
    await vi.waitFor(() => expect(log.total).toBe(6), settle)
    await vi.waitFor(() => expect(log.filtering).toBe(0), settle)
    expect(log.matching).toBe(4)
  })

  it('filters by connection with the text filter, and a JSON export says which connection it kept', async () => {
    start()
    append(event({ kind: 'sent', direction: 'out', data: 'ping A', bytes: 6, source: 'c1' }))
    append(event({ kind: 'sent', direction: 'out', data: 'ping B', bytes: 6, source: 'c2' }))
    append(event({ kind: 'received', direction: 'in', data: 'pong B', bytes: 6, source: 'c2' }))
    await vi.waitFor(() => expect(log.total).toBe(3), settle)
    log.filter.source = 'c2'
    await nextTick()
    expect(log.filterActive).toBe(true)
    expect(log.rows(0, 10).map((e) => e.data)).toEqual(['ping B', 'pong B'])
    log.filter.text = 'ping'
    await nextTick()
    await vi.waitFor(() => expect(log.filtering).toBe(0), settle)
    await vi.waitFor(() => expect(log.rows(0, 10).map((e) => e.data)).toEqual(['ping B']), settle)
    const json = JSON.parse((await log.exportAs('json', { onlyMatching: true, connectionName: 'B' })).text) as {
      filter: unknown
      entries: { data: string }[]
    }
    expect(json.filter).toEqual({ text: 'ping', regex: false, direction: 'all', connection: { id: 'c2', name: 'B' } })
    expect(json.entries.map((e) => e.data)).toEqual(['ping B'])
    log.filter.text = ''
    log.filter.source = ''
    await nextTick()
    expect(log.filterActive).toBe(false)
    expect(log.matching).toBe(3)
  })

  it('says what is wrong with a bad regex and keeps the last good filter', async () => {
    start()
    append(received('x'))
    log.filter.regex = true
    log.filter.text = '(unclosed'
    await nextTick()
    expect(log.filterError).toMatch(/.+/)
    expect(log.filterActive).toBe(false)
    expect((await log.exportAs('ndjson', { onlyMatching: true })).text.trim().split('\n')).toHaveLength(1)
  })

  it('fills the close code into the CLOSING the 1 s sample recorded, in a new object so its row redraws', async () => {
    start()
    append(event({ kind: 'open', direction: 'none' }))
    append(event({ kind: 'closing', direction: 'none', initiator: 'server' }))
    const sampled = log.entriesAt(-1)[0]!
    append(
      event({ kind: 'closing', direction: 'none', initiator: 'server', code: 1000, reason: 'bye', completes: true }),
    )
    append(event({ kind: 'closed', direction: 'none', code: 1000, reason: 'bye', wasClean: true, initiator: 'server' }))
    await vi.waitFor(() => expect(log.total).toBe(3), settle)
    const closing = log.entriesAt(0)[1]!
    expect(closing).toMatchObject({ kind: 'closing', code: 1000, reason: 'bye', seq: sampled.seq, at: sampled.at })
    expect(closing).not.toBe(sampled)
    expect(log.rows(0, 10)).toContain(closing)
    expect(log.entry(sampled.seq)).toBe(closing)

    // With no sampled CLOSING left to complete (another connection's), the completing event is an entry of its own.
    append({ ...event({ kind: 'closing', direction: 'none', initiator: 'server', code: 1001, completes: true }) })
    await vi.waitFor(() => expect(log.total).toBe(4), settle)
    expect(log.entriesAt(-1)[0]).toMatchObject({ kind: 'closing', code: 1001 })
  })

  it('with the log in the connections worker, draws a large row cut and gives the selected one whole', async () => {
    const server = await startEchoServer()
    const { host, channel } = channelWorkerHost(server.url, { withWorker: true })
    try {
      start()
      log.attach(host.logLink)
      // As the session store wires them: the host's events reach the page's copy.
      const observe = log.observer()
      host.onUpdate((u) => u.events.forEach(observe))
      host.command({ op: 'connect', id: 'c1' })
      await until(() => host.state('c1')?.readyState === 1, 'open')
      const big = `<${'y'.repeat(200_000)}>`
      host.command({ op: 'send', id: 'c1', data: big })
      await vi.waitFor(() => expect(log.total).toBe(4), settle)
      await vi.waitFor(() => expect(log.placedRows(0, 10).map((r) => r.entry.kind)).toContain('received'), settle)
      const [sentRow, receivedRow] = log.placedRows(0, 10).slice(2)
      // The rows crossed with the start of each message: enough for the row, far less to copy at every change.
      expect(receivedRow!.entry.data).toBe(big.slice(0, ROW_PREVIEW_CHARS))
      expect(receivedRow!.entry.truncated).toBeUndefined()
      const rowReplies = channel.received.filter((m) => m.type === 'logReply')
      expect(Math.max(...rowReplies.map((m) => JSON.stringify(m).length))).toBeLessThan(10_000)
      // Selected, it is asked for whole: undefined until the answer, then the whole message.
      expect(log.entry(receivedRow!.entry.seq)).toBeUndefined()
      await vi.waitFor(() => expect(log.entry(receivedRow!.entry.seq)?.data).toBe(big), settle)
      expect(log.entry(sentRow!.entry.seq)).toBeUndefined()
      await vi.waitFor(() => expect(log.entry(sentRow!.entry.seq)?.data).toBe(big), settle)
      // Scripts read the page's copy (it comes with the host's updates, paced): cut, and marked so.
      await vi.waitFor(() => expect(log.entriesAt(-1)[0]?.kind).toBe('received'), settle)
      expect(log.entriesAt(-1)[0]).toMatchObject({
        data: big.slice(0, KEPT_HEAD_CHARS) + big.slice(-KEPT_TAIL_CHARS),
        truncated: { chars: big.length, head: KEPT_HEAD_CHARS, tail: KEPT_TAIL_CHARS },
      })
    } finally {
      host.dispose()
      await server.close()
    }
  })

  /** The worker's log, answered by hand: each rows question waits until the test lets it through. */
  function handAnsweredLog() {
    const worker = new LogCore()
    let sendCounters: (c: LogCounters) => void = () => {}
    const questions: { start: number; end: number; answer: () => void }[] = []
    const link: LogLink = {
      alive: true,
      post: () => {},
      ask: ((request: LogRequest) =>
        new Promise((resolve) => {
          if (request.op !== 'rows') return resolve(undefined as never)
          questions.push({ ...request, answer: () => resolve(worker.rows(request.start, request.end) as never) })
        })) as LogLink['ask'],
      onCounters: (listener) => (sendCounters = listener),
      onLost: () => {},
    }
    const feed = (n: number) => {
      for (let i = 0; i < n; i++) worker.append(received(`m${i}`))
      sendCounters(worker.counters())
    }
    /** `n` more at the bottom, their rows answered: shown only with the clock's next tick (before it, still `shown`). */
    const heldForTick = async (n: number, shown: number) => {
      feed(n)
      questions.shift()!.answer()
      for (let i = 0; i < 10; i++) await Promise.resolve()
      expect(log.matching).toBe(shown)
      now.value = new Date()
      await nextTick()
      expect(log.matching).toBe(shown + n)
    }
    /** The store on this log, `n` entries in it, the screen at the bottom with their rows. */
    const attachedAtBottom = async (n: number) => {
      start()
      log.attach(link)
      feed(n)
      log.placedRows(0, n)
      questions.shift()!.answer()
      await vi.waitFor(() => expect(log.rowsVersion).toBe(1), settle)
    }
    return { link, questions, feed, heldForTick, attachedAtBottom }
  }

  it('with the log in the worker and the screen at the bottom, shows new counters with the rows they bring', async () => {
    const { link, questions, feed, heldForTick } = handAnsweredLog()
    start()
    log.attach(link)
    feed(100)
    expect(log.matching).toBe(100)
    // The screen shows the last ten rows; their window comes.
    expect(log.placedRows(90, 100)).toEqual([])
    questions.shift()!.answer()
    await vi.waitFor(() => expect(log.rowsVersion).toBe(1), settle)
    expect(log.placedRows(90, 100).map((r) => r.index)).toEqual([...Array(10).keys()].map((i) => 90 + i))

    // Ten more: the counters wait for the rows of the screen moved down by ten.
    feed(10)
    expect(log.matching).toBe(100)
    expect(questions).toHaveLength(1)
    expect(questions[0]).toMatchObject({ start: 100 - 40, end: 110 + 40 })
    questions.shift()!.answer()
    await vi.waitFor(() => expect(log.matching).toBe(110), settle)
    // Drawn from what came with them: no second question, no second drawing.
    const rows = log.placedRows(100, 110)
    expect(rows.map((r) => r.entry.seq)).toEqual([...Array(10).keys()].map((i) => 100 + i))
    expect(questions).toHaveLength(0)
    expect(log.rowsVersion).toBe(1)

    // Counters that come meanwhile wait for the answer, then the latest goes the same way.
    feed(5)
    feed(5)
    expect(questions).toHaveLength(1)
    questions.shift()!.answer()
    await vi.waitFor(() => expect(questions).toHaveLength(1), settle)
    expect(log.matching).toBe(115)
    log.placedRows(105, 115)
    questions.shift()!.answer()
    await vi.waitFor(() => expect(log.matching).toBe(120), settle)

    // A screen scrolled up takes the counters at once.
    log.placedRows(0, 10)
    questions.shift()?.answer()
    await vi.waitFor(() => expect(log.rowsVersion).toBe(2), settle)
    feed(3)
    expect(log.matching).toBe(123)

    // A flood (hundreds of entries within moments) at the bottom: the rows and counters wait for the clock's tick,
    // to be drawn in the frame it draws anyway.
    log.placedRows(113, 123)
    questions.shift()?.answer()
    await vi.waitFor(() => expect(log.rowsVersion).toBe(3), settle)
    await heldForTick(500, 123)
    expect(log.placedRows(613, 623).map((r) => r.entry.seq)).toEqual([...Array(10).keys()].map((i) => 613 + i))
  })

  it('at the bottom, holds the rows for the tick of the clock once entries have come at 20 a second for a second', async () => {
    // Date alone is faked (the clock the rate is measured on); the rows' answers are promises as in the page.
    vi.useFakeTimers({ toFake: ['Date'] })
    try {
      const { questions, feed, heldForTick, attachedAtBottom } = handAnsweredLog()
      // Set at each step (vi.waitFor moves faked time on as it polls).
      const t0 = Date.now()
      await attachedAtBottom(10)
      // Fifty idle connections' keepalives: two entries every 40 ms. Until a second has passed, each shows as it comes.
      for (let i = 1; i < 25; i++) {
        vi.setSystemTime(t0 + 40 * i)
        feed(2)
        questions.shift()!.answer()
        await vi.waitFor(() => expect(log.matching).toBe(10 + 2 * i), settle)
        log.placedRows(2 * i, 10 + 2 * i)
      }
      // A second of 50 a second: the next rows wait for the tick, drawn in the frame it draws anyway.
      vi.setSystemTime(t0 + 1000)
      await heldForTick(2, 58)
    } finally {
      vi.useRealTimers()
    }
  })

  it('at the bottom in a flood, shows new rows with every other tick of the clock (half a second apart)', async () => {
    vi.useFakeTimers({ toFake: ['Date'] })
    try {
      const { questions, feed, attachedAtBottom } = handAnsweredLog()
      const t0 = Date.now()
      await attachedAtBottom(10)
      /** A tick of the clock at `ms` after t0, and the entries shown after it. */
      const tick = async (ms: number) => {
        vi.setSystemTime(t0 + ms)
        now.value = new Date()
        await nextTick()
        return log.matching
      }
      /** Hundreds within moments: a flood, whose rows are held for a tick. */
      const flood = async (ms: number, shown: number) => {
        vi.setSystemTime(t0 + ms)
        feed(500)
        questions.shift()!.answer()
        for (let i = 0; i < 10; i++) await Promise.resolve()
        expect(log.matching).toBe(shown)
      }
      // The flood's first rows show with the next tick.
      await flood(10, 10)
      expect(await tick(250)).toBe(510)
      log.placedRows(500, 510)
      // The next ones not with the tick a quarter of a second later, but with the one after.
      for (const [at, before] of [
        [260, 510],
        [760, 1010],
      ] as const) {
        await flood(at, before)
        expect(await tick(at + 240)).toBe(before)
        expect(await tick(at + 490)).toBe(before + 500)
        log.placedRows(before + 490, before + 500)
      }
    } finally {
      vi.useRealTimers()
    }
  })

  it('clears everything, and keeps numbering new entries after the clear', async () => {
    start()
    append(received('a'))
    append(received('b'))
    log.clear()
    expect(log.total).toBe(0)
    append(received('c'))
    await vi.waitFor(() => expect(log.total).toBe(1), settle)
    expect(log.entriesAt(0)[0]).toMatchObject({ data: 'c', seq: 2 })
  })
})

describe('keeping the log across reloads where the browser cannot (no IndexedDB here)', () => {
  beforeEach(() => {
    localStorage.clear()
    setActivePinia(createPinia())
  })

  it('says why, turns keeping off, and leaves the log on the page as it was', async () => {
    expect(typeof indexedDB).toBe('undefined')
    const log = useLogStore()
    const settings = useSettingsStore()
    expect(settings.persistLog).toBe(false)
    log.sink()(received('still here'))
    settings.persistLog = true
    await nextTick()
    await log.persisted()
    expect(log.persistError).toMatch(/no IndexedDB.*now off; the log on this page is unchanged/)
    expect(settings.persistLog).toBe(false)
    expect(log.entriesAt(0).map((e) => e.data)).toEqual(['still here'])
    log.sink()(received('and this'))
    expect(log.entriesAt(0)).toHaveLength(2)
  })
})
