import type { Directive } from 'vue'

/**
 * `v-text-node="text"`: an element's text, changed in place (its text node's data) rather than replaced. Vue sets an
 * element's only text child with `textContent`, which removes the text node and inserts a new one, so the browser
 * styles a new node and builds a new layout object for it each time; a log row patched with every batch of a flood
 * keeps its nodes instead. The element has no other children (it is the text's box).
 */
export const vTextNode: Directive<HTMLElement, string> = {
  mounted(el, { value }) {
    el.textContent = value
  },
  updated(el, { value, oldValue }) {
    if (value === oldValue) return
    const node = el.firstChild
    if (node instanceof Text && node === el.lastChild && value !== '') node.data = value
    else el.textContent = value
  },
}
