import type { IncomingMessage, ServerResponse } from 'node:http'

/**
 * CORS for `@connections` and Cognito, so a page can call them with the AWS SDK. Only origins the access policy
 * allows (loopback ones and `--allow-origin`) ever reach these functions: others are refused with 403 first. AWS WebSocket APIs have no
 * CORS setting at all (CorsConfiguration is HTTP-API-only), so `cors: false` sends none of these headers.
 *
 * The SDK can only name errors (GoneException…) from `x-amzn-ErrorType`, which browsers hide unless exposed.
 */
export const EXPOSED_HEADERS = 'x-amzn-ErrorType, x-amzn-RequestId, x-amz-apigw-id'
const ALLOWED_METHODS = 'GET, POST, DELETE, OPTIONS'
// What Chromium asks for on SDK @connections and Cognito calls, used when a preflight names none.
const DEFAULT_ALLOWED_HEADERS =
  'authorization, content-type, x-amz-date, x-amz-security-token, x-amz-content-sha256, x-amz-user-agent, x-amz-target, amz-sdk-invocation-id, amz-sdk-request'

export function setCorsHeaders(req: IncomingMessage, res: ServerResponse): void {
  const origin = req.headers.origin
  res.setHeader('Access-Control-Allow-Origin', origin ?? '*')
  if (origin) res.setHeader('Vary', 'Origin')
  res.setHeader('Access-Control-Expose-Headers', EXPOSED_HEADERS)
}

export function isPreflight(req: IncomingMessage): boolean {
  return req.method === 'OPTIONS' && req.headers['access-control-request-method'] !== undefined
}

/** Answers an OPTIONS preflight with 204. */
export function answerPreflight(req: IncomingMessage, res: ServerResponse, maxAgeSeconds: number): void {
  setCorsHeaders(req, res)
  res.setHeader('Access-Control-Allow-Methods', ALLOWED_METHODS)
  const requested = req.headers['access-control-request-headers']
  res.setHeader(
    'Access-Control-Allow-Headers',
    requested && requested.length < 2048 ? requested : DEFAULT_ALLOWED_HEADERS,
  )
  res.setHeader('Access-Control-Max-Age', String(Math.round(maxAgeSeconds)))
  // Chromium's Private Network Access asks this when a public page calls a loopback address; only an origin named
  // with --allow-origin gets here from a public address.
  if (req.headers['access-control-request-private-network'] === 'true') {
    res.setHeader('Access-Control-Allow-Private-Network', 'true')
  }
  res.setHeader('Vary', 'Origin, Access-Control-Request-Headers, Access-Control-Request-Method')
  res.writeHead(204)
  res.end()
}
