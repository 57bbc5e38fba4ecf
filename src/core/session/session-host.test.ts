import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { emptyUpdate, type HostEvent, type HostUpdate } from './host-protocol'
import type { ApplyPacing } from './worker-host'
import { KEPT_HEAD_CHARS, KEPT_TAIL_CHARS, LARGE_MESSAGE_CHARS } from '../log/log-buffer'
import { InlineHost } from './session-host'
import { HostDispatcher } from './host-dispatcher'
import { serveHost } from './host-worker-side'
import { WorkerHost } from './worker-host'
import { channelWorkerHost } from '../test-support/channel-worker-host'
import { hostChannel } from '../test-support/host-channel'
import { startEchoServer, until, wsClientFactory } from '../test-support/ws-test-server'

type EchoServer = Awaited<ReturnType<typeof startEchoServer>>

// The main-thread host on the `ws` client against a real `ws` echo server: commands in, updates out.
describe('InlineHost', () => {
  let server: EchoServer
  let host: InlineHost
  let updates: HostUpdate[]

  beforeEach(async () => {
    server = await startEchoServer()
    host = new InlineHost({ collection: { session: { createSocket: wsClientFactory }, defaults: { endpoint: '' } } })
    updates = []
    host.onUpdate((u) => updates.push(u))
  })

  afterEach(async () => {
    host.dispose()
    await server.close()
  })

  const events = () => updates.flatMap((u) => u.events)

  it('delivers each event at once with its state, redacts signed URLs and finds connection ids', async () => {
    expect(host.command({ op: 'connect', id: 'c1' })).toEqual({ ok: false, error: expect.stringMatching(/ws:\/\//) })
    expect(host.command({ op: 'configure', id: 'c1', patch: { endpoint: server.url } })).toEqual({ ok: true })
    updates.length = 0
    const signed = `${server.url}?X-Amz-Security-Token=secret-token&X-Amz-Signature=abc`
    expect(host.command({ op: 'connect', id: 'c1', signedUrl: signed })).toEqual({ ok: true })
    // The connecting event came with the state it left behind, before the command returned.
    expect(updates[0]!.events[0]).toMatchObject({ kind: 'connecting', source: 'c1' })
    expect(updates[0]!.states[0]).toEqual(['c1', expect.objectContaining({ readyState: 0 })])
    expect(JSON.stringify(updates)).not.toContain('secret-token')
    await until(() => host.state('c1')?.readyState === 1, 'open')
    await until(() => updates.some((u) => u.opened.length), 'open update')
    expect(updates.find((u) => u.opened.length)!.opened).toEqual([['c1', server.url]])

    expect(host.command({ op: 'send', id: 'c1', data: '{"connectionId":"L0SM9cOFvHcCIhw="}' })).toEqual({ ok: true })
    await until(() => events().some((e) => e.kind === 'received'), 'echo')
    const found = updates.find((u) => u.connectionIds.length)!
    expect(found.connectionIds).toEqual([[0, 'c1', ['L0SM9cOFvHcCIhw=']]])
    expect(found.events[0]).toMatchObject({ kind: 'received', bytes: 35 })
    expect(host.command({ op: 'send', id: 'c9', data: 'x' })).toEqual({ ok: false, error: 'No such connection.' })
  })

  it('hands large messages over whole (the log on the main thread keeps the newest few whole itself)', async () => {
    host.command({ op: 'configure', id: 'c1', patch: { endpoint: server.url } })
    host.command({ op: 'connect', id: 'c1' })
    await until(() => host.state('c1')?.readyState === 1, 'open')
    const big = 'z'.repeat(LARGE_MESSAGE_CHARS + 1)
    host.command({ op: 'send', id: 'c1', data: big })
    await until(() => events().some((e) => e.kind === 'received'), 'echo')
    const large = events().filter((e) => e.data !== undefined)
    expect(large.map((e) => [e.kind, e.data === big, e.truncated])).toEqual([
      ['sent', true, undefined],
      ['received', true, undefined],
    ])
  })

  it('adds, renames and removes connections, answering at once', () => {
    expect(host.command({ op: 'add', init: {} })).toEqual({ ok: true, id: 'c2' })
    expect(host.command({ op: 'rename', id: 'c2', name: 'A' })).toMatchObject({ ok: false })
    expect(host.command({ op: 'duplicate', id: 'c2' })).toEqual({ ok: true, id: 'c3' })
    expect(host.collection.list.map((c) => c.name)).toEqual(['A', 'B', 'B copy'])
    expect(host.command({ op: 'remove', id: 'c2' })).toEqual({ ok: true })
    expect(host.command({ op: 'select', id: 'c3' })).toEqual({ ok: true })
    expect(host.collection.selectedId).toBe('c3')
  })
})

// The worker host's two halves joined in Node (the worker side runs here on the `ws` client), every message
// structured-cloned on its way as postMessage would.
describe('WorkerHost and its worker side', () => {
  let server: EchoServer
  let host: WorkerHost
  let updates: HostUpdate[]

  beforeEach(async () => {
    server = await startEchoServer()
    updates = []
  })

  afterEach(async () => {
    host.dispose()
    await server.close()
  })

  function start(options: { withWorker: boolean; pacing?: Partial<ApplyPacing> }) {
    const started = channelWorkerHost(server.url, options)
    host = started.host
    const channel = started.channel
    host.onUpdate((u) => updates.push(u))
    return channel
  }
  const events = () => updates.flatMap((u) => u.events)

  it('runs the sockets in the worker: answers at once, reports in batches stamped on the page clock', async () => {
    const channel = start({ withWorker: true })
    expect(host.kind).toBe('worker')
    expect(host.fallback).toBeUndefined()
    expect(host.command({ op: 'add', init: { name: 'second' } })).toEqual({ ok: true, id: 'c2' })
    expect(host.command({ op: 'send', id: 'c1', data: 'x' })).toEqual({
      ok: false,
      error: 'Not connected: the socket is not OPEN.',
    })
    const before = Date.now()
    expect(host.command({ op: 'connect', id: 'c2' })).toEqual({ ok: true })
    expect(host.command({ op: 'connect', id: 'c2' })).toEqual({
      ok: false,
      error: 'Already connected: disconnect first.',
    })
    await until(() => host.state('c2')?.readyState === 1, 'open in the worker')
    expect(host.collection.get('c2')!.session.readyState).toBeUndefined() // the page's copy has no socket
    for (let i = 0; i < 200; i++) expect(host.command({ op: 'send', id: 'c2', data: `m${i}` })).toEqual({ ok: true })
    await until(() => events().filter((e) => e.kind === 'received').length === 200, 'echoes')
    const after = Date.now()
    // 200 sends and their echoes came in far fewer updates than events, one at a time (each acknowledged).
    expect(updates.length).toBeLessThan(100)
    expect(channel.received.filter((m) => m.type === 'update').length).toBe(
      channel.sent.filter((m) => m.type === 'ack').length,
    )
    // Stamped where they happened, on the same clock as the page.
    for (const e of events()) {
      expect(e.at).toBeGreaterThanOrEqual(before)
      expect(e.at).toBeLessThanOrEqual(after)
    }
    expect(
      events()
        .map((e) => e.kind)
        .slice(0, 2),
    ).toEqual(['connecting', 'open'])
    expect(events().every((e) => e.source === 'c2')).toBe(true)
    await until(() => host.state('c2')?.receivedCount === 200, 'counters')
    expect(host.state('c2')).toMatchObject({ sentCount: 200, readyState: 1 })

    expect(host.command({ op: 'disconnect', id: 'c2', code: 1005 })).toMatchObject({ ok: false })
    expect(host.command({ op: 'disconnect', id: 'c2', code: 4000, reason: 'bye' })).toEqual({ ok: true })
    await until(() => host.state('c2')?.readyState === 3, 'closed')
    expect(host.state('c2')!.lastClose).toMatchObject({ code: 4000, reason: 'bye', initiator: 'client' })
    // The set-up kept on the page is the worker's.
    expect(host.collection.toRecord().connections.map((c) => c.name)).toEqual(['A', 'second'])
  })

  it('reports a command the worker refused after the page said ok', async () => {
    const channel = start({ withWorker: true })
    await until(() => channel.received.some((m) => m.type === 'ready'), 'ready')
    // As if the page had not yet heard that c1 closed: the worker refuses, and says so in its next update.
    channel.worker.postMessage({ type: 'command', command: { op: 'send', id: 'c1', data: 'late' } })
    await until(() => updates.some((u) => u.failures.length), 'failure')
    expect(updates.find((u) => u.failures.length)!.failures).toEqual(['Not connected: the socket is not OPEN.'])
  })

  it('falls back to the main thread when no worker can be created, with the same behaviour', async () => {
    start({ withWorker: false })
    expect(host.kind).toBe('inline')
    expect(host.fallback).toBe(
      'The connections worker could not start (Worker is not defined): the sockets run on the main thread.',
    )
    expect(host.command({ op: 'connect', id: 'c1' })).toEqual({ ok: true })
    expect(host.state('c1')?.readyState).toBe(0)
    await until(() => host.state('c1')?.readyState === 1, 'open')
    expect(host.command({ op: 'send', id: 'c1', data: 'hi' })).toEqual({ ok: true })
    await until(() => events().some((e) => e.kind === 'received'), 'echo')
  })

  it('falls back when the worker fails before it is ready, replaying a connect made meanwhile', async () => {
    const channel = hostChannel()
    // Nothing serves this end: the worker never says it is ready (its script did not load).
    host = new WorkerHost(() => channel.worker, {
      collection: { session: { createSocket: wsClientFactory }, defaults: { endpoint: server.url } },
    })
    host.onUpdate((u) => updates.push(u))
    expect(host.command({ op: 'connect', id: 'c1' })).toEqual({ ok: true })
    expect(host.kind).toBe('worker')
    channel.worker.onerror!({ message: 'Failed to fetch the worker script' })
    expect(host.kind).toBe('inline')
    expect(host.fallback).toBe(
      'The connections worker could not start (Failed to fetch the worker script): the sockets run on the main thread.',
    )
    await until(() => host.state('c1')?.readyState === 1, 'open')
    expect(host.command({ op: 'send', id: 'c1', data: 'hi' })).toEqual({ ok: true })
    await until(() => events().some((e) => e.kind === 'received'), 'echo')
  })

  /** An update as a worker would send it: `count` received events, ids found in the first and the last. */
  function bigUpdate(count: number): HostUpdate {
    const events: HostEvent[] = Array.from({ length: count }, (_, i) => ({
      kind: 'received',
      direction: 'in',
      data: `m${i}`,
      bytes: 2,
      at: i,
      connection: 1,
      source: 'c1',
    }))
    const state = host.state('c1')!
    return {
      ...emptyUpdate(),
      events,
      connectionIds: [
        [0, 'c1', ['first']],
        [count - 1, 'c1', ['last']],
      ],
      states: [['c1', { ...state, receivedCount: count }]],
      failures: ['late'],
      opened: [['c1', server.url]],
      skipped: 3,
    }
  }

  it('applies a large update in slices over several tasks, in order, and acknowledges it after the last', async () => {
    // A clock that moves 3 ms per look: with the 8 ms budget, three slices of 10 events per task.
    let clock = 0
    const tasks: (() => void)[] = []
    const channel = start({
      withWorker: true,
      pacing: { chunk: 10, budgetMs: 8, now: () => (clock += 3), nextTask: (run) => tasks.push(run) },
    })
    await until(() => channel.received.some((m) => m.type === 'ready'), 'ready')
    const acks = () => channel.sent.filter((m) => m.type === 'ack').length
    const acksDuringSlices: number[] = []
    host.onUpdate((u) => {
      updates.push(u)
      acksDuringSlices.push(acks())
    })
    const sent = bigUpdate(1000)
    channel.scope.postMessage({ type: 'update', update: sent })
    await until(() => updates.length === 3, 'the first task')
    let ran = 1
    // Each further task runs only when the page gets to it (here: when the test runs it).
    while (tasks.length) {
      expect(updates).toHaveLength(3 * ran)
      tasks.shift()!()
      ran++
    }
    expect(ran).toBe(34)
    expect(updates).toHaveLength(100)
    expect(updates.every((u) => u.events.length === 10)).toBe(true)
    expect(events()).toEqual(sent.events)
    // The ids follow their events; states, failures, endpoints and the skipped count come with the last slice.
    expect(updates[0]!.connectionIds).toEqual([[0, 'c1', ['first']]])
    expect(updates.at(-1)!.connectionIds).toEqual([[9, 'c1', ['last']]])
    expect(updates.slice(1, -1).every((u) => u.connectionIds.length === 0 && u.states.length === 0)).toBe(true)
    expect(updates.slice(0, -1).every((u) => !u.failures.length && !u.opened.length && !u.skipped)).toBe(true)
    expect(updates.at(-1)).toMatchObject({ failures: ['late'], opened: [['c1', server.url]], skipped: 3 })
    expect(updates.at(-1)!.states).toEqual(sent.states)
    // One acknowledgement, after the last slice.
    expect(acksDuringSlices.every((n) => n === 0)).toBe(true)
    await until(() => acks() === 1, 'ack')
    await new Promise((resolve) => setTimeout(resolve, 20))
    expect(acks()).toBe(1)
  })

  it('yields between slices with its own scheduler when every slice uses up the budget', async () => {
    const channel = start({ withWorker: true, pacing: { budgetMs: 0, chunk: 100 } })
    await until(() => channel.received.some((m) => m.type === 'ready'), 'ready')
    const acks = () => channel.sent.filter((m) => m.type === 'ack').length
    const sent = bigUpdate(5000)
    channel.scope.postMessage({ type: 'update', update: sent })
    await until(() => updates.length === 1, 'first slice')
    // The rest waits for later tasks.
    expect(acks()).toBe(0)
    await until(() => acks() === 1, 'ack')
    expect(updates).toHaveLength(50)
    expect(events()).toEqual(sent.events)
  })

  it('answers a bad message with a clear failure rather than ending the worker', async () => {
    const channel = hostChannel()
    serveHost(channel.scope)
    channel.scope.onmessage!({ data: { type: 'ack' } })
    expect(channel.received).toEqual([{ type: 'fatal', message: 'The connections worker was not set up.' }])
    host = new WorkerHost(() => channel.worker)
  })
})

describe('HostDispatcher in batched mode', () => {
  it('sends nothing new until the page acknowledged the last update', async () => {
    const delivered: HostUpdate[] = []
    const d = new HostDispatcher({
      delivery: { mode: 'batched', intervalMs: 0, maxPendingEvents: 3 },
      deliver: (u) => delivered.push(u),
    })
    expect(d.handle({ op: 'add', init: {} })).toEqual({ ok: true, id: 'c2' })
    await until(() => delivered.length === 1, 'first update')
    for (let i = 0; i < 5; i++) d.fail(`f${i}`)
    d.handle({ op: 'rename', id: 'c2', name: 'x' })
    await new Promise((resolve) => setTimeout(resolve, 20))
    expect(delivered).toHaveLength(1)
    d.ack()
    await until(() => delivered.length === 2, 'second update')
    expect(delivered[1]!.failures).toEqual(['f0', 'f1', 'f2', 'f3', 'f4'])
    d.dispose()
  })
})

describe('HostDispatcher’s updates from a worker', () => {
  let server: EchoServer
  let d: HostDispatcher
  const delivered: HostUpdate[] = []

  beforeEach(async () => {
    server = await startEchoServer()
    delivered.length = 0
  })

  afterEach(async () => {
    d.dispose()
    await server.close()
  })

  /** Opens c1 (acknowledging as it goes), then holds the page back while `messages` echo, and lets it catch up. */
  async function flood(limits: { maxEventsPerUpdate?: number; maxCharsPerUpdate?: number }, messages: string[]) {
    let autoAck = true
    d = new HostDispatcher({
      delivery: { mode: 'batched', intervalMs: 0, maxPendingEvents: 10_000, ...limits },
      deliver: (u) => {
        delivered.push(u)
        if (autoAck) setImmediate(() => d.ack())
      },
      collection: { session: { createSocket: wsClientFactory }, defaults: { endpoint: server.url } },
    })
    d.handle({ op: 'connect', id: 'c1' })
    await until(() => d.collection.get('c1')!.snapshot().readyState === 1, 'open')
    await until(() => delivered.flatMap((u) => u.events).some((e) => e.kind === 'open'), 'open delivered')
    autoAck = false
    d.handle({ op: 'send', id: 'c1', data: 'hold' })
    await until(() => delivered.at(-1)!.events.some((e) => e.kind === 'sent'), 'held')
    const held = delivered.length
    for (const m of messages) d.handle({ op: 'send', id: 'c1', data: m })
    await until(() => d.collection.get('c1')!.snapshot().receivedCount === messages.length + 1, 'echoes')
    expect(delivered).toHaveLength(held)
    autoAck = true
    d.ack()
    const events = () => delivered.slice(held).flatMap((u) => u.events)
    const echoes = () => events().filter((e) => e.kind === 'received' && e.data !== 'hold')
    await until(() => echoes().length === messages.length, 'caught up')
    return delivered.slice(held)
  }

  it('sends a backlog in updates of at most maxEventsPerUpdate, in order, each id after its event', async () => {
    const ids = Array.from({ length: 30 }, (_, i) => `id${String(i).padStart(2, '0')}AAAAAAAAAA=`)
    const after = await flood(
      { maxEventsPerUpdate: 7 },
      ids.map((id) => JSON.stringify({ connectionId: id })),
    )
    expect(after.length).toBeGreaterThanOrEqual(9)
    expect(after.every((u) => u.events.length <= 7)).toBe(true)
    const all = after.flatMap((u) => u.events)
    expect(all.filter((e) => e.kind === 'sent').map((e) => e.data)).toEqual(ids.map((id) => `{"connectionId":"${id}"}`))
    expect(all.filter((e) => e.kind === 'received' && e.data !== 'hold').map((e) => e.data)).toEqual(
      ids.map((id) => `{"connectionId":"${id}"}`),
    )
    const found: string[] = []
    for (const u of after)
      for (const [index, source, got] of u.connectionIds) {
        expect(source).toBe('c1')
        expect(u.events[index]).toMatchObject({ kind: 'received', data: `{"connectionId":"${got[0]}"}` })
        found.push(...got)
      }
    expect(found).toEqual(ids)
  })

  it('keeps each update’s message text near maxCharsPerUpdate, and cuts a large message to head and tail', async () => {
    const big = `[${'b'.repeat(LARGE_MESSAGE_CHARS)}]`
    const after = await flood({ maxCharsPerUpdate: 100 }, ['x'.repeat(60), 'y'.repeat(60), 'z'.repeat(60), big])
    for (const u of after) {
      const chars = u.events.reduce((sum, e) => sum + (e.data?.length ?? 0), 0)
      // Stops at the first event that reaches the limit (always one, however large).
      expect(u.events.length === 1 || chars - (u.events.at(-1)!.data?.length ?? 0) < 100).toBe(true)
    }
    expect(after.length).toBeGreaterThanOrEqual(4)
    const cut = { chars: big.length, head: KEPT_HEAD_CHARS, tail: KEPT_TAIL_CHARS }
    const large = after.flatMap((u) => u.events).filter((e) => e.truncated)
    expect(large.map((e) => [e.kind, e.data, e.truncated])).toEqual([
      ['sent', big.slice(0, KEPT_HEAD_CHARS) + big.slice(-KEPT_TAIL_CHARS), cut],
      ['received', big.slice(0, KEPT_HEAD_CHARS) + big.slice(-KEPT_TAIL_CHARS), cut],
    ])
    // Counted whole where the socket is.
    expect(large[1]!.bytes).toBe(big.length)
  })
})
