import { describe, expect, it } from 'vitest'
import { MAX_LINK_CONNECTIONS, linkQuery, parseLinkSetup, unknownLinkParams, type ConnectionSetup } from './url-setup'

describe('a link with several connections', () => {
  it('starts a connection at each endpoint; parameters after it are its own, before the first shared', () => {
    const link = parseLinkSetup(
      '?profile=custom&idle=1.5&max=60&endpoint=ws://a/dev&name=with+keepalive&keepalive=0.5&payload=ping' +
        '&endpoint=ws://a/dev&name=without&autoconnect=1&endpoint=ws://b/dev&profile=aws',
    )
    expect(link.problems).toEqual([])
    expect(link.autoconnect).toBe(true)
    expect(link.connections).toEqual([
      {
        endpoint: 'ws://a/dev',
        name: 'with keepalive',
        keepaliveSeconds: 0.5,
        payload: 'ping',
        profile: 'custom',
        idleSeconds: 1.5,
        maxSeconds: 60,
      },
      { endpoint: 'ws://a/dev', name: 'without', profile: 'custom', idleSeconds: 1.5, maxSeconds: 60 },
      { endpoint: 'ws://b/dev', profile: 'aws', idleSeconds: 1.5, maxSeconds: 60 },
    ])
  })

  it('lets one connection turn a shared keepalive off', () => {
    const link = parseLinkSetup('?keepalive=30&endpoint=ws://a/dev&endpoint=ws://b/dev&keepalive=off')
    expect(link.connections.map((c) => c.keepaliveSeconds)).toEqual([30, undefined])
  })

  it('reads a one-connection link as before, whatever the order of its parameters', () => {
    expect(parseLinkSetup('?keepalive=30&endpoint=ws://a/dev&name=mine').connections).toEqual([
      { endpoint: 'ws://a/dev', keepaliveSeconds: 30, name: 'mine' },
    ])
    // Without an endpoint the parameters still make one connection's set-up (for the tab's first connection).
    expect(parseLinkSetup('?profile=article').connections).toEqual([{ profile: 'article' }])
    expect(parseLinkSetup('?experiment=idle&runs=2').connections).toEqual([])
  })

  it('explains what it ignored, naming the connection', () => {
    const link = parseLinkSetup(
      '?name=shared&endpoint=ws://a/dev&keepalive=0.01&name=x&endpoint=ws://b/dev&name=X&idle=-3&profile=fast&endpoint=ws://c/dev&name=' +
        'n'.repeat(41),
    )
    expect(link.problems).toEqual([
      'Ignored name=shared before the first endpoint: a name goes after its endpoint.',
      'Connection 1: Ignored keepalive=0.01: the keepalive interval must be from 0.1 s to a day (86,400 s).',
      'Connection 2: Ignored profile=fast: use aws, article or custom.',
      'Connection 2: Ignored idle=-3: expected a positive number of seconds.',
      'Connection 2: Ignored name=X: another connection of the link has that name.',
      'Connection 3: Ignored a name of 41 characters: at most 40.',
    ])
    expect(link.connections.map((c) => c.name)).toEqual(['x', undefined, undefined])
  })

  it('ignores a keepalive over a day, and the consent never offers it', () => {
    const link = parseLinkSetup('?endpoint=ws://a/dev&keepalive=3000000')
    expect(link.problems).toEqual([
      'Ignored keepalive=3000000: the keepalive interval must be from 0.1 s to a day (86,400 s).',
    ])
    expect(link.connections).toEqual([{ endpoint: 'ws://a/dev' }])
  })

  it(`sets up at most ${MAX_LINK_CONNECTIONS} connections and says how many it left out`, () => {
    const query = Array.from({ length: MAX_LINK_CONNECTIONS + 3 }, (_, i) => `endpoint=ws://h/${i}&name=n${i}`).join(
      '&',
    )
    const link = parseLinkSetup(`?${query}`)
    expect(link.connections).toHaveLength(MAX_LINK_CONNECTIONS)
    expect(link.connections.at(-1)?.name).toBe(`n${MAX_LINK_CONNECTIONS - 1}`)
    expect(link.problems).toEqual([
      `A link sets up at most ${MAX_LINK_CONNECTIONS} connections: ignored the other 3 endpoints.`,
    ])
  })

  it('never fails on odd input: malformed escapes, empty values, a bare question mark', () => {
    for (const search of ['?a%=1&endpoint=%E0%A4%A', '?endpoint=&endpoint=', '?', '', '?&&=&demo', '?%'])
      expect(() => parseLinkSetup(search)).not.toThrow()
    expect(parseLinkSetup('?endpoint=&endpoint=ws://b/dev').connections).toEqual([{}, { endpoint: 'ws://b/dev' }])
    expect(parseLinkSetup('?demo=broadcast').demo).toBe('broadcast')
  })
})

