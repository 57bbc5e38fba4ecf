import { beforeEach, describe, expect, it } from 'vitest'
import { nextTick } from 'vue'
import { createPinia, setActivePinia } from 'pinia'
import { useSettingsStore } from './settings'

describe('settings from a link', () => {
  beforeEach(() => {
    localStorage.clear()
    setActivePinia(createPinia())
  })

  const stored = (name: string) => localStorage.getItem(`apigw-playground:${name}`)

  it('apply to the tab without being stored, and become the user’s own once changed', async () => {
    const settings = useSettingsStore()
    settings.customIdleSeconds = 40
    await nextTick()
    settings.applyFromLink({
      endpoint: 'wss://link.example/prod',
      profileId: 'custom',
      customIdleSeconds: 21,
      protocols: undefined,
    })
    await nextTick()
    expect(settings.endpoint).toBe('wss://link.example/prod')
    expect(settings.customIdleSeconds).toBe(21)
    expect(settings.profile.idleBeforeFirstMessageMs).toBe(21_000)
    expect(stored('profile')).toBe('aws')
    expect(stored('endpoint')).not.toBe('wss://link.example/prod')
    expect(stored('custom-idle')).toBe('40')

    settings.customIdleSeconds = 22
    await nextTick()
    expect(stored('custom-idle')).toBe('22')
    // Only the setting the user changed is stored; the link's endpoint is still the tab's alone.
    expect(stored('endpoint')).not.toBe('wss://link.example/prod')
    expect(settings.endpoint).toBe('wss://link.example/prod')

    // A new page (store) without the link reads the user's own settings.
    setActivePinia(createPinia())
    const fresh = useSettingsStore()
    expect(fresh.endpoint).not.toBe('wss://link.example/prod')
    expect(fresh.customIdleSeconds).toBe(22)
  })
})
