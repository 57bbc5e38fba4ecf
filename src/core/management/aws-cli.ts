/** The AWS CLI command that does the same as a call from the page, ready to copy into a shell. */

export type ManagementCall =
  | { op: 'PostToConnection'; connectionId: string; data: Uint8Array; text?: string }
  | { op: 'GetConnection'; connectionId: string }
  | { op: 'DeleteConnection'; connectionId: string }

/**
 * POSIX shell single quoting, applied to every value without exception: inside single quotes nothing ($, `, \, !,
 * newlines) is special, and a quote in the value closes, adds an escaped quote and reopens.
 */
export function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`
}

export function cliCommand(call: ManagementCall, endpoint: string, region?: string): string {
  const lines: string[] = []
  const verb = {
    PostToConnection: 'post-to-connection',
    GetConnection: 'get-connection',
    DeleteConnection: 'delete-connection',
  }[call.op]
  lines.push(`aws apigatewaymanagementapi ${verb}`)
  lines.push(`--endpoint-url ${shellQuote(endpoint)}`)
  if (region) lines.push(`--region ${shellQuote(region)}`)
  lines.push(`--connection-id ${shellQuote(call.connectionId)}`)
  if (call.op === 'PostToConnection') {
    // CLI v2 reads blobs as base64 unless told otherwise: raw text needs raw-in-base64-out, bytes go as base64.
    if (call.text !== undefined) lines.push(`--data ${shellQuote(call.text)}`, '--cli-binary-format raw-in-base64-out')
    else lines.push(`--data ${shellQuote(bytesToBase64(call.data))}`)
  }
  return lines.join(' \\\n  ')
}

export function bytesToBase64(bytes: Uint8Array): string {
  let binary = ''
  for (let i = 0; i < bytes.length; i++) binary += String.fromCharCode(bytes[i]!)
  return btoa(binary)
}

export type PayloadEncoding = 'text' | 'json' | 'base64' | 'hex'

export type DecodedPayload = { ok: true; bytes: Uint8Array; text?: string } | { ok: false; error: string }

/** Turns what the user typed into the bytes PostToConnection sends. */
export function decodePayload(input: string, encoding: PayloadEncoding): DecodedPayload {
  if (encoding === 'text') return { ok: true, bytes: new TextEncoder().encode(input), text: input }
  if (encoding === 'json') {
    try {
      JSON.parse(input)
    } catch (e) {
      return { ok: false, error: `Invalid JSON: ${(e as Error).message}` }
    }
    return { ok: true, bytes: new TextEncoder().encode(input), text: input }
  }
  if (encoding === 'hex') {
    const clean = input.replace(/\s+|0x/gi, '')
    if (clean.length % 2 || /[^0-9a-f]/i.test(clean))
      return { ok: false, error: 'Hex needs pairs of 0-9 and a-f, e.g. 48 65 6c 6c 6f.' }
    const bytes = new Uint8Array(clean.length / 2)
    for (let i = 0; i < bytes.length; i++) bytes[i] = parseInt(clean.slice(i * 2, i * 2 + 2), 16)
    return { ok: true, bytes }
  }
  const clean = input.replace(/\s+/g, '').replace(/-/g, '+').replace(/_/g, '/')
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(clean) || clean.length % 4 === 1) return { ok: false, error: 'Not valid base64.' }
  try {
    const binary = atob(clean.padEnd(Math.ceil(clean.length / 4) * 4, '='))
    return { ok: true, bytes: Uint8Array.from(binary, (c) => c.charCodeAt(0)) }
  } catch {
    return { ok: false, error: 'Not valid base64.' }
  }
}
