import { nextTick } from 'vue'

/**
 * After a removal, focuses the control now at `index` among those matching `selector` (the last one if fewer are
 * left): the pressed button went with its item, and focus with it to <body>, so the next Tab started from the top of
 * the page. Returns whether one was focused (none is left).
 */
export async function focusInPlace(
  container: HTMLElement | null | undefined,
  selector: string,
  index: number,
): Promise<boolean> {
  await nextTick()
  const controls = container?.querySelectorAll<HTMLElement>(selector)
  const control = controls?.length ? controls[Math.min(index, controls.length - 1)] : undefined
  control?.focus()
  return control !== undefined
}
