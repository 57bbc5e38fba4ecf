import { PostToConnectionCommand } from '@aws-sdk/client-apigatewaymanagementapi'
import { describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import type { DisconnectInfo, WebSocketEvent } from '../src/index'
import { errorFrame, gatewayFor, managementClient, refusedHandshake, TestClient, waitFor, whoami } from './helpers'
import { FakeClock } from './fake-clock'

const ID = /^[A-Za-z0-9_-]{15}=$/
const CLF = /^\d{2}\/[A-Z][a-z]{2}\/\d{4}:\d{2}:\d{2}:\d{2} \+0000$/

const seen: WebSocketEvent[] = []
const disconnects: DisconnectInfo[] = []

const gw = await gatewayFor({
  integrationTimeoutMs: 300,
  handlers: {
    // Records every event the gateway sends, then behaves like the default route.
    async $connect(event) {
      seen.push(event)
      const q = event.queryStringParameters ?? {}
      if (q.refuse) return { statusCode: Number(q.refuse), headers: { 'X-Why': 'refused' }, body: 'go away' }
      if (q.throw) throw new Error('connect failed')
      if (q.nostatus) return undefined
      if (q.malformed) return { statusCode: 'yes' }
      if (q.post) {
        // @connections for this id while $connect runs: 410, as on AWS.
        const error = await managementClient(gw)
          .send(
            new PostToConnectionCommand({
              ConnectionId: event.requestContext.connectionId,
              Data: 'too early',
            }),
          )
          .then(
            () => 'sent',
            (e: Error) => e.name,
          )
        return { statusCode: 200, headers: { 'X-Post-Result': error } }
      }
      const offered = event.headers?.['Sec-WebSocket-Protocol']
      return {
        statusCode: 200,
        headers: offered ? { 'Sec-WebSocket-Protocol': offered.split(',').pop()!.trim(), 'X-Extra': 'yes' } : {},
      }
    },
    async $disconnect(event) {
      seen.push(event)
      return { statusCode: 200, body: 'ignored' }
    },
    async record(event) {
      seen.push(event)
      return { statusCode: 200, body: 'one-way: never sent' }
    },
    async twoway(event) {
      return { statusCode: 200, body: `got ${event.body}` }
    },
    async nobody() {
      return { statusCode: 200 }
    },
    async objectbody() {
      return { statusCode: 200, body: { not: 'a string' } }
    },
    async boom() {
      throw new Error('handler exploded')
    },
  },
  routeResponses: ['twoway', 'objectbody'],
})

/** A gateway on a fake clock whose `hang` route and `$connect` wait until the test releases them. */
async function timedGateway() {
  const clock = new FakeClock()
  let release: () => void = () => {}
  const released = new Promise<void>((resolve) => (release = resolve))
  const started: string[] = []
  const hold = async (what: string) => {
    started.push(what)
    await released
  }
  const timed = await gatewayFor({
    integrationTimeoutMs: 300,
    clock,
    handlers: {
      async $connect(event) {
        if (event.queryStringParameters?.slow) await hold('$connect')
        return { statusCode: 200 }
      },
      async hang() {
        await hold('hang')
        return { statusCode: 200, body: 'too late' }
      },
    },
    routeResponses: ['hang'],
  })
  return { timed, clock, started, release }
}
gw.on('disconnect', (d) => disconnects.push(d))

const lastEvent = (routeKey: string) => [...seen].reverse().find((e) => e.requestContext.routeKey === routeKey)!

describe('handshake and $connect', () => {
  it('connects on /{stage}, with a trailing slash or a query string, and lists the connection', async () => {
    const before = Date.now()
    const a = await TestClient.open(gw.wsUrl)
    const b = await TestClient.open(gw.wsUrl + '/')
    const c = await TestClient.open(gw.wsUrl + '/?x=1')
    const ids = await Promise.all([a, b, c].map(whoami))
    for (const id of ids) expect(id).toMatch(ID)
    const listed = gw.connections().filter((conn) => ids.includes(conn.connectionId))
    expect(listed).toHaveLength(3)
    for (const conn of listed) {
      expect(conn.connectedAt).toBeGreaterThanOrEqual(before - 5)
      expect(conn.lastActiveAt).toBeGreaterThanOrEqual(conn.connectedAt)
      expect(conn.sourceIp).toBe('127.0.0.1')
    }
    await Promise.all([a, b, c].map((client) => client.close()))
    await waitFor(() => gw.connections().every((conn) => !ids.includes(conn.connectionId)))
  })

  it('builds the CONNECT event as API Gateway does', async () => {
    const client = await TestClient.open(gw.wsUrl + '?color=red&tag=a&tag=b', undefined, {
      headers: { 'User-Agent': 'test-agent/1.0', Origin: 'http://localhost:5173' },
    })
    const id = await whoami(client)
    const event = seen.find((e) => e.requestContext.connectionId === id && e.requestContext.eventType === 'CONNECT')!
    const ctx = event.requestContext
    expect(ctx).toMatchObject({
      routeKey: '$connect',
      eventType: 'CONNECT',
      messageDirection: 'IN',
      stage: 'dev',
      apiId: 'localapi01',
      domainName: `127.0.0.1:${gw.port}`,
      connectionId: id,
      identity: { sourceIp: '127.0.0.1', userAgent: 'test-agent/1.0' },
    })
    expect(ctx.requestId).toMatch(ID)
    expect(ctx.extendedRequestId).toBe(ctx.requestId)
    expect(ctx.messageId).toBeUndefined()
    expect(ctx.requestTime).toMatch(CLF)
    expect(Math.abs(ctx.requestTimeEpoch - ctx.connectedAt)).toBeLessThan(50)
    expect(event.isBase64Encoded).toBe(false)
    expect(event.headers).toMatchObject({
      Host: `127.0.0.1:${gw.port}`,
      'Sec-WebSocket-Version': '13',
      'User-Agent': 'test-agent/1.0',
      Origin: 'http://localhost:5173',
      'X-Forwarded-For': '127.0.0.1',
      'X-Forwarded-Port': String(gw.port),
      'X-Forwarded-Proto': 'http',
    })
    expect(event.headers!['Sec-WebSocket-Key']).toMatch(/==$/)
    expect(event.headers!['X-Amzn-Trace-Id']).toMatch(/^Root=1-[0-9a-f]{8}-[0-9a-f]{24}$/)
    // The Lambda integration's CONNECT event has no hop-by-hop handshake headers.
    expect(Object.keys(event.headers!).map((h) => h.toLowerCase())).not.toContain('connection')
    expect(Object.keys(event.headers!).map((h) => h.toLowerCase())).not.toContain('upgrade')
    expect(event.multiValueHeaders!.Host).toEqual([`127.0.0.1:${gw.port}`])
    expect(event.queryStringParameters).toEqual({ color: 'red', tag: 'b' })
    expect(event.multiValueQueryStringParameters).toEqual({ color: ['red'], tag: ['a', 'b'] })
    await client.close()
  })

  it('leaves queryStringParameters out when there is no query string', async () => {
    const client = await TestClient.open(gw.wsUrl)
    const id = await whoami(client)
    const event = seen.find((e) => e.requestContext.connectionId === id && e.requestContext.eventType === 'CONNECT')!
    expect(event).not.toHaveProperty('queryStringParameters')
    expect(event).not.toHaveProperty('multiValueQueryStringParameters')
    expect(event.requestContext.identity).toEqual({ sourceIp: '127.0.0.1' })
    await client.close()
  })

  it('refuses with the status $connect returns, with its headers and body', async () => {
    for (const status of [400, 401, 403, 301, 501]) {
      const response = await refusedHandshake(`${gw.wsUrl}?refuse=${status}`)
      expect(response.status).toBe(status)
      expect(response.headers['x-why']).toBe('refused')
      expect(response.body).toBe('go away')
    }
  })

  it('answers 502 when $connect throws or returns a malformed status, and 504 when it times out', async () => {
    expect((await refusedHandshake(`${gw.wsUrl}?throw=1`)).status).toBe(502)
    expect((await refusedHandshake(`${gw.wsUrl}?malformed=1`)).status).toBe(502)
    expect(gw.logs.some((line) => line.includes('$connect threw Error: connect failed'))).toBe(true)
  })

  it('accepts a $connect result without a statusCode (UNCONFIRMED default)', async () => {
    const client = await TestClient.open(`${gw.wsUrl}?nostatus=1`)
    expect(await whoami(client)).toMatch(ID)
    await client.close()
  })

  it('puts the headers $connect returns, including Sec-WebSocket-Protocol, into the 101', async () => {
    const client = new TestClient(new WebSocket(gw.wsUrl, ['first', 'chosen']))
    const headers = new Promise<Record<string, unknown>>((resolve) => {
      client.ws.once('upgrade', (res) => resolve(res.headers))
    })
    await new Promise((resolve) => client.ws.once('open', resolve))
    expect(client.ws.protocol).toBe('chosen')
    expect((await headers)['x-extra']).toBe('yes')
    await client.close()
  })

  it('accepts no subprotocol unless $connect picks one, so a client that insists fails (as on AWS)', async () => {
    const strict = await gatewayFor({ handlers: { $connect: async () => ({ statusCode: 200 }) } })
    await expect(TestClient.open(strict.wsUrl, ['needs-this'])).rejects.toThrow(/no subprotocol/i)
  })

  it('answers @connections calls for a connection still in $connect with 410 GoneException', async () => {
    const headers = new Promise<Record<string, unknown>>((resolve, reject) => {
      const ws = new WebSocket(`${gw.wsUrl}?post=1`)
      ws.once('upgrade', (res) => {
        resolve(res.headers)
        ws.close()
      })
      ws.once('error', reject)
    })
    expect((await headers)['x-post-result']).toBe('GoneException')
  })

  it('refuses other paths with 403 {"message":"Forbidden"}', async () => {
    for (const path of ['/', '/prod', '/dev/extra', '/devx']) {
      const response = await refusedHandshake(`ws://127.0.0.1:${gw.port}${path}`)
      expect(response.status).toBe(403)
      expect(JSON.parse(response.body)).toEqual({ message: 'Forbidden' })
    }
  })

  it('answers a plain GET on the stage with 426', async () => {
    const response = await fetch(`${gw.httpUrl}/dev`)
    expect(response.status).toBe(426)
    expect(response.headers.get('upgrade')).toBe('websocket')
  })
})

describe('messages and routes', () => {
  it('sends non-JSON and unmatched JSON to $default, which posts back through @connections', async () => {
    const client = await TestClient.open(gw.wsUrl, undefined, { headers: { 'User-Agent': 'agent-x' } })
    const id = await whoami(client)
    await client.send('hello gateway')
    const reply = await client.nextJson<{ endpoint: string; connectionId: string; request: WebSocketEvent }>()
    expect(reply.endpoint).toBe(`http://127.0.0.1:${gw.port}/dev`)
    expect(reply.connectionId).toBe(id)
    const { request } = reply
    expect(request.body).toBe('hello gateway')
    expect(request.isBase64Encoded).toBe(false)
    expect(request).not.toHaveProperty('headers')
    const ctx = request.requestContext
    expect(ctx).toMatchObject({
      routeKey: '$default',
      eventType: 'MESSAGE',
      messageDirection: 'IN',
      connectionId: id,
      identity: { sourceIp: '127.0.0.1', userAgent: 'agent-x' },
    })
    expect(ctx.messageId).toMatch(ID)
    expect(ctx.messageId).not.toBe(ctx.requestId)
    expect(ctx.extendedRequestId).toBe(ctx.requestId)
    expect(ctx.requestTime).toMatch(CLF)
    expect(ctx.requestTimeEpoch).toBeGreaterThanOrEqual(ctx.connectedAt)

    await client.send('{"action":"no-such-route"}')
    const second = await client.nextJson<{ request: WebSocketEvent }>()
    // The matched route's key, $default, not the unmatched "no-such-route".
    expect(second.request.requestContext.routeKey).toBe('$default')
    expect(second.request.requestContext.requestId).not.toBe(ctx.requestId)
    await client.close()
  })

  it('runs custom routes; only two-way routes send the handler body back', async () => {
    const client = await TestClient.open(gw.wsUrl)
    await client.send('{"action":"record","n":1}')
    await waitFor(() => seen.some((e) => e.body === '{"action":"record","n":1}'))
    expect(lastEvent('record').requestContext.eventType).toBe('MESSAGE')
    await client.send('{"action":"nobody"}')
    await client.send('{"action":"twoway"}')
    expect(await client.next()).toBe('got {"action":"twoway"}')
    // whoami answers through @connections, after the instant handlers before it: anything they sent is here by now.
    expect(await whoami(client)).toMatch(ID)
    expect(client.unread).toEqual([])
    await client.close()
  })

  it('the default echo and ping routes are two-way', async () => {
    const client = await TestClient.open(gw.wsUrl)
    await client.send('{"action":"echo","data":"ECHO ME"}')
    expect(await client.next()).toBe('ECHO ME')
    await client.send('{"action":"ping"}')
    expect(await client.nextJson()).toMatchObject({ action: 'pong' })
    await client.close()
  })

  it('answers "Internal server error" when a handler throws or returns a non-string body, and stays open', async () => {
    const client = await TestClient.open(gw.wsUrl)
    await client.send('{"action":"boom"}')
    expect(await client.next()).toMatch(errorFrame('Internal server error'))
    await client.send('{"action":"objectbody"}')
    expect(await client.next()).toMatch(errorFrame('Internal server error'))
    expect(await whoami(client)).toMatch(ID)
    expect(gw.logs.some((line) => line.includes('boom threw Error: handler exploded'))).toBe(true)
    await client.close()
  })

  it('answers "Endpoint request timed out" exactly at the integration timeout, and stays open', async () => {
    const { timed, clock, started, release } = await timedGateway()
    const client = await TestClient.open(timed.wsUrl)
    await client.send('{"action":"hang"}')
    await waitFor(() => started.includes('hang'))
    clock.advance(299)
    expect(await whoami(client)).toMatch(ID)
    expect(client.unread).toEqual([])
    clock.advance(1)
    expect(await client.next()).toMatch(errorFrame('Endpoint request timed out'))
    // The late result of the hung handler is dropped, not sent.
    release()
    expect(await whoami(client)).toMatch(ID)
    expect(client.unread).toEqual([])
    expect(timed.logs.some((l) => l.includes('hang took longer than 300 ms'))).toBe(true)
    await client.close()
  })

  it('refuses the handshake with 504 when $connect outlives the integration timeout', async () => {
    const { timed, clock, started, release } = await timedGateway()
    const refused = refusedHandshake(`${timed.wsUrl}?slow=1`)
    await waitFor(() => started.includes('$connect'))
    clock.advance(300)
    expect((await refused).status).toBe(504)
    expect(timed.logs.some((l) => l.includes('$connect timed out after 300 ms → handshake 504'))).toBe(true)
    release()
  })

  it('uses the requestId of the message in error frames', async () => {
    const requestIds: string[] = []
    const listener = (m: { requestId: string }) => requestIds.push(m.requestId)
    gw.on('message', listener)
    const client = await TestClient.open(gw.wsUrl)
    await client.send('{"action":"boom"}')
    const frame = JSON.parse(await client.next()) as { requestId: string; connectionId: string }
    gw.off('message', listener)
    expect(requestIds).toContain(frame.requestId)
    await client.close()
  })

  it('reports messages to listeners with body and time', async () => {
    const got: { body: string; time: number; routeKey?: string }[] = []
    const listener = (m: { body: string; time: number; routeKey?: string }) => got.push(m)
    gw.on('message', listener)
    const client = await TestClient.open(gw.wsUrl)
    const before = Date.now()
    await client.send('{"action":"echo","data":1}')
    await client.next()
    const after = Date.now()
    gw.off('message', listener)
    expect(got).toHaveLength(1)
    expect(got[0]).toMatchObject({ body: '{"action":"echo","data":1}', routeKey: 'echo' })
    expect(got[0]!.time).toBeGreaterThanOrEqual(before)
    expect(got[0]!.time).toBeLessThanOrEqual(after)
    await client.close()
  })
})

describe('no route and no $default', () => {
  it('sends the Forbidden frame and keeps the connection open', async () => {
    const bare = await gatewayFor({
      defaultHandlers: false,
      handlers: { only: async () => ({ statusCode: 200, body: 'only' }) },
      routeResponses: ['only'],
    })
    const client = await TestClient.open(bare.wsUrl)
    await client.send('{"action":"other"}')
    expect(await client.next()).toMatch(errorFrame('Forbidden'))
    await client.send('not json at all')
    expect(await client.next()).toMatch(errorFrame('Forbidden'))
    await client.send('{"action":"only"}')
    expect(await client.next()).toBe('only')
    expect(client.ws.readyState).toBe(client.ws.OPEN)
    await client.close()
  })

  it('a null handler removes a default route', async () => {
    const noDefault = await gatewayFor({ handlers: { $default: null } })
    const client = await TestClient.open(noDefault.wsUrl)
    await client.send('hello')
    expect(await client.next()).toMatch(errorFrame('Forbidden'))
    expect(await whoami(client)).toMatch(ID)
    await client.close()
  })
})

describe('$disconnect', () => {
  it('copies the client close code and reason', async () => {
    const client = await TestClient.open(gw.wsUrl)
    const id = await whoami(client)
    await client.close(4000, 'bye now')
    await waitFor(() =>
      seen.some((e) => e.requestContext.connectionId === id && e.requestContext.eventType === 'DISCONNECT'),
    )
    const event = seen.find((e) => e.requestContext.connectionId === id && e.requestContext.eventType === 'DISCONNECT')!
    expect(event.requestContext).toMatchObject({
      routeKey: '$disconnect',
      disconnectStatusCode: 4000,
      disconnectReason: 'bye now',
      connectionId: id,
    })
    expect(event.headers).toEqual({
      Host: `127.0.0.1:${gw.port}`,
      'x-api-key': '',
      'X-Forwarded-For': '',
      'x-restapi': '',
    })
    expect(event.multiValueHeaders).toEqual({
      Host: [`127.0.0.1:${gw.port}`],
      'x-api-key': [''],
      'X-Forwarded-For': [''],
      'x-restapi': [''],
    })
    expect(event).not.toHaveProperty('body')
    expect(event.requestContext.messageId).toBeUndefined()
    expect(disconnects.find((d) => d.connectionId === id)).toMatchObject({
      code: 4000,
      reason: 'bye now',
      cause: 'client',
    })
  })

  it('reports 1005 "Client-side close frame status not set" for a close without a code', async () => {
    const client = await TestClient.open(gw.wsUrl)
    const id = await whoami(client)
    await client.close()
    const isOurs = (e: WebSocketEvent) =>
      e.requestContext.connectionId === id && e.requestContext.eventType === 'DISCONNECT'
    await waitFor(() => seen.some(isOurs))
    expect(seen.find(isOurs)!.requestContext).toMatchObject({
      disconnectStatusCode: 1005,
      disconnectReason: 'Client-side close frame status not set',
    })
  })

  it('reports a dropped TCP connection as 1006 (UNCONFIRMED)', async () => {
    const client = await TestClient.open(gw.wsUrl)
    const id = await whoami(client)
    client.ws.terminate()
    await waitFor(() => disconnects.some((d) => d.connectionId === id))
    expect(disconnects.find((d) => d.connectionId === id)).toMatchObject({ code: 1006, cause: 'abnormal' })
  })
})

describe('limits', () => {
  it('closes with 1003 on a binary frame', async () => {
    const client = await TestClient.open(gw.wsUrl)
    const id = await whoami(client)
    await client.send(Buffer.from([1, 2, 3]), { binary: true })
    expect((await client.closed).code).toBe(1003)
    await waitFor(() => disconnects.some((d) => d.connectionId === id))
    expect(disconnects.find((d) => d.connectionId === id)).toMatchObject({ code: 1003, cause: 'binary' })
  })

  it('accepts a 32 KB frame and closes with 1009 on a frame one byte larger', async () => {
    const client = await TestClient.open(gw.wsUrl)
    await client.send('x'.repeat(32_768))
    // Not JSON, so $default posts the event (with the 32 KB body) back: the frame was accepted.
    expect((await client.next()).length).toBeGreaterThan(32_768)
    await client.send('y'.repeat(32_769))
    const closed = await client.closed
    expect(closed.code).toBe(1009)
    expect(gw.logs.some((line) => line.includes('a 32769-byte frame (limit 32768)'))).toBe(true)
  })

  it('accepts a fragmented 128 KB message and closes with 1009 when fragments add up to more', async () => {
    const client = await TestClient.open(gw.wsUrl)
    const body = '{"action":"echo","data":"' + 'z'.repeat(131_072 - 27) + '"}'
    expect(Buffer.byteLength(body)).toBe(131_072)
    for (let i = 0; i < body.length; i += 32_768)
      await client.send(body.slice(i, i + 32_768), { fin: i + 32_768 >= body.length })
    expect((await client.next()).length).toBe(131_072 - 27)

    const other = await TestClient.open(gw.wsUrl)
    for (let i = 0; i < 5; i++) await other.send('w'.repeat(30_000), { fin: i === 4 })
    expect((await other.closed).code).toBe(1009)
    expect(gw.logs.some((line) => line.includes('byte message (limit 131072)'))).toBe(true)
    await client.close()
  })

  it('closes with 1007 on invalid UTF-8 in a text frame (ws does this)', async () => {
    const client = await TestClient.open(gw.wsUrl)
    await client.send(Buffer.from([0x7b, 0xff, 0xfe, 0x7d]), { binary: false })
    expect((await client.closed).code).toBe(1007)
  })

  it('throttles new connections with 429 over the per-second cap', async () => {
    const clock = new FakeClock()
    const throttled = await gatewayFor({ newConnectionsPerSecond: 3, clock })
    const results = await Promise.allSettled(Array.from({ length: 8 }, () => TestClient.open(throttled.wsUrl)))
    const opened = results.filter((r) => r.status === 'fulfilled')
    const refused = results
      .filter((r) => r.status === 'rejected')
      .map((r) => String((r as PromiseRejectedResult).reason))
    expect(opened.length).toBe(3)
    expect(refused.every((reason) => reason.includes('429'))).toBe(true)
    for (const r of opened) await (r as PromiseFulfilledResult<TestClient>).value.close()
    // 3 per second: a token is back after a third of a second.
    clock.advance(334)
    const later = await TestClient.open(throttled.wsUrl)
    await later.close()
  })
})
