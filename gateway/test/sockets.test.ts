import { connect, type Socket } from 'node:net'
import { describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { startGateway } from '../src/index'
import { FakeClock } from './fake-clock'
import { gatewayFor, rawExchange, TestClient, waitFor, whoami } from './helpers'

/** Opens a raw socket that writes `data` and then never reads (paused), as a hostile client would. */
function silentSocket(port: number, data: string): Promise<Socket> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1', () => {
      socket.pause()
      if (data) socket.write(data)
      resolve(socket)
    })
    socket.on('error', () => {})
  })
}

describe('sockets are always released', async () => {
  const gw = await gatewayFor({ headersTimeout: 1, requestTimeout: 2 })

  it('destroys sockets after answering garbage, even when the client never reads', async () => {
    const sockets = await Promise.all(
      Array.from({ length: 300 }, () => silentSocket(gw.port, 'GARBAGE \x00\x01 NOT HTTP\r\n\r\n')),
    )
    // Bound: every server-side socket is closed, though no client read its 400 or closed its end.
    await waitFor(() => gw.stats().sockets === 0, 60_000, 'the gateway to drop every garbage socket')
    for (const s of sockets) s.destroy()
    // One line, then the rest are counted instead of printed.
    const lines = gw.logs.filter((l) => l.includes('bad HTTP request'))
    expect(lines.length).toBeGreaterThan(0)
    expect(lines.length).toBeLessThan(20)
  })

  it('drops connections that send nothing, or half a request, once the headers timeout passes', async () => {
    const sockets = [
      ...(await Promise.all(Array.from({ length: 50 }, () => silentSocket(gw.port, '')))),
      ...(await Promise.all(
        Array.from({ length: 50 }, () => silentSocket(gw.port, 'GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n')),
      )),
    ]
    let closed = 0
    for (const s of sockets) {
      s.once('close', () => closed++)
      s.resume()
    }
    // The gateway, not the client, ends each of them.
    await waitFor(() => closed === 100, 60_000, 'the gateway to close every idle socket')
    // Waited for, not read at once: a keep-alive socket another test of this gateway left (fetch pools them) is
    // idle too, and goes when its own timeout passes.
    await waitFor(() => gw.stats().sockets === 0, 60_000, 'the gateway to close the last idle socket')
  })

  it('answers 408 to a slow request and 431 to oversized headers', async () => {
    const slow = await rawExchange(gw.port, 'GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n', 10_000)
    expect(slow).toMatch(/^HTTP\/1\.1 408/)
    const huge = await rawExchange(gw.port, `GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: ${'a'.repeat(70_000)}\r\n\r\n`)
    expect(huge).toMatch(/^HTTP\/1\.1 431/)
    expect((await fetch(gw.httpUrl)).status).toBe(200)
  })
})

describe('$disconnect always follows a successful $connect', () => {
  it('runs $disconnect for clients that leave during $connect, and never runs $connect for handshakes ws would refuse', async () => {
    const live = new Set<string>()
    let connects = 0
    let release: () => void = () => {}
    const gate = new Promise<void>((resolve) => (release = resolve))
    const gw = await gatewayFor({
      newConnectionsPerSecond: 0,
      handlers: {
        $connect: async (event) => {
          connects++
          live.add(event.requestContext.connectionId)
          await gate
          return { statusCode: 200 }
        },
        $disconnect: async (event) => {
          live.delete(event.requestContext.connectionId)
          return { statusCode: 200 }
        },
      },
    })
    // An invalid subprotocol list: refused before $connect, so there is nothing to undo.
    const bad = await rawExchange(
      gw.port,
      `GET /dev HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Protocol: a, a\r\n\r\n`,
    )
    expect(bad).toMatch(/^HTTP\/1\.1 400[\s\S]*Invalid Sec-WebSocket-Protocol/)
    expect(connects).toBe(0)

    const clients = Array.from({ length: 40 }, () => {
      const ws = new WebSocket(gw.wsUrl)
      ws.on('error', () => {})
      return ws
    })
    await waitFor(() => connects === 40, 60_000, '40 $connects to start')
    // Every client leaves while its $connect is still running; then $connect says yes to all of them.
    for (const ws of clients) ws.terminate()
    await waitFor(() => gw.stats().sockets === 0, 60_000, 'the gateway to see the sockets close')
    release()
    await waitFor(() => live.size === 0, 60_000, 'a $disconnect for every accepted $connect')
    expect(gw.stats().connections).toBe(0)
    expect(gw.logs.filter((l) => l.includes('left during $connect; $disconnect runs for it'))).toHaveLength(40)
  })
})

describe('timers beyond Node’s limit', () => {
  it('takes the longest idle timeout Node can hold and keeps the connection open; refuses one longer', async () => {
    const clock = new FakeClock()
    const gw = await gatewayFor({ idleTimeout: 2_147_483, maxDuration: 2_147_483, clock })
    const client = await TestClient.open(gw.wsUrl)
    clock.advance(60_000)
    expect(await whoami(client)).toMatch(/=$/)
    await client.close()
    await expect(startGateway({ port: 0, log: false, idleTimeout: 2_147_484 })).rejects.toThrow(
      'idle-timeout must be a number from 0.001 to 2147483 seconds, got 2147484',
    )
  })
})
