import { afterEach, describe, expect, it, vi } from 'vitest'
import { mount, type VueWrapper } from '@vue/test-utils'
import { createTestingPinia } from '@pinia/testing'
import { useSessionStore } from '@/stores/session'
import KeepalivePanel from './KeepalivePanel.vue'

// The panel on real stores: the note about presigned URLs follows the auto-reconnect switch and the endpoint.
describe('KeepalivePanel: auto-reconnect with a presigned URL', () => {
  let page: VueWrapper
  afterEach(() => page.unmount())

  const note = () => page.find('[role="note"][aria-label="Presigned URL and auto-reconnect"]')

  it('warns that a presigned URL is reused as is and expires, only while auto-reconnect is on', async () => {
    localStorage.clear()
    sessionStorage.clear()
    page = mount(KeepalivePanel, {
      global: { plugins: [createTestingPinia({ createSpy: vi.fn, stubActions: false })] },
    })
    const session = useSessionStore()
    session.configure({
      endpoint:
        'wss://abc.execute-api.us-east-1.amazonaws.com/prod?X-Amz-Date=20261202T055900Z&X-Amz-Expires=300&X-Amz-Signature=ab',
    })
    await page.vm.$nextTick()
    expect(note().exists()).toBe(false)
    await page.get('input[type="checkbox"]:not([role="switch"])').setValue(true)
    expect(session.selected.settings.reconnect).toBe(true)
    expect(note().text()).toContain('reuses it as is')
    expect(note().text()).toContain('403')
    session.configure({ endpoint: 'wss://abc.execute-api.us-east-1.amazonaws.com/prod' })
    await page.vm.$nextTick()
    expect(note().exists()).toBe(false)
  })
})
