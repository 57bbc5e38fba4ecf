import { execFileSync } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it, onTestFailed } from 'vitest'
import { errorFrame, gatewayFor, refusedHandshake, TestClient, waitFor } from './helpers'

// Worker instances start cold (a fresh isolate importing the AWS SDK): on a loaded machine that takes seconds.
const SLOW = 60_000
const fixture = (path: string) => fileURLToPath(new URL(`./fixtures/${path}`, import.meta.url))
const root = fileURLToPath(new URL('../..', import.meta.url))

describe('--backend serverless.yml (the article-style service, in worker threads)', () => {
  it(
    'serves only its routes; $default echoes through @connections; env, context and a .ts handler as on Lambda',
    { timeout: 120_000 },
    async () => {
      const gw = await gatewayFor({ backend: fixture('serverless-chat/serverless.yml') })
      expect(gw.stage).toBe('local')
      expect(gw.region).toBe('eu-west-1')
      expect(gw.routes.keys.sort()).toEqual([
        '$connect',
        '$default',
        '$disconnect',
        'crash',
        'info',
        'late',
        'legacy',
        'slow',
        'spin',
      ])
      expect(gw.routes.twoWay.sort()).toEqual(['crash', 'info', 'late', 'legacy'])
      expect(gw.logs).toContain(
        "backend: plugins are not run (serverless-offline): the gateway loads each handler's source itself",
      )

      const client = await TestClient.open(gw.wsUrl)
      // A built-in route name is just a message for the user's $default now.
      await client.send('{"action":"whoami"}')
      expect(await client.next(SLOW)).toBe('{"action":"whoami"}')

      await client.send('{"action":"info"}')
      const info = JSON.parse(await client.next(SLOW)) as {
        env: Record<string, string | undefined>
        hasSecret: boolean
        context: {
          awsRequestId: string
          functionName: string
          memoryLimitInMB: string
          callbackWaitsForEmptyEventLoop: boolean
          remaining: number
        }
      }
      expect(info.env).toEqual({
        AWS_LAMBDA_FUNCTION_NAME: 'chat-local-info',
        AWS_REGION: 'eu-west-1',
        AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '256',
        AWS_LAMBDA_FUNCTION_TIMEOUT: '2',
        GREETING: 'hi from info',
        TABLE_NAME: 'chat-local-connections',
        API_ID: gw.apiId,
        AWS_ACCESS_KEY_ID: expect.stringMatching(/^ASIA[A-Z2-7]{16}$/),
      })
      // The function's own key, not the gateway's, and not the gateway process's environment (HOME is absent).
      expect(info.env.AWS_ACCESS_KEY_ID).not.toBe(gw.lambdaCredentials.accessKeyId)
      expect(info.hasSecret).toBe(true)
      expect(info.context).toMatchObject({
        functionName: 'chat-local-info',
        memoryLimitInMB: '256',
        callbackWaitsForEmptyEventLoop: true,
      })
      expect(info.context.awsRequestId).toMatch(/^[A-Za-z0-9_-]{15}=$/)
      expect(info.context.remaining).toBeGreaterThan(0)
      expect(info.context.remaining).toBeLessThanOrEqual(2000)

      // Warm reuse: the same instance answers again (module state survives), the request id is new.
      await client.send('{"action":"info"}')
      const again = JSON.parse(await client.next(SLOW)) as typeof info & { loadedAt: number }
      expect(again.loadedAt).toBe((info as typeof info & { loadedAt: number }).loadedAt)
      expect(again.context.awsRequestId).not.toBe(info.context.awsRequestId)
      expect(gw.backend!.instances()['chat-local-info']).toBe(1)

      // A callback-style handler.
      await client.send('{"action":"legacy"}')
      expect(await client.next(SLOW)).toMatch(/^callback [A-Za-z0-9_-]{15}=$/)

      // Console output is in the gateway's log with the function name and request id.
      await waitFor(
        () => gw.logs.some((l) => /^chat-local-connect [A-Za-z0-9_-]{15}= INFO connect [A-Za-z0-9_-]{15}=$/.test(l)),
        SLOW,
        'the connect log line',
      )
      await client.close()
    },
  )

  it('a $connect that refuses gets its status; one that throws gets 502', { timeout: 120_000 }, async () => {
    const gw = await gatewayFor({ backend: fixture('serverless-chat/serverless.yml') })
    expect((await refusedHandshake(`${gw.wsUrl}?deny=1`)).status).toBe(403)
    expect((await refusedHandshake(`${gw.wsUrl}?throw=1`)).status).toBe(502)
  })

  it(
    'the function timeout (timeout: 1) ends in "Internal server error" and a fresh instance',
    { timeout: 120_000 },
    async () => {
      const gw = await gatewayFor({ backend: fixture('serverless-chat/serverless.yml') })
      const client = await TestClient.open(gw.wsUrl)
      await client.send('{"action":"slow"}')
      expect(await client.next(SLOW)).toMatch(errorFrame('Internal server error'))
      expect(
        gw.logs.some((l) =>
          /^chat-local-slow \S+ Task timed out after 1\.00 seconds; the instance is stopped and replaced$/.test(l),
        ),
      ).toBe(true)
      await waitFor(() => gw.backend!.instances()['chat-local-slow'] === 0, SLOW, 'the timed-out instance to go')
      await client.close()
    },
  )

  it(
    'a crash (a throw outside the request, process.exit) fails that request and the next one runs on a new instance',
    { timeout: 120_000 },
    async () => {
      const gw = await gatewayFor({ backend: fixture('serverless-chat/serverless.yml') })
      const client = await TestClient.open(gw.wsUrl)
      await client.send('{"action":"crash"}')
      expect(await client.next(SLOW)).toMatch(errorFrame('Internal server error'))
      expect(gw.logs.some((l) => /crash threw .*boom outside the request/.test(l))).toBe(true)
      await client.send('{"action":"crash","how":"exit"}')
      expect(await client.next(SLOW)).toMatch(errorFrame('Internal server error'))
      expect(
        gw.logs.some((l) => /crash threw Runtime.ExitError: Runtime exited with error: exit status 3/.test(l)),
      ).toBe(true)
      // The connection is still open and the other functions are untouched.
      await client.send('still here')
      expect(await client.next(SLOW)).toBe('still here')
      await client.close()
    },
  )

  const gwLogs: string[] = []
  const plain: string[] = []
  it(
    'a CPU-bound handler never stalls other connections; it is stopped at its timeout',
    { timeout: 120_000 },
    async () => {
      const gw = await gatewayFor({
        backend: fixture('serverless-chat/serverless.yml'),
        log: (l) => {
          gwLogs.push(`${new Date().toISOString().slice(14, 23)} ${l}`)
          plain.push(l)
        },
      })
      const [spinner, a, b] = await Promise.all([
        TestClient.open(gw.wsUrl),
        TestClient.open(gw.wsUrl),
        TestClient.open(gw.wsUrl),
      ])
      onTestFailed(() => console.log(gwLogs.join('\n')))
      // $default warm first, so what follows measures the spinner's effect, not cold starts.
      await a.send('warm-up')
      expect(await a.next(SLOW)).toBe('warm-up')
      await spinner.send('{"action":"spin"}')
      await waitFor(() => plain.some((l) => /^chat-local-spin \S+ INIT/.test(l)), SLOW, 'the spinning instance')
      // While it spins (its timeout is 20 s, the loop 60 s), both other connections are served, and so is the
      // spinner's own next message: its echo and its timed-out spin's error frame may come in either order.
      for (const [client, text] of [
        [a, 'from a'],
        [b, 'from b'],
      ] as const) {
        await client.send(text)
        expect(await client.next(SLOW)).toBe(text)
      }
      expect(plain.some((l) => l.includes('Task timed out'))).toBe(false)
      await spinner.send('from the spinner')
      const frames = [await spinner.next(SLOW), await spinner.next(SLOW)]
      expect(frames).toContain('from the spinner')
      expect(frames.find((f) => f !== 'from the spinner')).toMatch(errorFrame('Internal server error'))
      expect(plain.some((l) => /^chat-local-spin \S+ Task timed out after 20\.00 seconds/.test(l))).toBe(true)
      await Promise.all([spinner.close(), a.close(), b.close()])
    },
  )

  it(
    'work left running after the handler returns is frozen until the next invocation, with one warning',
    { timeout: 120_000 },
    async () => {
      const gw = await gatewayFor({ backend: fixture('serverless-chat/serverless.yml') })
      const client = await TestClient.open(gw.wsUrl)
      await client.send('{"action":"late"}')
      expect(await client.next(SLOW)).toBe('returned 1; no timer yet')
      await waitFor(
        () =>
          gw.logs.some((l) =>
            /^chat-local-late \S+ WARN work was still running when the handler returned \(Timeout\)/.test(l),
          ),
        SLOW,
        'the warning',
      )
      // The timer (due at once) stays frozen with its instance: it runs only when the instance thaws for the next
      // message, so it fires after that message arrived (an unfrozen instance would have run it right after the
      // return, before the client even had the reply). No wall-clock wait: the order is what is asserted.
      expect(gw.logs.some((l) => l.endsWith('late timer fired'))).toBe(false)
      await client.send('{"action":"late"}')
      expect(await client.next(SLOW)).toBe('returned 2; the last timer fired after this message arrived')
      await waitFor(() => gw.logs.some((l) => l.endsWith('INFO late timer fired')), SLOW, 'the thawed timer')
      expect(gw.logs.filter((l) => l.includes('WARN work was still running'))).toHaveLength(1)
      await client.close()
    },
  )
})

