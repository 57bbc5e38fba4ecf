import {
  ApiGatewayManagementApiClient,
  ForbiddenException,
  GetConnectionCommand,
  PostToConnectionCommand,
} from '@aws-sdk/client-apigatewaymanagementapi'
import { CognitoIdentityClient, GetCredentialsForIdentityCommand, GetIdCommand } from '@aws-sdk/client-cognito-identity'
import { fromCognitoIdentityPool } from '@aws-sdk/credential-providers'
import { describe, expect, it } from 'vitest'
import { gatewayFor, managementClient, refusedHandshake, sdkError, TestClient, whoami } from './helpers'
import { FakeClock } from './fake-clock'
import { presign, signHeaders, type Creds } from './signing'

const DEVELOPER: Creds = { accessKeyId: 'AKIALOCALDEVELOPER01', secretAccessKey: 'developer-secret' }
// A fake clock frozen near the real time: signatures made now pass, and credential expiry is moved by hand.
const clock = new FakeClock()
const gw = await gatewayFor({ auth: 'iam', credentials: [DEVELOPER], credentialsLifetime: 1, clock })
const POOL = gw.identityPoolIds[0]!

/** A connection opened with a presigned URL (the browser way), and its id. */
async function signedClient(creds: Creds = gw.lambdaCredentials) {
  const client = await TestClient.open(await presign(creds, gw.wsUrl))
  return { client, id: await whoami(client) }
}

async function cognitoCredentials() {
  const cognito = new CognitoIdentityClient({ region: gw.region, endpoint: gw.cognitoUrl })
  const { IdentityId } = await cognito.send(new GetIdCommand({ IdentityPoolId: POOL }))
  const { Credentials } = await cognito.send(new GetCredentialsForIdentityCommand({ IdentityId }))
  return {
    accessKeyId: Credentials!.AccessKeyId!,
    secretAccessKey: Credentials!.SecretKey!,
    sessionToken: Credentials!.SessionToken!,
  }
}

describe('IAM on $connect', () => {
  it('accepts a presigned URL (query auth) and runs the default handlers, whose own @connections calls are signed too', async () => {
    const { client, id } = await signedClient()
    expect(id).toMatch(/=$/)
    await client.send('hello')
    expect(await client.nextJson()).toMatchObject({ connectionId: id })
    await client.close()
  })

  it('accepts a presigned URL with extra query parameters, and header auth from Node clients', async () => {
    const withQuery = await TestClient.open(await presign(DEVELOPER, `${gw.wsUrl}?room=7`))
    await withQuery.close()
    const signed = await signHeaders(DEVELOPER, gw.wsUrl.replace('ws:', 'http:'), 'GET')
    const withHeaders = await TestClient.open(gw.wsUrl, undefined, { headers: signed.headers })
    expect(await whoami(withHeaders)).toMatch(/=$/)
    await withHeaders.close()
  })

  it('refuses an unsigned, forged, expired or unknown-key handshake with 403', async () => {
    const unsigned = await refusedHandshake(gw.wsUrl)
    expect(unsigned.status).toBe(403)
    expect(JSON.parse(unsigned.body)).toEqual({ message: 'Missing Authentication Token' })

    const good = await presign(gw.lambdaCredentials, gw.wsUrl)
    const forged = good.replace(
      /X-Amz-Signature=([0-9a-f])/,
      (_m, c: string) => `X-Amz-Signature=${c === 'a' ? 'b' : 'a'}`,
    )
    const forgedResponse = await refusedHandshake(forged)
    expect(forgedResponse.status).toBe(403)
    expect(JSON.parse(forgedResponse.body).message).toMatch(/^The request signature we calculated does not match/)

    const expired = await presign(gw.lambdaCredentials, gw.wsUrl, {
      expiresIn: 60,
      signingDate: new Date(Date.now() - 3 * 60_000),
    })
    expect(JSON.parse((await refusedHandshake(expired)).body).message).toMatch(/^Signature expired/)

    const unknown = await presign({ accessKeyId: 'AKIANOBODYNOBODY0000', secretAccessKey: 'x' }, gw.wsUrl)
    expect(JSON.parse((await refusedHandshake(unknown)).body).message).toBe(
      'The security token included in the request is invalid.',
    )

    const wrongRegion = await presign(gw.lambdaCredentials, gw.wsUrl, { region: 'us-west-2' })
    expect((await refusedHandshake(wrongRegion)).status).toBe(403)
  })
})

