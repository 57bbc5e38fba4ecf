import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { observeSockets, type SocketObservation } from './observed-socket'
import { WebSocketSession } from './session'
import { startEchoServer, until, wsClientFactory } from '../test-support/ws-test-server'

describe('observeSockets', () => {
  let server: Awaited<ReturnType<typeof startEchoServer>>
  beforeEach(async () => (server = await startEchoServer()))
  afterEach(async () => server.close())

  it('reports what a session does on the sockets it makes, without changing it', async () => {
    const seen: SocketObservation[] = []
    const factory = observeSockets(wsClientFactory, (e) => seen.push(e))
    const session = new WebSocketSession({ createSocket: factory })
    const own: string[] = []
    session.subscribe((e) => own.push(e.kind))
    session.connect(server.url)
    await until(() => session.readyState === 1, 'open')
    session.send('hi')
    await until(() => own.includes('received'), 'echo')
    session.send('close:4005:done')
    await until(() => session.readyState === 3, 'close')
    expect(own).toEqual(['connecting', 'open', 'sent', 'received', 'sent', 'closing', 'closed'])
    expect(seen.map((e) => e.kind)).toEqual(['connecting', 'open', 'sent', 'received', 'sent', 'closing', 'closed'])
    expect(seen.every((e) => e.socket === 1)).toBe(true)
    expect(seen.at(-1)).toMatchObject({ code: 4005, reason: 'done', initiator: 'server', beforeOpen: false })

    session.connect(server.url)
    await until(() => session.readyState === 1, 'open 2')
    session.disconnect(4000, 'bye')
    await until(() => session.readyState === 3, 'close 2')
    expect(seen.filter((e) => e.socket === 2).map((e) => e.kind)).toEqual(['connecting', 'open', 'closing', 'closed'])
    expect(seen.at(-1)).toMatchObject({ code: 4000, initiator: 'client' })
  })

  it("reports a session's keepalives as keepalives, and they reach the server", async () => {
    const seen: SocketObservation[] = []
    const session = new WebSocketSession({
      createSocket: observeSockets(wsClientFactory, (e) => seen.push(e)),
      keepalive: { enabled: true, intervalMs: 30, payload: 'ka' },
    })
    session.connect(server.url)
    await until(() => seen.filter((e) => e.kind === 'keepalive').length >= 2, 'two keepalives')
    session.send('plain')
    // The echo server answers each message, so keepalives that come back went out on the wire.
    await until(() => seen.filter((e) => e.kind === 'received' && e.data === 'ka').length >= 2, 'keepalive echoes')
    await until(() => seen.some((e) => e.kind === 'received' && e.data === 'plain'), 'the plain echo')
    session.dispose()
    expect(seen.filter((e) => e.kind === 'keepalive').every((e) => e.data === 'ka' && e.direction === 'out')).toBe(true)
    expect(seen.filter((e) => e.kind === 'sent').map((e) => e.data)).toEqual(['plain'])
  })
})
