import { describe, expect, it } from 'vitest'
import type { InvocationOutcome } from '../src/handlers'
import { connectDecision, handshakeProblem, type HandshakeRequest } from '../src/handshake-rules'

const KEY = 'dGhlIHNhbXBsZSBub25jZQ=='
const valid: HandshakeRequest = {
  method: 'GET',
  headers: { upgrade: 'websocket', 'sec-websocket-key': KEY, 'sec-websocket-version': '13' },
}
const withHeaders = (headers: Record<string, string | undefined>, method = 'GET'): HandshakeRequest => ({
  method,
  headers: { ...valid.headers, ...headers },
})

describe('handshake rules (before $connect runs)', () => {
  const cases: [string, HandshakeRequest, number | undefined, string?][] = [
    ['a valid handshake', valid, undefined],
    ['Upgrade in another case', withHeaders({ upgrade: 'WebSocket' }), undefined],
    ['POST', withHeaders({}, 'POST'), 405, 'WebSocket handshakes use GET, not POST'],
    ['no Upgrade', withHeaders({ upgrade: undefined }), 400, 'Invalid Upgrade header'],
    ['Upgrade: h2c', withHeaders({ upgrade: 'h2c' }), 400, 'Invalid Upgrade header'],
    ['no key', withHeaders({ 'sec-websocket-key': undefined }), 400, 'Missing or invalid Sec-WebSocket-Key header'],
    ['a short key', withHeaders({ 'sec-websocket-key': 'abc==' }), 400, 'Missing or invalid Sec-WebSocket-Key header'],
    ['version 8', withHeaders({ 'sec-websocket-version': '8' }), 426, 'Unsupported Sec-WebSocket-Version (only 13)'],
    ['one subprotocol', withHeaders({ 'sec-websocket-protocol': 'chat' }), undefined],
    ['two subprotocols', withHeaders({ 'sec-websocket-protocol': 'chat, v2.json' }), undefined],
    [
      'an empty subprotocol',
      withHeaders({ 'sec-websocket-protocol': 'chat,,x' }),
      400,
      'Invalid Sec-WebSocket-Protocol header',
    ],
    [
      'a repeated subprotocol',
      withHeaders({ 'sec-websocket-protocol': 'a, a' }),
      400,
      'Invalid Sec-WebSocket-Protocol header',
    ],
    [
      'a space inside a subprotocol',
      withHeaders({ 'sec-websocket-protocol': 'a b' }),
      400,
      'Invalid Sec-WebSocket-Protocol header',
    ],
    [
      'a subprotocol with a slash',
      withHeaders({ 'sec-websocket-protocol': 'a/b' }),
      400,
      'Invalid Sec-WebSocket-Protocol header',
    ],
  ]
  it.each(cases)('%s → %s', (_name, req, status, message) => {
    const problem = handshakeProblem(req)
    expect(problem?.status).toBe(status)
    if (message) {
      expect(problem?.body).toBe(JSON.stringify({ message }))
      expect(problem?.log).toBe(`handshake refused ${status}: ${message}`)
    }
  })

  it('asks for version 13 on a 426', () => {
    expect(handshakeProblem(withHeaders({ 'sec-websocket-version': '7' }))?.headers).toEqual({
      'Sec-WebSocket-Version': '13',
    })
  })
})

describe('$connect outcome → HTTP status', () => {
  const settings = { integrationTimeoutMs: 300, connectTimeoutStatus: 504, connectWithoutStatusCode: 'accept' as const }
  const result = (value: unknown): InvocationOutcome => ({ kind: 'result', value, durationMs: 1 })
  const cases: [string, InvocationOutcome, number | 'accepted', string][] = [
    ['200', result({ statusCode: 200 }), 'accepted', ''],
    ['201', result({ statusCode: 201 }), 'accepted', ''],
    ['299', result({ statusCode: 299 }), 'accepted', ''],
    ['no statusCode (accept)', result({}), 'accepted', ''],
    ['undefined (accept)', result(undefined), 'accepted', ''],
    ['301', result({ statusCode: 301 }), 301, ''],
    ['401 with a body', result({ statusCode: 401, body: 'no' }), 401, 'no'],
    ['501', result({ statusCode: 501 }), 501, ''],
    ['a string status', result({ statusCode: '200' }), 502, '{"message":"Internal server error"}'],
    ['status 600', result({ statusCode: 600 }), 502, '{"message":"Internal server error"}'],
    ['status 199', result({ statusCode: 199 }), 502, '{"message":"Internal server error"}'],
    ['a throw', { kind: 'error', error: new Error('x'), durationMs: 1 }, 502, '{"message":"Internal server error"}'],
    ['a timeout', { kind: 'timeout', durationMs: 300 }, 504, '{"message":"Endpoint request timed out"}'],
  ]
  it.each(cases)('%s → %s', (_name, outcome, expected, body) => {
    const decision = connectDecision('ID', outcome, settings)
    if (expected === 'accepted') expect('accept' in decision).toBe(true)
    else {
      expect('refuse' in decision && decision.refuse.status).toBe(expected)
      expect('refuse' in decision && decision.refuse.body).toBe(body)
    }
  })

  it('reject mode: no statusCode → 502; the timeout status is configurable', () => {
    const reject = { ...settings, connectWithoutStatusCode: 'reject' as const }
    expect(connectDecision('ID', result({}), reject)).toMatchObject({ refuse: { status: 502 } })
    expect(
      connectDecision('ID', { kind: 'timeout', durationMs: 1 }, { ...settings, connectTimeoutStatus: 503 }),
    ).toMatchObject({ refuse: { status: 503, log: 'ID $connect timed out after 300 ms → handshake 503' } })
  })

  it('copies the subprotocol and extra headers into the 101, never the handshake headers', () => {
    const decision = connectDecision(
      'ID',
      result({
        statusCode: 200,
        headers: { 'Sec-WebSocket-Protocol': 'chat', 'X-A': '1', Upgrade: 'no', 'Bad Name': 'x', 'X-B': 'a\r\nb' },
        multiValueHeaders: { 'X-C': ['1', '2'], 'x-a': ['dup'] },
      }),
      settings,
    )
    expect(decision).toEqual({
      accept: {
        protocol: 'chat',
        headers: [
          ['X-A', '1'],
          ['X-C', '1'],
          ['X-C', '2'],
        ],
      },
    })
  })

  it('passes a refusal’s own headers on, minus the handshake ones', () => {
    expect(
      connectDecision(
        'ID',
        result({ statusCode: 403, headers: { 'X-Why': 'no', Connection: 'keep-alive' } }),
        settings,
      ),
    ).toMatchObject({ refuse: { status: 403, headers: { 'X-Why': 'no' }, level: 'info' } })
  })
})
