import {
  ApiGatewayManagementApiClient,
  DeleteConnectionCommand,
  ForbiddenException,
  GetConnectionCommand,
  GoneException,
  PayloadTooLargeException,
  PostToConnectionCommand,
} from '@aws-sdk/client-apigatewaymanagementapi'
import type { Socket } from 'node:net'
import { describe, expect, it } from 'vitest'
import { FrameWatcher, type FrameViolation } from '../src/frame-watcher'
import type { DisconnectInfo, SendInfo } from '../src/index'
import { FakeClock } from './fake-clock'
import { gatewayFor, managementClient, sdkError, TestClient, waitFor, whoami } from './helpers'

const gw = await gatewayFor()
const sdk = managementClient(gw)
const disconnects: DisconnectInfo[] = []
gw.on('disconnect', (d) => disconnects.push(d))

async function openWithId(userAgent?: string) {
  const client = await TestClient.open(gw.wsUrl, undefined, userAgent ? { headers: { 'User-Agent': userAgent } } : {})
  return { client, id: await whoami(client) }
}

describe('PostToConnection', () => {
  it('delivers Data to the client as a text frame and answers 200', async () => {
    const { client, id } = await openWithId()
    const sent: SendInfo[] = []
    gw.on('send', (s) => sent.push(s))
    const out = await sdk.send(new PostToConnectionCommand({ ConnectionId: id, Data: 'hello from the backend' }))
    expect(out.$metadata.httpStatusCode).toBe(200)
    expect(await client.next()).toBe('hello from the backend')
    expect(client.messages.at(-1)!.binary).toBe(false)
    expect(sent.find((s) => s.connectionId === id)).toMatchObject({
      via: '@connections',
      data: 'hello from the backend',
    })
    const bytes = new TextEncoder().encode('{"unicode":"✓ 日本"}')
    await sdk.send(new PostToConnectionCommand({ ConnectionId: id, Data: bytes }))
    expect(await client.next()).toBe('{"unicode":"✓ 日本"}')
    await client.close()
  })

  it('sends bytes that are not UTF-8 as a binary frame (postDataFrame auto, UNCONFIRMED)', async () => {
    const { client, id } = await openWithId()
    await sdk.send(new PostToConnectionCommand({ ConnectionId: id, Data: new Uint8Array([0xff, 0x00, 0xfe]) }))
    await waitFor(() => client.messages.length > 1)
    expect(client.messages.at(-1)!.binary).toBe(true)
    await client.close()
  })

  it('accepts 128 KB and rejects one byte more with PayloadTooLargeException (413)', async () => {
    const { client, id } = await openWithId()
    await sdk.send(new PostToConnectionCommand({ ConnectionId: id, Data: 'a'.repeat(131_072) }))
    expect((await client.next()).length).toBe(131_072)
    const error = await sdkError(sdk.send(new PostToConnectionCommand({ ConnectionId: id, Data: 'a'.repeat(131_073) })))
    expect(error).toMatchObject({ name: 'PayloadTooLargeException', status: 413 })
    expect(error.error).toBeInstanceOf(PayloadTooLargeException)
    expect(client.ws.readyState).toBe(client.ws.OPEN)
    await client.close()
  })

  it('throws GoneException (410) for an unknown id, and for a connection after it closed', async () => {
    const unknown = await sdkError(
      sdk.send(new PostToConnectionCommand({ ConnectionId: 'AAAAAAAAAAAAAAA=', Data: 'x' })),
    )
    expect(unknown).toMatchObject({ name: 'GoneException', status: 410 })
    expect(unknown.error).toBeInstanceOf(GoneException)

    const { client, id } = await openWithId()
    await client.close(1000)
    await waitFor(() => disconnects.some((d) => d.connectionId === id))
    const gone = await sdkError(sdk.send(new PostToConnectionCommand({ ConnectionId: id, Data: 'x' })))
    expect(gone).toMatchObject({ name: 'GoneException', status: 410 })
    expect(gw.logs.some((line) => line.includes(`${id} → 410 GoneException: it closed`))).toBe(true)
  })
})

