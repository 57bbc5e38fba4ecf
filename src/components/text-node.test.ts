import { afterEach, describe, expect, it } from 'vitest'
import { mount, type VueWrapper } from '@vue/test-utils'
import { defineComponent, h, withDirectives } from 'vue'
import { vTextNode } from './text-node'

const Label = defineComponent({
  props: { text: { type: String, required: true } },
  setup: (props) => () => withDirectives(h('span'), [[vTextNode, props.text]]),
})

describe('v-text-node', () => {
  let wrapper: VueWrapper
  afterEach(() => wrapper.unmount())

  it('shows the text and changes it in the same text node', async () => {
    wrapper = mount(Label, { props: { text: 'first' } })
    const node = wrapper.element.firstChild
    expect(wrapper.element.textContent).toBe('first')
    await wrapper.setProps({ text: 'second' })
    expect(wrapper.element.textContent).toBe('second')
    expect(wrapper.element.firstChild).toBe(node)
    expect(wrapper.element.childNodes).toHaveLength(1)
  })

  it('goes to no text and back, and stays text (markup in the text is not parsed)', async () => {
    wrapper = mount(Label, { props: { text: 'a' } })
    await wrapper.setProps({ text: '' })
    expect(wrapper.element.childNodes).toHaveLength(0)
    await wrapper.setProps({ text: '<b>bold</b>' })
    expect(wrapper.element.textContent).toBe('<b>bold</b>')
    expect(wrapper.element.querySelector('b')).toBeNull()
  })
})
