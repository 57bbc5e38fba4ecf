import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils'
import { createTestingPinia } from '@pinia/testing'
import { startEchoServer } from '@/core/test-support/ws-test-server'
import { useLogStore } from '@/stores/log'
import { useSessionStore } from '@/stores/session'
import { useSettingsStore } from '@/stores/settings'
import MessageComposer from './MessageComposer.vue'

// The composer on real stores (actions run, and are spied on) and a real socket to a real `ws` echo server.
type EchoServer = Awaited<ReturnType<typeof startEchoServer>>
const settle = { timeout: 15_000, interval: 5 }

describe('MessageComposer', () => {
  let server: EchoServer
  let page: VueWrapper
  let session: ReturnType<typeof useSessionStore>

  beforeEach(async () => {
    localStorage.clear()
    sessionStorage.clear()
    server = await startEchoServer()
    page = mount(MessageComposer, {
      global: { plugins: [createTestingPinia({ createSpy: vi.fn, stubActions: false })] },
    })
    session = useSessionStore()
  })

  afterEach(async () => {
    vi.useRealTimers()
    if (session.isActive) session.disconnect()
    page.unmount()
    await server.close()
  })

  const message = () => page.get('textarea[aria-label="Message"]')
  const sendButton = () => page.findAll('button').find((b) => b.text() === 'Send')!
  const alerts = () => page.findAll('[role="alert"]').map((a) => a.text())
  const mode = (label: string) => page.get(`input[aria-label="${label}"]`).setValue(true)
  const open = async () => {
    session.configure({ endpoint: server.url })
    session.connect()
    await vi.waitFor(() => expect(session.isOpen).toBe(true), settle)
    await flushPromises()
  }
  const sentEntries = () =>
    useLogStore()
      .entriesAt(0)
      .filter((e) => e.kind === 'sent')

  it('cannot send until connected, and says so', async () => {
    expect(sendButton().attributes('disabled')).toBeDefined()
    expect(page.text()).toContain('Connect to send.')
    await open()
    expect(sendButton().attributes('disabled')).toBeUndefined()
    expect(page.text()).not.toContain('Connect to send.')
  })

  it('sends checked JSON, refuses broken JSON with the parser’s reason, and sends any text in Text mode', async () => {
    await open()
    await message().setValue('{"action":"echo","data":1}')
    await sendButton().trigger('click')
    await vi.waitFor(() => expect(server.received.map((m) => m.data)).toEqual(['{"action":"echo","data":1}']), settle)

    await message().setValue('{"action": echo}')
    expect(message().attributes('aria-invalid')).toBe('true')
    expect(alerts()).toHaveLength(1)
    expect(alerts()[0]).toMatch(/JSON|position|Unexpected|token/i)
    expect(sendButton().attributes('disabled')).toBeDefined()
    await sendButton().trigger('click')
    expect(session.send).toHaveBeenCalledTimes(1)

    await mode('Text')
    expect(message().attributes('aria-invalid')).toBe('false')
    expect(alerts()).toHaveLength(0)
    await sendButton().trigger('click')
    await vi.waitFor(() => expect(server.received).toHaveLength(2), settle)
    expect(server.received[1]!.data).toBe('{"action": echo}')
  })

  it('sends base64 as a binary frame of the decoded bytes, and explains bad base64', async () => {
    await open()
    await mode('Base64 bytes')
    await message().setValue('AP+A')
    expect(page.get('[aria-label="Binary frame note"]').text()).toContain('Sent as a binary frame of 3 bytes.')
    await sendButton().trigger('click')
    await vi.waitFor(() => expect(server.received).toHaveLength(1), settle)
    expect(session.send).toHaveBeenCalledWith(Uint8Array.from([0, 0xff, 0x80]))
    await vi.waitFor(() => expect(sentEntries()).toHaveLength(1), settle)
    expect(sentEntries()[0]).toMatchObject({ data: 'AP+A', bytes: 3, binary: true })

    await message().setValue('not base64!')
    expect(message().attributes('aria-invalid')).toBe('true')
    expect(alerts()[0]).toMatch(/base64/i)
    // Nothing can be sent: no frame of 0 bytes is promised.
    expect(page.find('[aria-label="Binary frame note"]').text()).not.toContain('Sent as a binary frame')
    expect(sendButton().attributes('disabled')).toBeDefined()
  })

  it('shows the error a failed send returns, and sends nothing into the history', async () => {
    await open()
    // happy-dom's socket cannot be caught between OPEN and the close event, where a real send fails: the store's
    // answer for that case is given here, to see that the composer shows it.
    vi.mocked(session.send).mockReturnValueOnce({ ok: false, error: 'Not connected: the socket is not OPEN.' })
    await message().setValue('{"action":"late"}')
    await sendButton().trigger('click')
    expect(alerts()).toEqual(['Not connected: the socket is not OPEN.'])
    expect(useSettingsStore().history).toEqual([])
    // The next good send clears it.
    await sendButton().trigger('click')
    await vi.waitFor(() => expect(server.received).toHaveLength(1), settle)
    expect(alerts()).toEqual([])
  })

  it('asks before sending a message over the frame limit, and sends it only when confirmed', async () => {
    await open()
    await page.get('select[aria-label="Make a test payload of a given size"]').setValue('32769')
    expect(page.get('[aria-label="Message size"]').text()).toContain('32,769 B')
    await sendButton().trigger('click')
    const confirm = page.get('[role="alertdialog"][aria-label="Oversize message"]')
    await confirm
      .findAll('button')
      .find((b) => b.text() === 'Cancel')!
      .trigger('click')
    expect(page.find('[role="alertdialog"]').exists()).toBe(false)
    expect(session.send).not.toHaveBeenCalled()
    await sendButton().trigger('click')
    await page
      .get('[role="alertdialog"]')
      .findAll('button')
      .find((b) => b.text() === 'Send anyway')!
      .trigger('click')
    expect(session.send).toHaveBeenCalledTimes(1)
    expect((vi.mocked(session.send).mock.calls[0]![0] as string).length).toBe(32_769)
  })

  it('keeps sent messages as history: ArrowUp and ArrowDown recall them, and they survive a reload', async () => {
    await open()
    await mode('Text')
    for (const text of ['first', 'second']) {
      await message().setValue(text)
      await sendButton().trigger('click')
    }
    await vi.waitFor(() => expect(server.received).toHaveLength(2), settle)
    expect(useSettingsStore().history).toEqual(['first', 'second'])

    await message().setValue('draft')
    await message().trigger('keydown', { key: 'ArrowUp' })
    expect((message().element as HTMLTextAreaElement).value).toBe('second')
    await message().trigger('keydown', { key: 'ArrowUp' })
    expect((message().element as HTMLTextAreaElement).value).toBe('first')
    await message().trigger('keydown', { key: 'ArrowDown' })
    await message().trigger('keydown', { key: 'ArrowDown' })
    expect((message().element as HTMLTextAreaElement).value).toBe('draft')

    // Ctrl+Enter sends too.
    await message().setValue('third')
    await message().trigger('keydown', { key: 'Enter', ctrlKey: true })
    await vi.waitFor(() => expect(server.received).toHaveLength(3), settle)
    expect(JSON.parse(localStorage.getItem('apigw-playground:history')!)).toEqual(['first', 'second', 'third'])
  })
})
