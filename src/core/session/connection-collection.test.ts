import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { SessionEvent } from './events'
import { CONNECTION_COLOURS, ConnectionCollection, defaultName } from './connection-collection'
import { parseCollectionRecord } from './connection-records'
import { startEchoServer, until, wsClientFactory } from '../test-support/ws-test-server'

type EchoServer = Awaited<ReturnType<typeof startEchoServer>>

// The collection on the `ws` client against a real `ws` echo server; timers faked so leftovers can be counted.
describe('ConnectionCollection', () => {
  let server: EchoServer
  let collection: ConnectionCollection
  let events: SessionEvent[]

  beforeEach(async () => {
    server = await startEchoServer()
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] })
    collection = new ConnectionCollection({
      session: { createSocket: wsClientFactory },
      defaults: { endpoint: server.url },
    })
    events = []
    collection.subscribe((e) => events.push(e))
  })

  afterEach(async () => {
    collection.dispose()
    vi.useRealTimers()
    await server.close()
  })

  it('starts with one selected connection named A, and adds more with their own names and colours', () => {
    expect(collection.list.map((c) => [c.id, c.name, c.colour])).toEqual([['c1', 'A', CONNECTION_COLOURS[0]]])
    expect(collection.selected.id).toBe('c1')
    const b = collection.add()
    const named = collection.add({ name: '  keepalive ' })
    expect(b).toMatchObject({ ok: true, connection: { id: 'c2', name: 'B', colour: CONNECTION_COLOURS[1] } })
    expect(named).toMatchObject({
      ok: true,
      connection: { id: 'c3', name: 'keepalive', colour: CONNECTION_COLOURS[2] },
    })
    // Adding does not change the selection.
    expect(collection.selectedId).toBe('c1')
    expect(collection.add({ name: 'KEEPALIVE' })).toEqual({
      ok: false,
      error: 'Another connection is already called “KEEPALIVE”.',
    })
    expect(collection.add({ name: ' ' })).toEqual({ ok: false, error: 'A connection needs a name.' })
    expect(collection.size).toBe(3)
  })

  it('keeps colours stable: a removed connection frees its colour for the next one', () => {
    collection.add()
    collection.add()
    expect(collection.remove('c2')).toEqual({ ok: true })
    expect(collection.list.map((c) => c.colour)).toEqual([CONNECTION_COLOURS[0], CONNECTION_COLOURS[2]])
    const next = collection.add()
    expect(next.ok && next.connection.colour).toBe(CONNECTION_COLOURS[1])
  })

  it('is bounded, with a clear message', () => {
    const small = new ConnectionCollection({ max: 3 })
    expect(small.add().ok).toBe(true)
    expect(small.add().ok).toBe(true)
    expect(small.add()).toEqual({ ok: false, error: 'A tab holds at most 3 connections: remove one first.' })
    small.dispose()
  })

  it('renames with checks, duplicates settings and the keepalive switch, and selects by id or step', () => {
    const a = collection.selected
    a.configure({ keepaliveSeconds: 5, profileId: 'custom', customIdleSeconds: 2 })
    expect(a.setKeepalive(true)).toEqual({ ok: true })
    expect(collection.rename('c1', 'with keepalive')).toEqual({ ok: true })
    expect(collection.rename('c1', 'x'.repeat(41))).toMatchObject({ ok: false, error: expect.stringContaining('40') })
    expect(collection.rename('nope', 'x')).toEqual({ ok: false, error: 'No such connection.' })
    const copy = collection.duplicate('c1')
    expect(copy.ok).toBe(true)
    if (!copy.ok) return
    expect(copy.connection.name).toBe('with keepalive copy')
    expect(copy.connection.settings).toEqual(a.settings)
    expect(copy.connection.session.keepalive).toEqual({ enabled: true, intervalMs: 5000, payload: 'ping' })
    expect(copy.connection.profile.idleBeforeFirstMessageMs).toBe(2000)
    expect(collection.duplicate('c1').ok && collection.list[2]!.name).toBe('with keepalive copy 2')

    expect(collection.select('c2')).toEqual({ ok: true })
    expect(collection.select('c9')).toEqual({ ok: false, error: 'No such connection.' })
    expect(collection.selectNext(1).id).toBe('c3')
    expect(collection.selectNext(1).id).toBe('c1')
    expect(collection.selectNext(-1).id).toBe('c3')
  })

  it('keeps at least one connection, and selects a neighbour when the selected one goes', () => {
    collection.add()
    collection.add()
    collection.select('c2')
    expect(collection.remove('c2')).toEqual({ ok: true })
    expect(collection.selectedId).toBe('c3')
    expect(collection.remove('c3')).toEqual({ ok: true })
    expect(collection.remove('c1')).toEqual({ ok: false, error: 'A tab keeps at least one connection.' })
    expect(collection.remove('c3')).toEqual({ ok: false, error: 'No such connection.' })
  })

  it('runs connections side by side: events carry their source and page-wide socket numbers', async () => {
    const b = collection.add().ok && collection.list[1]!
    if (!b) throw new Error('no second connection')
    const a = collection.selected
    expect(a.connect()).toEqual({ ok: true })
    expect(b.connect()).toEqual({ ok: true })
    await until(() => a.session.readyState === 1 && b.session.readyState === 1, 'both open')
    b.send('to b')
    await until(() => events.some((e) => e.kind === 'received'), 'echo')
    const received = events.find((e) => e.kind === 'received')!
    expect(received).toMatchObject({ source: 'c2', connection: 2, data: 'to b' })
    expect(events.filter((e) => e.kind === 'open').map((e) => [e.source, e.connection])).toEqual([
      ['c1', 1],
      ['c2', 2],
    ])
    expect(a.snapshot()).toMatchObject({ receivedCount: 0, sentCount: 0 })
    expect(b.snapshot()).toMatchObject({ receivedCount: 1, sentCount: 1 })
    // A reconnect of the first gets the next page-wide number.
    a.disconnect()
    await until(() => a.session.readyState === 3, 'a closed')
    a.connect()
    expect(a.session.connection).toBe(3)
  })

  it('keeps each connection’s keepalive to itself: one pings on time, the other stays silent', async () => {
    const b = collection.add().ok && collection.list[1]!
    if (!b) throw new Error('no second connection')
    const a = collection.selected
    a.configure({ keepaliveSeconds: 2 })
    a.setKeepalive(true)
    a.connect()
    b.connect()
    await until(() => a.session.readyState === 1 && b.session.readyState === 1, 'both open')
    vi.advanceTimersByTime(2000)
    await until(() => server.received.length === 1, 'one keepalive')
    expect(events.filter((e) => e.kind === 'keepalive').map((e) => e.source)).toEqual(['c1'])
    expect(b.session.nextKeepaliveAt).toBeUndefined()
  })

  it('leaves no timer behind when a connection is removed or the collection disposed, and logs the close', async () => {
    const b = collection.add().ok && collection.list[1]!
    if (!b) throw new Error('no second connection')
    const a = collection.selected
    for (const c of [a, b]) {
      c.configure({ keepaliveSeconds: 1, reconnect: true, handshakeTimeoutSeconds: 5 })
      c.setKeepalive(true)
      c.connect()
    }
    await until(() => a.session.readyState === 1 && b.session.readyState === 1, 'both open')
    expect(vi.getTimerCount()).toBe(4) // per connection: readyState sampler + keepalive
    expect(collection.remove('c2')).toEqual({ ok: true })
    // (The `ws` client keeps a timer of its own until the closing handshake ends.)
    await until(() => events.some((e) => e.kind === 'closed' && e.source === 'c2'), 'c2 closed')
    // A close the user asked for (removing it) never schedules a reconnect.
    expect(vi.getTimerCount()).toBe(2)
    vi.advanceTimersByTime(60_000)
    expect(events.filter((e) => e.source === 'c2' && e.kind === 'keepalive')).toHaveLength(0)
    expect(events.filter((e) => e.source === 'c2' && e.kind === 'connecting')).toHaveLength(1)

    collection.dispose()
    await until(() => a.session.readyState === 3, 'a closed')
    expect(vi.getTimerCount()).toBe(0)
    await until(() => server.sockets.size === 0, 'server sees both go')
  })

  it('restores a tab’s set-up without its sockets, and saves endpoints without credentials', () => {
    const a = collection.selected
    a.configure({ endpoint: `${server.url}?room=1&X-Amz-Security-Token=SECRET&X-Amz-Signature=abc`, protocols: 'chat' })
    a.setKeepalive(true)
    collection.add({ name: 'quiet' })
    collection.select('c2')
    const saved = JSON.stringify(collection.toRecord())
    expect(saved).not.toContain('SECRET')
    expect(saved).toContain(`${server.url}?room=1`)

    const restored = new ConnectionCollection(
      { session: { createSocket: wsClientFactory } },
      parseCollectionRecord(saved),
    )
    expect(restored.list.map((c) => [c.id, c.name, c.colour])).toEqual(
      collection.list.map((c) => [c.id, c.name, c.colour]),
    )
    expect(restored.selectedId).toBe('c2')
    expect(restored.list[0]!.settings).toMatchObject({ protocols: 'chat', endpoint: `${server.url}?room=1` })
    expect(restored.list[0]!.session.keepalive.enabled).toBe(true)
    expect(restored.list[0]!.session.readyState).toBeUndefined()
    // New ids continue after the restored ones.
    expect(restored.add().ok && restored.list[2]!.id).toBe('c3')
    restored.dispose()
  })
})

