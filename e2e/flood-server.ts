import { WebSocketServer } from 'ws'

/** A bare `ws` server that answers "flood N" with N numbered messages as fast as it can. */
export async function startFloodServer() {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 })
  await new Promise<void>((resolve) => wss.once('listening', () => resolve()))
  const address = wss.address()
  if (!address || typeof address === 'string') throw new Error('unexpected server address')
  wss.on('connection', (socket) => {
    socket.on('message', (data) => {
      const match = /^flood (\d+)$/.exec(data.toString())
      if (!match) return
      const count = Number(match[1])
      for (let i = 1; i <= count; i++) socket.send(`{"n":${i},"pad":"${'x'.repeat(80)}"}`)
    })
  })
  return {
    url: `ws://127.0.0.1:${address.port}/flood`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const c of wss.clients) c.terminate()
        wss.close(() => resolve())
      }),
  }
}
