import { createServer, type Server, type Socket } from 'node:net'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { SessionEvent } from './events'
import { WebSocketSession } from './session'
import { presignedLifetime, presignedReuseNote } from './presigned'
import { AutoReconnect, backoffDelay, DEFAULT_RECONNECT, reconnectSettingsProblem } from './reconnect'
import { startEchoServer, until, wsClientFactory } from '../test-support/ws-test-server'

type EchoServer = Awaited<ReturnType<typeof startEchoServer>>

describe('backoff and settings', () => {
  it('doubles from the first delay and stops at the longest', () => {
    const s = { initialDelayMs: 1000, maxDelayMs: 5000 }
    expect([1, 2, 3, 4, 5].map((n) => backoffDelay(n, s))).toEqual([1000, 2000, 4000, 5000, 5000])
  })

  it('is off by default, handshake timeout included, and refuses settings with no bound', () => {
    expect(DEFAULT_RECONNECT).toMatchObject({ enabled: false, handshakeTimeoutMs: 0 })
    expect(reconnectSettingsProblem(DEFAULT_RECONNECT)).toBeUndefined()
    expect(reconnectSettingsProblem({ ...DEFAULT_RECONNECT, maxAttempts: 0 })).toMatch(/Attempts/)
    expect(reconnectSettingsProblem({ ...DEFAULT_RECONNECT, maxAttempts: 1e9 })).toMatch(/Attempts/)
    expect(reconnectSettingsProblem({ ...DEFAULT_RECONNECT, initialDelayMs: 0 })).toMatch(/at least/)
    expect(reconnectSettingsProblem({ ...DEFAULT_RECONNECT, handshakeTimeoutMs: -1 })).toMatch(/handshake/)
    expect(reconnectSettingsProblem({ ...DEFAULT_RECONNECT, handshakeTimeoutMs: Number.NaN })).toMatch(/handshake/)
  })
})

describe('AutoReconnect with fake timers against real servers', () => {
  let server: EchoServer
  let session: WebSocketSession
  let auto: AutoReconnect
  let events: SessionEvent[]
  const reconnects = () => events.filter((e) => e.kind === 'reconnect').map((e) => e.message)
  const count = (kind: SessionEvent['kind']) => events.filter((e) => e.kind === kind).length

  beforeEach(async () => {
    server = await startEchoServer()
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] })
    session = new WebSocketSession({ createSocket: wsClientFactory })
    events = []
    session.subscribe((e) => events.push(e))
    auto = new AutoReconnect(session, (e) => events.push(e))
  })

  afterEach(async () => {
    auto.dispose()
    session.dispose()
    vi.useRealTimers()
    await server.close()
  })

  it('does nothing after a server close while off (the default)', async () => {
    auto.connect(server.url)
    await until(() => session.readyState === 1, 'open')
    session.send('close:4001:bye')
    await until(() => session.readyState === 3, 'close')
    vi.advanceTimersByTime(120_000)
    expect(reconnects()).toEqual([])
    expect(count('connecting')).toBe(1)
    expect(vi.getTimerCount()).toBe(0)
  })

  it('reconnects after a server close, once the delay has passed, and counts afresh once open', async () => {
    expect(auto.configure({ ...DEFAULT_RECONNECT, enabled: true, maxAttempts: 3 })).toEqual({ ok: true })
    auto.connect(server.url)
    await until(() => session.readyState === 1, 'open')
    session.send('close:4001:bye')
    await until(() => reconnects().length === 1, 'reconnect scheduled')
    expect(reconnects()).toEqual(['Reconnecting in 1 s (attempt 1 of 3).'])
    expect(auto.nextAttemptAt).toBe(Date.now() + 1000)
    vi.advanceTimersByTime(999)
    expect(count('connecting')).toBe(1)
    vi.advanceTimersByTime(1)
    expect(count('connecting')).toBe(2)
    await until(() => session.readyState === 1, 'open again')
    expect(session.connection).toBe(2)

    session.send('close:4001:again')
    await until(() => reconnects().length === 2, 'second reconnect')
    // The connection opened in between, so this is attempt 1 again, after the first delay.
    expect(reconnects()[1]).toBe('Reconnecting in 1 s (attempt 1 of 3).')
  })

  it('backs off while the server refuses, and gives up after the last attempt', async () => {
    const url = server.url
    await server.close()
    auto.configure({ ...DEFAULT_RECONNECT, enabled: true, initialDelayMs: 1000, maxDelayMs: 3000, maxAttempts: 3 })
    auto.connect(url)
    for (const delay of [1000, 2000, 3000]) {
      const before = reconnects().length
      await until(() => reconnects().length === before + 1, `retry after ${delay}`)
      vi.advanceTimersByTime(delay)
    }
    await until(() => reconnects().length === 4, 'give up')
    expect(reconnects()).toEqual([
      'Reconnecting in 1 s (attempt 1 of 3).',
      'Reconnecting in 2 s (attempt 2 of 3).',
      'Reconnecting in 3 s (attempt 3 of 3).',
      'Gave up after 3 reconnect attempts.',
    ])
    expect(count('connecting')).toBe(4)
    vi.advanceTimersByTime(600_000)
    expect(count('connecting')).toBe(4)
    expect(vi.getTimerCount()).toBe(0)
    server = await startEchoServer()
  })

  it('says a presigned URL is reused as is, when it expires, and that a retry after that will be refused', async () => {
    const signedAt = Date.UTC(2026, 11, 2, 5, 59, 0)
    vi.setSystemTime(signedAt)
    const url = `${server.url}?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Date=20261202T055900Z&X-Amz-Expires=3&X-Amz-Signature=ab12`
    await server.close()
    auto.configure({ ...DEFAULT_RECONNECT, enabled: true, initialDelayMs: 1000, maxDelayMs: 30_000, maxAttempts: 3 })
    auto.connect(url)
    await until(() => reconnects().length === 1, 'first retry')
    vi.advanceTimersByTime(1000)
    await until(() => reconnects().length === 2, 'second retry')
    vi.advanceTimersByTime(2000)
    await until(() => reconnects().length === 3, 'third retry')
    expect(reconnects()).toEqual([
      'Reconnecting in 1 s (attempt 1 of 3). The URL is presigned and is reused as is: it expires at 05:59:03 UTC, after which retries are refused (403). Connect again to sign a fresh one.',
      // Due at 05:59:03, when the URL no longer passes.
      'Reconnecting in 2 s (attempt 2 of 3). The presigned URL expired at 05:59:03 UTC: this retry will be refused (403). Connect again to sign a fresh one.',
      'Reconnecting in 4 s (attempt 3 of 3). The presigned URL expired at 05:59:03 UTC: this retry will be refused (403). Connect again to sign a fresh one.',
    ])
    // The URL itself is never in the message: it carries a signature.
    expect(reconnects().join(' ')).not.toContain('ab12')
    server = await startEchoServer()
  })

  it('adds nothing for a URL that is not presigned, and notes an unreadable lifetime plainly', () => {
    expect(presignedLifetime('wss://x.execute-api.us-east-1.amazonaws.com/prod')).toBeUndefined()
    expect(presignedLifetime('wss://x.example/prod?token=abc&X-Amz-Date=20261202T055900Z')).toBeUndefined()
    expect(presignedLifetime('wss://x/p?x-amz-signature=1')).toEqual({ signedAt: undefined, expiresAt: undefined })
    expect(presignedLifetime('wss://x/p?X-Amz-Date=2026&X-Amz-Expires=%zz&X-Amz-Signature=1')).toEqual({
      signedAt: undefined,
      expiresAt: undefined,
    })
    expect(presignedLifetime('wss://x/p?X-Amz-Date=20261202T055900Z&X-Amz-Expires=60#frag')).toEqual({
      signedAt: Date.UTC(2026, 11, 2, 5, 59, 0),
      expiresAt: Date.UTC(2026, 11, 2, 6, 0, 0),
    })
    expect(presignedReuseNote('ws://127.0.0.1:4001/dev', 0)).toBeUndefined()
    expect(presignedReuseNote('wss://x/p?X-Amz-Signature=1', 0)).toMatch(
      /presigned and is reused as is: once it expires/,
    )
  })

  it('never reconnects after a close the user asked for, and a disconnect cancels a pending reconnect', async () => {
    auto.configure({ ...DEFAULT_RECONNECT, enabled: true })
    auto.connect(server.url)
    await until(() => session.readyState === 1, 'open')
    auto.disconnect(1000, 'done')
    await until(() => session.readyState === 3, 'closed')
    vi.advanceTimersByTime(60_000)
    expect(reconnects()).toEqual([])

    auto.connect(server.url)
    await until(() => session.readyState === 1, 'open 2')
    session.send('close:4001:bye')
    await until(() => reconnects().length === 1, 'scheduled')
    expect(auto.disconnect()).toEqual({ ok: true })
    expect(reconnects().at(-1)).toBe('Reconnect cancelled.')
    vi.advanceTimersByTime(60_000)
    expect(count('connecting')).toBe(2)
    expect(vi.getTimerCount()).toBe(0)
  })
})

