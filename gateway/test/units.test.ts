import { describe, expect, it } from 'vitest'
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { helpText, parseArgs, UsageError } from '../src/cli-args'
import { displayPath } from '../src/display-path'
import { OPTION_TABLE, readmeFlagTable } from '../src/option-table'
import { CredentialStore, LAMBDA_ROLE_CREDENTIALS } from '../src/credential-store'
import { FrameWatcher, type FrameViolation } from '../src/frame-watcher'
import { awsId, stableUuid, temporaryAccessKeyId } from '../src/ids'
import { clfTime, connectEvent, disconnectEvent, messageEvent } from '../src/lambda-events'
import { OptionError, resolveOptions } from '../src/options'
import { LogLimiter } from '../src/log-limiter'
import { TokenBucket } from '../src/rate-limit'
import { FakeClock } from './fake-clock'

describe('ids', () => {
  it('makes AWS-shaped ids: 16 characters, URL-safe base64 of 11 bytes plus =', () => {
    const ids = new Set(Array.from({ length: 2000 }, awsId))
    expect(ids.size).toBe(2000)
    for (const id of ids) expect(id).toMatch(/^[A-Za-z0-9_-]{15}=$/)
    expect([...ids].some((id) => /[-_]/.test(id))).toBe(true)
  })

  it('derives stable UUIDs and ASIA access keys', () => {
    expect(stableUuid('a')).toBe(stableUuid('a'))
    expect(stableUuid('a')).not.toBe(stableUuid('b'))
    expect(stableUuid('a')).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)
    expect(temporaryAccessKeyId()).toMatch(/^ASIA[A-Z2-7]{16}$/)
  })
})

describe('Lambda events', () => {
  const api = { apiId: 'abcd123456', stage: 'prod', domainName: 'h:1' }
  const conn = {
    connectionId: 'AAAAAAAAAAAAAAA=',
    connectedAt: 1707502303419,
    identity: { sourceIp: '192.0.2.1' },
    host: 'h:1',
  }

  it('formats requestTime in Common Log Format, UTC', () => {
    expect(clfTime(Date.UTC(2024, 1, 9, 18, 11, 43))).toBe('09/Feb/2024:18:11:43 +0000')
    expect(clfTime(Date.UTC(2024, 0, 20, 1, 2, 3))).toBe('20/Jan/2024:01:02:03 +0000')
  })

  it('CONNECT: handshake headers without hop-by-hop ones, query only when present', () => {
    const hs = {
      rawHeaders: ['Host', 'h:1', 'Connection', 'Upgrade', 'Upgrade', 'websocket', 'X-Multi', 'a', 'X-Multi', 'b'],
      rawQuery: '',
      forwardedFor: '192.0.2.1',
      forwardedPort: 1,
      forwardedProto: 'http' as const,
      traceId: 'Root=1-x-y',
    }
    const event = connectEvent(api, conn, 'BBBBBBBBBBBBBBB=', 1707502303420, hs)
    expect(event.headers).toEqual({
      Host: 'h:1',
      'X-Multi': 'b',
      'X-Amzn-Trace-Id': 'Root=1-x-y',
      'X-Forwarded-For': '192.0.2.1',
      'X-Forwarded-Port': '1',
      'X-Forwarded-Proto': 'http',
    })
    expect(event.multiValueHeaders!['X-Multi']).toEqual(['a', 'b'])
    expect('queryStringParameters' in event).toBe(false)
    expect(event.requestContext).toEqual({
      routeKey: '$connect',
      eventType: 'CONNECT',
      extendedRequestId: 'BBBBBBBBBBBBBBB=',
      requestTime: '09/Feb/2024:18:11:43 +0000',
      messageDirection: 'IN',
      stage: 'prod',
      connectedAt: 1707502303419,
      requestTimeEpoch: 1707502303420,
      identity: { sourceIp: '192.0.2.1' },
      requestId: 'BBBBBBBBBBBBBBB=',
      domainName: 'h:1',
      connectionId: 'AAAAAAAAAAAAAAA=',
      apiId: 'abcd123456',
    })
    expect(
      connectEvent(api, conn, 'x', 0, { ...hs, rawQuery: 'a=1&a=2&b=%20' }).multiValueQueryStringParameters,
    ).toEqual({ a: ['1', '2'], b: [' '] })
  })

  it('MESSAGE: body, messageId right after routeKey, no headers', () => {
    const event = messageEvent(api, conn, 'echo', 'RRRRRRRRRRRRRRR=', 'MMMMMMMMMMMMMMM=', 1707502305000, 'hi')
    expect(Object.keys(event.requestContext).slice(0, 2)).toEqual(['routeKey', 'messageId'])
    expect(event).toMatchObject({
      body: 'hi',
      isBase64Encoded: false,
      requestContext: { routeKey: 'echo', eventType: 'MESSAGE', messageId: 'MMMMMMMMMMMMMMM=' },
    })
    expect(event).not.toHaveProperty('headers')
  })

  it('DISCONNECT: the fixed header set and the close status', () => {
    const event = disconnectEvent(api, conn, 'DDDDDDDDDDDDDDD=', 1707502308326, { code: 1001, reason: '' })
    expect(event.headers).toEqual({ Host: 'h:1', 'x-api-key': '', 'X-Forwarded-For': '', 'x-restapi': '' })
    expect(event.requestContext).toMatchObject({
      routeKey: '$disconnect',
      eventType: 'DISCONNECT',
      disconnectStatusCode: 1001,
      disconnectReason: '',
    })
    expect(event.requestContext.messageId).toBeUndefined()
  })
})

