import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { nextTick } from 'vue'
import { createPinia, setActivePinia } from 'pinia'
import { startEchoServer } from '@/core/test-support/ws-test-server'
import { now } from '@/composables/now'
import { useCostStore } from './cost'
import { useLogStore } from './log'
import { TAB_CONNECTIONS_KEY, useSessionStore } from './session'

// The real store on happy-dom's WebSocket (a wrapper of `ws`) against a real `ws` echo server. Waits poll for a
// state, they never sleep; nothing asserts how long anything took.
type EchoServer = Awaited<ReturnType<typeof startEchoServer>>
const settle = { timeout: 15_000, interval: 5 }

describe('session store', () => {
  let server: EchoServer
  let session: ReturnType<typeof useSessionStore>

  beforeEach(async () => {
    localStorage.clear()
    sessionStorage.clear()
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
    session.configure({ endpoint: server.url, protocols: 'chat' })
    expect(session.connect()).toEqual({ ok: true })
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
    session.configure({ endpoint: server.url })
    expect(session.connect({ signedUrl: signed })).toEqual({ ok: true })
    await vi.waitFor(() => expect(session.state.readyState).toBe(1), settle)
    expect(session.state.url).toContain(server.url)
    expect(session.state.url).not.toContain('SECRET-TOKEN')
    expect(seen[0]).not.toContain('SECRET-TOKEN')
    expect(log.entriesAt(0)[0]!.url).not.toContain('SECRET-TOKEN')
    expect(server.sockets.size).toBe(1)
  })

  it('turns bad input into lastError and opens nothing; the next good action clears it', async () => {
    session.configure({ endpoint: 'http://example.com/dev' })
    const result = session.connect()
    expect(result.ok).toBe(false)
    expect(session.lastError).toBe(!result.ok && result.error)
    expect(session.state.readyState).toBeUndefined()
    session.configure({ endpoint: server.url, protocols: 'two words' })
    expect(session.connect()).toMatchObject({ ok: false })
    expect(session.send('not open')).toMatchObject({ ok: false, error: expect.stringContaining('not OPEN') })
    session.configure({ protocols: '' })
    expect(session.connect()).toEqual({ ok: true })
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
    session.configure({ keepaliveSeconds: 0, endpoint: server.url })
    expect(session.setKeepalive(true)).toMatchObject({ ok: false, error: expect.stringContaining('from 0.1 s') })
    expect(session.state.keepaliveEnabled).toBe(false)

    session.configure({ keepaliveSeconds: 30 })
    expect(session.setKeepalive(true)).toEqual({ ok: true })
    expect(session.state.keepaliveEnabled).toBe(true)
    // Not open yet: nothing is scheduled.
    expect(session.state.nextKeepaliveAt).toBeUndefined()
    session.connect()
    await vi.waitFor(() => expect(session.state.readyState).toBe(1), settle)
    expect(session.state.nextKeepaliveAt).toBe(1_030_000)

    // A new interval restarts the countdown from now; an interval being typed (0) leaves the running one alone.
    session.configure({ keepaliveSeconds: 45 })
    expect(session.state.nextKeepaliveAt).toBe(1_045_000)
    session.configure({ keepaliveSeconds: 0 })
    expect(session.state.nextKeepaliveAt).toBe(1_045_000)
    expect(session.state.keepaliveEnabled).toBe(true)

    session.configure({ keepaliveSeconds: 45 })
    expect(session.setKeepalive(false)).toEqual({ ok: true })
    expect(session.state).toMatchObject({ keepaliveEnabled: false, nextKeepaliveAt: undefined })
  })

  it('connects all and closes all: each connection to its own endpoint, only those in a state to take it', async () => {
    const other = await startEchoServer()
    try {
      session.configure({ endpoint: server.url })
      session.add({ name: 'B', settings: { endpoint: other.url } })
      session.add({ name: 'C', settings: { endpoint: server.url } })
      expect(session.anyOpen).toBe(false)
      expect(session.connect({ id: 'c2' })).toEqual({ ok: true })
      await vi.waitFor(
        () => expect(session.connections.map((c) => c.state.readyState)).toEqual([undefined, 1, undefined]),
        settle,
      )

      // B is open already: only A and C start, each to its own endpoint.
      expect(session.connectAll()).toEqual({ started: 2, skipped: 1, errors: [] })
      await vi.waitFor(() => expect(session.connections.map((c) => c.state.readyState)).toEqual([1, 1, 1]), settle)
      expect(session.connections.map((c) => c.state.url)).toEqual([server.url, other.url, server.url])
      expect(session.anyConnectable).toBe(false)
      expect(session.connectAll()).toEqual({ started: 0, skipped: 3, errors: [] })
      expect(session.lastError).toBe('Every connection is already open or on its way.')

      session.disconnect(undefined, undefined, 'c3')
      await vi.waitFor(() => expect(session.connections[2]!.state.readyState).toBe(3), settle)
      expect(session.closeAll(4001, 'all')).toEqual({ started: 2, skipped: 1, errors: [] })
      await vi.waitFor(() => expect(session.connections.map((c) => c.state.readyState)).toEqual([3, 3, 3]), settle)
      expect(session.connections.map((c) => c.state.lastClose?.code)).toEqual([4001, 4001, 1005])
      expect(session.anyOpen).toBe(false)
      expect(session.closeAll()).toEqual({ started: 0, skipped: 3, errors: [] })
      expect(session.lastError).toBe('No connection is open.')
    } finally {
      await other.close()
    }
  })

  it('runs several connections: the selected one’s state, each one’s view, send to all, and a tab-only set-up', async () => {
    const log = useLogStore()
    session.configure({ endpoint: server.url })
    const added = session.add({ name: 'second', settings: { endpoint: server.url } })
    expect(added.ok).toBe(true)
    expect(session.connections.map((c) => c.name)).toEqual(['A', 'second'])
    expect(session.connect()).toEqual({ ok: true })
    expect(session.connect({ id: 'c2' })).toEqual({ ok: true })
    await vi.waitFor(() => expect(session.connections.map((c) => c.state.readyState)).toEqual([1, 1]), settle)
    expect(session.sendToAll('to everyone')).toEqual({ sent: 2, skipped: 0, errors: [] })
    expect(session.send('only b', 'c2')).toEqual({ ok: true })
    await vi.waitFor(() => expect(session.connections.map((c) => c.state.receivedCount)).toEqual([1, 2]), settle)
    // The selected connection drives `state`; selecting the other switches it.
    expect(session.state.sentCount).toBe(1)
    session.select('c2')
    expect(session.state.sentCount).toBe(2)
    await vi.waitFor(() => expect(log.entriesOf('c2').filter((e) => e.kind === 'received')).toHaveLength(2), settle)
    expect(log.entriesOf('c1').every((e) => e.source === 'c1')).toBe(true)

    // The set-up is the tab's (sessionStorage), never localStorage; a reload (a new store) restores it, not its sockets.
    expect(localStorage.getItem(TAB_CONNECTIONS_KEY)).toBeNull()
    expect(JSON.parse(sessionStorage.getItem(TAB_CONNECTIONS_KEY)!)).toMatchObject({
      selectedId: 'c2',
      connections: [
        { id: 'c1', name: 'A' },
        { id: 'c2', name: 'second' },
      ],
    })
    expect(session.remove('c2')).toEqual({ ok: true })
    expect(session.selected.id).toBe('c1')
    expect(session.labelOf('c2')).toEqual({ name: 'second', colour: expect.any(String) })
    session.rename('c1', 'renamed')
    session.disconnect()
    setActivePinia(createPinia())
    const reloaded = useSessionStore()
    expect(reloaded.connections.map((c) => [c.id, c.name, c.settings.endpoint, c.state.readyState])).toEqual([
      ['c1', 'renamed', server.url, undefined],
    ])
    session = reloaded
  })

  it('hands batch subscribers the same events in the same order, and the cost meter counts every message', async () => {
    const cost = useCostStore()
    const one: string[] = []
    const batched: string[] = []
    session.subscribe((e) => one.push(`${e.kind} ${e.data ?? ''}`))
    session.subscribeBatches((events) => batched.push(...events.map((e) => `${e.kind} ${e.data ?? ''}`)))
    session.configure({ endpoint: server.url })
    expect(session.connect()).toEqual({ ok: true })
    await vi.waitFor(() => expect(session.state.readyState).toBe(1), settle)
    for (let i = 0; i < 20; i++) session.send(`m${i}`)
    await vi.waitFor(() => expect(session.state.receivedCount).toBe(20), settle)
    expect(batched).toEqual(one)
    expect(one.filter((e) => e.startsWith('received'))).toHaveLength(20)
    // 20 sent, 20 echoed: the meter's counts show within a (short) window.
    await vi.waitFor(() => expect(cost.messages).toBe(40), settle)
    expect(cost.meteredMessages).toBe(40)
  })

  it('counts the connection minutes shown with every tick, and during a flood with the messages shown', async () => {
    const cost = useCostStore()
    session.configure({ endpoint: server.url })
    expect(session.connect()).toEqual({ ok: true })
    await vi.waitFor(() => expect(session.state.readyState).toBe(1), settle)
    // Date alone is faked (the clock the meter counts minutes on and its batch measures windows on).
    vi.useFakeTimers({ toFake: ['Date'] })
    /** A tick of the clock `ms` later, and the connection minutes shown after it. */
    const tick = async (ms: number) => {
      vi.setSystemTime(Date.now() + ms)
      now.value = new Date()
      await nextTick()
      return cost.connectionMinutes
    }
    const idle = cost.connectionMinutes
    expect(await tick(60_000)).toBeGreaterThan(idle + 0.9)
    // Hundreds in the meter's first window: the next window is a flood's, which the clock's tick ends.
    for (let i = 0; i < 400; i++) session.send(`m${i}`)
    await vi.waitFor(() => expect(cost.messages).toBeGreaterThan(0), settle)
    const flooding = cost.connectionMinutes
    // A tick within the window: the minutes shown stay with the counts shown (they redraw together).
    expect(await tick(300)).toBe(flooding)
    // A minute later, the tick ends the window: the minutes move on.
    expect(await tick(60_000)).toBeGreaterThan(flooding + 0.9)
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
