import { WebSocketServer, type WebSocket } from 'ws'

/**
 * A `ws` server that behaves as an attacker's would, on command:
 * - `big N BYTES`: N text messages of BYTES each, as fast as the socket takes them;
 * - `huge BYTES`: one text message of BYTES (a JSON array of strings, so it looks like JSON);
 * - `nested DEPTH`: an array nested DEPTH deep;
 * - `drip TEXT MS`: TEXT every MS milliseconds until the socket closes (a catastrophic-backtracking subject);
 * - `bad-close`: a close frame with code 1005, which no endpoint may send, so the browser must reject it.
 */
export async function startHostileServer() {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, maxPayload: 1024 })
  await new Promise<void>((resolve) => wss.once('listening', () => resolve()))
  const address = wss.address()
  if (!address || typeof address === 'string') throw new Error('unexpected server address')
  const timers = new Set<ReturnType<typeof setInterval>>()
  wss.on('connection', (socket) => {
    socket.on('message', (data) => void obey(socket, data.toString()))
  })

  async function obey(socket: WebSocket, command: string) {
    const [verb, a, b] = command.split(' ')
    if (verb === 'big') {
      const size = Number(b)
      for (let i = 0; i < Number(a); i++) {
        // Each message differs at both ends, so a kept head and tail can be told apart.
        const edge = `<${String(i).padStart(8, '0')}>`
        socket.send(edge + 'x'.repeat(size - 2 * edge.length) + edge)
        // Backpressure: queueing 1.5 GB in this process would measure the server, not the page.
        while (socket.bufferedAmount > 8 * 1024 * 1024) await new Promise((r) => setTimeout(r, 5))
      }
    } else if (verb === 'huge') {
      const size = Number(a)
      const item = `"${'y'.repeat(1022)}"`
      const items = Math.floor((size - 2) / (item.length + 1))
      socket.send(`[${Array.from({ length: items }, () => item).join(',')}]`)
    } else if (verb === 'nested') {
      const depth = Number(a)
      socket.send('['.repeat(depth) + ']'.repeat(depth))
    } else if (verb === 'drip') {
      const timer = setInterval(() => socket.send(a ?? ''), Number(b))
      timers.add(timer)
      socket.once('close', () => {
        clearInterval(timer)
        timers.delete(timer)
      })
    } else if (verb === 'bad-close') {
      // FIN + close opcode, 2-byte payload 0x03ED = 1005, written raw because `ws` refuses to send it.
      const raw = (socket as unknown as { _socket: { write(b: Buffer): void } })._socket
      raw.write(Buffer.from([0x88, 0x02, 0x03, 0xed]))
    }
  }

  return {
    url: `ws://127.0.0.1:${address.port}/hostile`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const timer of timers) clearInterval(timer)
        for (const c of wss.clients) c.terminate()
        wss.close(() => resolve())
      }),
  }
}
