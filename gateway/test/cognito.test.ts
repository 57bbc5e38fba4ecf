import {
  CognitoIdentityClient,
  GetCredentialsForIdentityCommand,
  GetIdCommand,
  ResourceNotFoundException,
} from '@aws-sdk/client-cognito-identity'
import { fromCognitoIdentityPool } from '@aws-sdk/credential-providers'
import { describe, expect, it } from 'vitest'
import { gatewayFor, sdkError } from './helpers'

const EXTRA_POOL = 'eu-west-1:11111111-2222-4333-8444-555555555555'
const gw = await gatewayFor({ identityPools: [EXTRA_POOL] })
const DEFAULT_POOL = gw.identityPoolIds[0]!
const cognito = new CognitoIdentityClient({ region: gw.region, endpoint: gw.cognitoUrl, maxAttempts: 1 })

function jwt(payload: Record<string, unknown>): string {
  const part = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url')
  return `${part({ alg: 'none' })}.${part(payload)}.sig`
}

async function call(target: string, body: string, headers: Record<string, string> = {}) {
  const response = await fetch(`${gw.cognitoUrl}/`, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/x-amz-json-1.1',
      'X-Amz-Target': `AWSCognitoIdentityService.${target}`,
      ...headers,
    },
    body,
  })
  return {
    status: response.status,
    type: response.headers.get('x-amzn-errortype'),
    contentType: response.headers.get('content-type'),
    body: (await response.json()) as Record<string, unknown>,
  }
}

