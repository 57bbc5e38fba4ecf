import { ApiGatewayManagementApiClient } from '@aws-sdk/client-apigatewaymanagementapi'
import { connect as netConnect } from 'node:net'
import { afterAll } from 'vitest'
import WebSocket, { type ClientOptions } from 'ws'
import { startGateway, type Gateway, type GatewayOptions } from '../src/index'

export type { Gateway }

// Every gateway a test file starts is closed after the file (onTestFinished is unreliable in concurrent tests).
const started: Gateway[] = []
afterAll(() => Promise.all(started.map((gw) => gw.close())))

/** Starts a quiet gateway on a free port, closed after the test file. Error lines are collected in `logs`. */
export async function gatewayFor(options: GatewayOptions = {}): Promise<Gateway & { logs: string[] }> {
  const logs: string[] = []
  const gw = await startGateway({
    port: 0,
    log: (line) => logs.push(line),
    // Importing the AWS SDK in a cold worker can outlast Lambda's 10 s init limit on a loaded test machine; the
    // init-limit tests set their own.
    initTimeoutMs: 120_000,
    ...options,
  })
  started.push(gw)
  return Object.assign(gw, { logs })
}

export interface Closed {
  code: number
  reason: string
  at: number
}

/** A `ws` client that queues messages, so tests can await them in order. */
export class TestClient {
  readonly messages: { data: string; binary: boolean }[] = []
  readonly closed: Promise<Closed>
  openedAt = 0
  private cursor = 0
  private wake: (() => void) | undefined

  constructor(readonly ws: WebSocket) {
    ws.on('message', (data, binary) => {
      this.messages.push({ data: data.toString(), binary })
      this.wake?.()
    })
    this.closed = new Promise((resolve) => {
      ws.on('close', (code, reason) => {
        resolve({ code, reason: reason.toString(), at: performance.now() })
        this.wake?.()
      })
    })
    ws.on('error', () => {})
  }

  static open(url: string, protocols?: string | string[], options?: ClientOptions): Promise<TestClient> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, protocols, options)
      const client = new TestClient(ws)
      ws.once('open', () => {
        client.openedAt = performance.now()
        resolve(client)
      })
      ws.once('error', reject)
      ws.once('unexpected-response', (_req, res) => reject(new Error(`handshake refused: ${res.statusCode}`)))
    })
  }

  send(text: string | Buffer, options: { binary?: boolean; fin?: boolean } = {}): Promise<void> {
    return new Promise((resolve, reject) => this.ws.send(text, options, (error) => (error ? reject(error) : resolve())))
  }

  /** The next message not yet consumed. The default bound only catches a message that never comes: on a loaded
   * 2-core machine a first handler run (a .ts module through tsx) took over 5 s. */
  async next(timeoutMs = 20_000): Promise<string> {
    const deadline = Date.now() + timeoutMs
    while (this.cursor >= this.messages.length) {
      if (this.ws.readyState === WebSocket.CLOSED) throw new Error('socket closed while waiting for a message')
      const left = deadline - Date.now()
      if (left <= 0) throw new Error(`no message within ${timeoutMs} ms`)
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left)
        this.wake = () => {
          clearTimeout(timer)
          resolve()
        }
      })
    }
    return this.messages[this.cursor++]!.data
  }

  async nextJson<T = Record<string, unknown>>(timeoutMs?: number): Promise<T> {
    return JSON.parse(await this.next(timeoutMs)) as T
  }

  /** Messages that arrived but were not consumed with next(). */
  get unread(): string[] {
    return this.messages.slice(this.cursor).map((m) => m.data)
  }

  close(code?: number, reason?: string): Promise<Closed> {
    this.ws.close(code, reason)
    return this.closed
  }
}

/** Asks for the connection id through the default `whoami` route. */
export async function whoami(client: TestClient): Promise<string> {
  await client.send('{"action":"whoami"}')
  const reply = await client.nextJson<{ connectionId: string }>()
  return reply.connectionId
}

export interface HandshakeResponse {
  status: number
  headers: Record<string, string | string[] | undefined>
  body: string
}

/** Attempts a handshake that is expected to be refused, and returns the HTTP response. */
export function refusedHandshake(
  url: string,
  options: ClientOptions = {},
  protocols?: string[],
): Promise<HandshakeResponse> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, protocols, options)
    ws.on('open', () => {
      ws.terminate()
      reject(new Error('the handshake was accepted'))
    })
    ws.on('unexpected-response', (_req, res) => {
      let body = ''
      res.on('data', (chunk: Buffer) => (body += chunk.toString()))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }))
      res.on('error', reject)
    })
    ws.on('error', (error) => {
      if (!/Unexpected server response/.test(error.message)) reject(error)
    })
  })
}

/** Writes raw bytes to the port and collects whatever comes back until the server closes (or timeout). */
export function rawExchange(port: number, data: string | Buffer, timeoutMs = 3000): Promise<string> {
  return new Promise((resolve) => {
    const socket = netConnect(port, '127.0.0.1')
    let received = ''
    const done = () => {
      socket.destroy()
      resolve(received)
    }
    const timer = setTimeout(done, timeoutMs)
    socket.on('data', (chunk) => (received += chunk.toString('latin1')))
    socket.on('close', () => {
      clearTimeout(timer)
      resolve(received)
    })
    socket.on('error', () => {})
    socket.write(data)
  })
}

export function managementClient(
  gw: Gateway,
  credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string } = gw.lambdaCredentials,
): ApiGatewayManagementApiClient {
  return new ApiGatewayManagementApiClient({
    endpoint: gw.connectionsUrl,
    region: gw.region,
    credentials,
    maxAttempts: 1,
  })
}

export async function waitFor(check: () => boolean, timeoutMs = 30_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** The exact error frame API Gateway sends (spacing as in wscat transcripts). */
export function errorFrame(message: string): RegExp {
  return new RegExp(
    `^\\{"message": "${message}", "connectionId":"[A-Za-z0-9_-]{15}=", "requestId":"[A-Za-z0-9_-]{15}="\\}$`,
  )
}

/** The SDK error as a plain object: name, status and message, for toMatchObject. */
export async function sdkError(
  promise: Promise<unknown>,
): Promise<{ name: string; status: number | undefined; message: string; error: unknown }> {
  try {
    await promise
  } catch (error) {
    const e = error as { name: string; message: string; $metadata?: { httpStatusCode?: number } }
    return { name: e.name, status: e.$metadata?.httpStatusCode, message: e.message, error }
  }
  throw new Error('expected the call to fail')
}
