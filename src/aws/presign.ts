import { SignatureV4 } from '@smithy/signature-v4'
import { Sha256Js } from '@smithy/core/checksum'
import type { AwsKeys } from './management-api'

/**
 * Browsers cannot set headers on a WebSocket handshake, so IAM-authorised $connect takes SigV4 in the query string:
 * the URL is signed as a GET on https://host/path with service execute-api, and only then turned into wss://.
 */
export async function presignWebSocketUrl(
  wsUrl: string,
  region: string,
  credentials: AwsKeys,
  expiresInSeconds = 300,
): Promise<string> {
  const url = new URL(wsUrl)
  const query: Record<string, string> = {}
  url.searchParams.forEach((value, key) => {
    if (!/^x-amz-/i.test(key)) query[key] = value
  })
  const signer = new SignatureV4({
    service: 'execute-api',
    region,
    sha256: Sha256Js,
    credentials: {
      accessKeyId: credentials.accessKeyId,
      secretAccessKey: credentials.secretAccessKey,
      sessionToken: credentials.sessionToken,
    },
  })
  const signed = await signer.presign(
    {
      method: 'GET',
      protocol: url.protocol === 'wss:' ? 'https:' : 'http:',
      hostname: url.hostname,
      port: url.port ? Number(url.port) : undefined,
      path: url.pathname || '/',
      query,
      headers: { host: url.host },
    },
    { expiresIn: expiresInSeconds },
  )
  const search = Object.entries(signed.query ?? {})
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`)
    .join('&')
  return `${url.protocol}//${url.host}${url.pathname}?${search}`
}