describe('FrameWatcher', () => {
  const frame = (opcode: number, length: number, fin = true, mask = true) => {
    const head: number[] = [(fin ? 0x80 : 0) | opcode]
    if (length < 126) head.push((mask ? 0x80 : 0) | length)
    else if (length < 65536) head.push((mask ? 0x80 : 0) | 126, length >> 8, length & 255)
    else
      head.push(
        (mask ? 0x80 : 0) | 127,
        0,
        0,
        0,
        0,
        (length >>> 24) & 255,
        (length >> 16) & 255,
        (length >> 8) & 255,
        length & 255,
      )
    if (mask) head.push(1, 2, 3, 4)
    return Buffer.concat([Buffer.from(head), Buffer.alloc(length, 120)])
  }
  const watch = (chunks: Buffer[], maxFrame = 100, maxMessage = 250) => {
    const found: FrameViolation[] = []
    const w = new FrameWatcher(maxFrame, maxMessage, (v) => found.push(v))
    for (const c of chunks) w.push(c)
    return found
  }

  it('passes frames within the limits, even split byte by byte', () => {
    const bytes = Buffer.concat([frame(1, 100), frame(9, 4), frame(1, 10, false), frame(0, 100, false), frame(0, 100)])
    expect(watch([bytes])).toEqual([])
    expect(watch([...bytes].map((b) => Buffer.from([b])))).toEqual([])
  })

  it('reports binary frames, oversize frames (16- and 64-bit lengths) and oversize fragmented messages', () => {
    expect(watch([frame(2, 3)])).toEqual([{ kind: 'binary' }])
    expect(watch([frame(1, 101)])).toEqual([{ kind: 'frameTooLarge', bytes: 101 }])
    expect(watch([frame(1, 70_000).subarray(0, 20)], 65_536, 1e9)).toEqual([{ kind: 'frameTooLarge', bytes: 70_000 }])
    expect(watch([frame(1, 100, false), frame(0, 100, false), frame(0, 100)])).toEqual([
      { kind: 'messageTooLarge', bytes: 300 },
    ])
  })
})

describe('options', () => {
  it('has the documented defaults', () => {
    const o = resolveOptions()
    expect(o).toMatchObject({
      port: 4001,
      host: '127.0.0.1',
      stage: 'dev',
      region: 'us-east-1',
      apiId: 'localapi01',
      idleTimeout: 600,
      maxDuration: 7200,
      auth: 'none',
      cors: true,
      integrationTimeoutMs: 29_000,
      idleCloseCode: 1001,
      idleCloseReason: 'Going away',
      pingCountsAsActivity: false,
      maxFrameBytes: 32_768,
      maxMessageBytes: 131_072,
      newConnectionsPerSecond: 500,
      credentialsLifetime: 3600,
    })
    expect(o.identityPools).toEqual(['us-east-1:00000000-0000-4000-8000-000000000000'])
    expect(resolveOptions({ region: 'ap-northeast-1' }).identityPools).toEqual([
      'ap-northeast-1:00000000-0000-4000-8000-000000000000',
    ])
  })

  it('rejects bad values with one-line messages', () => {
    expect(() => resolveOptions({ port: 70000 })).toThrow(OptionError)
    expect(() => resolveOptions({ idleTimeout: 0 })).toThrow(
      new OptionError('idle-timeout must be a number from 0.001 to 2147483 seconds, got 0'),
    )
    expect(() => resolveOptions({ port: 1.5 })).toThrow(/port must be a whole number from 0 to 65535, got 1.5/)
    expect(() => resolveOptions({ idleCloseCode: 1005 })).toThrow(/close code/)
    expect(() => resolveOptions({ stage: 'a/b' })).toThrow(/stage/)
    expect(() => resolveOptions({ identityPools: ['nope'] })).toThrow(/identity pool/)
    expect(() => resolveOptions({ region: 'mars' })).toThrow(/region/)
  })
})

