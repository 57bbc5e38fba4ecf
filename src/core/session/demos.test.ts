import { afterEach, describe, expect, it, vi } from 'vitest'
import type { SessionEvent } from './events'
import { startGateway, type Gateway } from '../../../gateway/src/index'
import { ConnectionCollection } from './connection-collection'
import {
  BROADCAST_MESSAGE,
  BROADCAST_NAMES,
  DemoRun,
  KEEPALIVE_NAMES,
  demoKeepaliveSeconds,
  planDemo,
  type DemoBase,
  type DemoPlan,
} from './demos'
import { ARTICLE_PROFILE, AWS_PROFILE, customProfile } from './timeout-profiles'
import { startEchoServer, until, wsClientFactory } from '../test-support/ws-test-server'

const base: DemoBase = {
  endpoint: 'ws://127.0.0.1:4001/dev',
  payload: '{"action":"ping"}',
  profile: 'custom',
  idleSeconds: 1.5,
  maxSeconds: 60,
}

function plan(id: string, over: Partial<DemoBase> = {}): DemoPlan {
  const result = planDemo(id, { ...base, ...over })
  if (!result.ok) throw new Error(result.error)
  return result.plan
}

describe('demo definitions', () => {
  it('keepalive vs none: two connections to one endpoint, only one with a keepalive shorter than the idle timeout', () => {
    const demo = plan('keepalive-vs-none')
    expect(demo.connections).toEqual([
      {
        endpoint: base.endpoint,
        name: KEEPALIVE_NAMES.with,
        keepaliveSeconds: 0.5,
        payload: '{"action":"ping"}',
        profile: 'custom',
        idleSeconds: 1.5,
        maxSeconds: 60,
      },
      { endpoint: base.endpoint, name: KEEPALIVE_NAMES.without, profile: 'custom', idleSeconds: 1.5, maxSeconds: 60 },
    ])
    // The silent one is selected: its countdown is the one that runs out.
    expect(demo.connections[demo.select]!.name).toBe(KEEPALIVE_NAMES.without)
    expect(demo.description).toContain('after 1.5 s')
  })

  it('picks a keepalive a third of the shortest idle timeout, at most the article’s 60 s', () => {
    expect(demoKeepaliveSeconds(customProfile(1.5, 60))).toBe(0.5)
    expect(demoKeepaliveSeconds(ARTICLE_PROFILE)).toBe(20)
    expect(demoKeepaliveSeconds(AWS_PROFILE)).toBe(60)
    for (const profile of [customProfile(0.4, 60), customProfile(7, 60), ARTICLE_PROFILE, AWS_PROFILE])
      expect(demoKeepaliveSeconds(profile) * 1000).toBeLessThan(profile.idleBeforeFirstMessageMs)
  })

  it('refuses what cannot show the point, saying why', () => {
    expect(planDemo('keepalive-vs-none', { ...base, keepaliveSeconds: 2 })).toEqual({
      ok: false,
      error: 'A keepalive every 2 s cannot beat an idle timeout of 1.5 s: choose a shorter interval.',
    })
    expect(planDemo('keepalive-vs-none', { ...base, idleSeconds: 0.2 })).toMatchObject({ ok: false })
    expect(planDemo('broadcast', { ...base, endpoint: '' })).toEqual({
      ok: false,
      error: 'The demo “Broadcast” needs an endpoint: type one first.',
    })
    expect(planDemo('<img src=x>', base)).toEqual({
      ok: false,
      error: 'Unknown demo “<img src=x>”: use keepalive-vs-none or broadcast.',
    })
  })

  it('broadcast: three connections, the first sends the gateway’s broadcast route message', () => {
    const demo = plan('broadcast', { protocols: 'json' })
    expect(demo.connections.map((c) => [c.name, c.endpoint, c.protocols, c.keepaliveSeconds])).toEqual(
      BROADCAST_NAMES.map((name) => [name, base.endpoint, 'json', undefined]),
    )
    expect(demo.afterOpen).toEqual({ from: 0, data: BROADCAST_MESSAGE })
    expect(JSON.parse(BROADCAST_MESSAGE)).toMatchObject({ action: 'broadcast' })
  })
})

