import { randomUUID } from 'node:crypto'
import { STATUS_CODES, type IncomingMessage, type ServerResponse } from 'node:http'
import type { Duplex } from 'node:stream'

export type BodyResult =
  | { ok: true; body: Buffer }
  | { ok: false; tooLarge: true; bytes: number }
  | { ok: false; tooLarge: false; error: Error }

/**
 * Reads a request body, keeping at most `limit` bytes. Past the limit it keeps draining (so the client can read our
 * 413 instead of a reset) up to `drainLimit`, then gives up on the socket.
 */
export function readBody(
  req: IncomingMessage,
  limit: number,
  drainLimit = Math.max(limit * 8, 8 << 20),
): Promise<BodyResult> {
  return new Promise((resolve) => {
    const declared = Number(req.headers['content-length'])
    if (Number.isFinite(declared) && declared > drainLimit) {
      req.resume()
      resolve({ ok: false, tooLarge: true, bytes: declared })
      return
    }
    const chunks: Buffer[] = []
    let bytes = 0
    let done = false
    const finish = (result: BodyResult) => {
      if (done) return
      done = true
      resolve(result)
    }
    req.on('data', (chunk: Buffer) => {
      bytes += chunk.length
      if (bytes <= limit) chunks.push(chunk)
      else if (bytes > drainLimit) {
        finish({ ok: false, tooLarge: true, bytes })
        req.pause()
      }
    })
    req.on('end', () =>
      finish(bytes > limit ? { ok: false, tooLarge: true, bytes } : { ok: true, body: Buffer.concat(chunks, bytes) }),
    )
    req.on('error', (error) => finish({ ok: false, tooLarge: false, error }))
    req.on('aborted', () => finish({ ok: false, tooLarge: false, error: new Error('request aborted') }))
  })
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = body === undefined ? '' : JSON.stringify(body)
  res.writeHead(status, {
    ...(text ? { 'Content-Type': 'application/json' } : {}),
    'Content-Length': String(Buffer.byteLength(text)),
    ...headers,
  })
  res.end(text)
}

/** API Gateway error: `x-amzn-ErrorType` (how the SDK names the exception) and `{"message": …}`. */
export function sendAwsError(
  res: ServerResponse,
  status: number,
  errorType: string,
  message: string,
  extra: Record<string, string> = {},
): void {
  sendJson(res, status, { message }, { 'x-amzn-ErrorType': errorType, ...extra })
}

/** A plain HTTP response on a raw socket, used to refuse a WebSocket handshake. */
export function refuseUpgrade(
  socket: Duplex,
  status: number,
  body: string,
  headers: Record<string, string> = {},
): void {
  if (socket.destroyed) return
  const lines = [`HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Unknown'}`, 'Connection: close']
  const all: Record<string, string> = {
    'Content-Length': String(Buffer.byteLength(body)),
    'x-amzn-RequestId': randomUUID(),
    ...headers,
  }
  if (body && !Object.keys(all).some((h) => h.toLowerCase() === 'content-type')) {
    all['Content-Type'] = /^\s*[{[]/.test(body) ? 'application/json' : 'text/plain; charset=utf-8'
  }
  for (const [name, value] of Object.entries(all)) {
    if (!/[\r\n]/.test(name) && !/[\r\n]/.test(value)) lines.push(`${name}: ${value}`)
  }
  socket.end(lines.join('\r\n') + '\r\n\r\n' + body)
  // end() waits for the peer; don't let a silent one hold the socket.
  setTimeout(() => socket.destroy(), 1000).unref()
}

/** The client's address without the IPv4-mapped IPv6 prefix, as API Gateway reports sourceIp. */
export function sourceIp(address: string | undefined): string {
  if (!address) return '127.0.0.1'
  return address.startsWith('::ffff:') ? address.slice(7) : address
}

/** Splits `req.url` into the raw path and raw query (both still percent-encoded). */
export function splitUrl(url: string): { path: string; query: string } {
  const q = url.indexOf('?')
  return q < 0 ? { path: url, query: '' } : { path: url.slice(0, q), query: url.slice(q + 1) }
}

/** The status for a request Node's parser rejected: 431 headers too large, 408 too slow, 400 anything else. */
export function clientErrorStatus(code: string | undefined): number {
  if (code === 'HPE_HEADER_OVERFLOW') return 431
  if (code === 'ERR_HTTP_REQUEST_TIMEOUT') return 408
  return 400
}
