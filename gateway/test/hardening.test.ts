import {
  GetConnectionCommand,
  LimitExceededException,
  PostToConnectionCommand,
} from '@aws-sdk/client-apigatewaymanagementapi'
import {
  CognitoIdentityClient,
  GetCredentialsForIdentityCommand,
  GetIdCommand,
  TooManyRequestsException,
} from '@aws-sdk/client-cognito-identity'
import { describe, expect, it } from 'vitest'
import type { WebSocketEvent } from '../src/index'
import { resolveOptions } from '../src/options'
import { FakeClock } from './fake-clock'
import {
  errorFrame,
  gatewayFor,
  managementClient,
  sdkError,
  TestClient,
  waitFor,
  whoami,
  type Gateway,
} from './helpers'

/** Sends `count` small text frames in one burst (ws queues them; nothing is awaited in between). */
function burst(client: TestClient, count: number, text: (i: number) => string): Promise<void> {
  let last: Promise<void> = Promise.resolve()
  for (let i = 0; i < count; i++) last = client.send(text(i))
  return last
}

describe('a flood of messages to a route that calls @connections', () => {
  it('runs at most --max-concurrent-invocations handlers, stops reading the flooder, and keeps HTTP answering', async () => {
    let running = 0
    let mostRunning = 0
    let done = 0
    // One SDK client, as a warm Lambda keeps (created on first use, when the gateway's URL is known).
    let sdk: ReturnType<typeof managementClient> | undefined
    // The handlers hold until the flooder is seen paused: ws hands messages over one per turn of the event loop, so
    // on a fast machine the handlers could keep up and the line would never fill; held, it must.
    let release!: () => void
    const held = new Promise<void>((resolve) => (release = resolve))
    const gw: Gateway = await gatewayFor({
      maxConcurrentInvocations: 8,
      maxQueuedMessages: 64,
      // The account throttle has its own test; here every message must reach the handler.
      accountRequestsPerSecond: 0,
      handlers: {
        async $default(event: WebSocketEvent) {
          running++
          mostRunning = Math.max(mostRunning, running)
          try {
            await held
            sdk ??= managementClient(gw)
            await sdk.send(new PostToConnectionCommand({ ConnectionId: event.requestContext.connectionId, Data: 'ok' }))
          } finally {
            running--
            done++
          }
          return { statusCode: 200 }
        },
      },
    })
    // 2 MB in 1 KB messages: a socket read holds ~64 of them, so a bounded line is far below N.
    const N = 2000
    const flooder = await TestClient.open(gw.wsUrl)
    const bystander = await TestClient.open(gw.wsUrl)
    const bystanderId = await whoami(bystander)

    let mostQueued = 0
    let sawPaused = false
    const sampler = setInterval(() => {
      const s = gw.stats()
      mostQueued = Math.max(mostQueued, s.messagesQueued)
      sawPaused ||= s.pausedConnections > 0
    }, 5)
    const sent = burst(flooder, N, () => 'x'.repeat(1000))
    try {
      await waitFor(() => gw.stats().pausedConnections > 0, 60_000, 'the flooder to be paused')
      expect(gw.stats().invocationsRunning).toBe(8)
      release()
      // While the flood is being worked off, plain HTTP, @connections and another client are served.
      expect((await fetch(gw.httpUrl)).status).toBe(200)
      const info = await managementClient(gw).send(new GetConnectionCommand({ ConnectionId: bystanderId }))
      expect(info.ConnectedAt).toBeInstanceOf(Date)
      await bystander.send('{"action":"echo","data":"still here"}')
      expect(await bystander.next(60_000)).toBe('still here')
      expect(done).toBeLessThan(N)

      await sent
      await waitFor(() => flooder.messages.length === N, 240_000, 'every reply')
    } finally {
      clearInterval(sampler)
    }
    expect(flooder.messages.every((m) => m.data === 'ok')).toBe(true)
    expect(done).toBe(N)
    expect(mostRunning).toBe(8)
    expect(sawPaused).toBe(true)
    // Bounded by the line limit plus what one socket read holds, not by the flood.
    expect(mostQueued).toBeLessThan(N / 4)
    expect(gw.stats()).toMatchObject({ invocationsRunning: 0, messagesQueued: 0, pausedConnections: 0 })
    await flooder.close()
    await bystander.close()
  }, 300_000)
})

