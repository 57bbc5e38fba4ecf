import { describe, expect, it } from 'vitest'
import { execFileSync } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { cliCommand, decodePayload, shellQuote } from './aws-cli'
import { findConnectionIds, isConnectionId } from './connection-ids'
import { KnownConnectionIds } from './known-ids'
import { explainManagementError, manageConnectionsPolicy } from './management-errors'
import { checkManagementEndpoint, connectionUrl, managementEndpointFor } from './management-endpoint'

describe('management endpoint derivation', () => {
  it('maps execute-api URLs to https with the stage', () => {
    expect(managementEndpointFor('wss://abcde12345.execute-api.ap-northeast-1.amazonaws.com/prod')).toEqual({
      endpoint: 'https://abcde12345.execute-api.ap-northeast-1.amazonaws.com/prod',
      kind: 'aws',
      region: 'ap-northeast-1',
      apiId: 'abcde12345',
      stage: 'prod',
    })
    expect(managementEndpointFor('wss://abcde12345.execute-api.us-east-1.amazonaws.com/prod/?token=x')?.endpoint).toBe(
      'https://abcde12345.execute-api.us-east-1.amazonaws.com/prod',
    )
  })

  it('keeps custom domains without a stage, and the local gateway over http', () => {
    expect(managementEndpointFor('wss://ws.example.com/')).toMatchObject({
      endpoint: 'https://ws.example.com',
      kind: 'custom-domain',
    })
    expect(managementEndpointFor('wss://ws.example.com/chat')).toMatchObject({
      endpoint: 'https://ws.example.com/chat',
    })
    expect(managementEndpointFor('ws://127.0.0.1:4001/dev')).toMatchObject({
      endpoint: 'http://127.0.0.1:4001/dev',
      kind: 'local',
      stage: 'dev',
    })
    expect(managementEndpointFor('http://x')).toBeUndefined()
  })

  it('percent-encodes ids containing = and keeps - and _', () => {
    expect(connectionUrl('https://a.b/prod/', 'JC1dgf9yoAMCK-g=')).toBe(
      'https://a.b/prod/@connections/JC1dgf9yoAMCK-g%3D',
    )
    expect(connectionUrl('http://127.0.0.1:4001/dev', 'HXT_RfBnPHcCIIg=')).toBe(
      'http://127.0.0.1:4001/dev/@connections/HXT_RfBnPHcCIIg%3D',
    )
  })

  it('checks edited endpoints', () => {
    expect(checkManagementEndpoint('wss://a.b/prod')).toMatch(/https:\/\//)
    expect(checkManagementEndpoint('https://a.b/prod/@connections')).toMatch(/Leave out/)
    expect(checkManagementEndpoint('https://a.b/prod')).toBeUndefined()
  })
})

describe('connection ids', () => {
  it('recognises the AWS format', () => {
    expect(isConnectionId('L0SM9cOFvHcCIhw=')).toBe(true)
    expect(isConnectionId('JC1dgf9yoAMCK-g=')).toBe(true)
    expect(isConnectionId('not-an-id')).toBe(false)
  })

  it('finds connectionId fields in JSON messages, nested too', () => {
    expect(
      findConnectionIds(
        '{"endpoint":"x","connectionId":"L0SM9cOFvHcCIhw=","request":{"requestContext":{"connectionId":"L0SM9cOFvHcCIhw="}}}',
      ),
    ).toEqual(['L0SM9cOFvHcCIhw='])
    expect(findConnectionIds('{"from":{"connectionId":"A"},"to":[{"connectionId":"B"}]}')).toEqual(['A', 'B'])
    expect(findConnectionIds('connectionId=abc')).toEqual([])
    expect(findConnectionIds('{"connectionId": 5}')).toEqual([])
    // Past API Gateway's 128 KB a message is not parsed at all.
    expect(findConnectionIds(`{"connectionId":"A","pad":"${'x'.repeat(128 * 1024)}"}`)).toEqual([])
  })
})

describe('known connection ids', () => {
  it('keeps each API its own ids, newest first, without repeats', () => {
    const known = new KnownConnectionIds()
    expect(known.add('http://127.0.0.1:4001/dev', 'AAAAAAAAAAAAAAA=')).toBe(true)
    expect(known.add('http://127.0.0.1:4001/dev', 'BBBBBBBBBBBBBBB=')).toBe(true)
    expect(known.add('http://127.0.0.1:4001/dev', 'AAAAAAAAAAAAAAA=')).toBe(false)
    expect(known.add('https://x.execute-api.us-east-1.amazonaws.com/prod', 'CCCCCCCCCCCCCCC=')).toBe(true)
    expect(known.list('http://127.0.0.1:4001/dev')).toEqual(['BBBBBBBBBBBBBBB=', 'AAAAAAAAAAAAAAA='])
    expect(known.list('https://x.execute-api.us-east-1.amazonaws.com/prod')).toEqual(['CCCCCCCCCCCCCCC='])
    expect(known.has('https://x.execute-api.us-east-1.amazonaws.com/prod', 'AAAAAAAAAAAAAAA=')).toBe(false)
    expect(known.list('http://127.0.0.1:4002/dev')).toEqual([])
    expect(known.list(undefined)).toEqual([])
  })

  it('is bounded in ids per API and in APIs, forgetting the least recently used API', () => {
    const known = new KnownConnectionIds(3, 2)
    for (let i = 0; i < 5; i++) known.add('a', `id${i}`)
    expect(known.list('a')).toEqual(['id4', 'id3', 'id2'])
    known.add('b', 'x')
    known.add('a', 'id5') // a is now the most recently used
    known.add('c', 'y')
    expect(known.list('b')).toEqual([])
    expect(known.list('a')).toEqual(['id5', 'id4', 'id3'])
    expect(known.list('c')).toEqual(['y'])
  })
})

describe('the AWS CLI equivalent', () => {
  it('renders post-to-connection with raw text', () => {
    expect(
      cliCommand(
        { op: 'PostToConnection', connectionId: 'L0SM9cOFvHcCIhw=', data: new Uint8Array(), text: `it's {"a":1}` },
        'https://x/prod',
        'us-east-1',
      ),
    ).toBe(
      [
        'aws apigatewaymanagementapi post-to-connection',
        "  --endpoint-url 'https://x/prod'",
        "  --region 'us-east-1'",
        "  --connection-id 'L0SM9cOFvHcCIhw='",
        `  --data 'it'\\''s {"a":1}'`,
        '  --cli-binary-format raw-in-base64-out',
      ].join(' \\\n'),
    )
  })

  it('renders bytes as base64, and the other verbs', () => {
    expect(
      cliCommand({ op: 'PostToConnection', connectionId: 'a=', data: new Uint8Array([0xde, 0xad]) }, 'https://x/p'),
    ).toContain("--data '3q0='")
    expect(cliCommand({ op: 'GetConnection', connectionId: 'a=' }, 'https://x/p')).toMatch(
      /^aws apigatewaymanagementapi get-connection/,
    )
    expect(cliCommand({ op: 'DeleteConnection', connectionId: 'a=' }, 'https://x/p')).toMatch(/delete-connection/)
    expect(shellQuote('$HOME')).toBe(`'$HOME'`)
  })

  it('quotes every value so that a POSIX shell passes hostile text through as plain arguments', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cli-quote-'))
    const marker = join(dir, 'pwned')
    const hostile = [
      `$(touch ${marker})`,
      `\`touch ${marker}\``,
      `'; touch ${marker}; '`,
      `a"b'c\\d`,
      `x\ny; touch ${marker}`,
      `!$HOME *`,
      ' ',
    ]
    for (const value of hostile) {
      const calls = [
        cliCommand({ op: 'PostToConnection', connectionId: value, data: new Uint8Array(), text: value }, value, value),
        cliCommand({ op: 'GetConnection', connectionId: value }, value, value),
      ]
      for (const command of calls) {
        // A stand-in `aws` that prints each argument it got, NUL-separated, so we see exactly what the shell passed.
        const out = execFileSync('sh', ['-c', `aws() { printf '%s\\0' "$@"; }\n${command}`], { encoding: 'utf8' })
        const args = out.split('\0').slice(0, -1)
        for (const flag of ['--endpoint-url', '--connection-id', '--region']) {
          expect(args[args.indexOf(flag) + 1], `${flag} for ${JSON.stringify(value)}`).toBe(value)
        }
        if (command.includes('post-')) expect(args[args.indexOf('--data') + 1]).toBe(value)
      }
    }
    expect(existsSync(marker)).toBe(false)
    rmSync(dir, { recursive: true, force: true })
  })

  it('decodes text, JSON, base64 and hex payloads, and explains bad ones', () => {
    expect(decodePayload('hé', 'text')).toMatchObject({ ok: true, text: 'hé' })
    expect(decodePayload('{"a":', 'json')).toMatchObject({ ok: false })
    const hex = decodePayload('48 65 6c 6c 6f', 'hex')
    expect(hex.ok && new TextDecoder().decode(hex.bytes)).toBe('Hello')
    const b64 = decodePayload('SGVsbG8=', 'base64')
    expect(b64.ok && new TextDecoder().decode(b64.bytes)).toBe('Hello')
    expect(decodePayload('abc', 'hex')).toMatchObject({ ok: false })
    expect(decodePayload('@@', 'base64')).toMatchObject({ ok: false })
  })
})

