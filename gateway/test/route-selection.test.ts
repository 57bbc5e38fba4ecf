import { describe, expect, it } from 'vitest'
import {
  compileRouteSelectionExpression as compile,
  evaluateExpression,
  ExpressionError,
  selectRoute,
  stringifySelected,
} from '../src/route-selection'

const docPayload = { service: 'chat', action: 'join', data: { room: 'room1234' } }
const evaluate = (expr: string, body: unknown = docPayload) => evaluateExpression(compile(expr), body)

describe('route selection expressions (the table in the AWS docs)', () => {
  it.each([
    ['$request.body.action', 'join'],
    ['${request.body.action}', 'join'],
    ['${request.body.service}/${request.body.action}', 'chat/join'],
    ['${request.body.action}-${request.body.invalidPath}', 'join-'],
    ['action', 'action'],
    ['\\$default', '$default'],
  ])('%s → %s', (expr, expected) => {
    expect(evaluate(expr)).toBe(expected)
  })

  it('follows nested paths and array indexes', () => {
    expect(evaluate('$request.body.service.do', { service: { do: 'echo' } })).toBe('echo')
    expect(evaluate('$request.body.data.room')).toBe('room1234')
    expect(evaluate('$request.body.items[1].type', { items: [{ type: 'a' }, { type: 'b' }] })).toBe('b')
    expect(evaluate("${request.body['odd key']}", { 'odd key': 'x' })).toBe('x')
    expect(evaluate('$request.body.a.b.c', { a: 'not an object' })).toBe('')
  })

  it('ends a bare variable at the first character that cannot be in a path', () => {
    expect(evaluate('$request.body.action-x')).toBe('join-x')
    expect(evaluate('route:$request.body.action.')).toBe('route:join.')
  })

  it('stringifies non-string results: numbers, booleans, arrays as [a, b]', () => {
    expect(evaluate('$request.body.action', { action: 1 })).toBe('1')
    expect(evaluate('$request.body.action', { action: 2.5 })).toBe('2.5')
    expect(evaluate('$request.body.action', { action: true })).toBe('true')
    expect(evaluate('$request.body.action', { action: ['item1', 'item2'] })).toBe('[item1, item2]')
    expect(stringifySelected([1, [2, 3], null])).toBe('[1, [2, 3], null]')
  })

  it('uses the UNCONFIRMED guesses for objects ({k=v}) and null ("")', () => {
    expect(evaluate('$request.body.action', { action: { a: 1, b: 'x' } })).toBe('{a=1, b=x}')
    expect(evaluate('$request.body.action', { action: null })).toBe('')
  })

  it('rejects variables other than $request.body and malformed expressions', () => {
    expect(() => compile('$context.routeKey')).toThrow(ExpressionError)
    expect(() => compile('$request.header.x')).toThrow(/only \$request\.body/)
    expect(() => compile('${request.body.action')).toThrow(/unclosed/)
    expect(() => compile('${request.body.items[*]}')).toThrow(/wildcards/)
  })
})

describe('selectRoute', () => {
  const expr = compile('$request.body.action')
  const routes = new Set(['$default', 'echo', '1', '[a, b]'])
  const has = (key: string) => routes.has(key)

  it('picks an exact match, else $default', () => {
    expect(selectRoute(expr, '{"action":"echo"}', has)).toEqual({ evaluated: 'echo', routeKey: 'echo' })
    expect(selectRoute(expr, '{"action":"Echo"}', has)).toEqual({ evaluated: 'Echo', routeKey: '$default' })
    expect(selectRoute(expr, '{"other":1}', has)).toEqual({ evaluated: '', routeKey: '$default' })
    expect(selectRoute(expr, '{"action":1}', has).routeKey).toBe('1')
    expect(selectRoute(expr, '{"action":["a","b"]}', has).routeKey).toBe('[a, b]')
  })

  it('sends non-JSON to $default without evaluating', () => {
    expect(selectRoute(expr, 'hello', has)).toEqual({ evaluated: undefined, routeKey: '$default' })
    expect(selectRoute(expr, '{"action":', has)).toEqual({ evaluated: undefined, routeKey: '$default' })
  })

  it('never routes a message to $connect or $disconnect', () => {
    const all = (key: string) => ['$connect', '$disconnect', '$default'].includes(key)
    expect(selectRoute(expr, '{"action":"$connect"}', all).routeKey).toBe('$default')
    expect(selectRoute(expr, '{"action":"$disconnect"}', all).routeKey).toBe('$default')
  })

  it('returns no route when nothing matches and there is no $default', () => {
    expect(selectRoute(expr, '{"action":"nope"}', (k) => k === 'echo')).toEqual({
      evaluated: 'nope',
      routeKey: undefined,
    })
    expect(selectRoute(expr, 'not json', (k) => k === 'echo').routeKey).toBeUndefined()
  })

  it('a static expression sends every JSON message to one route', () => {
    const fixed = compile('echo')
    expect(selectRoute(fixed, '{"action":"x"}', has).routeKey).toBe('echo')
    expect(selectRoute(fixed, 'plain text', has).routeKey).toBe('$default')
  })
})
