import { afterEach, describe, expect, it } from 'vitest'
import { ConnectionCollection } from './connection-collection'
import { settingsFor, settingsPatch, setupNames, setupOf } from './connection-setup'
import { DEFAULT_CONNECTION_SETTINGS } from './page-connection'
import { linkQuery, parseLinkSetup } from './url-setup'

const defaults = { ...DEFAULT_CONNECTION_SETTINGS, endpoint: 'ws://127.0.0.1:4001/dev' }

describe('a tab’s connections through a set-up link', () => {
  let tab: ConnectionCollection | undefined
  let rebuilt: ConnectionCollection | undefined
  afterEach(() => {
    tab?.dispose()
    rebuilt?.dispose()
  })

  it('rebuilds the same connections, names, keepalives and profiles (never credentials)', () => {
    tab = new ConnectionCollection({ defaults })
    tab.list[0]!.configure({ keepaliveSeconds: 0.5, keepalivePayload: '{"action":"ping"}', profileId: 'custom' })
    tab.list[0]!.configure({ customIdleSeconds: 1.5, customMaxSeconds: 60 })
    tab.list[0]!.setKeepalive(true)
    tab.add({ name: 'silent', settings: { profileId: 'custom', customIdleSeconds: 1.5, customMaxSeconds: 60 } })
    tab.add({
      settings: {
        endpoint: 'wss://abc.execute-api.eu-west-1.amazonaws.com/prod?room=2&X-Amz-Signature=SECRET',
        protocols: 'json, v2',
        profileId: 'article',
        keepaliveSeconds: 45, // off: not in the link
      },
    })
    const setups = tab.list.map((c, i) =>
      setupOf({ name: c.name, settings: c.settings, keepaliveEnabled: c.session.keepalive.enabled }, i),
    )
    const { query, leftOut } = linkQuery(setups)
    expect(query).not.toContain('SECRET')
    expect(leftOut).toEqual(['X-Amz-Signature'])

    const link = parseLinkSetup(query)
    expect(link.problems).toEqual([])
    const names = setupNames(link.connections)
    rebuilt = new ConnectionCollection({ defaults })
    rebuilt.rename(rebuilt.list[0]!.id, names[0]!)
    rebuilt.list[0]!.configure(settingsFor(link.connections[0]!, defaults))
    for (const [i, setup] of link.connections.entries())
      if (i > 0) rebuilt.add({ name: names[i], settings: settingsFor(setup, defaults) })

    const view = (c: ConnectionCollection) =>
      c.list.map((x) => ({ name: x.name, settings: { ...x.settings, keepaliveSeconds: undefined } }))
    const expected = view(tab).map((c, i) =>
      i === 2
        ? { ...c, settings: { ...c.settings, endpoint: 'wss://abc.execute-api.eu-west-1.amazonaws.com/prod?room=2' } }
        : c,
    )
    expect(view(rebuilt)).toEqual(expected)
    // The keepalive that was on comes back with its interval (switched on by the page once the user agrees).
    expect(link.connections.map((c) => c.keepaliveSeconds)).toEqual([0.5, undefined, undefined])
    expect(names).toEqual(['A', 'silent', 'C'])
  })
})

describe('connection set-up helpers', () => {
  it('names unnamed connections A, B, C… by position, never twice', () => {
    expect(setupNames([{}, { name: 'a' }, {}, { name: 'C' }])).toEqual(['A 2', 'a', 'C 2', 'C'])
    expect(setupNames([{}, {}])).toEqual(['A', 'B'])
  })

  it('patches only what the set-up says, and fills the rest from the defaults for a new connection', () => {
    expect(settingsPatch({ profile: 'article' })).toEqual({ profileId: 'article' })
    expect(settingsFor({ keepaliveSeconds: 5 }, defaults)).toEqual({ ...defaults, keepaliveSeconds: 5 })
  })
})