describe('the account throttle (10,000 requests/s, burst 5,000 on AWS)', () => {
  it('answers messages over it with a Too Many Requests frame and @connections calls with 429, then refills', async () => {
    const clock = new FakeClock()
    const gw = await gatewayFor({ clock, accountRequestsPerSecond: 10, accountBurst: 5 })
    expect(resolveOptions({})).toMatchObject({ accountRequestsPerSecond: 10_000, accountBurst: 5000 })
    const client = await TestClient.open(gw.wsUrl)
    // `echo` is two-way: its reply is the route response, so only the messages themselves take tokens.
    for (let i = 0; i < 8; i++) await client.send(`{"action":"echo","data":"m${i}"}`)
    const frames = []
    for (let i = 0; i < 8; i++) frames.push(await client.next())
    expect(frames.filter((f) => /^m\d$/.test(f))).toHaveLength(5)
    const throttled = frames.filter((f) => errorFrame('Too Many Requests').test(f))
    expect(throttled).toHaveLength(3)

    const id = JSON.parse(throttled[0]!).connectionId as string
    const refused = await sdkError(
      managementClient(gw).send(new PostToConnectionCommand({ ConnectionId: id, Data: 'over the limit' })),
    )
    expect(refused).toMatchObject({ name: 'LimitExceededException', status: 429 })
    expect(refused.error).toBeInstanceOf(LimitExceededException)

    clock.advance(1000)
    await managementClient(gw).send(new PostToConnectionCommand({ ConnectionId: id, Data: 'refilled' }))
    expect(await client.next()).toBe('refilled')
    await client.send('{"action":"echo","data":"again"}')
    expect(await client.next()).toBe('again')
    await client.close()
  })
})

describe('the per-connection message rate (UNCONFIRMED on AWS, off by default)', () => {
  it('closes only the connection that sends faster than --connection-messages-per-second, with 1008', async () => {
    expect(resolveOptions({}).connectionMessagesPerSecond).toBe(0)
    const clock = new FakeClock()
    const gw = await gatewayFor({ clock, connectionMessagesPerSecond: 3 })
    const disconnects: { code: number; cause: string }[] = []
    gw.on('disconnect', (info) => disconnects.push({ code: info.code, cause: info.cause }))
    const fast = await TestClient.open(gw.wsUrl)
    const calm = await TestClient.open(gw.wsUrl)
    for (let i = 0; i < 3; i++) await fast.send(`{"action":"echo","data":"${i}"}`)
    for (let i = 0; i < 3; i++) expect(await fast.next()).toBe(String(i))
    await fast.send('{"action":"echo","data":"one too many"}')
    expect((await fast.closed).code).toBe(1008)
    await waitFor(() => disconnects.length === 1, 60_000, '$disconnect')
    expect(disconnects[0]).toEqual({ code: 1008, cause: 'throttled' })

    for (let i = 0; i < 3; i++) await calm.send(`{"action":"echo","data":"${i}"}`)
    for (let i = 0; i < 3; i++) expect(await calm.next()).toBe(String(i))
    clock.advance(1000)
    for (let i = 0; i < 3; i++) await calm.send(`{"action":"echo","data":"later ${i}"}`)
    for (let i = 0; i < 3; i++) expect(await calm.next()).toBe(`later ${i}`)
    await calm.close()
  })
})

describe('outgoing data for a client that does not read', () => {
  it('is capped per connection: replies over the cap are dropped and counted, posts get 429, the log stays short', async () => {
    // A frozen clock: the per-connection log budget never refills, so the line count cannot depend on load.
    const clock = new FakeClock()
    const lines: string[] = []
    const gw = await gatewayFor({
      clock,
      accountRequestsPerSecond: 0,
      maxOutgoingBytes: 256 * 1024,
      log: (line) => lines.push(line),
      handlers: { big: (event: WebSocketEvent) => ({ statusCode: 200, body: event.body!.slice(0, 30_000) }) },
      routeResponses: ['big'],
    })
    const client = await TestClient.open(gw.wsUrl)
    const id = await whoami(client)
    // Stop reading: ws pauses the client's socket, so the gateway's data piles up in its own buffer.
    client.ws.pause()
    const N = 1000
    const sends: string[] = []
    let received = 0
    gw.on('send', (info) => sends.push(info.via))
    gw.on('message', () => received++)
    const payload = `{"action":"big","pad":"${'p'.repeat(30_000)}"}`
    await burst(client, N, () => payload)
    await waitFor(() => lines.some((l) => /dropped/.test(l)), 60_000, 'a dropped reply')
    await waitFor(() => received === N && gw.stats().invocationsRunning === 0, 120_000, 'every message')

    // Bigger than the room any dropped 30 KB reply left: the same cap refuses it.
    const refused = await sdkError(
      managementClient(gw).send(new PostToConnectionCommand({ ConnectionId: id, Data: 'f'.repeat(100_000) })),
    )
    expect(refused).toMatchObject({ name: 'LimitExceededException', status: 429 })
    // 30 MB of replies; what left is the 256 KB cap plus what the kernel's socket buffers took (a few MB).
    expect(sends.length).toBeLessThan(N / 2)
    expect(lines.length).toBeLessThan(120)

    client.ws.resume()
    // Everything sent arrives (plus the earlier whoami reply); nothing else.
    await waitFor(() => client.messages.length >= sends.length + 1, 60_000, 'the sent replies')
    expect(client.messages.length).toBe(sends.length + 1)
    const closed = client.close()
    await closed
    await waitFor(() => lines.some((l) => /did not read \d+ reply/.test(l)), 60_000, 'the summary line')
    const summary = lines.find((l) => /did not read \d+ reply/.test(l))!
    expect(Number(/did not read (\d+)/.exec(summary)![1])).toBe(N - sends.length)
  }, 180_000)

  it('refuses a two-way reply over 128 KB with an Internal server error frame', async () => {
    const gw = await gatewayFor({
      handlers: { huge: () => ({ statusCode: 200, body: 'h'.repeat(200 * 1024) }) },
      routeResponses: ['huge'],
    })
    const client = await TestClient.open(gw.wsUrl)
    await client.send('{"action":"huge"}')
    expect(await client.next()).toMatch(errorFrame('Internal server error'))
    expect(gw.logs.some((l) => /204800-byte body, over the 131072-byte message limit/.test(l))).toBe(true)
    await client.close()
  })
})

