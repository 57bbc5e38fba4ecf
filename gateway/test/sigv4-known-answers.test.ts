import { getCanonicalHeaders, getPayloadHash, SignatureV4 } from '@smithy/signature-v4'
import type { HttpRequest } from '@smithy/types'
import { describe, expect, it } from 'vitest'
import { verifySigV4, type SignedRequest } from '../src/sigv4-verify'
import { Sha256, signer, type Creds } from './signing'

/**
 * Known answers for the hand-written verifier. Every expected signature comes from outside it: AWS's published SigV4
 * test suite (get-vanilla), or the AWS SDK's own signer (@smithy/signature-v4) — its `sign()`, or, for the forms the
 * SDK never produces itself (a presigned URL without X-Amz-Expires, a `Date` header instead of X-Amz-Date), its own
 * canonical request, string to sign and signing key, assembled around the missing parameter.
 */

// From AWS's SigV4 test suite (aws4_testsuite, "get-vanilla"): the published credentials, date and signature.
const SUITE: Creds = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' }
const SUITE_DATE = new Date('2015-08-30T12:36:00Z')
const GET_VANILLA_SIGNATURE = '5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31'

const AT = new Date('2026-03-01T10:00:00Z')
const CREDS: Creds = {
  accessKeyId: 'ASIAKNOWNANSWER00001',
  secretAccessKey: 'known/answer+secret',
  sessionToken: 'known-answer-token',
}

function verify(req: SignedRequest, creds: Creds, now: Date, service = 'execute-api') {
  return verifySigV4(req, {
    region: 'us-east-1',
    service,
    now: now.getTime(),
    clockSkewMs: 300_000,
    lookup: (id) =>
      id === creds.accessKeyId
        ? { secretAccessKey: creds.secretAccessKey, sessionToken: creds.sessionToken, source: 'test' }
        : undefined,
  })
}

/** The SDK signer with its canonicalisation steps reachable (they are protected members of SignatureV4Base). */
class SdkSteps extends SignatureV4 {
  canonicalRequest(request: HttpRequest, signedHeaders: string[], payloadHash: string): string {
    const all = getCanonicalHeaders(request)
    const picked = Object.fromEntries(signedHeaders.map((h) => [h, all[h]!]))
    return this.createCanonicalRequest(request, picked, payloadHash)
  }
  stringToSign(longDate: string, scope: string, canonical: string): Promise<string> {
    return this.createStringToSign(longDate, scope, canonical, 'AWS4-HMAC-SHA256')
  }
}

function sdkSteps(creds: Creds): SdkSteps {
  return new SdkSteps({
    credentials: creds,
    region: 'us-east-1',
    service: 'execute-api',
    sha256: Sha256,
    uriEscapePath: true,
  })
}

const longDate = (d: Date) =>
  d
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '')
const scope = (d: Date) => `${longDate(d).slice(0, 8)}/us-east-1/execute-api/aws4_request`