describe('--backend SAM template', () => {
  it(
    'wires routes through integrations, applies Globals/Parameters/Conditions, and enforces the role on @connections',
    { timeout: 120_000 },
    async () => {
      const gw = await gatewayFor({ backend: fixture('sam-app/template.yaml') })
      expect(gw.stage).toBe('test')
      expect(gw.routes.keys.sort()).toEqual(['$connect', 'say', 'shout'])
      expect(gw.routes.twoWay).toEqual(['shout'])
      const client = await TestClient.open(gw.wsUrl)
      await client.send('{"type":"say","text":"hi"}')
      expect(JSON.parse(await client.next(SLOW))).toEqual({
        said: 'hi',
        stage: 'test',
        mode: 'loud',
        endpoint: `https://${gw.apiId}.execute-api.us-east-1.amazonaws.com/test`,
      })
      // ShoutFunction's role has no execute-api:ManageConnections: the SDK in the function gets AWS's AccessDenied.
      await client.send('{"type":"shout"}')
      const denied = JSON.parse(await client.next(SLOW)) as { name: string; status: number; message: string }
      expect(denied).toEqual({
        name: 'AccessDeniedException',
        status: 403,
        message: `User: arn:aws:sts::000000000000:assumed-role/sam-app-ShoutFunctionRole/sam-app-ShoutFunction is not authorized to perform: execute-api:ManageConnections on resource: arn:aws:execute-api:us-east-1:********0000:${gw.apiId}/test/POST/@connections/${denied.message.split('/').pop()}`,
      })
      expect(
        gw.logs.some(
          (l) =>
            l.includes(
              `may not execute-api:ManageConnections on arn:aws:execute-api:us-east-1:000000000000:${gw.apiId}/test/POST/@connections/`,
            ) &&
            l.includes(
              `the role needs { Effect: Allow, Action: execute-api:ManageConnections, Resource: arn:aws:execute-api:us-east-1:*:${gw.apiId}/test/POST/@connections/* }`,
            ),
        ),
      ).toBe(true)
      expect(client.unread).toEqual([])
      // No $default: a message no route matches gets AWS's Forbidden frame.
      await client.send('{"type":"nope"}')
      expect(await client.next(SLOW)).toMatch(errorFrame('Forbidden'))
      await client.close()
    },
  )

  it(
    '--stage and --parameter-overrides: the StageName parameter follows --stage, so the role allows the new stage',
    { timeout: 120_000 },
    async () => {
      const gw = await gatewayFor({
        backend: fixture('sam-app/template.yaml'),
        stage: 'prod',
        parameterOverrides: { Loud: 'no' },
      })
      expect(gw.stage).toBe('prod')
      const client = await TestClient.open(gw.wsUrl)
      // ChatFunction posts back through @connections on /prod: its policy's ${StageName} is prod, so it is allowed.
      await client.send('{"type":"say","text":"hi"}')
      expect(JSON.parse(await client.next(SLOW))).toEqual({
        said: 'hi',
        stage: 'prod',
        mode: 'quiet',
        endpoint: `https://${gw.apiId}.execute-api.us-east-1.amazonaws.com/prod`,
      })
      expect(gw.logs.filter((l) => l.includes('may not execute-api:ManageConnections'))).toEqual([])
      await client.close()
    },
  )

  it('--permissions warn lets the call through with a log line', { timeout: 120_000 }, async () => {
    const gw = await gatewayFor({ backend: fixture('sam-app/template.yaml'), permissions: 'warn' })
    const client = await TestClient.open(gw.wsUrl)
    await client.send('{"type":"shout"}')
    expect(await client.next(SLOW)).toBe('SHOUT')
    expect(await client.next(SLOW)).toBe('{"posted":true}')
    expect(
      gw.logs.some((l) => l.includes('(allowed: --permissions warn; AWS answers 403 AccessDeniedException)')),
    ).toBe(true)
    await client.close()
  })
})