describe('parameters a link carries that the page does not read', () => {
  it('names them once each (never their values), and nothing for a link of known ones', () => {
    expect(unknownLinkParams('?endpoint=ws://x/dev&autoconnect=1&name=a&experiment=idle&runs=2&start=1')).toEqual([])
    const [problem, ...rest] = unknownLinkParams('?connect=1&interval=SECRET&connect=2&endpoint=ws://x/dev')
    expect(rest).toEqual([])
    expect(problem).toMatch(/^Ignored connect, interval: not parameters of a playground link, which are endpoint, /)
    expect(problem).not.toContain('SECRET')
    expect(unknownLinkParams('?mode=zzz')[0]).toMatch(/^Ignored mode: not a parameter of/)
  })

  it("knows an experiment's own parameters, and bounds what it names", () => {
    expect(unknownLinkParams('?experiment=keepalive&intervalSeconds=30', ['intervalSeconds'])).toEqual([])
    const many = Array.from({ length: 300 }, (_, i) => `p${i}=1`).join('&')
    expect(unknownLinkParams(`?${many}`)[0]).toMatch(/^Ignored p0, p1, p2, p3, p4 and 295 more: /)
    expect(unknownLinkParams(`?${'k'.repeat(500)}=1&=2`)[0]).toMatch(/^Ignored k{40}…, \(a nameless parameter\): /)
    // A malformed escape is read as the browser reads it, never a crash.
    expect(unknownLinkParams('?%E0%A4%A=1')[0]).toMatch(/^Ignored \uFFFD%A: /)
  })
})

describe('writing a link for several connections', () => {
  const tab: ConnectionSetup[] = [
    {
      endpoint: 'ws://a/dev',
      name: 'with keepalive',
      keepaliveSeconds: 0.5,
      payload: '{"action":"ping"}',
      profile: 'custom',
      idleSeconds: 1.5,
      maxSeconds: 60,
      protocols: 'json',
    },
    { endpoint: 'ws://a/dev', name: 'without', profile: 'custom', idleSeconds: 1.5, maxSeconds: 60, protocols: 'json' },
    { endpoint: 'wss://b.example/prod?room=2', name: 'C & D', profile: 'aws' },
    { name: 'no endpoint yet', profile: 'article' },
  ]

  it('round-trips the set-up through the query string', () => {
    const { query, leftOut } = linkQuery(tab, { autoconnect: true })
    expect(leftOut).toEqual([])
    expect(parseLinkSetup(query)).toEqual({ connections: tab, autoconnect: true, problems: [] })
  })

  it('writes what every connection shares once, before the first endpoint', () => {
    const { query } = linkQuery(tab.slice(0, 2))
    expect([...new URLSearchParams(query)]).toEqual([
      ['protocols', 'json'],
      ['profile', 'custom'],
      ['idle', '1.5'],
      ['max', '60'],
      ['endpoint', 'ws://a/dev'],
      ['name', 'with keepalive'],
      ['keepalive', '0.5'],
      ['payload', '{"action":"ping"}'],
      ['endpoint', 'ws://a/dev'],
      ['name', 'without'],
    ])
    expect(parseLinkSetup(query).connections).toEqual(tab.slice(0, 2))
  })

  it('never carries a credential, and says which parameters it left out of which endpoints', () => {
    const { query, leftOut } = linkQuery([
      { endpoint: 'wss://a/prod?X-Amz-Security-Token=SECRET&X-Amz-Signature=s&room=1' },
      { endpoint: 'wss://b/prod?token=abc' },
    ])
    expect(query).not.toMatch(/SECRET|Signature|abc/)
    expect(leftOut).toEqual(['X-Amz-Security-Token', 'X-Amz-Signature', 'token'])
    expect(parseLinkSetup(query).connections).toEqual([
      { endpoint: 'wss://a/prod?room=1' },
      { endpoint: 'wss://b/prod' },
    ])
  })

  it('writes a demo by name', () => {
    expect(linkQuery([{ endpoint: 'ws://a/dev' }], { demo: 'broadcast' }).query).toBe(
      '?endpoint=ws%3A%2F%2Fa%2Fdev&demo=broadcast',
    )
  })
})
