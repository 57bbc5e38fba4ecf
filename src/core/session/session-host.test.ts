import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { HostUpdate } from './host-protocol'
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

  function start(options: { withWorker: boolean }) {
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