describe('GetConnection', () => {
  it('describes the connection: connectedAt, identity and lastActiveAt', async () => {
    const before = Date.now()
    const { client, id } = await openWithId('my-agent/2.0')
    const first = await sdk.send(new GetConnectionCommand({ ConnectionId: id }))
    expect(first.$metadata.httpStatusCode).toBe(200)
    expect(first.ConnectedAt).toBeInstanceOf(Date)
    expect(first.ConnectedAt!.getTime()).toBeGreaterThanOrEqual(before - 5)
    expect(first.Identity).toEqual({ SourceIp: '127.0.0.1', UserAgent: 'my-agent/2.0' })
    expect(first.LastActiveAt!.getTime()).toBeGreaterThanOrEqual(first.ConnectedAt!.getTime())
    await client.close()
  })

  it('lastActiveAt moves with each message, to the millisecond', async () => {
    const clock = new FakeClock()
    const timed = await gatewayFor({ clock })
    const client = await TestClient.open(timed.wsUrl)
    const id = await whoami(client)
    const timedSdk = managementClient(timed)
    const first = await timedSdk.send(new GetConnectionCommand({ ConnectionId: id }))
    expect(first.ConnectedAt!.getTime()).toBe(clock.now())
    clock.advance(30)
    await whoami(client)
    const second = await timedSdk.send(new GetConnectionCommand({ ConnectionId: id }))
    expect(second.LastActiveAt!.getTime()).toBe(clock.now())
    expect(second.ConnectedAt!.getTime()).toBe(first.ConnectedAt!.getTime())
    await client.close()
  })

  it('leaves userAgent out when the client sent none, as the AWS CLI example shows', async () => {
    const { client, id } = await openWithId()
    const raw = await fetch(`${gw.connectionsUrl}/@connections/${encodeURIComponent(id)}`)
    const body = (await raw.json()) as Record<string, unknown>
    expect(body.identity).toEqual({ sourceIp: '127.0.0.1' })
    expect(body.connectedAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/)
    expect(body.lastActiveAt).toMatch(/Z$/)
    await client.close()
  })

  it('throws GoneException for an unknown id', async () => {
    expect(await sdkError(sdk.send(new GetConnectionCommand({ ConnectionId: 'BBBBBBBBBBBBBBB=' })))).toMatchObject({
      name: 'GoneException',
      status: 410,
    })
  })
})

describe('DeleteConnection', () => {
  it('answers 204, closes the socket with 1000 and fires $disconnect with 1000 "Connection Closed Normally"', async () => {
    const { client, id } = await openWithId()
    const out = await sdk.send(new DeleteConnectionCommand({ ConnectionId: id }))
    expect(out.$metadata.httpStatusCode).toBe(204)
    expect((await client.closed).code).toBe(1000)
    await waitFor(() => disconnects.some((d) => d.connectionId === id))
    expect(disconnects.find((d) => d.connectionId === id)).toMatchObject({
      code: 1000,
      reason: 'Connection Closed Normally',
      cause: 'deleted',
    })
    expect(await sdkError(sdk.send(new DeleteConnectionCommand({ ConnectionId: id })))).toMatchObject({
      name: 'GoneException',
    })
    expect(gw.connections().some((c) => c.connectionId === id)).toBe(false)
  })
})

