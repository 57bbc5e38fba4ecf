import { describe, expect, it } from 'vitest'
import type { InvocationOutcome } from '../src/handlers'
import { errorFrame, routeReply, unmatchedReply, type RouteReply } from '../src/route-reply'

const result = (value: unknown): InvocationOutcome => ({ kind: 'result', value, durationMs: 1 })
const context = { connectionId: 'C', routeKey: 'r', integrationTimeoutMs: 29000, maxReplyBytes: 10 }

describe('route replies', () => {
  const cases: [string, InvocationOutcome, boolean, RouteReply['kind'], string][] = [
    ['one-way, a body', result({ statusCode: 200, body: 'x' }), false, 'none', ''],
    [
      'one-way, a throw',
      { kind: 'error', error: new Error('e'), durationMs: 1 },
      false,
      'error-frame',
      'Internal server error',
    ],
    ['one-way, a timeout', { kind: 'timeout', durationMs: 1 }, false, 'error-frame', 'Endpoint request timed out'],
    ['two-way, a string body', result({ statusCode: 200, body: 'hi' }), true, 'reply', 'hi'],
    ['two-way, an empty body', result({ body: '' }), true, 'reply', ''],
    ['two-way, no body', result({ statusCode: 200 }), true, 'none', ''],
    ['two-way, a null body', result({ body: null }), true, 'none', ''],
    ['two-way, undefined', result(undefined), true, 'none', ''],
    ['two-way, a bare string', result('plain'), true, 'none', ''],
    ['one-way, a bare string', result('plain'), false, 'none', ''],
    ['two-way, an object body', result({ body: { a: 1 } }), true, 'error-frame', 'Internal server error'],
    ['two-way, a number body', result({ body: 5 }), true, 'error-frame', 'Internal server error'],
    ['two-way, a body at the limit', result({ body: '0123456789' }), true, 'reply', '0123456789'],
    ['two-way, a body over the limit', result({ body: '0123456789A' }), true, 'error-frame', 'Internal server error'],
    ['two-way, a throw', { kind: 'error', error: 'str', durationMs: 1 }, true, 'error-frame', 'Internal server error'],
  ]
  it.each(cases)('%s → %s', (_name, outcome, twoWay, kind, text) => {
    const reply = routeReply(outcome, { ...context, twoWay })
    expect(reply.kind).toBe(kind)
    if (reply.kind === 'reply') expect(reply.body).toBe(text)
    if (reply.kind === 'error-frame') expect(reply.message).toBe(text)
  })

  it('a two-way route whose function returns a bare string sends nothing and says why; no word for a one-way one', () => {
    const twoWay = routeReply(result('plain'), { ...context, twoWay: true })
    expect(twoWay).toEqual({
      kind: 'none',
      note: expect.stringContaining('C r returned a string, not { statusCode, body }'),
    })
    expect(routeReply(result('plain'), { ...context, twoWay: false })).toEqual({ kind: 'none' })
    expect(routeReply(result({ statusCode: 200 }), { ...context, twoWay: true })).toEqual({ kind: 'none' })
  })

  it('says why in the log line', () => {
    const log = (o: InvocationOutcome) => {
      const r = routeReply(o, { ...context, twoWay: true })
      return r.kind === 'error-frame' ? r.log : ''
    }
    expect(log({ kind: 'timeout', durationMs: 1 })).toBe(
      'C r took longer than 29000 ms → "Endpoint request timed out" frame',
    )
    expect(log({ kind: 'error', error: new TypeError('bad'), durationMs: 1 })).toBe(
      'C r threw TypeError: bad → "Internal server error" frame',
    )
    expect(log(result({ body: 1 }))).toBe('C r returned a non-string body (number) → "Internal server error" frame')
    expect(log(result({ body: 'x'.repeat(11) }))).toBe(
      'C r returned a 11-byte body, over the 10-byte message limit → "Internal server error" frame',
    )
  })

  it('an unmatched message gets Forbidden', () => {
    expect(unmatchedReply('C')).toMatchObject({ kind: 'error-frame', message: 'Forbidden' })
  })

  it('error frames have AWS’s exact spacing', () => {
    expect(errorFrame('Forbidden', 'A=', 'B=')).toBe('{"message": "Forbidden", "connectionId":"A=", "requestId":"B="}')
  })
})