describe('parseCollectionRecord', () => {
  it('reads what a tab saved and refuses what it cannot trust', () => {
    expect(parseCollectionRecord(null)).toBeUndefined()
    expect(parseCollectionRecord('not json')).toBeUndefined()
    expect(parseCollectionRecord('{"connections":[]}')).toBeUndefined()
    const parsed = parseCollectionRecord(
      JSON.stringify({
        selectedId: 'c9',
        connections: [
          { id: 'c1', name: 'A', colour: '#4e79a7', settings: { keepaliveSeconds: 'soon', profileId: 'weird' } },
          { id: 'c1', name: 'dupe id', colour: '#4e79a7' },
          { id: 'x', name: 'bad id', colour: '#4e79a7' },
          { id: 'c2', name: 'a', colour: '#4e79a7' },
          { id: 'c3', name: 'bad colour', colour: 'red;}' },
          { id: 'c4', name: 'ok', colour: '#f28e2b', keepaliveEnabled: true, settings: { reconnect: 'yes' } },
        ],
      }),
    )
    expect(parsed?.connections.map((c) => c.id)).toEqual(['c1', 'c4'])
    expect(parsed?.selectedId).toBe('c1')
    expect(parsed?.connections[0]!.settings).toMatchObject({ keepaliveSeconds: 60, profileId: 'aws' })
    expect(parsed?.connections[1]).toMatchObject({ keepaliveEnabled: true, settings: { reconnect: false } })
  })
})

describe('defaultName', () => {
  it('counts A … Z, AA, AB …', () => {
    expect([1, 2, 26, 27, 28, 52, 53, 702, 703].map(defaultName)).toEqual([
      'A',
      'B',
      'Z',
      'AA',
      'AB',
      'AZ',
      'BA',
      'ZZ',
      'AAA',
    ])
  })
})
