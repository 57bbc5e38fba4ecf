/** What a SigV4-presigned URL says about its own lifetime (query parameters X-Amz-Date and X-Amz-Expires). */
export interface PresignedLifetime {
  /** When it was signed (epoch ms), if X-Amz-Date is readable. */
  signedAt?: number
  /** When it stops being accepted (epoch ms), if both parameters are readable. */
  expiresAt?: number
}

/**
 * The URL's presigned lifetime, or undefined for a URL that is not presigned (no X-Amz-Signature/X-Amz-Expires).
 * A presigned URL is a one-off: reusing it (as auto-reconnect does) works only until it expires.
 */
export function presignedLifetime(url: string): PresignedLifetime | undefined {
  const query = url.split('#')[0]!.split('?')[1]
  if (!query) return undefined
  const params = new Map<string, string>()
  for (const pair of query.split('&')) {
    const eq = pair.indexOf('=')
    const name = (eq < 0 ? pair : pair.slice(0, eq)).toLowerCase()
    params.set(name, eq < 0 ? '' : safeDecode(pair.slice(eq + 1)))
  }
  if (!params.has('x-amz-signature') && !params.has('x-amz-expires')) return undefined
  const signedAt = parseAmzDate(params.get('x-amz-date') ?? '')
  const seconds = Number(params.get('x-amz-expires'))
  const expiresAt =
    signedAt !== undefined && params.get('x-amz-expires') && Number.isInteger(seconds) && seconds >= 0
      ? signedAt + seconds * 1000
      : undefined
  return { signedAt, expiresAt }
}

/**
 * A sentence for the reconnect log line: the retry at `retryAt` reuses a presigned URL, which will be refused once
 * it has expired. Undefined for a URL that is not presigned.
 */
export function presignedReuseNote(url: string, retryAt: number): string | undefined {
  const lifetime = presignedLifetime(url)
  if (!lifetime) return undefined
  const fix = 'Connect again to sign a fresh one.'
  if (lifetime.expiresAt === undefined)
    return `The URL is presigned and is reused as is: once it expires the handshake is refused (403). ${fix}`
  const at = utcTime(lifetime.expiresAt)
  return retryAt >= lifetime.expiresAt
    ? `The presigned URL expired at ${at}: this retry will be refused (403). ${fix}`
    : `The URL is presigned and is reused as is: it expires at ${at}, after which retries are refused (403). ${fix}`
}

/** SigV4's basic ISO 8601 form, 20261202T055900Z. */
function parseAmzDate(text: string): number | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(text)
  if (!m) return undefined
  const ms = Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!)
  return Number.isNaN(ms) ? undefined : ms
}

function utcTime(ms: number): string {
  return `${new Date(ms).toISOString().slice(11, 19)} UTC`
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text)
  } catch {
    return text
  }
}
