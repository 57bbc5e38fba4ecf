import { describe, expect, it } from 'vitest'
import { canonicalUri, verifySigV4, type SignedRequest, type VerifyOptions } from '../src/sigv4-verify'
import { presign, signHeaders, type Creds } from './signing'

const HOST = 'http://127.0.0.1:4001'
const session: Creds = {
  accessKeyId: 'ASIATESTTESTTESTTEST',
  secretAccessKey: 'secret/key+1',
  sessionToken: 'session-token-1',
}
const longTerm: Creds = { accessKeyId: 'AKIATESTTESTTESTTEST', secretAccessKey: 'another-secret' }

function options(overrides: Partial<VerifyOptions> = {}): VerifyOptions {
  const keys = new Map([
    [
      session.accessKeyId,
      {
        secretAccessKey: session.secretAccessKey,
        sessionToken: session.sessionToken,
        expiresAt: Date.now() + 60_000,
        source: 'test',
      },
    ],
    [longTerm.accessKeyId, { secretAccessKey: longTerm.secretAccessKey, source: 'test' }],
  ])
  return {
    region: 'us-east-1',
    service: 'execute-api',
    now: Date.now(),
    clockSkewMs: 300_000,
    lookup: (id) => keys.get(id),
    ...overrides,
  }
}

function toSigned(url: string, method: string, headers: Record<string, string>, body?: string): SignedRequest {
  const u = new URL(url)
  const rawPath = url.replace(/^[a-z]+:\/\/[^/]+/, '').split('?')[0]!
  const rawQuery = url.includes('?') ? url.slice(url.indexOf('?') + 1) : ''
  const rawHeaders = ['Host', u.host]
  for (const [k, v] of Object.entries(headers)) rawHeaders.push(k, v)
  return {
    method,
    path: rawPath,
    query: rawQuery,
    rawHeaders,
    body: body === undefined ? undefined : Buffer.from(body),
  }
}

async function headerSigned(
  creds: Creds,
  path: string,
  method = 'POST',
  body?: string,
  opts: { signingDate?: Date; region?: string } = {},
) {
  const s = await signHeaders(creds, HOST + path, method, body, opts)
  return toSigned(s.url, method, s.headers, body)
}

describe('canonical URI (non-S3 double encoding)', () => {
  it('encodes the raw path once more, as AWS printed in okigan/awscurl#61', () => {
    expect(canonicalUri('/test/@connections/atntqfjloAMCECg=')).toBe('/test/%40connections/atntqfjloAMCECg%3D')
    expect(canonicalUri('/prod/%40connections/R0oXAdfD0kwCH6w%3D')).toBe('/prod/%2540connections/R0oXAdfD0kwCH6w%253D')
  })

  it('normalises empty, . and .. segments and keeps a trailing slash', () => {
    expect(canonicalUri('/')).toBe('/')
    expect(canonicalUri('/dev/')).toBe('/dev/')
    expect(canonicalUri('/a//b/./c/../d')).toBe('/a/b/d')
  })
})

