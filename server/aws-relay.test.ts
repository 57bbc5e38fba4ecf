import { createServer, type IncomingMessage, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { checkRelayTarget, createRelayMiddleware, RELAY_PATH, RELAY_TARGET_HEADER } from './aws-relay'

describe('checkRelayTarget', () => {
  it('allows execute-api @connections URLs only', () => {
    expect(
      checkRelayTarget('https://abcde12345.execute-api.us-east-1.amazonaws.com/prod/@connections/L0SM9cOFvHcCIhw%3D')
        .ok,
    ).toBe(true)
    expect(
      checkRelayTarget('https://abcde12345.execute-api.cn-north-1.amazonaws.com.cn/prod/%40connections/x').ok,
    ).toBe(true)
  })

  it.each([
    ['https://evil.example.com/prod/@connections/x', 403],
    ['https://abcde12345.execute-api.us-east-1.amazonaws.com.evil.com/prod/@connections/x', 403],
    ['https://execute-api.us-east-1.amazonaws.com/prod/@connections/x', 403],
    ['http://abcde12345.execute-api.us-east-1.amazonaws.com/prod/@connections/x', 403],
    ['https://abcde12345.execute-api.us-east-1.amazonaws.com:8443/prod/@connections/x', 403],
    ['https://user:pw@abcde12345.execute-api.us-east-1.amazonaws.com/prod/@connections/x', 403],
    ['https://abcde12345.execute-api.us-east-1.amazonaws.com/prod/other', 403],
    ['https://169.254.169.254/latest/meta-data', 403],
    ['not a url', 400],
    [undefined, 400],
  ])('refuses %s', (target, status) => {
    expect(checkRelayTarget(target)).toMatchObject({ ok: false, status })
  })
})

describe('relay middleware', () => {
  let upstream: Server
  let relay: Server
  let relayUrl: string
  let upstreamPort = 0
  const seen: { method?: string; url?: string; headers: IncomingMessage['headers']; body: string }[] = []

  beforeAll(async () => {
    upstream = createServer((req, res) => {
      const chunks: Buffer[] = []
      req.on('data', (c: Buffer) => chunks.push(c))
      req.on('end', () => {
        seen.push({ method: req.method, url: req.url, headers: req.headers, body: Buffer.concat(chunks).toString() })
        res.writeHead(410, { 'x-amzn-ErrorType': 'GoneException', 'x-amzn-RequestId': 'req-1', 'set-cookie': 'no=1' })
        res.end('{"message":"gone"}')
      })
    })
    await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r))
    upstreamPort = (upstream.address() as AddressInfo).port
    // The test's upstream is plain http on loopback: rewrite the https URL the relay accepts onto it.
    const middleware = createRelayMiddleware({
      allowHost: (host) => host === 'relay-test.execute-api.local',
      fetchImpl: (url, init) =>
        fetch(String(url).replace('https://relay-test.execute-api.local', `http://127.0.0.1:${upstreamPort}`), init),
      log: () => {},
    })
    relay = createServer((req, res) => void middleware(req, res, () => res.writeHead(404).end()))
    await new Promise<void>((r) => relay.listen(0, '127.0.0.1', r))
    relayUrl = `http://127.0.0.1:${(relay.address() as AddressInfo).port}${RELAY_PATH}`
  })

  afterAll(async () => {
    await new Promise((r) => relay.close(r))
    await new Promise((r) => upstream.close(r))
  })

  it('forwards a signed request unchanged and passes the AWS error headers back', async () => {
    const response = await fetch(relayUrl, {
      method: 'POST',
      headers: {
        [RELAY_TARGET_HEADER]: 'https://relay-test.execute-api.local/dev/@connections/abc%3D',
        authorization:
          'AWS4-HMAC-SHA256 Credential=ASIA/20260101/us-east-1/execute-api/aws4_request, SignedHeaders=host;x-amz-date, Signature=00',
        'x-amz-date': '20260101T000000Z',
        'x-amz-security-token': 'token',
        cookie: 'session=secret',
        'content-type': 'application/octet-stream',
      },
      body: 'hello',
    })
    expect(response.status).toBe(410)
    expect(response.headers.get('x-amzn-errortype')).toBe('GoneException')
    expect(response.headers.get('set-cookie')).toBeNull()
    expect(await response.text()).toBe('{"message":"gone"}')
    const forwarded = seen.at(-1)!
    expect(forwarded).toMatchObject({ method: 'POST', url: '/dev/@connections/abc%3D', body: 'hello' })
    expect(forwarded.headers.authorization).toMatch(/^AWS4-HMAC-SHA256/)
    expect(forwarded.headers['x-amz-security-token']).toBe('token')
    expect(forwarded.headers.cookie).toBeUndefined()
  })

  it('refuses other hosts with 403 and sends nothing upstream', async () => {
    const before = seen.length
    const response = await fetch(relayUrl, {
      method: 'POST',
      headers: { [RELAY_TARGET_HEADER]: 'https://example.com/dev/@connections/a' },
      body: 'x',
    })
    expect(response.status).toBe(403)
    expect((await response.json()).message).toMatch(/refuses example.com/)
    expect(seen.length).toBe(before)
  })

  it('answers the playground page only: another origin on this machine is refused, and nothing goes upstream', async () => {
    const before = seen.length
    const target = { [RELAY_TARGET_HEADER]: 'https://relay-test.execute-api.local/dev/@connections/a' }
    for (const origin of ['http://127.0.0.1:1', 'http://localhost:5173', 'https://evil.example.com']) {
      expect((await fetch(relayUrl, { method: 'POST', headers: { ...target, origin }, body: 'x' })).status).toBe(403)
    }
    expect(
      (await fetch(relayUrl, { method: 'GET', headers: { ...target, 'sec-fetch-site': 'cross-site' } })).status,
    ).toBe(403)
    expect(seen.length).toBe(before)
    expect(
      (await fetch(relayUrl, { method: 'POST', headers: { ...target, origin: new URL(relayUrl).origin }, body: 'x' }))
        .status,
    ).toBe(410)
  })

  it('refuses other methods and oversize bodies', async () => {
    const target = { [RELAY_TARGET_HEADER]: 'https://relay-test.execute-api.local/dev/@connections/a' }
    expect((await fetch(relayUrl, { method: 'PUT', headers: target })).status).toBe(405)
    expect((await fetch(relayUrl, { method: 'POST', headers: target, body: 'x'.repeat(300 * 1024) })).status).toBe(413)
  })
})
