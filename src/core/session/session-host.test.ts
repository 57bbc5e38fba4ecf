import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { HostUpdate } from './host-protocol'
import { InlineHost } from './session-host'
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