describe('verifySigV4 with signatures made by @smithy/signature-v4', () => {
  it('accepts header auth with a session token, on the path the SDK sends (@ and %3D)', async () => {
    const req = await headerSigned(session, '/dev/@connections/abc%3D', 'POST', 'hello')
    expect(verifySigV4(req, options())).toMatchObject({
      ok: true,
      accessKeyId: session.accessKeyId,
      form: 'header',
    })
  })

  it('accepts long-term keys without a token, and GET/DELETE without a body', async () => {
    expect(verifySigV4(await headerSigned(longTerm, '/dev/@connections/abc%3D', 'GET'), options()).ok).toBe(true)
    expect(verifySigV4(await headerSigned(longTerm, '/dev/@connections/abc%3D', 'DELETE'), options()).ok).toBe(true)
  })

  it('accepts presigned URLs (query auth), with other query parameters', async () => {
    const url = await presign(session, 'ws://127.0.0.1:4001/dev?room=7&name=a%20b')
    const req = toSigned(url, 'GET', {})
    expect(verifySigV4(req, options())).toMatchObject({ ok: true, form: 'query' })
  })

  it('rejects a changed body, path, method or query', async () => {
    const req = await headerSigned(session, '/dev/@connections/abc%3D', 'POST', 'hello')
    const bodyChanged = verifySigV4({ ...req, body: Buffer.from('hellO') }, options())
    expect(bodyChanged).toMatchObject({ ok: false, failure: 'signature' })
    expect(verifySigV4({ ...req, path: '/dev/@connections/abd%3D' }, options())).toMatchObject({
      ok: false,
      failure: 'signature',
    })
    expect(verifySigV4({ ...req, method: 'DELETE' }, options())).toMatchObject({
      ok: false,
      failure: 'signature',
    })
    const url = await presign(session, 'ws://127.0.0.1:4001/dev?room=7')
    expect(verifySigV4(toSigned(url.replace('room=7', 'room=8'), 'GET', {}), options())).toMatchObject({
      ok: false,
      failure: 'signature',
    })
  })

  it('explains a mismatch with the canonical string and string to sign, as AWS does', async () => {
    const forged = await headerSigned({ ...session, secretAccessKey: 'wrong' }, '/dev/@connections/abc%3D', 'POST', 'x')
    const result = verifySigV4(forged, options())
    expect(result.ok).toBe(false)
    if (result.ok) return
    expect(result.message).toMatch(/^The request signature we calculated does not match the signature you provided/)
    expect(result.message).toContain('POST\n/dev/%40connections/abc%253D\n\nhost:127.0.0.1:4001\n')
    expect(result.message).toContain("The String-to-Sign should have been\n'AWS4-HMAC-SHA256\n")
  })

  it('rejects unknown keys, wrong or missing session tokens and expired credentials', async () => {
    const unknown = await headerSigned(
      { ...longTerm, accessKeyId: 'AKIAUNKNOWNUNKNOWN00' },
      '/dev/@connections/a',
      'GET',
    )
    expect(verifySigV4(unknown, options())).toMatchObject({
      ok: false,
      failure: 'unknown-key',
      message: 'The security token included in the request is invalid.',
    })
    const wrongToken = await headerSigned({ ...session, sessionToken: 'other' }, '/dev/@connections/a', 'GET')
    expect(verifySigV4(wrongToken, options())).toMatchObject({ ok: false, failure: 'bad-token' })
    const noToken = await headerSigned(
      { accessKeyId: session.accessKeyId, secretAccessKey: session.secretAccessKey },
      '/dev/@connections/a',
      'GET',
    )
    expect(verifySigV4(noToken, options())).toMatchObject({ ok: false, failure: 'bad-token' })
    const good = await headerSigned(session, '/dev/@connections/a', 'GET')
    const later = options({ now: Date.now() + 120_000 })
    expect(verifySigV4(good, { ...later, clockSkewMs: 600_000 })).toMatchObject({
      ok: false,
      failure: 'expired-token',
      message: 'The security token included in the request is expired',
    })
  })

  it('enforces the 5-minute clock skew both ways', async () => {
    const old = await headerSigned(session, '/dev/@connections/a', 'GET', undefined, {
      signingDate: new Date(Date.now() - 6 * 60_000),
    })
    expect(verifySigV4(old, options())).toMatchObject({
      ok: false,
      failure: 'skew',
      message: expect.stringMatching(/^Signature expired: \d{8}T\d{6}Z is now earlier than/),
    })
    const future = await headerSigned(session, '/dev/@connections/a', 'GET', undefined, {
      signingDate: new Date(Date.now() + 6 * 60_000),
    })
    expect(verifySigV4(future, options())).toMatchObject({
      ok: false,
      failure: 'skew',
      message: expect.stringMatching(/^Signature not yet current/),
    })
    const slightlyOld = await headerSigned(session, '/dev/@connections/a', 'GET', undefined, {
      signingDate: new Date(Date.now() - 4 * 60_000),
    })
    expect(verifySigV4(slightlyOld, options()).ok).toBe(true)
  })

  it('expires presigned URLs after X-Amz-Expires', async () => {
    const url = await presign(session, 'ws://127.0.0.1:4001/dev', {
      expiresIn: 60,
      signingDate: new Date(Date.now() - 2 * 60_000),
    })
    expect(verifySigV4(toSigned(url, 'GET', {}), options())).toMatchObject({
      ok: false,
      failure: 'expired-url',
    })
    const fresh = await presign(session, 'ws://127.0.0.1:4001/dev', {
      expiresIn: 600,
      signingDate: new Date(Date.now() - 2 * 60_000),
    })
    expect(verifySigV4(toSigned(fresh, 'GET', {}), options()).ok).toBe(true)
  })

  it('checks the credential scope: service and region', async () => {
    const otherRegion = await headerSigned(session, '/dev/@connections/a', 'GET', undefined, {
      region: 'eu-west-1',
    })
    expect(verifySigV4(otherRegion, options())).toMatchObject({
      ok: false,
      failure: 'scope',
      message: expect.stringContaining("not 'eu-west-1'"),
    })
    expect(verifySigV4(otherRegion, options({ region: 'eu-west-1' })).ok).toBe(true)
  })

  it('checks x-amz-content-sha256 against the body when present', async () => {
    const s = await signHeaders(session, HOST + '/dev/@connections/a', 'POST', 'body')
    const req = toSigned(s.url, 'POST', { ...s.headers, 'x-amz-content-sha256': '0'.repeat(64) }, 'body')
    expect(verifySigV4(req, options())).toMatchObject({ ok: false, failure: 'content-hash' })
  })

  it('reports missing and malformed auth', () => {
    const bare: SignedRequest = { method: 'GET', path: '/dev', query: '', rawHeaders: ['Host', 'x'] }
    expect(verifySigV4(bare, options())).toMatchObject({
      ok: false,
      failure: 'missing',
      message: 'Missing Authentication Token',
    })
    const partial = {
      ...bare,
      rawHeaders: ['Host', 'x', 'Authorization', 'AWS4-HMAC-SHA256 Credential=a/b/c/d/aws4_request'],
    }
    expect(verifySigV4(partial, options())).toMatchObject({
      ok: false,
      failure: 'malformed',
      message: expect.stringContaining("requires 'Signature'"),
    })
    const partialQuery = { ...bare, query: 'X-Amz-Signature=abc' }
    expect(verifySigV4(partialQuery, options())).toMatchObject({ ok: false, failure: 'malformed' })
  })
})
