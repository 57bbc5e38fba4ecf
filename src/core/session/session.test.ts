import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { SessionEvent } from './events'
import { WebSocketSession } from './session'
import { startEchoServer, until, wsClientFactory } from '../test-support/ws-test-server'

type EchoServer = Awaited<ReturnType<typeof startEchoServer>>

/** A session for one test, on its own echo server, with every event it emits recorded. */
async function recordedSession(options: { fakeTimers: boolean }) {
  const server = await startEchoServer()
  if (options.fakeTimers) {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] })
  }
  const session = new WebSocketSession({ createSocket: wsClientFactory })
  const events: SessionEvent[] = []
  session.subscribe((e) => events.push(e))
  return { server, session, events }
}

async function endSession(session: WebSocketSession, server: EchoServer) {
  session.dispose()
  vi.useRealTimers()
  await server.close()
}

describe('WebSocketSession against a real ws server', () => {
  let server: EchoServer
  let session: WebSocketSession
  let events: SessionEvent[]

  beforeEach(async () => ({ server, session, events } = await recordedSession({ fakeTimers: false })))
  afterEach(() => endSession(session, server))

  const kinds = () => events.map((e) => e.kind)

  it('connects, sends, receives the echo and closes cleanly with a code and reason', async () => {
    expect(session.connect(server.url, ['chat'])).toEqual({ ok: true })
    expect(session.readyState).toBe(0)
    await until(() => session.readyState === 1, 'open')
    expect(session.protocol).toBe('chat')
    expect(session.send('héllo')).toEqual({ ok: true })
    await until(() => kinds().includes('received'), 'echo')
    const received = events.find((e) => e.kind === 'received')!
    expect(received).toMatchObject({ direction: 'in', data: 'héllo', bytes: 6, connection: 1 })
    expect(received.sinceOpen).toBeGreaterThanOrEqual(0)
    expect(server.received.map((m) => m.data)).toEqual(['héllo'])

    expect(session.disconnect(4000, 'bye')).toEqual({ ok: true })
    expect(session.readyState).toBe(2)
    await until(() => session.readyState === 3, 'close')
    expect(kinds()).toEqual(['connecting', 'open', 'sent', 'received', 'closing', 'closed'])
    expect(events.at(-1)).toMatchObject({
      code: 4000,
      reason: 'bye',
      wasClean: true,
      initiator: 'client',
      beforeOpen: false,
    })
    const snapshot = session.snapshot()
    expect(snapshot).toEqual({
      connection: 1,
      readyState: 3,
      url: server.url,
      protocol: 'chat',
      connectingAt: expect.any(Number),
      openedAt: expect.any(Number),
      lastSentAt: expect.any(Number),
      lastReceivedAt: expect.any(Number),
      sentCount: 1,
      receivedCount: 1,
      lastClose: {
        at: expect.any(Number),
        code: 4000,
        reason: 'bye',
        wasClean: true,
        initiator: 'client',
        beforeOpen: false,
      },
      keepaliveEnabled: false,
      nextKeepaliveAt: undefined,
    })
    const times = [
      snapshot.connectingAt,
      snapshot.openedAt,
      snapshot.lastSentAt,
      snapshot.lastReceivedAt,
      snapshot.lastClose!.at,
    ]
    expect(times).toEqual([...times].sort((a, b) => a! - b!))
    // A copy: changing it changes nothing in the session.
    snapshot.sentCount = 99
    expect(session.snapshot().sentCount).toBe(1)
  })

  it('reports a server-initiated close with its code and reason', async () => {
    session.connect(server.url)
    await until(() => session.readyState === 1, 'open')
    session.send('close:4001:server says bye')
    await until(() => session.readyState === 3, 'close')
    expect(session.lastClose).toMatchObject({
      code: 4001,
      reason: 'server says bye',
      initiator: 'server',
      wasClean: true,
    })
  })

  it('records the CLOSING state of a server close from the close event, not only when the 1 s sample catches it', async () => {
    session.connect(server.url)
    await until(() => session.readyState === 1, 'open')
    session.send('close:4001:server says bye')
    await until(() => session.readyState === 3, 'close')
    expect(kinds()).toEqual(['connecting', 'open', 'sent', 'closing', 'closed'])
    expect(events.at(-2)).toMatchObject({ kind: 'closing', initiator: 'server', code: 4001, reason: 'server says bye' })
  })

  it('records no CLOSING for a connection that dropped without a close frame', async () => {
    session.connect(server.url)
    await until(() => session.readyState === 1, 'open')
    for (const socket of server.sockets) socket.terminate()
    await until(() => session.readyState === 3, 'close')
    expect(kinds()).toEqual(['connecting', 'open', 'closed'])
    expect(events.at(-1)).toMatchObject({ code: 1006, wasClean: false })
  })

  it('shows a refused connection as error then 1006 before open', async () => {
    const port = Number(new URL(server.url).port)
    await server.close()
    session.connect(`ws://127.0.0.1:${port}/dev`)
    await until(() => session.readyState === 3, 'close')
    expect(kinds()).toEqual(['connecting', 'error', 'closed'])
    expect(events.at(-1)).toMatchObject({ code: 1006, wasClean: false, beforeOpen: true })
    server = await startEchoServer()
  })

  it('refuses to send when not open, and to connect twice', async () => {
    expect(session.send('x')).toMatchObject({ ok: false })
    session.connect(server.url)
    expect(session.send('too early')).toMatchObject({ ok: false })
    expect(session.connect(server.url)).toMatchObject({ ok: false, error: expect.stringContaining('disconnect first') })
    await until(() => session.readyState === 1, 'open')
    expect(events.filter((e) => e.kind === 'sent')).toHaveLength(0)
  })

  it('turns a constructor SyntaxError into an error event, not a throw', () => {
    const throwing = new WebSocketSession({
      createSocket: () => {
        throw new SyntaxError("The URL's scheme must be either 'ws' or 'wss'.")
      },
    })
    const seen: SessionEvent[] = []
    throwing.subscribe((e) => seen.push(e))
    expect(throwing.connect('http://x')).toMatchObject({ ok: false })
    expect(seen.map((e) => e.kind)).toEqual(['connecting', 'error', 'closed'])
    expect(throwing.readyState).toBe(3)
  })

  it('keeps received binary frames as base64, marked binary, with their byte count', async () => {
    session.connect(server.url)
    await until(() => session.readyState === 1, 'open')
    session.send('binary')
    await until(() => events.some((e) => e.binary), 'binary')
    expect(events.find((e) => e.binary)).toMatchObject({ kind: 'received', data: '3q2+7w==', bytes: 4 })
  })

  it('sends bytes as a binary frame, logged as base64 and marked binary', async () => {
    session.connect(server.url)
    await until(() => session.readyState === 1, 'open')
    expect(session.send(Uint8Array.from([0, 0xff, 0x80]))).toEqual({ ok: true })
    await until(() => events.some((e) => e.kind === 'received'), 'echo')
    expect(events.find((e) => e.kind === 'sent')).toMatchObject({ data: 'AP+A', bytes: 3, binary: true })
    // The echo server sends the frame back with the type it came in: binary.
    expect(events.find((e) => e.kind === 'received')).toMatchObject({ data: 'AP+A', bytes: 3, binary: true })
  })

  it('numbers connections and keeps counting across reconnects', async () => {
    session.connect(server.url)
    await until(() => session.readyState === 1, 'open')
    session.disconnect()
    await until(() => session.readyState === 3, 'close')
    session.connect(server.url)
    await until(() => session.readyState === 1, 'open 2')
    expect(events.filter((e) => e.kind === 'open').map((e) => e.connection)).toEqual([1, 2])
  })

  it('rejects close codes a browser may not send, without closing', async () => {
    session.connect(server.url)
    await until(() => session.readyState === 1, 'open')
    expect(session.disconnect(1001)).toMatchObject({ ok: false })
    expect(session.readyState).toBe(1)
  })
})