describe('Cognito Identity emulator', () => {
  it('has the default pool in the configured region, plus configured pools', () => {
    expect(DEFAULT_POOL).toBe('us-east-1:00000000-0000-4000-8000-000000000000')
    expect(gw.identityPoolIds).toEqual([DEFAULT_POOL, EXTRA_POOL])
  })

  it('GetId returns a stable IdentityId per pool, and per login', async () => {
    const a = await cognito.send(new GetIdCommand({ IdentityPoolId: DEFAULT_POOL }))
    const b = await cognito.send(new GetIdCommand({ IdentityPoolId: DEFAULT_POOL }))
    expect(a.IdentityId).toMatch(/^us-east-1:[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)
    expect(b.IdentityId).toBe(a.IdentityId)
    const other = await cognito.send(new GetIdCommand({ IdentityPoolId: EXTRA_POOL }))
    expect(other.IdentityId).toMatch(/^eu-west-1:/)
    const provider = 'cognito-idp.us-east-1.amazonaws.com/us-east-1_abc'
    const alice1 = await cognito.send(
      new GetIdCommand({
        IdentityPoolId: DEFAULT_POOL,
        Logins: { [provider]: jwt({ sub: 'alice', iat: 1 }) },
      }),
    )
    const alice2 = await cognito.send(
      new GetIdCommand({
        IdentityPoolId: DEFAULT_POOL,
        Logins: { [provider]: jwt({ sub: 'alice', iat: 2 }) },
      }),
    )
    const bob = await cognito.send(
      new GetIdCommand({ IdentityPoolId: DEFAULT_POOL, Logins: { [provider]: jwt({ sub: 'bob' }) } }),
    )
    expect(alice1.IdentityId).toBe(alice2.IdentityId)
    expect(alice1.IdentityId).not.toBe(a.IdentityId)
    expect(bob.IdentityId).not.toBe(alice1.IdentityId)
  })

  it('GetCredentialsForIdentity returns temporary credentials with Expiration in epoch seconds', async () => {
    const { IdentityId } = await cognito.send(new GetIdCommand({ IdentityPoolId: DEFAULT_POOL }))
    const before = Date.now()
    const raw = await call('GetCredentialsForIdentity', JSON.stringify({ IdentityId }))
    const after = Date.now()
    expect(raw.status).toBe(200)
    expect(raw.contentType).toBe('application/x-amz-json-1.1')
    const creds = raw.body.Credentials as Record<string, unknown>
    expect(raw.body.IdentityId).toBe(IdentityId)
    expect(creds.AccessKeyId).toMatch(/^ASIA[A-Z2-7]{16}$/)
    expect(String(creds.SecretKey)).toHaveLength(40)
    expect(String(creds.SessionToken).length).toBeGreaterThan(100)
    expect(typeof creds.Expiration).toBe('number')
    // One hour from when the call was answered, bracketed by the clock before and after it (however long it took).
    expect(Number(creds.Expiration)).toBeGreaterThanOrEqual(Math.floor(before / 1000) + 3600)
    expect(Number(creds.Expiration)).toBeLessThanOrEqual(Math.ceil(after / 1000) + 3600)

    const viaSdk = await cognito.send(new GetCredentialsForIdentityCommand({ IdentityId }))
    expect(viaSdk.Credentials!.Expiration).toBeInstanceOf(Date)
    expect(viaSdk.Credentials!.AccessKeyId).not.toBe(creds.AccessKeyId)
  })

  it('works with fromCognitoIdentityPool, unchanged', async () => {
    const provider = fromCognitoIdentityPool({
      identityPoolId: DEFAULT_POOL,
      clientConfig: { region: gw.region, endpoint: gw.cognitoUrl },
    })
    const creds = await provider()
    expect(creds.accessKeyId).toMatch(/^ASIA/)
    expect(creds.secretAccessKey).toBeTruthy()
    expect(creds.sessionToken).toBeTruthy()
    expect(creds.expiration).toBeInstanceOf(Date)
    expect(creds.identityId).toMatch(/^us-east-1:/)
  })

  it('answers ResourceNotFoundException for an unknown pool or identity', async () => {
    const pool = await sdkError(
      cognito.send(new GetIdCommand({ IdentityPoolId: 'us-east-1:99999999-0000-4000-8000-000000000000' })),
    )
    expect(pool).toMatchObject({ name: 'ResourceNotFoundException', status: 400 })
    expect(pool.error).toBeInstanceOf(ResourceNotFoundException)
    expect(pool.message).toContain("IdentityPool 'us-east-1:99999999-0000-4000-8000-000000000000' not found")
    const raw = await call(
      'GetId',
      JSON.stringify({ IdentityPoolId: 'us-east-1:99999999-0000-4000-8000-000000000000' }),
    )
    expect(raw.body).toMatchObject({ __type: 'ResourceNotFoundException', message: expect.any(String) })
    const identity = await sdkError(
      cognito.send(
        new GetCredentialsForIdentityCommand({
          IdentityId: 'us-east-1:12345678-0000-4000-8000-000000000000',
        }),
      ),
    )
    expect(identity).toMatchObject({ name: 'ResourceNotFoundException', status: 400 })
  })

  it('answers malformed requests with 400 and a clear message', async () => {
    const badJson = await call('GetId', '{"IdentityPoolId": ')
    expect(badJson).toMatchObject({ status: 400, type: 'SerializationException' })
    expect(String(badJson.body.message)).toMatch(/not valid JSON/)
    expect(await call('GetId', '[1,2]')).toMatchObject({ status: 400, type: 'SerializationException' })
    const missing = await call('GetId', '{}')
    expect(missing).toMatchObject({ status: 400, type: 'ValidationException' })
    expect(String(missing.body.message)).toContain(
      "at 'identityPoolId' failed to satisfy constraint: Member must not be null",
    )
    expect(await call('GetId', '{"IdentityPoolId":"not a pool"}')).toMatchObject({
      status: 400,
      type: 'ValidationException',
    })
    expect(await call('GetId', '{"IdentityPoolId":"' + DEFAULT_POOL + '","Logins":"x"}')).toMatchObject({
      status: 400,
      type: 'ValidationException',
    })
    expect(await call('DeleteIdentityPool', '{}')).toMatchObject({
      status: 400,
      type: 'UnknownOperationException',
    })
    const noTarget = await fetch(`${gw.cognitoUrl}/`, { method: 'POST', body: '{}' })
    expect(noTarget.status).toBe(400)
    expect(((await noTarget.json()) as { message: string }).message).toContain('Missing X-Amz-Target')
  })

  it('caps the body at 64 KB with 413', async () => {
    const huge = await call('GetId', JSON.stringify({ IdentityPoolId: DEFAULT_POOL, pad: 'x'.repeat(100_000) }))
    expect(huge.status).toBe(413)
  })
})