describe('IAM on @connections', () => {
  it('accepts the SDK with the Lambda role, a configured key, and Cognito credentials', async () => {
    const { client, id } = await signedClient()
    await managementClient(gw).send(new PostToConnectionCommand({ ConnectionId: id, Data: 'from the role' }))
    expect(await client.next()).toBe('from the role')
    await managementClient(gw, DEVELOPER).send(
      new PostToConnectionCommand({ ConnectionId: id, Data: 'from a developer key' }),
    )
    expect(await client.next()).toBe('from a developer key')

    const browserLike = new ApiGatewayManagementApiClient({
      endpoint: gw.connectionsUrl,
      region: gw.region,
      credentials: fromCognitoIdentityPool({
        identityPoolId: POOL,
        clientConfig: { region: gw.region, endpoint: gw.cognitoUrl },
      }),
    })
    await browserLike.send(new PostToConnectionCommand({ ConnectionId: id, Data: 'from Cognito' }))
    expect(await client.next()).toBe('from Cognito')
    const info = await browserLike.send(new GetConnectionCommand({ ConnectionId: id }))
    expect(info.Identity?.SourceIp).toBe('127.0.0.1')
    await client.close()
  })

  it('throws ForbiddenException for a forged signature, an unknown key and a missing signature', async () => {
    const { client, id } = await signedClient()
    const forged = await sdkError(
      managementClient(gw, { ...DEVELOPER, secretAccessKey: 'guessed' }).send(
        new PostToConnectionCommand({ ConnectionId: id, Data: 'x' }),
      ),
    )
    expect(forged).toMatchObject({ name: 'ForbiddenException', status: 403 })
    expect(forged.error).toBeInstanceOf(ForbiddenException)
    expect(forged.message).toContain('The Canonical String for this request should have been')

    const unknown = await sdkError(
      managementClient(gw, { accessKeyId: 'AKIANOBODYNOBODY0000', secretAccessKey: 'x' }).send(
        new PostToConnectionCommand({ ConnectionId: id, Data: 'x' }),
      ),
    )
    expect(unknown).toMatchObject({
      name: 'ForbiddenException',
      message: 'The security token included in the request is invalid.',
    })

    const unsigned = await fetch(`${gw.connectionsUrl}/@connections/${encodeURIComponent(id)}`, {
      method: 'POST',
      body: 'x',
    })
    expect(unsigned.status).toBe(403)
    expect(unsigned.headers.get('x-amzn-errortype')).toBe('ForbiddenException')
    expect(await unsigned.json()).toEqual({ message: 'Missing Authentication Token' })
    expect(client.unread).toEqual([])
    await client.close()
  })

  it('rejects a signature from more than 5 minutes ago', async () => {
    const { client, id } = await signedClient()
    const url = `${gw.connectionsUrl}/@connections/${encodeURIComponent(id)}`
    const stale = await signHeaders(gw.lambdaCredentials, url, 'POST', 'late', {
      signingDate: new Date(Date.now() - 6 * 60_000),
    })
    const response = await fetch(stale.url, { method: 'POST', headers: stale.headers, body: 'late' })
    expect(response.status).toBe(403)
    expect(((await response.json()) as { message: string }).message).toMatch(/^Signature expired/)
    const fresh = await signHeaders(gw.lambdaCredentials, url, 'POST', 'on time')
    expect((await fetch(fresh.url, { method: 'POST', headers: fresh.headers, body: 'on time' })).status).toBe(200)
    expect(await client.next()).toBe('on time')
    await client.close()
  })

  it('accepts Cognito credentials until they expire, then answers "expired"', async () => {
    const { client, id } = await signedClient()
    const creds = await cognitoCredentials()
    await managementClient(gw, creds).send(new PostToConnectionCommand({ ConnectionId: id, Data: 'fresh' }))
    expect(await client.next()).toBe('fresh')
    clock.advance(999)
    await managementClient(gw, creds).send(new PostToConnectionCommand({ ConnectionId: id, Data: 'last ms' }))
    expect(await client.next()).toBe('last ms')
    clock.advance(1)
    const expired = await sdkError(
      managementClient(gw, creds).send(new PostToConnectionCommand({ ConnectionId: id, Data: 'stale' })),
    )
    expect(expired).toMatchObject({
      name: 'ForbiddenException',
      status: 403,
      message: 'The security token included in the request is expired',
    })
    await client.close()
  })
})