describe('Cognito under a flood', () => {
  it("answers GetId over 25/s and GetCredentialsForIdentity over 200/s per address with Cognito's TooManyRequestsException", async () => {
    const clock = new FakeClock()
    const gw = await gatewayFor({ clock })
    const cognito = new CognitoIdentityClient({ region: gw.region, endpoint: gw.cognitoUrl, maxAttempts: 1 })
    const IdentityPoolId = gw.identityPoolIds[0]!
    let ok = 0
    for (let i = 0; i < 25; i++) if ((await cognito.send(new GetIdCommand({ IdentityPoolId }))).IdentityId) ok++
    expect(ok).toBe(25)
    const getId = await sdkError(cognito.send(new GetIdCommand({ IdentityPoolId })))
    expect(getId.error).toBeInstanceOf(TooManyRequestsException)
    expect(getId.message).toMatch(/^Rate exceeded/)

    clock.advance(1000)
    const { IdentityId } = await cognito.send(new GetIdCommand({ IdentityPoolId }))
    const asks = Array.from({ length: 201 }, () =>
      cognito.send(new GetCredentialsForIdentityCommand({ IdentityId })).then(
        () => 'ok',
        (error: Error) => error.name,
      ),
    )
    const results = await Promise.all(asks)
    expect(results.filter((r) => r === 'ok')).toHaveLength(200)
    expect(results.filter((r) => r === 'TooManyRequestsException')).toHaveLength(1)

    // The wire shape: AWS JSON 1.1 error body and x-amzn-ErrorType.
    const raw = await fetch(`${gw.cognitoUrl}/`, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/x-amz-json-1.1',
        'X-Amz-Target': 'AWSCognitoIdentityService.GetCredentialsForIdentity',
      },
      body: JSON.stringify({ IdentityId }),
    })
    expect(raw.status).toBe(400)
    expect(raw.headers.get('x-amzn-errortype')).toBe('TooManyRequestsException')
    expect(await raw.json()).toMatchObject({
      __type: 'TooManyRequestsException',
      message: expect.stringMatching(/^Rate exceeded/),
    })
  })

  it("a credential flood is refused once it fills its identity's share; it never revokes another client's valid key", async () => {
    const clock = new FakeClock()
    const gw = await gatewayFor({ clock, auth: 'iam' })
    const cognito = new CognitoIdentityClient({ region: gw.region, endpoint: gw.cognitoUrl, maxAttempts: 1 })
    const IdentityPoolId = gw.identityPoolIds[0]!
    // The victim signed in (its own identity) and holds a key; the flooder is unauthenticated.
    const victimId = (
      await cognito.send(new GetIdCommand({ IdentityPoolId, Logins: { 'accounts.example': 'victim' } }))
    ).IdentityId!
    const victim = (
      await cognito.send(
        new GetCredentialsForIdentityCommand({ IdentityId: victimId, Logins: { 'accounts.example': 'victim' } }),
      )
    ).Credentials!
    const flooderId = (await cognito.send(new GetIdCommand({ IdentityPoolId }))).IdentityId!

    let issued = 0
    let refused = 0
    for (let second = 0; second < 7; second++) {
      clock.advance(1000)
      const round = await Promise.all(
        Array.from({ length: 200 }, () =>
          cognito.send(new GetCredentialsForIdentityCommand({ IdentityId: flooderId })).then(
            () => 'ok',
            (error: Error) => (error instanceof TooManyRequestsException ? error.message : `unexpected ${error.name}`),
          ),
        ),
      )
      issued += round.filter((r) => r === 'ok').length
      refused += round.filter((r) => /holds 1000 unexpired keys/.test(r)).length
    }
    expect(issued).toBe(1000)
    expect(refused).toBe(400)

    // The victim's key still signs: an unknown connection is 410 (the key was accepted), not 403.
    const asVictim = managementClient(gw, {
      accessKeyId: victim.AccessKeyId!,
      secretAccessKey: victim.SecretKey!,
      sessionToken: victim.SessionToken!,
    })
    const gone = await sdkError(asVictim.send(new GetConnectionCommand({ ConnectionId: 'AAAAAAAAAAAAAAA=' })))
    expect(gone).toMatchObject({ name: 'GoneException', status: 410 })
    // And the victim can still get a new key: the flooder's share is full, not the store.
    clock.advance(1000)
    const again = await cognito.send(
      new GetCredentialsForIdentityCommand({ IdentityId: victimId, Logins: { 'accounts.example': 'victim' } }),
    )
    expect(again.Credentials?.AccessKeyId).toMatch(/^ASIA/)
  }, 120_000)
})
