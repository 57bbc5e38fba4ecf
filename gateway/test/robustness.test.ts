import { describe, expect, it, vi } from 'vitest'
import type { DisconnectInfo } from '../src/index'
import { gatewayFor, rawExchange, refusedHandshake, TestClient, waitFor, whoami } from './helpers'

const gw = await gatewayFor({
  integrationTimeoutMs: 200,
  newConnectionsPerSecond: 0,
  handlers: {
    hang: () => new Promise(() => {}),
    crash: () => {
      throw new TypeError('sync crash')
    },
  },
})

async function stillServes() {
  const client = await TestClient.open(gw.wsUrl)
  expect(await whoami(client)).toMatch(/=$/)
  await client.close()
  expect((await fetch(gw.httpUrl)).status).toBe(200)
}

describe('bad input never takes the gateway down', () => {
  it('answers raw TCP garbage with 400 and keeps serving', async () => {
    const garbage = await rawExchange(
      gw.port,
      Buffer.from([0x16, 0x03, 0x01, 0x00, 0xff, 0x00, 0x0d, 0x0a, 0x0d, 0x0a]),
    )
    expect(garbage).toMatch(/^HTTP\/1\.1 400/)
    expect(await rawExchange(gw.port, 'GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nBad Header Without Colon\r\n\r\n')).toMatch(
      /^HTTP\/1\.1 400/,
    )
    await rawExchange(gw.port, 'GARBAGE', 200)
    await stillServes()
  })

  it('refuses broken handshakes with an HTTP status, without running $connect', async () => {
    const upgrade = (headers: string) =>
      rawExchange(gw.port, `GET /dev HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: Upgrade\r\n${headers}\r\n`)
    expect(await upgrade('Upgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: short\r\n')).toMatch(
      /^HTTP\/1\.1 400/,
    )
    expect(
      await upgrade(
        'Upgrade: websocket\r\nSec-WebSocket-Version: 8\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n',
      ),
    ).toMatch(/^HTTP\/1\.1 426[\s\S]*Sec-WebSocket-Version: 13/)
    expect(await upgrade('Upgrade: h2c\r\n')).toMatch(/^HTTP\/1\.1 400/)
    const post = await rawExchange(
      gw.port,
      'POST /dev HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nContent-Length: 0\r\n\r\n',
    )
    expect(post).toMatch(/^HTTP\/1\.1 405/)
    // Half a handshake, then the client vanishes.
    await rawExchange(gw.port, 'GET /dev HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n', 100)
    await stillServes()
  })

  it('refuses URLs over the 4096-character quota with 414', async () => {
    expect((await refusedHandshake(`${gw.wsUrl}?pad=${'x'.repeat(5000)}`)).status).toBe(414)
    expect((await fetch(`${gw.httpUrl}/?pad=${'x'.repeat(5000)}`)).status).toBe(414)
  })

  it('caps HTTP bodies: a 4 MB @connections post gets 413 and nothing is delivered', async () => {
    const client = await TestClient.open(gw.wsUrl)
    const id = await whoami(client)
    const response = await fetch(`${gw.connectionsUrl}/@connections/${encodeURIComponent(id)}`, {
      method: 'POST',
      // Under the 8 MB the gateway drains before it answers, so the 413 always arrives; past that it answers at once
      // and closes while the client may still be uploading, and the client may see a reset instead (below).
      body: Buffer.alloc(4 * 1024 * 1024, 65),
    })
    expect(response.status).toBe(413)
    expect(response.headers.get('x-amzn-errortype')).toBe('PayloadTooLargeException')
    expect(await whoami(client)).toBe(id)
    expect(client.unread).toEqual([])
    const huge = await fetch(`${gw.connectionsUrl}/@connections/${encodeURIComponent(id)}`, {
      method: 'POST',
      body: Buffer.alloc(100 * 1024 * 1024, 65),
    }).then(
      (r) => r.status,
      () => 'reset',
    )
    expect([413, 'reset']).toContain(huge)
    await client.close()
    await stillServes()
  })

  it('answers malformed Cognito JSON with 400, not a crash', async () => {
    for (const body of ['{', 'null', '"str"', '\u0000\u0001', '{"IdentityPoolId":{}}']) {
      const response = await fetch(`${gw.cognitoUrl}/`, {
        method: 'POST',
        headers: { 'X-Amz-Target': 'AWSCognitoIdentityService.GetId' },
        body,
      })
      expect(response.status).toBe(400)
      expect(((await response.json()) as { message: string }).message.length).toBeGreaterThan(5)
    }
    await stillServes()
  })

  it('survives a handler that hangs forever and one that throws synchronously', async () => {
    const client = await TestClient.open(gw.wsUrl)
    await client.send('{"action":"hang"}')
    await client.send('{"action":"crash"}')
    const frames = [await client.next(), await client.next()]
      .map((f) => (JSON.parse(f) as { message: string }).message)
      .sort()
    expect(frames).toEqual(['Endpoint request timed out', 'Internal server error'])
    expect(gw.logs.some((line) => line.includes('crash threw TypeError: sync crash'))).toBe(true)
    await client.close()
  })

  it('survives a listener that throws', async () => {
    const bad = () => {
      throw new Error('listener bug')
    }
    gw.on('message', bad)
    const client = await TestClient.open(gw.wsUrl)
    expect(await whoami(client)).toMatch(/=$/)
    gw.off('message', bad)
    await client.close()
    expect(gw.logs.some((line) => line.includes("a 'message' listener threw: Error: listener bug"))).toBe(true)
  })

  it('handles two thousand sockets dropped at once, and forgets them all', async () => {
    const disconnects: DisconnectInfo[] = []
    gw.on('disconnect', (d) => disconnects.push(d))
    // Earlier tests' sockets may still be closing on the server side.
    await waitFor(() => gw.stats().connections === 0, 60_000, 'earlier connections to close')
    const before = gw.stats().connections
    const clients: TestClient[] = []
    for (let i = 0; i < 20; i++)
      clients.push(...(await Promise.all(Array.from({ length: 100 }, () => TestClient.open(gw.wsUrl)))))
    await waitFor(() => gw.stats().connections >= before + 2000, 60_000, '2000 open connections')
    for (const client of clients) client.ws.terminate()
    await waitFor(() => disconnects.length >= 2000, 60_000, '2000 $disconnects')
    expect(disconnects.slice(0, 2000).every((d) => d.code === 1006 && d.cause === 'abnormal')).toBe(true)
    await waitFor(() => gw.stats().connections === before, 60_000, 'the registry to empty')
    expect(gw.stats().recentlyClosed).toBeLessThanOrEqual(1000)
    await stillServes()
  }, 30_000)
})

