/**
 * Credential-looking query parameters, found by name or by value, so a URL can be stored, shown or shared without
 * them. The connection itself still uses the full URL: only copies that leave memory go through here.
 */

/** Names that carry credentials in practice: `?token=`, `?api_key=`, `?Authorization=`, SigV4's `X-Amz-*`… */
const CREDENTIAL_NAME = /token|auth|key|secret|passw(or)?d|pwd|signature|session|jwt|credential|^x-amz-/i
/** Three base64url parts, the first a JSON header: `eyJ…`. */
const JWT = /^[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*$/
const LONG_HEX = /^[0-9a-f]{32,}$/i
const LONG_BASE64 = /^[A-Za-z0-9+/_-]{32,}={0,2}$/

export const REDACTED = 'REDACTED'

export function looksLikeCredential(name: string, value: string): boolean {
  if (CREDENTIAL_NAME.test(name)) return true
  if (JWT.test(value) || LONG_HEX.test(value)) return true
  // Long runs of letters alone are words or slugs; a secret mixes letters and digits.
  return LONG_BASE64.test(value) && /\d/.test(value) && /[A-Za-z]/.test(value)
}

export interface Redacted {
  url: string
  /** Names of the parameters that were left out or masked, in URL order, each once. */
  removed: string[]
}

/**
 * `remove` drops credential parameters (for storage and links); `mask` keeps their names with the value REDACTED (for
 * the log and exports, so a presigned URL stays recognisable). Other parameters keep the user's own spelling.
 * User info (`user:password@`) is always dropped.
 */
export function redactUrl(url: string, mode: 'remove' | 'mask'): Redacted {
  const removed: string[] = []
  const base = url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/?#@]*@/i, (_, scheme: string) => {
    removed.push('user info')
    return scheme
  })
  const queryStart = base.indexOf('?')
  if (queryStart < 0) return { url: base, removed }
  const hashStart = base.indexOf('#', queryStart)
  const query = base.slice(queryStart + 1, hashStart < 0 ? undefined : hashStart)
  const hash = hashStart < 0 ? '' : base.slice(hashStart)
  const kept: string[] = []
  for (const pair of query.split('&')) {
    if (!pair) continue
    const eq = pair.indexOf('=')
    const rawName = eq < 0 ? pair : pair.slice(0, eq)
    const name = decode(rawName)
    if (!looksLikeCredential(name, decode(eq < 0 ? '' : pair.slice(eq + 1)))) {
      kept.push(pair)
      continue
    }
    if (!removed.includes(name)) removed.push(name)
    if (mode === 'mask') kept.push(`${rawName}=${REDACTED}`)
  }
  const path = base.slice(0, queryStart)
  return { url: `${path}${kept.length ? `?${kept.join('&')}` : ''}${hash}`, removed }
}

/** A malformed escape (`%zz`) cannot be read, so it is judged as written. */
function decode(text: string): string {
  const spaced = text.replace(/\+/g, ' ')
  try {
    return decodeURIComponent(spaced)
  } catch {
    return spaced
  }
}
