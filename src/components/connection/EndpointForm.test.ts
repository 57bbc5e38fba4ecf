import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { defineComponent, h } from 'vue'
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils'
import { createTestingPinia } from '@pinia/testing'
import { startEchoServer } from '@/core/test-support/ws-test-server'
import { useSessionStore } from '@/stores/session'
import { useSettingsStore } from '@/stores/settings'
import ConnectionStatus from './ConnectionStatus.vue'
import EndpointForm from './EndpointForm.vue'

// The form and the status panel on real stores (actions run, and are spied on) against a real `ws` echo server.
type EchoServer = Awaited<ReturnType<typeof startEchoServer>>
const settle = { timeout: 15_000, interval: 5 }
const Page = defineComponent(() => () => h('div', [h(EndpointForm), h(ConnectionStatus)]))

describe('EndpointForm with ConnectionStatus', () => {
  let server: EchoServer
  let page: VueWrapper

  beforeEach(async () => {
    localStorage.clear()
    sessionStorage.clear()
    server = await startEchoServer()
    page = mount(Page, { global: { plugins: [createTestingPinia({ createSpy: vi.fn, stubActions: false })] } })
  })

  afterEach(async () => {
    page.unmount()
    await server.close()
  })

  const field = (label: string) => page.get(`[aria-label="${label}"]`)
  const button = (text: string) => page.findAll('button').find((b) => b.text() === text)
  const badge = () => field('Connection state')
  const alerts = () => page.findAll('[role="alert"]').map((a) => a.text())

  it('explains a bad URL, offers the fix, and does not try to connect until it is fixed', async () => {
    const session = useSessionStore()
    await field('Endpoint URL').setValue('https://abcde12345.execute-api.us-east-1.amazonaws.com/prod')
    expect(field('Endpoint URL').attributes('aria-invalid')).toBe('true')
    expect(alerts()[0]).toContain('wss://')
    expect(button('Connect')!.attributes('disabled')).toBeDefined()
    await page.get('form').trigger('submit')
    expect(session.connect).not.toHaveBeenCalled()

    await button('Use wss://abcde12345.execute-api.us-east-1.amazonaws.com/prod')!.trigger('click')
    expect(useSessionStore().selected.settings.endpoint).toBe(
      'wss://abcde12345.execute-api.us-east-1.amazonaws.com/prod',
    )
    expect(field('Endpoint URL').attributes('aria-invalid')).toBe('false')
    expect(page.get('.kind').text()).toBe('AWS')
    expect(button('Connect')!.attributes('disabled')).toBeUndefined()
  })

  it('refuses a bad subprotocol list with a message', async () => {
    await field('Subprotocols').setValue('chat, chat')
    expect(field('Subprotocols').attributes('aria-invalid')).toBe('true')
    expect(alerts().join(' ')).toMatch(/chat/)
    expect(button('Connect')!.attributes('disabled')).toBeDefined()
  })

  it('connects, shows the state as it changes, refuses a reserved close code, and shows the close it asked for', async () => {
    const session = useSessionStore()
    expect(badge().text()).toBe('NOT CONNECTED')
    await field('Endpoint URL').setValue(server.url)
    await field('Subprotocols').setValue('chat')
    await page.get('form').trigger('submit')
    expect(session.connect).toHaveBeenCalledTimes(1)
    await vi.waitFor(() => expect(badge().text()).toBe('OPEN (1)'), settle)
    expect(badge().attributes('data-ready-state')).toBe('1')
    expect(page.text()).toContain('connection #1')
    expect(page.text()).toContain('0 sent · 0 received')
    // While connected the URL is read-only and the button disconnects.
    expect(field('Endpoint URL').attributes('readonly')).toBeDefined()

    await field('Close code').setValue('1005')
    expect(alerts().join(' ')).toContain('1000 or a code from 3000 to 4999')
    expect(button('Disconnect')!.attributes('disabled')).toBeDefined()
    await page.get('form').trigger('submit')
    expect(session.disconnect).not.toHaveBeenCalled()

    await field('Close code').setValue('4000')
    await field('Close reason').setValue('done here')
    await page.get('form').trigger('submit')
    expect(session.disconnect).toHaveBeenCalledWith(4000, 'done here')
    await vi.waitFor(() => expect(badge().text()).toBe('CLOSED (3)'), settle)
    await flushPromises()
    const close = page.get('[aria-label="Last close"]')
    expect(close.get('[aria-label="Close code"]').text()).toBe('4000')
    expect(close.text()).toContain('by client')
    expect(close.get('[aria-label="Close reason text"]').text()).toBe('“done here”')
    expect(button('Connect')).toBeDefined()
    expect(useSettingsStore().recentEndpoints[0]).toBe(server.url)
  })

  it('shows a server close with its code and reason, and counts what was sent', async () => {
    await field('Endpoint URL').setValue(server.url)
    await page.get('form').trigger('submit')
    await vi.waitFor(() => expect(badge().text()).toBe('OPEN (1)'), settle)
    useSessionStore().send('close:4001:server says bye')
    await vi.waitFor(() => expect(badge().text()).toBe('CLOSED (3)'), settle)
    const close = page.get('[aria-label="Last close"]')
    expect(close.get('[aria-label="Close code"]').text()).toBe('4001')
    expect(close.text()).toContain('by server')
    expect(page.text()).toContain('1 sent · 0 received')
  })
})
