import { PostToConnectionCommand } from '@aws-sdk/client-apigatewaymanagementapi'
import { describe, expect, it } from 'vitest'
import type { DisconnectInfo, Gateway } from '../src/index'
import { FakeClock } from './fake-clock'
import { gatewayFor, managementClient, sleep, TestClient, waitFor, whoami } from './helpers'

// Every gateway here runs on a fake clock: the sockets are real, time moves only with clock.advance(), so the
// timers are checked to the millisecond and a loaded machine cannot make them early or late.

function recordDisconnects(gw: Gateway) {
  const list: DisconnectInfo[] = []
  gw.on('disconnect', (d) => list.push(d))
  return list
}

/** Whether the gateway still counts the connection as open (a close it started flips this synchronously). */
const isOpen = (gw: Gateway, id: string) => gw.connections().some((c) => c.connectionId === id)

async function openClient(gw: Gateway) {
  const client = await TestClient.open(gw.wsUrl)
  await waitFor(() => gw.connections().length > 0)
  const id = gw.connections().at(-1)!.connectionId
  return { client, id }
}

describe.concurrent('idle timeout', () => {
  it('closes an idle connection with 1001 "Going away" exactly at the configured time', async () => {
    const clock = new FakeClock()
    const gw = await gatewayFor({ idleTimeout: 0.5, clock })
    const disconnects = recordDisconnects(gw)
    const { client, id } = await openClient(gw)
    clock.advance(499)
    expect(isOpen(gw, id)).toBe(true)
    clock.advance(1)
    expect(isOpen(gw, id)).toBe(false)
    expect(await client.closed).toMatchObject({ code: 1001, reason: 'Going away' })
    await waitFor(() => disconnects.length === 1)
    expect(disconnects[0]).toMatchObject({ code: 1001, reason: 'Going away', cause: 'idle' })
  })

  it('is reset by messages from the client', async () => {
    const clock = new FakeClock()
    const gw = await gatewayFor({ idleTimeout: 0.6, clock })
    const { client, id } = await openClient(gw)
    for (let i = 0; i < 6; i++) {
      clock.advance(500)
      await client.send('{"action":"echo"}')
      await client.next()
    }
    // 3 s of clock time, well past 0.6 s, still open: each message restarted the countdown.
    expect(isOpen(gw, id)).toBe(true)
    clock.advance(599)
    expect(isOpen(gw, id)).toBe(true)
    clock.advance(1)
    expect(isOpen(gw, id)).toBe(false)
    expect((await client.closed).code).toBe(1001)
  })

  it('is reset by @connections posts to the client (either direction counts)', async () => {
    const clock = new FakeClock()
    const gw = await gatewayFor({ idleTimeout: 0.6, clock })
    const client = await TestClient.open(gw.wsUrl)
    const id = await whoami(client)
    const sdk = managementClient(gw)
    for (let i = 0; i < 6; i++) {
      clock.advance(500)
      await sdk.send(new PostToConnectionCommand({ ConnectionId: id, Data: `keepalive ${i}` }))
    }
    expect(isOpen(gw, id)).toBe(true)
    await waitFor(() => client.messages.filter((m) => m.data.startsWith('keepalive')).length === 6)
    clock.advance(600)
    expect((await client.closed).code).toBe(1001)
  })

  it('ignores ping frames by default, but they are answered with pongs', async () => {
    const clock = new FakeClock()
    const gw = await gatewayFor({ idleTimeout: 0.6, clock })
    const { client, id } = await openClient(gw)
    let pongs = 0
    client.ws.on('pong', () => pongs++)
    for (let i = 0; i < 3; i++) {
      clock.advance(150)
      client.ws.ping()
      await waitFor(() => pongs === i + 1)
    }
    clock.advance(149)
    expect(isOpen(gw, id)).toBe(true)
    clock.advance(1)
    expect(isOpen(gw, id)).toBe(false)
    expect((await client.closed).code).toBe(1001)
  })

  it('counts pings as activity with pingCountsAsActivity', async () => {
    const clock = new FakeClock()
    const gw = await gatewayFor({ idleTimeout: 0.6, pingCountsAsActivity: true, clock })
    const { client, id } = await openClient(gw)
    let pongs = 0
    client.ws.on('pong', () => pongs++)
    for (let i = 0; i < 5; i++) {
      clock.advance(500)
      client.ws.ping()
      await waitFor(() => pongs === i + 1)
    }
    expect(isOpen(gw, id)).toBe(true)
    clock.advance(600)
    expect((await client.closed).code).toBe(1001)
  })

  it('does not answer pings with answerPings: false', async () => {
    const gw = await gatewayFor({ answerPings: false })
    const client = await TestClient.open(gw.wsUrl)
    let pongs = 0
    client.ws.on('pong', () => pongs++)
    client.ws.ping()
    // The ping is read before the message behind it: once whoami's answer is back, any pong would be too.
    await whoami(client)
    await sleep(0)
    expect(pongs).toBe(0)
    await client.close()
  })

  it('uses a configured close code and reason (the AWS values are UNCONFIRMED)', async () => {
    const clock = new FakeClock()
    const gw = await gatewayFor({
      idleTimeout: 0.3,
      idleCloseCode: 4000,
      idleCloseReason: 'idle for too long',
      clock,
    })
    const disconnects = recordDisconnects(gw)
    const { client } = await openClient(gw)
    clock.advance(300)
    expect(await client.closed).toMatchObject({ code: 4000, reason: 'idle for too long' })
    await waitFor(() => disconnects.length === 1)
    expect(disconnects[0]).toMatchObject({ code: 4000, reason: 'idle for too long' })
  })
})

describe.concurrent('maximum duration', () => {
  it('closes a busy connection with 1001 exactly at the configured age', async () => {
    const clock = new FakeClock()
    const gw = await gatewayFor({ maxDuration: 0.8, idleTimeout: 10, clock })
    const disconnects = recordDisconnects(gw)
    const { client, id } = await openClient(gw)
    for (let i = 0; i < 7; i++) {
      clock.advance(100)
      await client.send('{"action":"echo"}')
      await client.next()
    }
    clock.advance(99)
    expect(isOpen(gw, id)).toBe(true)
    clock.advance(1)
    expect(isOpen(gw, id)).toBe(false)
    expect(await client.closed).toMatchObject({ code: 1001, reason: 'Going away' })
    await waitFor(() => disconnects.length === 1)
    expect(disconnects[0]).toMatchObject({ cause: 'maxDuration', code: 1001 })
  })

  it('uses a configured close code', async () => {
    const clock = new FakeClock()
    const gw = await gatewayFor({
      maxDuration: 0.3,
      maxDurationCloseCode: 4001,
      maxDurationCloseReason: 'two hours',
      clock,
    })
    const { client } = await openClient(gw)
    clock.advance(300)
    expect(await client.closed).toMatchObject({ code: 4001, reason: 'two hours' })
  })
})