describe('management error explanations', () => {
  const ctx = { op: 'PostToConnection' as const, region: 'us-east-1', apiId: 'abcde12345', stage: 'prod' }

  it('explains GoneException by name or status', () => {
    expect(explainManagementError({ name: 'GoneException' }, ctx).kind).toBe('gone')
    expect(explainManagementError({ status: 410 }, ctx).title).toMatch(/closed, or never existed/)
  })

  it('gives the IAM statement that would allow ManageConnections', () => {
    const e = explainManagementError(
      { name: 'AccessDeniedException', message: 'User is not authorized to perform: execute-api:ManageConnections' },
      ctx,
    )
    expect(e.kind).toBe('forbidden')
    expect(JSON.parse(e.policy!)).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Action: 'execute-api:ManageConnections',
          Resource: 'arn:aws:execute-api:us-east-1:*:abcde12345/prod/*/@connections/*',
        },
      ],
    })
    expect(manageConnectionsPolicy({})).toContain('arn:aws:execute-api:*:*:*/*/*/@connections/*')
  })

  it('tells a forged signature, expired credentials, size and throttling apart', () => {
    expect(
      explainManagementError(
        { name: 'ForbiddenException', message: 'The request signature we calculated does not match' },
        ctx,
      ).title,
    ).toMatch(/signature/)
    expect(
      explainManagementError(
        { name: 'ExpiredTokenException', message: 'The security token included in the request is expired' },
        ctx,
      ).kind,
    ).toBe('expired')
    expect(explainManagementError({ name: 'PayloadTooLargeException' }, ctx).kind).toBe('too-large')
    expect(explainManagementError({ name: 'LimitExceededException' }, ctx).kind).toBe('throttled')
  })

  it('tells a signature for the wrong region apart from a permission error', () => {
    const scope = explainManagementError(
      {
        name: 'ForbiddenException',
        status: 403,
        message: "Credential should be scoped to a valid region, not 'eu-west-1'. ",
      },
      ctx,
    )
    expect(scope.kind).toBe('signature-scope')
    expect(scope.policy).toBeUndefined()
    expect(scope.text).toMatch(/not a permissions problem/)
    expect(
      explainManagementError(
        {
          name: 'ForbiddenException',
          status: 403,
          message: 'Signature expired: 20260101T000000Z is now earlier than …',
        },
        ctx,
      ).kind,
    ).toBe('signature-scope')
  })

  it('gives advice for the credential source', () => {
    const expired = { name: 'ExpiredTokenException', message: 'The security token included in the request is expired' }
    expect(explainManagementError(expired, { ...ctx, source: 'keys' }).text).toMatch(/export-credentials/)
    expect(explainManagementError(expired, { ...ctx, source: 'server' }).text).toMatch(/aws sso login/)
    expect(explainManagementError(expired, { ...ctx, source: 'cognito' }).text).toMatch(/Cognito/)
    const sso = explainManagementError(
      {
        name: 'SignerUnavailable',
        message:
          'The SSO session associated with this profile has expired or is otherwise invalid. To refresh this SSO session run aws sso login with the corresponding profile.',
      },
      { ...ctx, source: 'server', profile: 'dev' },
    )
    expect(sso).toMatchObject({ kind: 'sso-login', text: expect.stringContaining('aws sso login --profile dev') })
    expect(
      explainManagementError(
        { name: 'ForbiddenException', status: 403, message: 'Missing Authentication Token' },
        { ...ctx, source: 'none' },
      ).kind,
    ).toBe('unsigned')
    const denied = explainManagementError(
      { name: 'AccessDeniedException', status: 403, message: 'not authorized' },
      { ...ctx, source: 'keys' },
    )
    expect(denied.text).toMatch(/IAM user or role these keys belong to/)
  })

  it('tells CORS from an unreachable server', () => {
    expect(
      explainManagementError({ name: 'TypeError', message: 'Failed to fetch' }, { ...ctx, reachable: true }).kind,
    ).toBe('cors')
    expect(
      explainManagementError({ name: 'TypeError', message: 'Failed to fetch' }, { ...ctx, reachable: false }).kind,
    ).toBe('network')
  })
})