describe('CLI arguments', () => {
  it('parses every kind of flag, fractional seconds included', () => {
    const parsed = parseArgs([
      '--port',
      '0',
      '--idle-timeout=0.5',
      '--max-duration',
      '1.5',
      '--auth',
      'iam',
      '--cors',
      'off',
      '--identity-pool',
      'eu-west-1:1',
      '--identity-pool',
      'eu-west-1:2',
      '--credential',
      'AKIA1:secret:tok',
      '--ping-counts-as-activity',
      'on',
      '--no-default-handlers',
      '--quiet',
    ])
    expect(parsed).toEqual({
      help: false,
      options: {
        port: 0,
        idleTimeout: 0.5,
        maxDuration: 1.5,
        auth: 'iam',
        cors: false,
        identityPools: ['eu-west-1:1', 'eu-west-1:2'],
        credentials: [{ accessKeyId: 'AKIA1', secretAccessKey: 'secret', sessionToken: 'tok' }],
        pingCountsAsActivity: true,
        defaultHandlers: false,
        quiet: true,
      },
    })
    expect(parseArgs(['--port', '1', '--help'])).toEqual({ help: true })
  })

  it('--parameter-overrides takes pairs up to the next flag, in the forms sam deploy accepts', () => {
    expect(
      parseArgs([
        '--parameter-overrides',
        'StageName=qa',
        'Greeting=a=b c',
        'ParameterKey=Loud,ParameterValue=no',
        '--port',
        '0',
        '--parameter-overrides=Extra=1 More=2',
      ]),
    ).toEqual({
      help: false,
      options: {
        parameterOverrides: { StageName: 'qa', Greeting: 'a=b c', Loud: 'no', Extra: '1', More: '2' },
        port: 0,
      },
    })
    expect(() => parseArgs(['--parameter-overrides', 'StageName'])).toThrow(
      new UsageError(
        '--parameter-overrides takes KEY=VALUE pairs (KEY letters and digits, as a template parameter\'s name), got "StageName"',
      ),
    )
    expect(() => parseArgs(['--parameter-overrides', '=x'])).toThrow(/takes KEY=VALUE pairs .* got "=x"/)
    expect(() => parseArgs(['--parameter-overrides', 'my-key=1'])).toThrow(/got "my-key=1"/)
    expect(() => parseArgs(['--parameter-overrides', '--port', '1'])).toThrow(/--parameter-overrides needs a value/)
    expect(() => resolveOptions({ parameterOverrides: { A: '1' } })).toThrow(
      'parameter-overrides needs --backend (a SAM/CloudFormation template)',
    )
  })

  it('explains bad flags in one line', () => {
    expect(() => parseArgs(['--nope'])).toThrow(new UsageError('unknown flag --nope (see --help)'))
    expect(() => parseArgs(['--port'])).toThrow(/--port needs a value/)
    expect(() => parseArgs(['--port', 'x'])).toThrow(/whole number/)
    expect(() => parseArgs(['--auth', 'token'])).toThrow(/--auth must be none or iam/)
    expect(() => parseArgs(['--cors', 'maybe'])).toThrow(/on or off/)
    expect(() => parseArgs(['stray'])).toThrow(/unexpected argument/)
  })

  it('documents every flag of the option table in --help, with its default and range', () => {
    const text = helpText()
    for (const row of OPTION_TABLE) expect(text).toContain(`--${row.flag}`)
    expect(text).toMatch(/--idle-timeout S +close after .*\(default 600; 0\.001 to 2147483 seconds\)/)
  })

  it('every numeric flag has a range, and its default is inside it', () => {
    const defaults = resolveOptions() as unknown as Record<string, unknown>
    for (const row of OPTION_TABLE.filter((r) => r.kind === 'int' || r.kind === 'number')) {
      expect(row.min, row.flag).toBeDefined()
      expect(row.max, row.flag).toBeDefined()
      expect(defaults[row.key], row.flag).toBeGreaterThanOrEqual(row.min!)
      expect(defaults[row.key], row.flag).toBeLessThanOrEqual(row.max!)
      // One past each end is refused at start-up with the flag's name.
      expect(() => resolveOptions({ [row.key]: row.max! + 1 }), row.flag).toThrow(new RegExp(`^${row.flag} must be`))
      expect(() => resolveOptions({ [row.key]: row.min! - 1 }), row.flag).toThrow(new RegExp(`^${row.flag} must be`))
    }
  })

  it("the README's flag table is the option table's (npm run gateway:readme rewrites it)", () => {
    const readme = readFileSync(fileURLToPath(new URL('../README.md', import.meta.url)), 'utf8')
    const section = /<!-- flags:start[^>]*-->\n([\s\S]*?)\n<!-- flags:end -->/.exec(readme)?.[1]
    expect(section).toBe(readmeFlagTable())
  })
})

