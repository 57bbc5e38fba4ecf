import { request } from 'node:http'
import { describe, expect, it } from 'vitest'
import { accessPolicy, normalizeOrigin } from '../src/access'
import { startGateway } from '../src/index'
import { gatewayFor, refusedHandshake, TestClient, whoami } from './helpers'

/** An HTTP request with any Host header (fetch cannot set one). */
function withHost(url: string, host: string, method = 'GET'): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers: { Host: host } }, (res) => {
      res.resume()
      resolve(res.statusCode ?? 0)
    })
    req.on('error', reject)
    req.end()
  })
}

describe('access policy (unit)', () => {
  const policy = accessPolicy({ allowOrigins: ['https://tools.example.com'], host: '127.0.0.1', domainName: undefined })

  it('accepts loopback origins on any port and named ones; nothing else', () => {
    for (const origin of [
      'http://127.0.0.1:5173',
      'http://localhost:4173',
      'http://[::1]:8080',
      'https://localhost',
      'https://tools.example.com',
    ])
      expect(policy.originAllowed(origin), origin).toBe(true)
    for (const origin of [
      'null',
      'https://evil.example',
      'http://127.0.0.1.evil.example',
      'file://',
      'http://10.0.0.5:5173',
      'https://tools.example.com.evil.example',
    ])
      expect(policy.originAllowed(origin), origin).toBe(false)
  })

  it('accepts loopback Host names and its own; refuses other names', () => {
    for (const host of ['127.0.0.1:4001', 'localhost:4001', '[::1]:4001', 'LOCALHOST', '127.0.0.2'])
      expect(policy.hostAllowed(host), host).toBe(true)
    for (const host of ['evil.example:4001', 'attacker.test', '', undefined, '10.0.0.5:4001'])
      expect(policy.hostAllowed(host), String(host)).toBe(false)
  })

  it('listening on every interface also accepts IP literals (rebinding needs a name), and --domain-name', () => {
    const open = accessPolicy({ allowOrigins: [], host: '0.0.0.0', domainName: 'api.test:443' })
    expect(open.hostAllowed('192.168.1.20:4001')).toBe(true)
    expect(open.hostAllowed('api.test')).toBe(true)
    expect(open.hostAllowed('evil.example')).toBe(false)
  })

  it('an --allow-origin value must be a bare origin', () => {
    expect(normalizeOrigin('https://a.example:8443')).toBe('https://a.example:8443')
    expect(normalizeOrigin('https://a.example/path')).toBeUndefined()
    expect(normalizeOrigin('a.example')).toBeUndefined()
  })
})

