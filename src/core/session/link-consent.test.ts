import { describe, expect, it } from 'vitest'
import {
  MAX_ALLOWED_ORIGINS,
  addressWithoutSecrets,
  consentNeeded,
  endpointOrigin,
  rememberOrigin,
} from './link-consent'

const none = { allowedOrigins: [], scripted: false }

describe('link consent', () => {
  it('keys "always allow" by scheme, host and port', () => {
    expect(endpointOrigin('ws://127.0.0.1:4001/dev?room=1')).toBe('ws://127.0.0.1:4001')
    expect(endpointOrigin('wss://ABC.execute-api.us-east-1.amazonaws.com/prod')).toBe(
      'wss://abc.execute-api.us-east-1.amazonaws.com',
    )
    expect(endpointOrigin('ws://127.0.0.1:4001/dev')).not.toBe(endpointOrigin('ws://127.0.0.1:4002/dev'))
    expect(endpointOrigin('not a url')).toBeUndefined()
    expect(endpointOrigin('')).toBeUndefined()
  })

  it('asks before connecting, naming the endpoint with its credentials masked', () => {
    const request = consentNeeded('wss://a.example/prod?X-Amz-Security-Token=SECRET&room=1', { connect: true }, none)
    expect(request?.question).toBe('Connect to wss://a.example/prod?X-Amz-Security-Token=REDACTED&room=1?')
    expect(request?.origins).toEqual(['wss://a.example'])
    expect(JSON.stringify(request)).not.toContain('SECRET')
  })

  it('names the experiment and its runs', () => {
    const experiment = { title: 'Idle timeout', runs: 3 }
    expect(consentNeeded('ws://h:1/dev', { connect: false, experiment }, none)?.question).toBe(
      'Start the experiment “Idle timeout” (3 runs), which opens its own connections to ws://h:1/dev?',
    )
    expect(
      consentNeeded('ws://h:1/dev', { connect: true, experiment: { ...experiment, runs: 1 } }, none)?.question,
    ).toBe(
      'Connect to ws://h:1/dev and start the experiment “Idle timeout” (1 run), which opens its own connections to ws://h:1/dev?',
    )
  })

  it('does not ask when the link asks nothing, a script opted in, or the origin is always allowed', () => {
    expect(consentNeeded('ws://h:1/dev', { connect: false }, none)).toBeUndefined()
    expect(consentNeeded('ws://h:1/dev', { connect: true }, { ...none, scripted: true })).toBeUndefined()
    expect(consentNeeded('ws://h:1/dev', { connect: true }, { ...none, allowedOrigins: ['ws://h:1'] })).toBeUndefined()
    // Allowing one port is not allowing another, nor the secure scheme.
    expect(consentNeeded('ws://h:2/dev', { connect: true }, { ...none, allowedOrigins: ['ws://h:1'] })).toBeDefined()
    expect(consentNeeded('wss://h:1/dev', { connect: true }, { ...none, allowedOrigins: ['ws://h:1'] })).toBeDefined()
  })

  it('asks before a link starts a keepalive or runs a demo, even without connecting', () => {
    const keepalive = consentNeeded('ws://h:1/dev', { connect: false, keepalives: ['every 30 s'] }, none)
    expect(keepalive?.question).toBe('Start a keepalive every 30 s (on ws://h:1/dev, once connected)?')
    expect(consentNeeded('ws://h:1/dev', { connect: true, keepalives: ['every 30 s'] }, none)?.question).toBe(
      'Connect to ws://h:1/dev with a keepalive every 30 s?',
    )
    const demo = consentNeeded(
      ['ws://h:1/dev', 'ws://h:1/dev'],
      { connect: true, connections: 2, demo: { title: 'Keepalive vs none' }, keepalives: ['on “a” every 1 s'] },
      none,
    )
    expect(demo?.question).toBe(
      'Run the demo “Keepalive vs none”: connect 2 connections to ws://h:1/dev with a keepalive on “a” every 1 s?',
    )
    expect(demo?.proposal).toBe(demo?.question.slice(0, -1))
  })

  it('with several endpoints, names each once and goes ahead only when every origin is allowed', () => {
    const both = ['ws://h:1/dev', 'ws://h:2/dev', 'ws://h:1/dev']
    const request = consentNeeded(both, { connect: true, connections: 3 }, { ...none, allowedOrigins: ['ws://h:1'] })
    expect(request?.question).toBe('Connect 3 connections to ws://h:1/dev, ws://h:2/dev?')
    expect(request?.origins).toEqual(['ws://h:1', 'ws://h:2'])
    const allowed = { ...none, allowedOrigins: ['ws://h:1', 'ws://h:2'] }
    expect(consentNeeded(both, { connect: true, connections: 3 }, allowed)).toBeUndefined()
    // An endpoint without an origin cannot be "always allowed": only once.
    expect(consentNeeded(['ws://h:1/dev', 'nonsense'], { connect: true }, none)?.origins).toEqual([])
  })

  it('remembers each origin once, newest first, and a bounded number of them', () => {
    expect(rememberOrigin(['ws://a', 'ws://b'], 'ws://b')).toEqual(['ws://b', 'ws://a'])
    let list: string[] = []
    for (let i = 0; i < MAX_ALLOWED_ORIGINS + 10; i++) list = rememberOrigin(list, `ws://h:${i}`)
    expect(list).toHaveLength(MAX_ALLOWED_ORIGINS)
    expect(list[0]).toBe(`ws://h:${MAX_ALLOWED_ORIGINS + 9}`)
  })
})

