import { describe, expect, it } from 'vitest'
import { mount } from '@vue/test-utils'
import { h } from 'vue'
import SteadyText from './SteadyText.vue'

describe('SteadyText', () => {
  it('holds the text once (its room, every digit a 0, is an attribute, not text) with its name on the outer box', async () => {
    const page = mount(SteadyText, {
      props: { text: 'next in 12.3 s' },
      attrs: { class: 'num next', 'aria-label': 'Next keepalive in' },
    })
    expect(page.text()).toBe('next in 12.3 s')
    expect(page.attributes('data-shape')).toBe('next in 00.0 s')
    expect(page.attributes('aria-label')).toBe('Next keepalive in')
    expect(page.classes()).toEqual(['num', 'next'])
    await page.setProps({ text: 'next in 9.8 s' })
    expect(page.text()).toBe('next in 9.8 s')
    expect(page.attributes('data-shape')).toBe('next in 0.0 s')
  })

  it('shows its slot in place of the text when given', () => {
    const page = mount(SteadyText, {
      props: { text: '1,204 entries · 3 dropped' },
      slots: { default: () => ['1,204 entries ', h('span', { class: 'muted' }, '· 3 dropped')] },
    })
    expect(page.text()).toBe('1,204 entries · 3 dropped')
    expect(page.attributes('data-shape')).toBe('0,000 entries · 0 dropped')
  })
})
