import { PostToConnectionCommand } from '@aws-sdk/client-apigatewaymanagementapi'
import { describe, expect, it } from 'vitest'
import type { DisconnectInfo } from '../src/index'
import { gatewayFor, managementClient, sleep, TestClient, waitFor, whoami } from './helpers'

// Generous bounds: a loaded 2-core CI machine delays timers, so only "not early, not wildly late" is checked.
const LATE_MS = 1500

function recordDisconnects(gw: { on: (e: 'disconnect', fn: (d: DisconnectInfo) => void) => unknown }) {
  const list: DisconnectInfo[] = []
  gw.on('disconnect', (d) => list.push(d))
  return list
}

describe.concurrent('idle timeout', () => {
  it('closes an idle connection with 1001 "Going away" after the configured time', async () => {
    const gw = await gatewayFor({ idleTimeout: 0.5 })
    const disconnects = recordDisconnects(gw)
    const client = await TestClient.open(gw.wsUrl)
    const closed = await client.closed
    const elapsed = closed.at - client.openedAt
    expect(closed).toMatchObject({ code: 1001, reason: 'Going away' })
    expect(elapsed).toBeGreaterThanOrEqual(450)
    expect(elapsed).toBeLessThan(500 + LATE_MS)
    await waitFor(() => disconnects.length === 1)
    expect(disconnects[0]).toMatchObject({ code: 1001, reason: 'Going away', cause: 'idle' })
  })

  it('is reset by messages from the client', async () => {
    const gw = await gatewayFor({ idleTimeout: 0.6 })
    const client = await TestClient.open(gw.wsUrl)
    for (let i = 0; i < 6; i++) {
      await sleep(250)
      await client.send('{"action":"echo"}')
    }
    // 1.5 s in, well past 0.6 s, still open.
    expect(client.ws.readyState).toBe(client.ws.OPEN)
    const quietFrom = performance.now()
    const closed = await client.closed
    expect(closed.code).toBe(1001)
    expect(closed.at - quietFrom).toBeGreaterThanOrEqual(300)
  })

  it('is reset by @connections posts to the client (either direction counts)', async () => {
    const gw = await gatewayFor({ idleTimeout: 0.6 })
    const client = await TestClient.open(gw.wsUrl)
    const id = await whoami(client)
    const sdk = managementClient(gw)
    for (let i = 0; i < 6; i++) {
      await sleep(250)
      await sdk.send(new PostToConnectionCommand({ ConnectionId: id, Data: `keepalive ${i}` }))
    }
    expect(client.ws.readyState).toBe(client.ws.OPEN)
    expect(client.messages.filter((m) => m.data.startsWith('keepalive'))).toHaveLength(6)
    expect((await client.closed).code).toBe(1001)
  })

  it('ignores ping frames by default, but they are answered with pongs', async () => {
    const gw = await gatewayFor({ idleTimeout: 0.6 })
    const client = await TestClient.open(gw.wsUrl)
    let pongs = 0
    client.ws.on('pong', () => pongs++)
    const timer = setInterval(() => client.ws.readyState === client.ws.OPEN && client.ws.ping(), 150)
    const closed = await client.closed
    clearInterval(timer)
    expect(pongs).toBeGreaterThan(0)
    expect(closed.code).toBe(1001)
    expect(closed.at - client.openedAt).toBeLessThan(600 + LATE_MS)
  })

  it('counts pings as activity with pingCountsAsActivity', async () => {
    const gw = await gatewayFor({ idleTimeout: 0.6, pingCountsAsActivity: true })
    const client = await TestClient.open(gw.wsUrl)
    const timer = setInterval(() => client.ws.ping(), 150)
    await sleep(1500)
    expect(client.ws.readyState).toBe(client.ws.OPEN)
    clearInterval(timer)
    expect((await client.closed).code).toBe(1001)
  })

  it('does not answer pings with answerPings: false', async () => {
    const gw = await gatewayFor({ answerPings: false })
    const client = await TestClient.open(gw.wsUrl)
    let pongs = 0
    client.ws.on('pong', () => pongs++)
    client.ws.ping()
    await whoami(client)
    await sleep(100)
    expect(pongs).toBe(0)
    await client.close()
  })

  it('uses a configured close code and reason (the AWS values are UNCONFIRMED)', async () => {
    const gw = await gatewayFor({
      idleTimeout: 0.3,
      idleCloseCode: 4000,
      idleCloseReason: 'idle for too long',
    })
    const disconnects = recordDisconnects(gw)
    const client = await TestClient.open(gw.wsUrl)
    expect(await client.closed).toMatchObject({ code: 4000, reason: 'idle for too long' })
    await waitFor(() => disconnects.length === 1)
    expect(disconnects[0]).toMatchObject({ code: 4000, reason: 'idle for too long' })
  })
})

describe.concurrent('maximum duration', () => {
  it('closes a busy connection with 1001 at the configured age', async () => {
    const gw = await gatewayFor({ maxDuration: 0.8, idleTimeout: 10 })
    const disconnects = recordDisconnects(gw)
    const client = await TestClient.open(gw.wsUrl)
    const timer = setInterval(
      () => client.ws.readyState === client.ws.OPEN && client.ws.send('{"action":"echo"}'),
      100,
    )
    const closed = await client.closed
    clearInterval(timer)
    const elapsed = closed.at - client.openedAt
    expect(closed).toMatchObject({ code: 1001, reason: 'Going away' })
    expect(elapsed).toBeGreaterThanOrEqual(750)
    expect(elapsed).toBeLessThan(800 + LATE_MS)
    expect(client.messages.length).toBeGreaterThan(2)
    await waitFor(() => disconnects.length === 1)
    expect(disconnects[0]).toMatchObject({ cause: 'maxDuration', code: 1001 })
  })

  it('uses a configured close code', async () => {
    const gw = await gatewayFor({
      maxDuration: 0.3,
      maxDurationCloseCode: 4001,
      maxDurationCloseReason: 'two hours',
    })
    const client = await TestClient.open(gw.wsUrl)
    expect(await client.closed).toMatchObject({ code: 4001, reason: 'two hours' })
  })
})
