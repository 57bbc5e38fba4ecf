import { createServer, request, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { startGateway } from '../gateway/src/index'
import {
  SIGNER_ERROR_HEADER,
  SIGNER_PATH,
  SIGNER_TOKEN_HEADER,
  SIGNER_TOKEN_META,
} from '../src/core/management/relay-protocol'
import { checkSignerTarget, createSigner, profileFromArgs } from './aws-signer'

const KEYS = { accessKeyId: 'AKIASIGNERTEST000001', secretAccessKey: 'signer-test-secret-never-in-a-page' }

describe('checkSignerTarget', () => {
  it.each([
    ['https://abcde12345.execute-api.us-east-1.amazonaws.com/prod/@connections/L0SM9cOFvHcCIhw%3D', 'call'],
    ['https://abcde12345.execute-api.cn-north-1.amazonaws.com.cn/prod/%40connections/x', 'call'],
    ['http://127.0.0.1:4001/dev/@connections/x', 'call'],
    ['http://localhost:3001/@connections/x', 'call'],
    ['wss://abcde12345.execute-api.eu-west-1.amazonaws.com/prod?room=1', 'presign'],
    ['ws://127.0.0.1:4001/dev', 'presign'],
  ] as const)('signs for %s', (url, kind) => {
    expect(checkSignerTarget(url, kind).ok).toBe(true)
  })

  it.each([
    ['https://evil.example.com/prod/@connections/x', 'call'],
    ['https://abcde12345.execute-api.us-east-1.amazonaws.com.evil.com/prod/@connections/x', 'call'],
    ['http://abcde12345.execute-api.us-east-1.amazonaws.com/prod/@connections/x', 'call'],
    ['https://abcde12345.execute-api.us-east-1.amazonaws.com:8443/prod/@connections/x', 'call'],
    ['https://abcde12345.execute-api.us-east-1.amazonaws.com/prod/other', 'call'],
    ['https://sts.amazonaws.com/', 'call'],
    ['http://169.254.169.254/latest/meta-data/iam/security-credentials/', 'call'],
    ['http://192.168.1.10:4001/dev/@connections/x', 'call'],
    ['http://127.0.0.1:4001/dev/@connections/x?Action=x', 'call'],
    ['https://user:pw@abcde12345.execute-api.us-east-1.amazonaws.com/prod/@connections/x', 'call'],
    ['wss://evil.example.com/prod', 'presign'],
    ['https://abcde12345.execute-api.us-east-1.amazonaws.com/prod', 'presign'],
    ['not a url', 'call'],
    [42, 'call'],
  ] as const)('refuses %s', (url, kind) => {
    expect(checkSignerTarget(url, kind).ok).toBe(false)
  })

  it('reads --profile from the command line', () => {
    expect(profileFromArgs(['node', 'vite', '--profile', 'dev'])).toBe('dev')
    expect(profileFromArgs(['node', 'vite', '--profile=prod'])).toBe('prod')
    expect(profileFromArgs(['node', 'vite'])).toBeUndefined()
  })
})

describe('signer middleware against the local gateway in IAM mode', () => {
  let gateway: Awaited<ReturnType<typeof startGateway>>
  let server: Server
  let base: string
  let host: string
  const signer = createSigner({
    credentials: async () => KEYS,
    token: 'test-token',
    log: () => {},
    stsEndpoint: 'http://127.0.0.1:9/',
  })

  beforeAll(async () => {
    gateway = await startGateway({ port: 0, log: false, auth: 'iam', credentials: [KEYS] })
    server = createServer((req, res) => void signer.middleware(req, res, () => res.writeHead(404).end()))
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
    host = `127.0.0.1:${(server.address() as AddressInfo).port}`
    base = `http://${host}${SIGNER_PATH}`
  })
  afterAll(async () => {
    await new Promise((r) => server.close(r))
    await gateway.close()
  })

  const post = (action: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${base}/${action}`, {
      method: 'POST',
      headers: {
        origin: `http://${host}`,
        [SIGNER_TOKEN_HEADER]: 'test-token',
        'content-type': 'application/json',
        ...headers,
      },
      body: JSON.stringify(body),
    })

  it('signs @connections calls the IAM gateway accepts, and the answer comes back as AWS gave it', async () => {
    const socket = new WebSocket(
      (await (await post('presign', { url: gateway.wsUrl, region: gateway.region })).json()).url,
    )
    await new Promise((resolve, reject) => {
      socket.once('open', resolve)
      socket.once('error', reject)
    })
    const id = gateway.connections()[0]!.connectionId
    const url = `${gateway.connectionsUrl}/@connections/${encodeURIComponent(id)}`
    const received = new Promise<string>((resolve) => socket.once('message', (data) => resolve(String(data))))
    const posted = await post('call', {
      method: 'POST',
      url,
      region: gateway.region,
      body: Buffer.from('signed hello').toString('base64'),
    })
    expect(posted.status).toBe(200)
    expect(await received).toBe('signed hello')
    const got = await post('call', { method: 'GET', url, region: gateway.region })
    expect(got.status).toBe(200)
    expect(await got.json()).toMatchObject({ connectedAt: expect.any(String) })
    socket.close()
    const gone = await post('call', {
      method: 'GET',
      url: `${gateway.connectionsUrl}/@connections/bm90aGVyZQ%3D%3D`,
      region: gateway.region,
    })
    expect(gone.status).toBe(410)
    expect(gone.headers.get(SIGNER_ERROR_HEADER)).toBeNull()
  })

  it('signs for the region asked, so a wrong region gets the gateway’s scope error', async () => {
    const wrong = await post('call', {
      method: 'GET',
      url: `${gateway.connectionsUrl}/@connections/eA%3D%3D`,
      region: 'eu-west-1',
    })
    expect(wrong.status).toBe(403)
    expect(await wrong.text()).toMatch(/scoped to a valid region/)
  })

  it('refuses other origins, other hosts, a missing or wrong token, other methods and other targets', async () => {
    const call = { method: 'GET', url: `${gateway.connectionsUrl}/@connections/eA%3D%3D`, region: gateway.region }
    const refusals = [
      await post('call', call, { origin: 'http://127.0.0.1:1' }),
      await post('call', call, { origin: 'https://evil.example.com' }),
      await post('call', call, { [SIGNER_TOKEN_HEADER]: 'wrong' }),
      await fetch(`${base}/call`, {
        method: 'POST',
        headers: { origin: `http://${host}` },
        body: JSON.stringify(call),
      }),
      await post('call', { ...call, url: 'https://example.com/prod/@connections/x' }),
      await post('call', { ...call, url: 'http://169.254.169.254/latest/meta-data/' }),
      await post('presign', { url: 'wss://example.com/prod', region: 'us-east-1' }),
    ]
    // A DNS-rebound name reaches this server with its own Host (fetch cannot set Host, so plain http here).
    const rebound = await new Promise<number>((resolve, reject) => {
      const origin = 'http://rebound.example.com'
      const req = request(
        `${base}/call`,
        { method: 'POST', headers: { host: 'rebound.example.com', origin, [SIGNER_TOKEN_HEADER]: 'test-token' } },
        (res) => {
          res.resume()
          resolve(res.statusCode ?? 0)
        },
      )
      req.on('error', reject)
      req.end(JSON.stringify(call))
    })
    expect(rebound).toBe(403)
    for (const response of refusals) {
      expect(response.status).toBe(403)
      expect(response.headers.get(SIGNER_ERROR_HEADER)).toBe('refused')
    }
    expect(
      (await fetch(`${base}/identity`, { headers: { origin: `http://${host}`, [SIGNER_TOKEN_HEADER]: 'test-token' } }))
        .status,
    ).toBe(405)
    expect((await post('call', { ...call, region: 'nowhere' })).status).toBe(400)
  })

  it('tells whom it signs as without the secret, and why STS could not say', async () => {
    const response = await post('identity', {})
    const text = await response.text()
    expect(text).not.toContain(KEYS.secretAccessKey)
    expect(JSON.parse(text)).toMatchObject({
      maskedAccessKeyId: 'AKIA…0001',
      stsProblem: expect.stringMatching(/could not be reached/),
    })
  })

  it('writes its token into the page’s head', () => {
    expect(signer.injectToken('<html><head><title>x</title></head></html>')).toContain(
      `<meta name="${SIGNER_TOKEN_META}" content="test-token" />`,
    )
  })
})

describe('signer without credentials', () => {
  it('says so, as a signer error rather than an AWS answer', async () => {
    const signer = createSigner({
      credentials: async () =>
        Promise.reject(
          Object.assign(new Error('Could not load credentials from any providers'), {
            name: 'CredentialsProviderError',
          }),
        ),
      token: 't',
      log: () => {},
    })
    const server = createServer((req, res) => void signer.middleware(req, res, () => res.writeHead(404).end()))
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
    const host = `127.0.0.1:${(server.address() as AddressInfo).port}`
    try {
      const response = await fetch(`http://${host}${SIGNER_PATH}/identity`, {
        method: 'POST',
        headers: { origin: `http://${host}`, [SIGNER_TOKEN_HEADER]: 't' },
        body: '{}',
      })
      expect(response.headers.get(SIGNER_ERROR_HEADER)).toBe('no-credentials')
      expect((await response.json()).message).toMatch(/No AWS credentials/)
    } finally {
      await new Promise((r) => server.close(r))
    }
  })
})