describe('a page on another site cannot drive the gateway', async () => {
  const connects: string[] = []
  const gw = await gatewayFor({
    handlers: {
      $connect: async (event) => {
        connects.push(event.requestContext.connectionId)
        return { statusCode: 200 }
      },
    },
  })

  it('refuses a WebSocket from a foreign Origin (or null) with 403 before $connect runs', async () => {
    // Counted from here: the other tests share this gateway, in any order.
    const before = connects.length
    for (const origin of ['https://evil.example', 'null']) {
      const refused = await refusedHandshake(gw.wsUrl, { origin })
      expect(refused.status).toBe(403)
      expect(refused.body).toContain('--allow-origin')
    }
    expect(connects).toHaveLength(before)
    const ok = await TestClient.open(gw.wsUrl, undefined, { origin: 'http://localhost:5173' })
    expect(await whoami(ok)).toMatch(/=$/)
    await ok.close()
    expect(connects).toHaveLength(before + 1)
  })

  it('refuses a foreign Host (DNS rebinding) with 421, on HTTP and on the handshake', async () => {
    // A gateway of its own: its log line is checked, and refusals logged by the other tests (which share `gw`) would
    // have spent the client address's log budget.
    const gw = await gatewayFor()
    expect(await withHost(`${gw.httpUrl}/`, 'evil.example:4001')).toBe(421)
    expect(
      await withHost(`${gw.connectionsUrl}/@connections/AAAAAAAAAAAAAAA%3D`, 'rebind.attacker.test', 'DELETE'),
    ).toBe(421)
    expect((await refusedHandshake(gw.wsUrl, { headers: { Host: 'evil.example' } })).status).toBe(421)
    expect(await withHost(`${gw.httpUrl}/`, `localhost:${gw.port}`)).toBe(200)
    expect(gw.logs.some((l) => /→ 421: Host "evil\.example:4001" is not/.test(l))).toBe(true)
  })

  it('a foreign page can neither read, post to nor delete a connection; no CORS or PNA grant reaches it', async () => {
    const victim = await TestClient.open(gw.wsUrl)
    const id = encodeURIComponent(await whoami(victim))
    const evil = { Origin: 'https://evil.example' }
    const preflight = await fetch(`${gw.connectionsUrl}/@connections/${id}`, {
      method: 'OPTIONS',
      headers: { ...evil, 'Access-Control-Request-Method': 'DELETE', 'Access-Control-Request-Private-Network': 'true' },
    })
    expect(preflight.status).toBe(403)
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull()
    expect(preflight.headers.get('access-control-allow-private-network')).toBeNull()
    for (const method of ['GET', 'POST', 'DELETE']) {
      const response = await fetch(`${gw.connectionsUrl}/@connections/${id}`, {
        method,
        headers: evil,
        body: method === 'POST' ? 'hi' : undefined,
      })
      expect(response.status, method).toBe(403)
      expect(response.headers.get('access-control-allow-origin')).toBeNull()
    }
    const cognito = await fetch(`${gw.cognitoUrl}/`, { method: 'POST', headers: evil, body: '{}' })
    expect(cognito.status).toBe(403)
    // Still open and untouched: nothing was delivered.
    expect(await whoami(victim)).toBe(decodeURIComponent(id))
    expect(victim.unread).toEqual([])
    await victim.close()
  })

  it('with --cors off a blind cross-site POST is refused too', async () => {
    const off = await gatewayFor({ cors: false })
    const victim = await TestClient.open(off.wsUrl)
    const id = encodeURIComponent(await whoami(victim))
    const post = await fetch(`${off.connectionsUrl}/@connections/${id}`, {
      method: 'POST',
      headers: { Origin: 'https://evil.example', 'Content-Type': 'text/plain' },
      body: 'blind',
    })
    expect(post.status).toBe(403)
    expect(victim.unread).toEqual([])
    await victim.close()
  })

  it('--allow-origin admits a named site (with the PNA grant); * admits any', async () => {
    const named = await gatewayFor({ allowOrigins: ['https://tools.example.com'] })
    const preflight = await fetch(`${named.connectionsUrl}/@connections/AAAAAAAAAAAAAAA%3D`, {
      method: 'OPTIONS',
      headers: {
        Origin: 'https://tools.example.com',
        'Access-Control-Request-Method': 'POST',
        'Access-Control-Request-Private-Network': 'true',
      },
    })
    expect(preflight.status).toBe(204)
    expect(preflight.headers.get('access-control-allow-origin')).toBe('https://tools.example.com')
    expect(preflight.headers.get('access-control-allow-private-network')).toBe('true')
    const client = await TestClient.open(named.wsUrl, undefined, { origin: 'https://tools.example.com' })
    await client.close()
    expect((await refusedHandshake(named.wsUrl, { origin: 'https://other.example' })).status).toBe(403)
    const any = await gatewayFor({ allowOrigins: ['*'] })
    const anyClient = await TestClient.open(any.wsUrl, undefined, { origin: 'https://other.example' })
    await anyClient.close()
  })

  it('refuses a malformed --allow-origin at start-up with one clear line', async () => {
    await expect(startGateway({ port: 0, log: false, allowOrigins: ['evil.example/path'] })).rejects.toThrow(
      /^allow-origin must be \* or an origin such as https:\/\/example\.com:8443/,
    )
  })
})