describe('the HTTP surface', () => {
  it('accepts @ or %40 and = or %3D in the path', async () => {
    const { client, id } = await openWithId()
    const raw = id.replace('=', '%3D')
    for (const path of [
      `/dev/@connections/${raw}`,
      `/dev/%40connections/${raw}`,
      `/dev/@connections/${id}`,
      `/dev/%40connections/${id}`,
    ]) {
      const response = await fetch(gw.httpUrl + path, { method: 'POST', body: path })
      expect(response.status).toBe(200)
      expect(await client.next()).toBe(path)
    }
    await client.close()
  })

  it('puts x-amzn-RequestId on every response and x-amzn-ErrorType plus {"message"} on errors', async () => {
    const ok = await fetch(`${gw.httpUrl}/`)
    expect(ok.headers.get('x-amzn-requestid')).toMatch(/^[0-9a-f-]{36}$/)
    const gone = await fetch(`${gw.connectionsUrl}/@connections/CCCCCCCCCCCCCCC%3D`, {
      method: 'POST',
      body: 'x',
    })
    expect(gone.status).toBe(410)
    expect(gone.headers.get('x-amzn-errortype')).toBe('GoneException')
    expect(gone.headers.get('x-amzn-requestid')).toMatch(/^[0-9a-f-]{36}$/)
    expect(gone.headers.get('x-amz-apigw-id')).toMatch(/=$/)
    expect(await gone.json()).toEqual({ message: expect.stringContaining('CCCCCCCCCCCCCCC= is gone') })
    for (const path of ['/nope', '/dev/@connections', '/dev/@connections/a/b']) {
      const response = await fetch(gw.httpUrl + path)
      expect(response.status).toBe(404)
      expect(response.headers.get('x-amzn-requestid')).toBeTruthy()
      expect(await response.json()).toHaveProperty('message')
    }
  })

  it('answers 405 for other methods', async () => {
    const put = await fetch(`${gw.connectionsUrl}/@connections/DDDDDDDDDDDDDDD%3D`, {
      method: 'PUT',
      body: 'x',
    })
    expect(put.status).toBe(405)
    expect(put.headers.get('allow')).toBe('POST, GET, DELETE')
    expect(await put.json()).toHaveProperty('message')
    const patch = await fetch(`${gw.httpUrl}/`, { method: 'PATCH' })
    expect(patch.status).toBe(405)
  })

  it('answers 403 ForbiddenException when the endpoint lacks the stage, as AWS does', async () => {
    const noStage = new ApiGatewayManagementApiClient({
      endpoint: gw.httpUrl,
      region: gw.region,
      credentials: gw.lambdaCredentials,
      maxAttempts: 1,
    })
    const error = await sdkError(
      noStage.send(new PostToConnectionCommand({ ConnectionId: 'EEEEEEEEEEEEEEE=', Data: 'x' })),
    )
    expect(error).toMatchObject({ name: 'ForbiddenException', status: 403, message: 'Forbidden' })
    expect(error.error).toBeInstanceOf(ForbiddenException)
    const wrongStage = new ApiGatewayManagementApiClient({
      endpoint: `${gw.httpUrl}/prod`,
      region: gw.region,
      credentials: gw.lambdaCredentials,
      maxAttempts: 1,
    })
    expect(
      await sdkError(wrongStage.send(new GetConnectionCommand({ ConnectionId: 'EEEEEEEEEEEEEEE=' }))),
    ).toMatchObject({ name: 'ForbiddenException' })
  })

  it('describes itself on GET /', async () => {
    const info = (await (await fetch(gw.httpUrl)).json()) as Record<string, unknown>
    expect(info).toMatchObject({
      wsUrl: gw.wsUrl,
      connectionsUrl: gw.connectionsUrl,
      cognitoUrl: gw.cognitoUrl,
      identityPoolIds: gw.identityPoolIds,
    })
  })
})

describe('fragmenting outgoing messages (outgoingFrameBytes, UNCONFIRMED)', () => {
  it('splits @connections data into frames of the configured size; the client sees one message', async () => {
    const frameSizes = async (gateway: Awaited<ReturnType<typeof gatewayFor>>) => {
      const client = await TestClient.open(gateway.wsUrl)
      const id = await whoami(client)
      // Read the frame headers on the client's side of the wire.
      const oversize: FrameViolation[] = []
      const watcher = new FrameWatcher(1000, Number.MAX_SAFE_INTEGER, (v) => oversize.push(v))
      ;(client.ws as unknown as { _socket: Socket })._socket.prependListener('data', (chunk: Buffer) =>
        watcher.push(chunk),
      )
      await managementClient(gateway).send(new PostToConnectionCommand({ ConnectionId: id, Data: 'q'.repeat(4500) }))
      expect(await client.next()).toBe('q'.repeat(4500))
      await client.close()
      return oversize
    }
    expect(await frameSizes(await gatewayFor({ outgoingFrameBytes: 1000 }))).toEqual([])
    expect(await frameSizes(gw)).toEqual([{ kind: 'frameTooLarge', bytes: 4500 }])
  })
})