describe('DemoRun on real connections', () => {
  let collection: ConnectionCollection | undefined
  let gateway: Gateway | undefined
  let echo: Awaited<ReturnType<typeof startEchoServer>> | undefined
  afterEach(async () => {
    collection?.dispose()
    await gateway?.close()
    await echo?.close()
    collection = gateway = echo = undefined
  })

  function setUp(demo: DemoPlan, endpoint: string) {
    collection = new ConnectionCollection({ session: { createSocket: wsClientFactory } })
    const ids = demo.connections.map((c, i) => {
      const settings = { endpoint, keepaliveSeconds: c.keepaliveSeconds ?? 60, keepalivePayload: c.payload ?? 'ping' }
      const added = i === 0 ? undefined : collection!.add({ name: c.name, settings })
      if (added && !added.ok) throw new Error(added.error)
      const connection = added ? added.connection : collection!.list[0]!
      if (i === 0) connection.configure(settings)
      return connection.id
    })
    const statuses: string[] = []
    const c = collection
    const run = new DemoRun(
      demo,
      ids,
      { send: (id, data) => c.get(id)!.send(data), subscribe: (l) => c.subscribe(l) },
      { onStatus: (status) => statuses.push(status) },
    )
    return { ids, run, statuses, collection: c }
  }

  it('broadcast: sends once all three are open, and finishes when all three received it', async () => {
    gateway = await startGateway({ port: 0, log: false })
    const demo = plan('broadcast')
    const { ids, run, statuses, collection: c } = setUp(demo, gateway.wsUrl)
    for (const id of ids) expect(c.get(id)!.connect()).toEqual({ ok: true })
    await until(() => run.finished, 'the broadcast demo to finish')
    expect(run.status).toBe('All 3 connections received the broadcast from “broadcaster”.')
    expect(statuses).toContain('All 3 open: “broadcaster” sent the broadcast; waiting for it to arrive…')
    // Exactly one broadcast went out, from the first connection.
    expect(ids.map((id) => c.get(id)!.session.sentCount)).toEqual([1, 0, 0])
  })

  it('broadcast: a connection that closes first ends the demo with the reason', async () => {
    echo = await startEchoServer()
    const demo = plan('broadcast')
    const { ids, run, collection: c } = setUp(demo, echo.url)
    c.get(ids[0]!)!.connect()
    c.get(ids[1]!)!.configure({ endpoint: 'ws://127.0.0.1:9/nothing-listens' })
    c.get(ids[1]!)!.connect()
    await until(() => run.finished, 'the demo to end')
    expect(run.status).toBe('“listener 1” closed (1006) before the demo finished.')
  })

  it('keepalive vs none: reports the silent connection’s close and that the other is still open', async () => {
    echo = await startEchoServer()
    const demo = plan('keepalive-vs-none')
    const { ids, run, collection: c } = setUp(demo, echo.url)
    c.get(ids[0]!)!.connect()
    await until(() => echo!.sockets.size === 1, 'the first socket')
    const [withSocket] = [...echo.sockets]
    c.get(ids[1]!)!.connect()
    await until(() => run.status.startsWith('Both open.'), 'both to open')
    // The server closes the silent one as an idle timeout would.
    const silent = [...echo.sockets].find((s) => s !== withSocket)!
    silent.close(1001, 'Going away')
    await until(() => run.finished, 'the demo to end')
    expect(run.status).toMatch(/^“without keepalive” closed with 1001 after 0:0\d; “with keepalive” is still open\.$/)
    expect(c.get(ids[0]!)!.session.readyState).toBe(1)
  })
})

describe('DemoRun bounds', () => {
  it('ignores the close of a socket that was open before the demo, and leaves no timer after dispose', () => {
    vi.useFakeTimers()
    try {
      const listeners = new Set<(e: SessionEvent) => void>()
      const statuses: string[] = []
      const demo = plan('broadcast')
      const run = new DemoRun(
        demo,
        ['c1', 'c2', 'c3'],
        { send: () => ({ ok: true }), subscribe: (l) => (listeners.add(l), () => listeners.delete(l)) },
        { onStatus: (s) => statuses.push(s) },
      )
      expect(vi.getTimerCount()).toBe(1)
      const closed = { kind: 'closed', direction: 'none', code: 1000, reason: '', wasClean: true } as const
      for (const l of listeners)
        l({ ...closed, initiator: 'client', beforeOpen: false, at: 1, connection: 1, source: 'c1' })
      expect(run.finished).toBe(false)
      vi.advanceTimersByTime(demo.watchMs)
      expect(run.status).toBe('Stopped watching after 30 s: 0 of 3 opened, 0 of 3 received the broadcast.')
      expect(listeners.size).toBe(0)
      expect(vi.getTimerCount()).toBe(0)
      const again = new DemoRun(
        demo,
        ['c1'],
        { send: () => ({ ok: true }), subscribe: (l) => (listeners.add(l), () => listeners.delete(l)) },
        { onStatus: () => {} },
      )
      again.dispose()
      expect(vi.getTimerCount()).toBe(0)
      expect(listeners.size).toBe(0)
    } finally {
      vi.useRealTimers()
    }
  })
})
