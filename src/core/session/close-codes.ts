/** Plain-language explanations of WebSocket close codes, with what they mean on API Gateway. */

export interface CloseExplanation {
  name: string
  text: string
}

const CODES: Record<number, CloseExplanation> = {
  1000: {
    name: 'Normal closure',
    text: 'The connection was closed on purpose. API Gateway sends this when the backend deletes the connection through @connections.',
  },
  1001: {
    name: 'Going away',
    text: 'The server is going away. API Gateway sends this when the idle timeout (10 min) or the maximum connection duration (2 h) is reached; a browser sends it when the tab closes.',
  },
  1002: {
    name: 'Protocol error',
    text: 'One side broke the WebSocket protocol, e.g. the server accepted a subprotocol the client did not offer.',
  },
  1003: {
    name: 'Unsupported data',
    text: 'The endpoint cannot accept this kind of data. API Gateway closes with 1003 when a client sends a binary frame.',
  },
  1005: {
    name: 'No status received',
    text: 'The close frame had no status code. API Gateway reports this as “Client-side close frame status not set”.',
  },
  1006: {
    name: 'Abnormal closure',
    text: 'No valid close frame reached the page. Either none arrived (the network failed, the server vanished, or the handshake was refused) or one arrived and the browser rejected it: a server may not send code 1005, 1006 or 1015, a code below 1000, 1004, 1016–2999 or above 4999, a reason that is not valid UTF-8, or a close payload over 125 bytes, and the browser then drops the connection and reports 1006 instead. Browsers hide the HTTP status of a refused handshake (401, 403, 429, 502…), so a failed $connect or a wrong URL or stage also looks like this.',
  },
  1007: { name: 'Invalid frame payload data', text: 'A text message was not valid UTF-8.' },
  1008: { name: 'Policy violation', text: 'The server closed the connection because a message broke its policy.' },
  1009: {
    name: 'Message too big',
    text: 'A message was larger than the server accepts. API Gateway closes with 1009 over 32 KB per frame or 128 KB per message.',
  },
  1010: { name: 'Mandatory extension', text: 'The client needed an extension the server did not offer.' },
  1011: {
    name: 'Internal error',
    text: 'The server hit an unexpected condition. (API Gateway reports integration failures as an “Internal server error” message instead, and keeps the connection open.)',
  },
  1012: { name: 'Service restart', text: 'The server is restarting; reconnect later.' },
  1013: { name: 'Try again later', text: 'The server is overloaded; reconnect later.' },
  1014: { name: 'Bad gateway', text: 'A gateway or proxy got an invalid response from upstream.' },
  1015: {
    name: 'TLS handshake failure',
    text: 'The TLS handshake failed (certificate problem). Browsers report it as 1006.',
  },
}

export function explainClose(code: number, beforeOpen = false): CloseExplanation {
  if (code === 1006 && beforeOpen) {
    return {
      name: 'Handshake failed',
      text: 'The connection never opened. The server refused the handshake or could not be reached: check the URL, the stage and that the server is running. On API Gateway a $connect route that refuses (401, 403, 500…) or an IAM signature that fails looks exactly like this; the browser does not reveal the HTTP status.',
    }
  }
  const known = CODES[code]
  if (known) return known
  if (code >= 3000 && code <= 3999)
    return { name: 'Library or framework code', text: 'A code registered for libraries and frameworks (3000–3999).' }
  if (code >= 4000 && code <= 4999)
    return { name: 'Application code', text: 'A code chosen by the application (4000–4999).' }
  return { name: 'Unknown code', text: 'A close code with no registered meaning.' }
}

/** Codes a browser script may send: 1000, or 3000–4999. */
export function checkClientCloseCode(code: number | undefined, reason: string): string | undefined {
  if (code !== undefined && code !== 1000 && !(code >= 3000 && code <= 4999)) {
    return 'A browser may only close with 1000 or a code from 3000 to 4999.'
  }
  if (new TextEncoder().encode(reason).length > 123) return 'The close reason must be at most 123 bytes of UTF-8.'
  if (reason && code === undefined) return 'A close reason needs a close code too.'
  return undefined
}
