import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { callbackEndpoint, handler, handlers, routeResponses } from '../handlers/default'
import { buildRouteTable, checkHandlerModule, HandlerModuleError, loadHandlerModule } from '../src/handlers'
import type { WebSocketEvent } from '../src/index'
import { errorFrame, gatewayFor, TestClient, waitFor, whoami } from './helpers'

describe('callbackEndpoint', () => {
  it('uses http for local gateways and https for AWS and custom domains', () => {
    expect(callbackEndpoint({ domainName: '127.0.0.1:4001', stage: 'dev' })).toBe('http://127.0.0.1:4001/dev')
    expect(callbackEndpoint({ domainName: 'localhost:4001', stage: 'dev' })).toBe('http://localhost:4001/dev')
    expect(callbackEndpoint({ domainName: '[::1]:4001', stage: 'dev' })).toBe('http://[::1]:4001/dev')
    expect(callbackEndpoint({ domainName: 'abc123defg.execute-api.us-east-1.amazonaws.com', stage: 'prod' })).toBe(
      'https://abc123defg.execute-api.us-east-1.amazonaws.com/prod',
    )
    expect(callbackEndpoint({ domainName: 'ws.example.com', stage: 'prod' })).toBe('https://ws.example.com/prod')
  })
})

describe('the default handlers module', () => {
  it('declares echo and ping as two-way routes and exports a single dispatching handler', async () => {
    expect(routeResponses).toEqual(['echo', 'ping'])
    expect(Object.keys(handlers)).toEqual(
      expect.arrayContaining(['$connect', '$disconnect', '$default', 'whoami', 'echo', 'ping', 'broadcast']),
    )
    const event = {
      requestContext: { routeKey: 'echo' },
      body: '{"action":"echo","data":{"x":1}}',
    } as WebSocketEvent
    expect(await handler(event)).toEqual({ statusCode: 200, body: '{"x":1}' })
  })

  it('echo returns the whole message when it has no data', async () => {
    const gw = await gatewayFor()
    const client = await TestClient.open(gw.wsUrl)
    await client.send('{"action":"echo"}')
    expect(await client.next()).toBe('{"action":"echo"}')
    await client.close()
  })

  it('broadcast reaches every connection of this gateway, and no other', async () => {
    const gw = await gatewayFor()
    const other = await gatewayFor()
    const clients = await Promise.all([1, 2, 3].map(() => TestClient.open(gw.wsUrl)))
    const outsider = await TestClient.open(other.wsUrl)
    const sender = await whoami(clients[0]!)
    await clients[0]!.send('{"action":"broadcast","data":"hello all"}')
    for (const client of clients)
      expect(await client.nextJson()).toEqual({ action: 'broadcast', from: sender, data: 'hello all' })
    // A broadcast that leaked to the other gateway would arrive before this answer.
    expect(await whoami(outsider)).toMatch(/=$/)
    expect(outsider.unread).toEqual([])
    await clients[2]!.close()
    await waitFor(() => gw.connections().length === 2)
    await clients[1]!.send('{"action":"broadcast","data":2}')
    expect(await clients[0]!.nextJson()).toMatchObject({ data: 2 })
    expect(await clients[1]!.nextJson()).toMatchObject({ data: 2 })
    await Promise.all([clients[0]!.close(), clients[1]!.close(), outsider.close()])
  })
})

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url))

describe('handler modules', () => {
  it(
    'loads a .ts module by path as a backend: only its routes, each in its own Lambda worker',
    { timeout: 60_000 },
    async () => {
      const gw = await gatewayFor({ handlers: fixture('custom-handlers.ts') })
      expect(gw.routes.keys.sort()).toEqual(['shout', 'whoami'])
      expect(gw.routes.twoWay).toEqual(['shout'])
      const client = await TestClient.open(gw.wsUrl)
      await client.send('{"action":"shout","text":"hi"}')
      expect(await client.next(40_000)).toBe('HI')
      // The module's one-way whoami: its body is not sent. No $default: anything else gets AWS's Forbidden frame.
      await client.send('{"action":"whoami"}')
      await client.send('{"action":"echo","data":"no built-ins"}')
      expect(await client.next(15_000)).toMatch(errorFrame('Forbidden'))
      expect(client.unread).toEqual([])
      await client.close()
    },
  )

  it('rejects a module without a handlers export, or with bad routes, with a clear message', async () => {
    await expect(loadHandlerModule(fixture('not-handlers.mjs'))).rejects.toThrow(/has no "handlers" export/)
    await expect(loadHandlerModule(fixture('missing.ts'))).rejects.toThrow(HandlerModuleError)
    expect(() => checkHandlerModule({ handlers: { $custom: () => 1 } }, 'x')).toThrow(/must not start with \$/)
    expect(() => checkHandlerModule({ handlers: { a: 'nope' } }, 'x')).toThrow(/not a function/)
    expect(() => checkHandlerModule({ handlers: {}, routeResponses: 'a' }, 'x')).toThrow(/routeResponses/)
  })

  it('lists every bad route of a module at once (the old code stopped at the first)', () => {
    const check = () =>
      checkHandlerModule({ handlers: { $Connect: () => 1, ok: () => 1, a: 'nope', $ping: () => 1 } }, 'my.ts')
    expect(check).toThrow(HandlerModuleError)
    expect(check).toThrow(
      [
        'handlers module my.ts has 3 problems:',
        '  handlers module my.ts: handlers["$Connect"]: custom route keys must not start with $ (got "$Connect"; did you mean $connect?): only $connect, $disconnect, $default may, and API Gateway refuses any other at deploy',
        '  handlers module my.ts: handlers["a"] is not a function',
        '  handlers module my.ts: handlers["$ping"]: custom route keys must not start with $ (got "$ping"): only $connect, $disconnect, $default may, and API Gateway refuses any other at deploy',
      ].join('\n'),
    )
  })

  it('a later module decides whether its route is two-way; null removes a route', () => {
    const table = buildRouteTable([
      { handlers: { a: () => 1, b: () => 1, c: () => 1 }, routeResponses: ['a', 'b'] },
      { handlers: { b: () => 2, c: null } },
    ])
    expect([...table.handlers.keys()].sort()).toEqual(['a', 'b'])
    expect([...table.twoWay]).toEqual(['a'])
  })
})
