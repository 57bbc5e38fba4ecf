/** Bytes typed as base64 or hex for the composer, and bytes shown as hex or base64 in the log. */

export type ByteEncoding = 'base64' | 'hex'

export type ParsedBytes = { ok: true; bytes: Uint8Array } | { ok: false; error: string }

/** Hex digits, optionally separated by spaces, newlines, colons or commas, with or without 0x prefixes. */
export function parseHex(text: string): ParsedBytes {
  const digits = text.replace(/0x/gi, '').replace(/[\s:,]+/g, '')
  const bad = /[^0-9a-f]/i.exec(digits)
  if (bad) return { ok: false, error: `“${bad[0]}” is not a hex digit: use 0-9 and a-f, e.g. de ad be ef.` }
  if (digits.length % 2)
    return { ok: false, error: `Hex needs two digits per byte; there is an odd number (${digits.length}).` }
  const bytes = new Uint8Array(digits.length / 2)
  for (let i = 0; i < bytes.length; i++) bytes[i] = parseInt(digits.slice(i * 2, i * 2 + 2), 16)
  return { ok: true, bytes }
}

/** Standard or URL-safe base64; whitespace is ignored and padding is optional. */
export function parseBase64(text: string): ParsedBytes {
  const compact = text.replace(/\s+/g, '').replace(/-/g, '+').replace(/_/g, '/')
  const body = compact.replace(/=+$/, '')
  const bad = /[^A-Za-z0-9+/]/.exec(body)
  if (bad) return { ok: false, error: `“${bad[0]}” is not a base64 character (A-Z, a-z, 0-9, + and /, or - and _).` }
  if (compact.length - body.length > 2) return { ok: false, error: 'Base64 ends with at most two “=”.' }
  if (body.length % 4 === 1)
    return {
      ok: false,
      error: `Base64 of ${body.length} characters cannot be whole bytes: a character is missing or extra.`,
    }
  const binary = atob(body + '='.repeat((4 - (body.length % 4)) % 4))
  const bytes = new Uint8Array(binary.length)
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i)
  return { ok: true, bytes }
}

export function parseBytes(text: string, encoding: ByteEncoding): ParsedBytes {
  if (!text.trim())
    return {
      ok: false,
      error:
        encoding === 'hex'
          ? 'Empty: type bytes as hex, e.g. de ad be ef.'
          : 'Empty: type bytes as base64, e.g. 3q2+7w==.',
    }
  return encoding === 'hex' ? parseHex(text) : parseBase64(text)
}

/** Bytes as spaced hex pairs; past `max` bytes the rest is summarised, never dropped silently. */
export function toHex(bytes: Uint8Array, max = Infinity): string {
  const shown = Math.min(bytes.length, max)
  let out = ''
  for (let i = 0; i < shown; i++) out += (i ? ' ' : '') + bytes[i]!.toString(16).padStart(2, '0')
  return shown < bytes.length ? `${out} … (${bytes.length - shown} more bytes)` : out
}

export function toBase64(bytes: Uint8Array): string {
  // In chunks: String.fromCharCode(...bytes) on a big message would overflow the call stack.
  let binary = ''
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000))
  return btoa(binary)
}

/** Binary log entries keep their bytes as base64: compact, and exportable as JSON text. */
export function fromBase64(text: string): Uint8Array {
  const parsed = parseBase64(text)
  return parsed.ok ? parsed.bytes : new Uint8Array(0)
}

/**
 * What sending a binary frame does at this endpoint. API Gateway accepts text frames only and closes with 1003
 * (its quotas page); the local gateway does the same, detected from the frame header.
 */
export function binaryFrameNote(endpointKind: 'aws' | 'local' | 'other'): string | undefined {
  if (endpointKind === 'aws')
    return 'API Gateway accepts text frames only: a binary frame closes the connection with 1003 (unsupported data).'
  if (endpointKind === 'local')
    return 'The local gateway does as API Gateway: a binary frame closes the connection with 1003 (unsupported data).'
  return undefined
}