describe('bounded state', () => {
  it('the credential store caps its size by refusing new keys, never by dropping valid ones', () => {
    const clock = new FakeClock()
    const store = new CredentialStore([], 100, clock, 30)
    const key = (_i?: number) => ({ secretAccessKey: 's', expiresAt: clock.now() + 60_000, source: 't' })
    const results: string[] = []
    for (let i = 0; i < 250; i++) results.push(store.issue(`K${i}`, key(i), `identity-${i % 5}`))
    expect(store.size).toBe(100)
    expect(results.filter((r) => r === 'issued')).toHaveLength(100)
    expect(results.at(-1)).toBe('full')
    expect(store.lookup('K0')).toBeDefined()
    expect(store.lookup('K249')).toBeUndefined()
    expect(store.lookup(LAMBDA_ROLE_CREDENTIALS.accessKeyId)).toMatchObject({
      secretAccessKey: LAMBDA_ROLE_CREDENTIALS.secretAccessKey,
    })
    // One identity gets at most its share, however empty the store is.
    const small = new CredentialStore([], 100, clock, 30)
    for (let i = 0; i < 40; i++) small.issue(`S${i}`, key(i), 'flooder')
    expect(small.heldBy('flooder')).toBe(30)
    expect(small.issue('V', key(0), 'victim')).toBe('issued')
    expect(small.issue('S41', key(0), 'flooder')).toBe('identity-full')
    // Expired keys make room (kept an hour only while there is room, so a late request reads "expired").
    clock.advance(60_001)
    expect(store.issue('NEW', key(0), 'identity-0')).toBe('issued')
    expect(store.lookup('K0')).toBeUndefined()
    expect(small.lookup('S0')).toBeDefined()
    expect(small.issue('S42', key(0), 'flooder')).toBe('issued')
    expect(small.heldBy('flooder')).toBe(1)
  })

  it('the token bucket allows a second of burst then the rate', () => {
    const clock = new FakeClock()
    const bucket = new TokenBucket(10, clock)
    let allowed = 0
    for (let i = 0; i < 20; i++) if (bucket.take()) allowed++
    expect(allowed).toBe(10)
    clock.advance(50)
    expect(bucket.take()).toBe(false)
    clock.advance(50)
    expect(bucket.take()).toBe(true)
    expect(bucket.take()).toBe(false)
    expect(new TokenBucket(0).take()).toBe(true)
  })
})

describe('LogLimiter', () => {
  it('logs a burst, then refills per second; lines left out (also counted elsewhere) are reported once', () => {
    const clock = new FakeClock(0)
    const out: string[] = []
    const limiter = new LogLimiter((line) => out.push(line), clock, 2, 1)
    for (let i = 1; i <= 4; i++) limiter.line('c1', `line ${i}`, 'info')
    limiter.leftOut('c1', 10, 'info')
    expect(out).toEqual(['line 1', 'line 2'])
    clock.advance(1000)
    limiter.line('c1', 'line 5', 'info')
    expect(out).toEqual(['line 1', 'line 2', '12 more line(s) about c1 left out', 'line 5'])
    limiter.leftOut('c1', 3, 'error')
    limiter.flush('c1')
    expect(out.slice(4)).toEqual(['3 more line(s) about c1 left out'])
    expect(limiter.size).toBe(0)
  })
})

describe('displayPath', () => {
  it('is relative inside the current directory and absolute outside it, never a climb of ../', () => {
    expect(displayPath('/home/me/app/src/handler.mjs', '/home/me/app')).toBe('src/handler.mjs')
    expect(displayPath('src/../serverless.yml', '/home/me/app')).toBe('serverless.yml')
    expect(displayPath('/home/me/app', '/home/me/app')).toBe('.')
    expect(displayPath('/tmp/other/serverless.yml', '/home/me/app')).toBe('/tmp/other/serverless.yml')
    expect(displayPath('../other/t.yaml', '/home/me/app')).toBe('/home/me/other/t.yaml')
    // A sibling whose name starts with the directory's is outside it.
    expect(displayPath('/home/me/app2/t.yaml', '/home/me/app')).toBe('/home/me/app2/t.yaml')
    expect(displayPath('..foo/t.yaml', '/home/me/app')).toBe('..foo/t.yaml')
  })
})