describe('keepalive with fake timers', () => {
  let server: EchoServer
  let session: WebSocketSession
  let events: SessionEvent[]

  beforeEach(async () => ({ server, session, events } = await recordedSession({ fakeTimers: true })))
  afterEach(() => endSession(session, server))

  it('sends the payload every interval, marked as keepalive, and the server receives it', async () => {
    session.setKeepalive({ enabled: true, intervalMs: 60_000, payload: 'ping' })
    session.connect(server.url)
    await until(() => session.readyState === 1, 'open')
    expect(session.nextKeepaliveAt).toBe(Date.now() + 60_000)
    vi.advanceTimersByTime(59_999)
    expect(events.filter((e) => e.kind === 'keepalive')).toHaveLength(0)
    vi.advanceTimersByTime(1)
    await until(() => server.received.length === 1, 'first ping')
    vi.advanceTimersByTime(60_000)
    await until(() => server.received.length === 2, 'second ping')
    expect(server.received.map((m) => m.data)).toEqual(['ping', 'ping'])
    expect(events.filter((e) => e.kind === 'keepalive').map((e) => e.direction)).toEqual(['out', 'out'])
  })

  it('has the next keepalive time ready when listeners hear of the open and of each keepalive', async () => {
    const seenNext: (number | undefined)[] = []
    session.subscribe((e) => {
      if (e.kind === 'open' || e.kind === 'keepalive')
        seenNext.push(session.nextKeepaliveAt && session.nextKeepaliveAt - e.at)
    })
    session.setKeepalive({ enabled: true, intervalMs: 5000, payload: 'ping' })
    session.connect(server.url)
    await until(() => session.readyState === 1, 'open')
    vi.advanceTimersByTime(5000)
    expect(seenNext).toEqual([5000, 5000])
  })

  it('stops every timer when turned off, on disconnect and on a server close', async () => {
    session.connect(server.url)
    await until(() => session.readyState === 1, 'open')
    session.setKeepalive({ enabled: true, intervalMs: 1000, payload: '{"action":"ping"}' })
    expect(vi.getTimerCount()).toBe(2) // readyState sampler + keepalive
    session.setKeepalive({ enabled: false, intervalMs: 1000, payload: 'ping' })
    expect(vi.getTimerCount()).toBe(1)
    expect(session.nextKeepaliveAt).toBeUndefined()

    session.setKeepalive({ enabled: true, intervalMs: 1000, payload: 'ping' })
    session.send('close:4002:bye')
    await until(() => session.readyState === 3, 'server close')
    expect(vi.getTimerCount()).toBe(0)
    vi.advanceTimersByTime(10_000)
    expect(events.filter((e) => e.kind === 'keepalive')).toHaveLength(0)
  })

  it('never sends on a socket that is not OPEN', async () => {
    session.setKeepalive({ enabled: true, intervalMs: 1000, payload: 'ping' })
    session.connect(server.url)
    vi.advanceTimersByTime(5000) // still CONNECTING: nothing is scheduled yet
    await until(() => session.readyState === 1, 'open')
    session.disconnect()
    vi.advanceTimersByTime(5000)
    await until(() => session.readyState === 3, 'closed')
    expect(events.filter((e) => e.kind === 'keepalive')).toHaveLength(0)
    expect(server.received).toHaveLength(0)
  })

  it('refuses intervals below the minimum', () => {
    expect(session.setKeepalive({ enabled: true, intervalMs: 10, payload: 'ping' })).toMatchObject({ ok: false })
  })

  it('refuses intervals over a day, which a browser timer would run at once, over and over', async () => {
    session.connect(server.url)
    await until(() => session.readyState === 1, 'open')
    // 3,000,000 s: past 2^31 - 1 ms, where timers wrap around to fire after 1 ms.
    expect(session.setKeepalive({ enabled: true, intervalMs: 3e9, payload: 'ping' })).toMatchObject({
      ok: false,
      error: 'The keepalive interval must be from 0.1 s to a day (86,400 s).',
    })
    vi.advanceTimersByTime(1000)
    expect(events.filter((e) => e.kind === 'keepalive')).toHaveLength(0)
    expect(session.nextKeepaliveAt).toBeUndefined()
    expect(session.setKeepalive({ enabled: true, intervalMs: 86_400_000, payload: 'ping' })).toEqual({ ok: true })
    expect(session.nextKeepaliveAt).toBe(Date.now() + 86_400_000)
  })
})