function wire(req: HttpRequest, query: Record<string, string>, body?: string): SignedRequest {
  const rawHeaders: string[] = []
  for (const [k, v] of Object.entries(req.headers)) rawHeaders.push(k, v)
  return {
    method: req.method,
    path: req.path,
    query: Object.entries(query)
      .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`)
      .join('&'),
    rawHeaders,
    body: body === undefined ? undefined : Buffer.from(body),
  }
}

/** A plain request object as the signer takes it (what @smithy/protocol-http's HttpRequest holds). */
function req(r: Partial<HttpRequest> & { method: string; hostname: string; path: string }): HttpRequest {
  return { protocol: 'https:', query: {}, headers: {}, ...r } as HttpRequest
}

describe('SigV4 known answers', () => {
  it("AWS's test suite get-vanilla: the SDK signs it as published, and the verifier accepts exactly that", async () => {
    const request = req({
      method: 'GET',
      hostname: 'example.amazonaws.com',
      path: '/',
      headers: { host: 'example.amazonaws.com' },
    })
    const signed = await signer(SUITE, 'us-east-1', 'service').sign(request, { signingDate: SUITE_DATE })
    const authorization = signed.headers.authorization!
    expect(authorization).toBe(
      `AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=${GET_VANILLA_SIGNATURE}`,
    )
    const signedReq = wire(signed as HttpRequest, {})
    expect(verify(signedReq, SUITE, SUITE_DATE, 'service')).toMatchObject({ ok: true, form: 'header' })
    const wrong = {
      ...signedReq,
      rawHeaders: signedReq.rawHeaders.map((v) => v.replace(GET_VANILLA_SIGNATURE, '0'.repeat(64))),
    }
    expect(verify(wrong, SUITE, SUITE_DATE, 'service')).toMatchObject({ ok: false, failure: 'signature' })
  })

  it('a presigned URL without X-Amz-Expires (aws4, Amplify): valid within the clock skew only', async () => {
    const steps = sdkSteps(CREDS)
    const query: Record<string, string> = {
      'X-Amz-Algorithm': 'AWS4-HMAC-SHA256',
      'X-Amz-Credential': `${CREDS.accessKeyId}/${scope(AT)}`,
      'X-Amz-Date': longDate(AT),
      'X-Amz-Security-Token': CREDS.sessionToken!,
      'X-Amz-SignedHeaders': 'host',
    }
    const request = req({
      method: 'GET',
      hostname: 'abc.execute-api.us-east-1.amazonaws.com',
      path: '/dev',
      query,
      headers: { host: 'abc.execute-api.us-east-1.amazonaws.com' },
    })
    const payloadHash = await getPayloadHash(request, Sha256)
    const canonical = steps.canonicalRequest(request, ['host'], payloadHash)
    const signature = await steps.sign(await steps.stringToSign(longDate(AT), scope(AT), canonical), {
      signingDate: AT,
    })
    const signedReq = wire(request, { ...query, 'X-Amz-Signature': signature })
    expect(verify(signedReq, CREDS, AT)).toMatchObject({ ok: true, form: 'query' })
    expect(verify(signedReq, CREDS, new Date(AT.getTime() + 299_000))).toMatchObject({ ok: true })
    expect(verify(signedReq, CREDS, new Date(AT.getTime() + 301_000))).toMatchObject({ ok: false, failure: 'skew' })
    const tampered = wire(request, { ...query, 'X-Amz-Signature': signature, extra: '1' })
    expect(verify(tampered, CREDS, AT)).toMatchObject({ ok: false, failure: 'signature' })
  })

  it('a Date header instead of X-Amz-Date', async () => {
    const steps = sdkSteps(CREDS)
    const request = req({
      method: 'GET',
      hostname: 'abc.execute-api.us-east-1.amazonaws.com',
      path: '/dev/@connections/abc%3D',
      headers: {
        host: 'abc.execute-api.us-east-1.amazonaws.com',
        date: AT.toUTCString(),
        'x-amz-security-token': CREDS.sessionToken!,
      },
    })
    const signedHeaders = ['date', 'host', 'x-amz-security-token']
    const payloadHash = await getPayloadHash(request, Sha256)
    const canonical = steps.canonicalRequest(request, signedHeaders, payloadHash)
    const signature = await steps.sign(await steps.stringToSign(longDate(AT), scope(AT), canonical), {
      signingDate: AT,
    })
    request.headers.authorization = `AWS4-HMAC-SHA256 Credential=${CREDS.accessKeyId}/${scope(AT)}, SignedHeaders=${signedHeaders.join(';')}, Signature=${signature}`
    expect(verify(wire(request, {}), CREDS, AT)).toMatchObject({ ok: true, form: 'header' })
    // One second later in the Date header is another signature.
    request.headers.date = new Date(AT.getTime() + 1000).toUTCString()
    expect(verify(wire(request, {}), CREDS, AT)).toMatchObject({ ok: false, failure: 'signature' })
  })

  it('UNSIGNED-PAYLOAD: the body is not part of the signature', async () => {
    const request = req({
      method: 'POST',
      hostname: 'abc.execute-api.us-east-1.amazonaws.com',
      path: '/dev/@connections/abc%3D',
      headers: { host: 'abc.execute-api.us-east-1.amazonaws.com', 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' },
      body: 'hello',
    })
    const signed = (await signer(CREDS).sign(request, { signingDate: AT })) as HttpRequest
    expect(signed.headers.authorization).toContain('x-amz-content-sha256')
    expect(verify(wire(signed, {}, 'hello'), CREDS, AT)).toMatchObject({ ok: true })
    expect(verify(wire(signed, {}, 'another body'), CREDS, AT)).toMatchObject({ ok: true })
    // Without the header the same signature covers the body's hash, and a changed body fails.
    const hashed = (await signer(CREDS).sign(
      req({ ...request, headers: { host: request.headers.host! }, body: 'hello' }),
      { signingDate: AT },
    )) as HttpRequest
    expect(verify(wire(hashed, {}, 'hello'), CREDS, AT)).toMatchObject({ ok: true })
    expect(verify(wire(hashed, {}, 'hellO'), CREDS, AT)).toMatchObject({ ok: false, failure: 'signature' })
  })

  it('a presigned URL from the SDK (with X-Amz-Expires) expires after it, not before', async () => {
    const request = req({
      method: 'GET',
      hostname: 'abc.execute-api.us-east-1.amazonaws.com',
      path: '/dev',
      headers: { host: 'abc.execute-api.us-east-1.amazonaws.com' },
    })
    const signed = (await signer(CREDS).presign(request, { signingDate: AT, expiresIn: 60 })) as HttpRequest
    const signedReq = wire(signed, signed.query as Record<string, string>)
    expect(verify(signedReq, CREDS, new Date(AT.getTime() + 60_000))).toMatchObject({ ok: true })
    expect(verify(signedReq, CREDS, new Date(AT.getTime() + 61_000))).toMatchObject({
      ok: false,
      failure: 'expired-url',
    })
  })
})
