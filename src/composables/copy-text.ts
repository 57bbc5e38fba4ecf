import { shallowRef } from 'vue'
import { useClipboard } from '@vueuse/core'

/** Copy with a short status message a screen reader hears ("Copied", or why it failed). */
export function useCopyText() {
  const { copy, isSupported } = useClipboard({ legacy: true })
  const status = shallowRef('')
  let timer: ReturnType<typeof setTimeout> | undefined

  async function copyText(text: string): Promise<void> {
    try {
      if (!isSupported.value) throw new Error('unsupported')
      await copy(text)
      status.value = 'Copied'
    } catch {
      status.value = 'The browser blocked the clipboard'
    }
    if (timer) clearTimeout(timer)
    timer = setTimeout(() => (status.value = ''), 2000)
  }

  return { copyText, status }
}