describe('the address bar without secrets', () => {
  it('removes a presigned URL’s signature and token from the endpoint parameter, keeping the rest', () => {
    const endpoint =
      'wss://a.example/prod?room=7&X-Amz-Credential=ASIA%2F1&X-Amz-Security-Token=TOKEN&X-Amz-Signature=SIG'
    const href = `https://play.example/app/?${new URLSearchParams({ endpoint, autoconnect: '1' })}#x`
    const cleaned = addressWithoutSecrets(href)!
    const params = new URL(cleaned).searchParams
    expect(params.get('endpoint')).toBe('wss://a.example/prod?room=7')
    expect(params.get('autoconnect')).toBe('1')
    expect(cleaned).toMatch(/^https:\/\/play\.example\/app\/\?/)
    expect(cleaned).toMatch(/#x$/)
    expect(cleaned).not.toMatch(/TOKEN|SIG|ASIA/)
  })

  it('removes the page’s own token-like parameters', () => {
    expect(addressWithoutSecrets('http://h/?token=abc&profile=aws')).toBe('http://h/?profile=aws')
    expect(addressWithoutSecrets('http://h/?X-Amz-Security-Token=abc')).toBe('http://h/')
  })

  it('cleans every endpoint of a link with several, keeping their order', () => {
    const first = 'wss://a.example/prod?X-Amz-Signature=SIG'
    const href = `https://p.example/?${new URLSearchParams([
      ['endpoint', first],
      ['name', 'x'],
      ['endpoint', 'ws://b/dev'],
    ])}`
    const params = new URL(addressWithoutSecrets(href)!).searchParams
    expect([...params]).toEqual([
      ['endpoint', 'wss://a.example/prod'],
      ['name', 'x'],
      ['endpoint', 'ws://b/dev'],
    ])
  })

  it('leaves an address without secrets alone, as the user spelled it', () => {
    expect(addressWithoutSecrets('http://h/?endpoint=ws%3A%2F%2F127.0.0.1%3A4001%2Fdev&autoconnect=1')).toBeUndefined()
    expect(addressWithoutSecrets('http://h/')).toBeUndefined()
    expect(addressWithoutSecrets('http://h/?endpoint=ws://h/%zz')).toBeUndefined()
  })
})