describe('handshake timeout', () => {
  let silent: Server
  let url: string
  const sockets = new Set<Socket>()

  beforeEach(async () => {
    // Accepts the TCP connection and never answers the HTTP upgrade: the handshake hangs.
    silent = createServer((socket) => {
      sockets.add(socket)
      socket.on('close', () => sockets.delete(socket))
    })
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve))
    url = `ws://127.0.0.1:${(silent.address() as { port: number }).port}/dev`
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] })
  })

  afterEach(async () => {
    vi.useRealTimers()
    for (const s of sockets) s.destroy()
    await new Promise((resolve) => silent.close(resolve))
  })

  it('closes a handshake that has not finished in time, says so, and retries when reconnect is on', async () => {
    const session = new WebSocketSession({ createSocket: wsClientFactory })
    const events: SessionEvent[] = []
    session.subscribe((e) => events.push(e))
    const auto = new AutoReconnect(session, (e) => events.push(e))
    auto.configure({ ...DEFAULT_RECONNECT, enabled: true, handshakeTimeoutMs: 5000, maxAttempts: 1 })
    auto.connect(url)
    await until(() => sockets.size === 1, 'tcp accepted')
    vi.advanceTimersByTime(4999)
    expect(session.readyState).toBe(0)
    vi.advanceTimersByTime(1)
    await until(() => session.readyState === 3, 'attempt closed')
    expect(events.filter((e) => e.kind === 'reconnect').map((e) => e.message)).toEqual([
      'Handshake timed out after 5 s: closing the attempt.',
      'Reconnecting in 1 s (attempt 1 of 1).',
    ])
    expect(events.at(-2)).toMatchObject({ kind: 'closed', beforeOpen: true })
    auto.dispose()
    session.dispose()
  })

  it('is off by default: the handshake is left to the browser', async () => {
    const session = new WebSocketSession({ createSocket: wsClientFactory })
    const auto = new AutoReconnect(session, () => {})
    auto.connect(url)
    await until(() => sockets.size === 1, 'tcp accepted')
    vi.advanceTimersByTime(300_000)
    expect(session.readyState).toBe(0)
    auto.dispose()
    session.dispose()
  })
})