describe("the project's own backend/template.yaml", () => {
  it(
    'runs as deployed: stage prod, its seven routes, $default through @connections, broadcast',
    { timeout: 150_000 },
    async () => {
      execFileSync('node', ['backend/build.mjs'], { cwd: root })
      const gw = await gatewayFor({ backend: `${root}backend/template.yaml` })
      expect(gw.stage).toBe('prod')
      expect(gw.routes.keys.sort()).toEqual([
        '$connect',
        '$default',
        '$disconnect',
        'broadcast',
        'echo',
        'ping',
        'whoami',
      ])
      expect(gw.routes.twoWay.sort()).toEqual(['echo', 'ping'])
      const a = await TestClient.open(gw.wsUrl)
      await a.send('{"action":"whoami"}')
      const { connectionId } = JSON.parse(await a.next(SLOW)) as { connectionId: string }
      expect(connectionId).toMatch(/^[A-Za-z0-9_-]{15}=$/)
      await a.send('{"action":"echo","data":"hi"}')
      expect(await a.next(SLOW)).toBe('hi')
      await a.send('plain text')
      expect(JSON.parse(await a.next(SLOW))).toMatchObject({
        connectionId,
        endpoint: `http://127.0.0.1:${gw.port}/prod`,
      })
      // Permissions pass: the template's statement allows POST on this stage's @connections.
      expect(gw.logs.filter((l) => l.includes('AccessDenied'))).toEqual([])
      await a.close()
    },
  )
})

