import type { IncomingMessage } from 'node:http'

const LOOPBACK_HOST = /^(localhost|127\.\d+\.\d+\.\d+|\[::1\])(:\d+)?$/i

/**
 * True when the request comes from a page of this very server: a loopback Host (a DNS-rebound name is not) and an
 * Origin, when the browser sends one, equal to it. Browsers always send Origin on cross-origin requests and on POST.
 */
export function isOwnOrigin(req: IncomingMessage, requireOrigin = true): boolean {
  const host = req.headers.host
  if (!host || !LOOPBACK_HOST.test(host)) return false
  const origin = req.headers.origin
  if (origin === undefined) return !requireOrigin && req.headers['sec-fetch-site'] !== 'cross-site'
  return origin === `http://${host}` || origin === `https://${host}`
}

export function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    // Past the limit the rest is read and dropped, so the client still gets its answer instead of a reset.
    req.on('data', (chunk: Buffer) => {
      size += chunk.length
      if (size <= limit) chunks.push(chunk)
    })
    req.on('end', () => (size > limit ? reject(new Error('too large')) : resolve(Buffer.concat(chunks))))
    req.on('error', reject)
  })
}
