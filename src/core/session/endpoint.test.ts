import { describe, expect, it } from 'vitest'
import { checkEndpoint, checkSubprotocols, describeEndpoint, rememberEndpoint, withoutSecrets } from './endpoint'

describe('checkEndpoint', () => {
  it('accepts ws and wss URLs and keeps the query string as typed', () => {
    expect(checkEndpoint('ws://127.0.0.1:4001/dev')).toEqual({ ok: true, url: 'ws://127.0.0.1:4001/dev', warnings: [] })
    const aws = checkEndpoint(' wss://abcde12345.execute-api.us-east-1.amazonaws.com/prod?token=a%20b&x=1 ')
    expect(aws).toMatchObject({
      ok: true,
      url: 'wss://abcde12345.execute-api.us-east-1.amazonaws.com/prod?token=a%20b&x=1',
    })
  })

  it.each([
    ['', /Enter a WebSocket URL/],
    ['http://127.0.0.1:4001/dev', /HTTP URL.*ws:\/\//],
    ['https://abc.example.com/prod', /HTTPS URL.*wss:\/\//],
    ['wss://', /not a valid URL|no host/],
    ['ws:///dev', /not a valid URL|no host/],
    ['wss://exa mple.com/prod', /spaces/],
    ['wws://example.com/prod', /not a valid scheme/],
    ['wss//example.com/prod', /mistyped/],
    ['ws:/example.com', /not a valid scheme/],
    ['ftp://example.com', /Unknown scheme/],
    ['example.com/prod', /no scheme/],
    ['wss://example.com/prod#frag', /fragment/],
    ['wss://user:pw@example.com/prod', /Credentials/],
  ])('explains %j', (input, message) => {
    const result = checkEndpoint(input)
    expect(result.ok).toBe(false)
    if (!result.ok) expect(result.error).toMatch(message)
  })

  it('suggests a fix where it can', () => {
    expect(checkEndpoint('https://a.b/prod')).toMatchObject({ suggestion: 'wss://a.b/prod' })
    expect(checkEndpoint('wws://a.b/prod')).toMatchObject({ suggestion: 'wss://a.b/prod' })
    expect(checkEndpoint('localhost:4001/dev')).toMatchObject({ suggestion: 'ws://localhost:4001/dev' })
    expect(checkEndpoint('abc.execute-api.us-east-1.amazonaws.com/prod')).toMatchObject({
      suggestion: 'wss://abc.execute-api.us-east-1.amazonaws.com/prod',
    })
  })

  it('explains a stray % (which would make decoding throw) and suggests %25', () => {
    for (const url of ['ws://127.0.0.1:4001/dev?a%=1', 'ws://h/dev?x=50%', 'ws://h/de%zv']) {
      const check = checkEndpoint(url)
      expect(check, url).toMatchObject({
        ok: false,
        error: expect.stringMatching(/% that is not followed by two hex digits/),
      })
      if (check.ok) throw new Error()
      expect(checkEndpoint(check.suggestion!).ok).toBe(true)
    }
    expect(checkEndpoint('ws://h/dev?a%20b=1').ok).toBe(true)
  })

  it('warns about a missing stage and mixed content', () => {
    const noStage = checkEndpoint('wss://abcde12345.execute-api.us-east-1.amazonaws.com')
    expect(noStage.ok && noStage.warnings[0]).toMatch(/stage/)
    const mixed = checkEndpoint('ws://example.com/dev', true)
    expect(mixed.ok && mixed.warnings[0]).toMatch(/mixed content/)
    expect(checkEndpoint('ws://127.0.0.1:4001/dev', true)).toMatchObject({ warnings: [] })
  })
})

describe('describeEndpoint', () => {
  it('recognises execute-api hosts, loopback and others', () => {
    expect(describeEndpoint('wss://abcde12345.execute-api.ap-northeast-1.amazonaws.com/prod')).toEqual({
      kind: 'aws',
      host: 'abcde12345.execute-api.ap-northeast-1.amazonaws.com',
      apiId: 'abcde12345',
      region: 'ap-northeast-1',
      stage: 'prod',
    })
    expect(describeEndpoint('ws://127.0.0.1:4001/dev')).toMatchObject({ kind: 'local', stage: 'dev' })
    expect(describeEndpoint('wss://ws.example.com/')).toMatchObject({ kind: 'other', stage: undefined })
  })
})

describe('subprotocols', () => {
  it('splits on commas and refuses invalid or duplicate tokens', () => {
    expect(checkSubprotocols(' graphql-ws, json ')).toEqual({ ok: true, protocols: ['graphql-ws', 'json'] })
    expect(checkSubprotocols('')).toEqual({ ok: true, protocols: [] })
    expect(checkSubprotocols('a b')).toMatchObject({ ok: false })
    expect(checkSubprotocols('a,a')).toMatchObject({ ok: false, error: expect.stringContaining('twice') })
  })
})

describe('remembered endpoints', () => {
  it('are most-recent-first, unique, bounded and never keep signatures or tokens', () => {
    const signed =
      'wss://abcde12345.execute-api.us-east-1.amazonaws.com/prod?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=ASIA%2F20260101&X-Amz-Security-Token=SECRET&X-Amz-Signature=abc&room=1'
    expect(withoutSecrets(signed)).toBe('wss://abcde12345.execute-api.us-east-1.amazonaws.com/prod?room=1')
    let list = rememberEndpoint([], 'ws://a/dev')
    list = rememberEndpoint(list, 'ws://b/dev')
    list = rememberEndpoint(list, 'ws://a/dev')
    expect(list).toEqual(['ws://a/dev', 'ws://b/dev'])
    list = rememberEndpoint(list, signed, 2)
    expect(list).toEqual(['wss://abcde12345.execute-api.us-east-1.amazonaws.com/prod?room=1', 'ws://a/dev'])
    expect(list.join()).not.toContain('SECRET')
  })
})