describe('a handler the module does not export', () => {
  it(
    "fails with Lambda's Runtime.HandlerNotFound words, naming the handler as written",
    { timeout: 120_000 },
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'gw-notfound-'))
      writeFileSync(
        join(dir, 'serverless.yml'),
        'service: nf\nprovider: { name: aws }\nfunctions:\n  a:\n    handler: h.nope\n    events: [{ websocket: $default }]\n',
      )
      writeFileSync(join(dir, 'h.mjs'), 'export const run = async () => ({ statusCode: 200 })\n')
      const gw = await gatewayFor({ backend: join(dir, 'serverless.yml') })
      const client = await TestClient.open(gw.wsUrl)
      await client.send('hi')
      expect(await client.next(SLOW)).toMatch(errorFrame('Internal server error'))
      // Old code: "Runtime.HandlerNotFound: nope is not a function exported by /tmp/…/h.mjs".
      await waitFor(() => gw.logs.some((l) => /HandlerNotFound/.test(l)), SLOW, 'the init failure line')
      expect(gw.logs.find((l) => /HandlerNotFound/.test(l))).toMatch(
        new RegExp(
          `^nf-dev-a \\S+ init failed: Runtime\\.HandlerNotFound: h\\.nope is undefined or not exported \\(in ${join(dir, 'h.mjs').replace(/[.]/g, '\\.')}\\)$`,
        ),
      )
      await client.close()
    },
  )
})
