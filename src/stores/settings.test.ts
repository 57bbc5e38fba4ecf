import { beforeEach, describe, expect, it } from 'vitest'
import { nextTick } from 'vue'
import { createPinia, setActivePinia } from 'pinia'
import { useSessionStore } from './session'
import { useSettingsStore } from './settings'

// A tab's connections (endpoint, profile, keepalive) are the tab's own; only preferences are shared by tabs.
describe('tab settings and shared preferences', () => {
  beforeEach(() => {
    localStorage.clear()
    sessionStorage.clear()
    setActivePinia(createPinia())
  })

  it('keeps a link’s (or the user’s) connection settings in the tab, never in the shared localStorage', async () => {
    const session = useSessionStore()
    session.configure({ endpoint: 'wss://link.example/prod', profileId: 'custom', customIdleSeconds: 21 })
    await nextTick()
    expect(session.profile.idleBeforeFirstMessageMs).toBe(21_000)
    const shared = JSON.stringify({ ...localStorage })
    expect(shared).not.toContain('link.example')
    expect(shared).not.toContain('custom')
    expect(sessionStorage.getItem('apigw-playground:tab-connections')).toContain('wss://link.example/prod')

    // Another tab (its own sessionStorage, the same localStorage) starts from the defaults.
    sessionStorage.clear()
    setActivePinia(createPinia())
    const other = useSessionStore()
    expect(other.selected.settings.endpoint).not.toBe('wss://link.example/prod')
    expect(other.profile.id).toBe('aws')
  })

  it('lets another tab’s change of a shared preference through without touching this tab’s connection', async () => {
    const session = useSessionStore()
    const settings = useSettingsStore()
    session.configure({ endpoint: 'ws://127.0.0.1:9/dev', keepaliveSeconds: 5 })
    // What the browser does when another tab writes localStorage: a storage event in this one.
    const key = 'apigw-playground:recent-endpoints'
    const value = JSON.stringify(['wss://other-tab.example/prod'])
    localStorage.setItem(key, value)
    window.dispatchEvent(new StorageEvent('storage', { key, newValue: value, storageArea: localStorage }))
    await nextTick()
    expect(settings.recentEndpoints).toEqual(['wss://other-tab.example/prod'])
    expect(session.selected.settings).toMatchObject({ endpoint: 'ws://127.0.0.1:9/dev', keepaliveSeconds: 5 })
  })
})
