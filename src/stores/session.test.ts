import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { nextTick } from 'vue'
import { createPinia, setActivePinia } from 'pinia'
import { startEchoServer } from '@/core/test-support/ws-test-server'
import { useLogStore } from './log'
import { useSessionStore } from './session'
import { useSettingsStore } from './settings'

// The real store on happy-dom's WebSocket (a wrapper of `ws`) against a real `ws` echo server. Waits poll for a
// state, they never sleep; nothing asserts how long anything took.
type EchoServer = Awaited<ReturnType<typeof startEchoServer>>
const settle = { timeout: 15_000, interval: 5 }

describe('session store', () => {
  let server: EchoServer
  let session: ReturnType<typeof useSessionStore>

  beforeEach(async () => {
    localStorage.clear()
    setActivePinia(createPinia())
    server = await startEchoServer()
    session = useSessionStore()
  })

  afterEach(async () => {
    vi.useRealTimers()
    if (session.isActive) session.disconnect()
    await server.close()
  })

  it('exposes the session through one read-only state that follows connect, traffic and close', async () => {
    const log = useLogStore()
    expect(session.state).toMatchObject({ connection: 0, readyState: undefined, sentCount: 0, keepaliveEnabled: false })
    expect(session.connect(server.url, 'chat')).toEqual({ ok: true })
    expect(session.state).toMatchObject({ connection: 1, readyState: 0, url: server.url })
    expect(session.isActive).toBe(true)
    expect(session.isOpen).toBe(false)

    await vi.waitFor(() => expect(session.state.readyState).toBe(1), settle)
    expect(session.isOpen).toBe(true)
    expect(session.state.protocol).toBe('chat')
    expect(session.state.openedAt).toBeGreaterThanOrEqual(session.state.connectingAt!)

    expect(session.send('hello')).toEqual({ ok: true })
    // A send updates the counts at once; the echo arrives as traffic, which the store publishes in batches.
    expect(session.state.sentCount).toBe(1)
    await vi.waitFor(() => expect(session.state.receivedCount).toBe(1), settle)
    expect(session.state.lastReceivedAt).toBeGreaterThanOrEqual(session.state.lastSentAt!)
    expect(session.expected?.idleAt).toBeGreaterThan(session.state.lastReceivedAt!)

    expect(session.disconnect(4000, 'bye')).toEqual({ ok: true })
    expect(session.state.readyState).toBe(2)
    await vi.waitFor(() => expect(session.state.readyState).toBe(3), settle)
    expect(session.state.lastClose).toMatchObject({
      code: 4000,
      reason: 'bye',
      wasClean: true,
      initiator: 'client',
      beforeOpen: false,
    })
    expect(session.isActive).toBe(false)

    await vi.waitFor(() => expect(log.total).toBe(6), settle)
    expect(log.entriesAt(0).map((e) => e.kind)).toEqual(['connecting', 'open', 'sent', 'received', 'closing', 'closed'])
    expect(log.entriesAt(0)[3]).toMatchObject({ direction: 'in', data: 'hello', bytes: 5, connection: 1 })
  })

  it('refuses writes to the state: only the session changes it', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {})
    ;(session.state as { sentCount: number }).sentCount = 99
    expect(session.state.sentCount).toBe(0)
    expect(warn).toHaveBeenCalled()
    warn.mockRestore()
  })

  it('shows a presigned URL redacted in the state, the log and to subscribers, while the socket uses it whole', async () => {
    const log = useLogStore()
    const seen: (string | undefined)[] = []
    session.subscribe((e) => seen.push(e.url))
    const signed = `${server.url}?X-Amz-Security-Token=SECRET-TOKEN&X-Amz-Signature=abc`
    expect(session.connect(server.url, '', signed)).toEqual({ ok: true })
    await vi.waitFor(() => expect(session.state.readyState).toBe(1), settle)
    expect(session.state.url).toContain(server.url)
    expect(session.state.url).not.toContain('SECRET-TOKEN')
    expect(seen[0]).not.toContain('SECRET-TOKEN')
    expect(log.entriesAt(0)[0]!.url).not.toContain('SECRET-TOKEN')
    expect(server.sockets.size).toBe(1)
  })

  it('turns bad input into lastError and opens nothing; the next good action clears it', async () => {
    const result = session.connect('http://example.com/dev')
    expect(result.ok).toBe(false)
    expect(session.lastError).toBe(!result.ok && result.error)
    expect(session.state.readyState).toBeUndefined()
    expect(session.connect(server.url, 'two words')).toMatchObject({ ok: false })
    expect(session.send('not open')).toMatchObject({ ok: false, error: expect.stringContaining('not OPEN') })
    expect(session.connect(server.url)).toEqual({ ok: true })
    expect(session.lastError).toBeUndefined()
    await vi.waitFor(() => expect(session.state.readyState).toBe(1), settle)
    expect(session.disconnect(1005)).toMatchObject({ ok: false })
    expect(session.state.readyState).toBe(1)
  })

  it('keeps the keepalive switch, its next time and the settings in step', async () => {
    // The wall clock stands still at 1,000,000 (timers stay real), so the keepalive times are exact.
    vi.setSystemTime(1_000_000)
    setActivePinia(createPinia())
    session = useSessionStore()
    const settings = useSettingsStore()
    settings.keepaliveSeconds = 0
    expect(session.setKeepalive(true)).toMatchObject({ ok: false, error: expect.stringContaining('at least') })
    expect(session.state.keepaliveEnabled).toBe(false)

    settings.keepaliveSeconds = 30
    expect(session.setKeepalive(true)).toEqual({ ok: true })
    expect(session.state.keepaliveEnabled).toBe(true)
    // Not open yet: nothing is scheduled.
    expect(session.state.nextKeepaliveAt).toBeUndefined()
    session.connect(server.url)
    await vi.waitFor(() => expect(session.state.readyState).toBe(1), settle)
    expect(session.state.nextKeepaliveAt).toBe(1_030_000)

    // A new interval restarts the countdown from now; an interval being typed (0) leaves the running one alone.
    settings.keepaliveSeconds = 45
    await nextTick()
    await nextTick()
    expect(session.state.nextKeepaliveAt).toBe(1_045_000)
    settings.keepaliveSeconds = 0
    await nextTick()
    expect(session.state.nextKeepaliveAt).toBe(1_045_000)
    expect(session.state.keepaliveEnabled).toBe(true)

    settings.keepaliveSeconds = 45
    expect(session.setKeepalive(false)).toEqual({ ok: true })
    expect(session.state).toMatchObject({ keepaliveEnabled: false, nextKeepaliveAt: undefined })
  })

  it('records events that did not come from the socket in the log and tells subscribers nothing of them', async () => {
    const log = useLogStore()
    const seen: string[] = []
    session.subscribe((e) => seen.push(e.kind))
    session.record({
      at: 1,
      connection: 0,
      kind: 'aws',
      direction: 'none',
      aws: { op: 'GetConnection', connectionId: 'abc=', ok: true, status: 200, latencyMs: 12 },
    })
    await vi.waitFor(() => expect(log.total).toBe(1), settle)
    expect(log.entriesAt(0)[0]).toMatchObject({ kind: 'aws', seq: 0 })
    expect(seen).toEqual([])
  })
})
