import { describe, expect, it } from 'vitest'
import { mount } from '@vue/test-utils'
import { defineComponent, h, ref } from 'vue'
import NumberField from './NumberField.vue'

// A parent that owns the value, as the panels do, so v-model is exercised both ways.
function host(initial: number, attrs: { label: string } & Record<string, unknown>) {
  const value = ref<number | undefined>(initial)
  const Parent = defineComponent(
    () => () =>
      h(
        NumberField,
        { ...attrs, modelValue: value.value, 'onUpdate:modelValue': (v: number | undefined) => (value.value = v) },
        () => 'every',
      ),
  )
  return { page: mount(Parent), value }
}

describe('NumberField', () => {
  it('is a number input named by its label, with its text before and its unit after', () => {
    const { page } = host(30, { label: 'Keepalive interval (seconds)', unit: 's', min: 0.1, step: 'any' })
    const input = page.get('input')
    expect(input.attributes('type')).toBe('number')
    expect(input.attributes('aria-label')).toBe('Keepalive interval (seconds)')
    expect(input.attributes('min')).toBe('0.1')
    expect(input.attributes('step')).toBe('any')
    expect(input.attributes('max')).toBeUndefined()
    expect(page.get('label').text()).toBe('everys')
    // The text stands before the input and the unit after it.
    expect(
      page
        .get('label')
        .html()
        .replace(/<!--.*?-->/g, ''),
    ).toMatch(/^<label>every<input[^>]*>s<\/label>$/)
    expect((input.element as HTMLInputElement).value).toBe('30')
  })

  it('writes numbers back, and follows the value when the owner changes it', async () => {
    const { page, value } = host(30, { label: 'Runs', min: 1, max: 100 })
    await page.get('input').setValue('7.5')
    expect(value.value).toBe(7.5)
    value.value = 12
    await page.vm.$nextTick()
    expect((page.get('input').element as HTMLInputElement).value).toBe('12')
  })

  it('marks itself invalid only when told, and passes class and title to its label', () => {
    const { page } = host(0, { label: 'Users', invalid: true, class: 'inline', title: 'why' })
    expect(page.get('input').attributes('aria-invalid')).toBe('true')
    expect(page.get('label').classes()).toContain('inline')
    expect(page.get('label').attributes('title')).toBe('why')
    const valid = host(1, { label: 'Users' }).page
    expect(valid.get('input').attributes('aria-invalid')).toBeUndefined()
  })
})
