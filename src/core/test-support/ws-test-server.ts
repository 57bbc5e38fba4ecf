import { WebSocketServer, WebSocket } from 'ws'
import type { SocketFactory, SocketLike } from '../session/session'

/** A real `ws` echo server on a free loopback port, for session tests. */
export async function startEchoServer() {
  const wss = new WebSocketServer({
    host: '127.0.0.1',
    port: 0,
    handleProtocols: (protocols) => protocols.values().next().value ?? false,
  })
  await new Promise<void>((resolve) => wss.once('listening', () => resolve()))
  const address = wss.address()
  if (!address || typeof address === 'string') throw new Error('unexpected server address')
  const received: { at: number; data: string }[] = []
  const sockets = new Set<WebSocket>()
  wss.on('connection', (socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
    socket.on('message', (data, isBinary) => {
      const text = data.toString()
      received.push({ at: Date.now(), data: text })
      if (text.startsWith('close:')) {
        const [, code, reason] = text.split(':')
        socket.close(Number(code), reason)
      } else if (text === 'binary') socket.send(Buffer.from([0xde, 0xad, 0xbe, 0xef]))
      else socket.send(data, { binary: isBinary })
    })
  })
  return {
    url: `ws://127.0.0.1:${address.port}/dev`,
    received,
    sockets,
    async close() {
      for (const s of sockets) s.terminate()
      await new Promise<void>((resolve) => wss.close(() => resolve()))
    },
  }
}

/** The `ws` client has the browser WebSocket's shape, so the session runs on it unchanged in Node. */
export const wsClientFactory: SocketFactory = (url, protocols) => new WebSocket(url, protocols) as unknown as SocketLike

/**
 * Polls with setImmediate, which fake timers leave alone, until the condition holds. It gives up only after
 * `maxTurns` turns and `minWaitMs` of real time (process.hrtime, which no test fakes) both: a turn count alone is
 * shorter the quieter the machine, and on an idle one 200,000 turns passed before a worker's paced updates (100 to
 * 250 ms apart) had brought 600 echoes, so a test failed only when nothing else ran.
 */
export async function until(
  condition: () => boolean,
  what = 'condition',
  maxTurns = 200_000,
  minWaitMs = 10_000,
): Promise<void> {
  const started = process.hrtime.bigint()
  const waited = () => Number(process.hrtime.bigint() - started) / 1e6
  for (let i = 0; i < maxTurns || waited() < minWaitMs; i++) {
    if (condition()) return
    await new Promise((resolve) => setImmediate(resolve))
  }
  throw new Error(`Timed out waiting for ${what}`)
}
