import { afterEach, describe, expect, it, vi } from 'vitest'
import { mount, type VueWrapper } from '@vue/test-utils'
import { createTestingPinia } from '@pinia/testing'
import type { SessionEvent } from '@/core/session/events'
import { useLogStore } from '@/stores/log'
import { useSessionStore } from '@/stores/session'
import LogToolbar from './LogToolbar.vue'

// The toolbar on real stores: the connection filter lists the page's connections by name and narrows the log.
describe('LogToolbar: the connection filter', () => {
  let toolbar: VueWrapper
  afterEach(() => toolbar.unmount())

  let at = 1_000_000
  const sent = (source: string, data: string): SessionEvent =>
    ({ at: at++, connection: 1, source, kind: 'sent', direction: 'out', data, bytes: data.length }) as SessionEvent

  it('lists every connection by name (a removed one still chosen too) and shows only the chosen one’s entries', async () => {
    localStorage.clear()
    sessionStorage.clear()
    toolbar = mount(LogToolbar, {
      props: { capacity: 1000, megabytes: 64 },
      global: { plugins: [createTestingPinia({ createSpy: vi.fn, stubActions: false })] },
    })
    const session = useSessionStore()
    const log = useLogStore()
    session.rename(session.connections[0]!.id, 'first')
    const second = session.add({ name: 'second' })
    if (!second.ok) throw new Error(second.error)
    const append = log.sink()
    append(sent('c1', 'one'))
    append(sent('c2', 'two'))
    append(sent('c2', 'three'))
    await vi.waitFor(() => expect(log.total).toBe(3))

    const select = toolbar.get('select[aria-label="Connection filter"]')
    const options = () => select.findAll('option').map((o) => [o.attributes('value'), o.text()])
    expect(options()).toEqual([
      ['', 'All connections'],
      ['c1', 'first'],
      ['c2', 'second'],
      ['lab', 'Timeout lab'],
    ])
    await select.setValue('c2')
    expect(log.filter.source).toBe('c2')
    expect(log.rows(0, 10).map((e) => e.data)).toEqual(['two', 'three'])
    const count = toolbar.get('[aria-label="Log entry count"]')
    await vi.waitFor(() => expect(count.text()).toMatch(/^2 of 3 entries/))
    // While a filter is active, the export can be limited to it.
    expect(toolbar.find('input[type="checkbox"]:not([aria-label])').exists()).toBe(true)

    // The chosen connection is removed: it stays chosen, and says so.
    session.remove('c2')
    await toolbar.vm.$nextTick()
    expect(options().at(-1)).toEqual(['c2', 'second (removed)'])
    expect((select.element as HTMLSelectElement).value).toBe('c2')

    await select.setValue('')
    expect(log.filterActive).toBe(false)
    expect(log.rows(0, 10)).toHaveLength(3)
  })
})
