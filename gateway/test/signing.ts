import { SignatureV4 } from '@smithy/signature-v4'
import { createHash, createHmac, type Hash, type Hmac } from 'node:crypto'

/** SHA-256 for the SDK's signer, on node:crypto (the signer takes a Checksum constructor). */
export class Sha256 {
  private hash: Hash | Hmac
  private readonly secret?: string | Uint8Array
  constructor(secret?: string | ArrayBuffer | ArrayBufferView) {
    this.secret =
      secret === undefined || typeof secret === 'string'
        ? secret
        : ArrayBuffer.isView(secret)
          ? new Uint8Array(secret.buffer, secret.byteOffset, secret.byteLength)
          : new Uint8Array(secret)
    this.hash = this.fresh()
  }
  private fresh(): Hash | Hmac {
    return this.secret ? createHmac('sha256', this.secret) : createHash('sha256')
  }
  update(data: string | ArrayBuffer | ArrayBufferView): void {
    this.hash.update(
      typeof data === 'string'
        ? data
        : ArrayBuffer.isView(data)
          ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
          : new Uint8Array(data),
    )
  }
  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.hash.digest())
  }
  reset(): void {
    this.hash = this.fresh()
  }
}

export interface Creds {
  accessKeyId: string
  secretAccessKey: string
  sessionToken?: string
}

export function signer(credentials: Creds, region = 'us-east-1', service = 'execute-api'): SignatureV4 {
  return new SignatureV4({
    credentials,
    region,
    service,
    sha256: Sha256,
    uriEscapePath: true,
    applyChecksum: false,
  })
}

export interface PlainRequest {
  method: string
  protocol: string
  hostname: string
  port?: number
  path: string
  query: Record<string, string>
  headers: Record<string, string>
  body?: string | Uint8Array
}

export function request(
  url: string,
  method = 'GET',
  body?: string,
  headers: Record<string, string> = {},
): PlainRequest {
  const u = new URL(url)
  return {
    method,
    protocol: u.protocol,
    hostname: u.hostname,
    port: u.port ? Number(u.port) : undefined,
    // Keep the path exactly as the caller wrote it (e.g. %3D stays encoded), as the SDK does.
    path: url.replace(/^[a-z]+:\/\/[^/]+/, '').split('?')[0]!,
    query: Object.fromEntries(u.searchParams),
    headers: { host: u.host, ...headers },
    body,
  }
}

export function toUrl(req: {
  protocol: string
  hostname: string
  port?: number
  path: string
  query?: Record<string, unknown>
}): string {
  const query = Object.entries(req.query ?? {})
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`)
    .join('&')
  return `${req.protocol}//${req.hostname}${req.port ? `:${req.port}` : ''}${req.path}${query ? `?${query}` : ''}`
}

/** Signs a request in the Authorization header and returns what fetch needs. */
export async function signHeaders(
  creds: Creds,
  url: string,
  method = 'GET',
  body?: string,
  opts: { signingDate?: Date; region?: string } = {},
) {
  const signed = await signer(creds, opts.region).sign(request(url, method, body), {
    signingDate: opts.signingDate,
  })
  const headers = { ...(signed.headers as Record<string, string>) }
  delete headers.host
  return { url: toUrl(signed as PlainRequest), headers, body }
}

/** A presigned (query-string) URL, as browsers use for IAM-authorized $connect. */
export async function presign(
  creds: Creds,
  url: string,
  opts: { expiresIn?: number; signingDate?: Date; region?: string } = {},
): Promise<string> {
  const signed = await signer(creds, opts.region).presign(request(url), {
    expiresIn: opts.expiresIn ?? 300,
    signingDate: opts.signingDate,
  })
  return toUrl(signed as PlainRequest)
}