describe('shutdown', () => {
  it('close() sends 1001 to open sockets, runs $disconnect, and is idempotent', async () => {
    const disconnected: string[] = []
    const own = await gatewayFor({
      handlers: {
        $disconnect: async (e) => {
          disconnected.push(e.requestContext.connectionId)
          return { statusCode: 200 }
        },
      },
    })
    const a = await TestClient.open(own.wsUrl)
    const b = await TestClient.open(own.wsUrl)
    const ids = await Promise.all([whoami(a), whoami(b)])
    await Promise.all([own.close(), own.close()])
    expect((await a.closed).code).toBe(1001)
    expect((await b.closed).code).toBe(1001)
    expect(disconnected.sort()).toEqual([...ids].sort())
    await own.close()
    await expect(fetch(own.httpUrl)).rejects.toThrow()
  })

  it('close() drops handshakes still in $connect instead of waiting for them', async () => {
    let entered = false
    const slow = await gatewayFor({
      handlers: {
        $connect: () => {
          entered = true
          return new Promise(() => {})
        },
      },
    })
    const pending = TestClient.open(slow.wsUrl).then(
      () => 'opened',
      () => 'failed',
    )
    await waitFor(() => entered)
    // With the clock stopped, close() can only finish if it waits on no timer (not the 5 s bound for $disconnect
    // handlers, nor the integration timeout): it drops the handshake at once. No wall-clock duration is asserted.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval'] })
    try {
      await slow.close()
    } finally {
      vi.useRealTimers()
    }
    expect(await pending).toBe('failed')
  })
})