describe('a server close whose CLOSING the 1 s sample caught before the close event', () => {
  let server: EchoServer
  let session: WebSocketSession
  let events: SessionEvent[]

  beforeEach(async () => ({ server, session, events } = await recordedSession({ fakeTimers: true })))
  afterEach(() => endSession(session, server))

  /**
   * The server sends its close frame, then stops reading: the client answers and stays CLOSING, waiting for the
   * server to end the connection, as a browser does while the close event is still to come.
   */
  async function serverClosesAndHolds(code: number, reason: string) {
    const [peer] = server.sockets
    const raw = (peer as unknown as { _socket: { pause(): void; resume(): void } })._socket
    raw.pause()
    peer!.close(code, reason)
    return { release: () => raw.resume() }
  }

  it('completes the sampled CLOSING with the close code instead of leaving it without one', async () => {
    session.connect(server.url)
    await until(() => session.readyState === 1 && server.sockets.size === 1, 'open')
    const held = await serverClosesAndHolds(1000, 'done')
    const client = () => (session as unknown as { socket: { readyState: number } }).socket.readyState
    await until(() => client() === 2, 'client CLOSING')
    expect(kinds()).toEqual(['connecting', 'open'])

    vi.advanceTimersByTime(1000) // the sample sees CLOSING; no close event yet
    expect(kinds()).toEqual(['connecting', 'open', 'closing'])
    expect(events.at(-1)).toMatchObject({ kind: 'closing', initiator: 'server' })
    expect(events.at(-1)!.code).toBeUndefined()
    expect(session.readyState).toBe(2)

    held.release()
    await until(() => session.readyState === 3, 'close event')
    expect(kinds()).toEqual(['connecting', 'open', 'closing', 'closing', 'closed'])
    expect(events.at(-2)).toMatchObject({
      kind: 'closing',
      initiator: 'server',
      code: 1000,
      reason: 'done',
      completes: true,
    })
    expect(events.at(-1)).toMatchObject({ kind: 'closed', code: 1000, wasClean: true })
  })

  const kinds = () => events.map((e) => e.kind)
})
