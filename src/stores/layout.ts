import { acceptHMRUpdate, defineStore } from 'pinia'
import { computed } from 'vue'
import { useColorMode, useLocalStorage } from '@vueuse/core'
import {
  parseLayoutPrefs,
  withPanel,
  writeLayoutPrefs,
  type ColorScheme,
  type LayoutPrefs,
  type PanelId,
  type ToolId,
} from '@/core/layout/layout-prefs'

/** The page's arrangement, remembered per browser: the work area's tool, folded panels and the colour scheme. */
export const useLayoutStore = defineStore('layout', () => {
  const prefs = useLocalStorage<LayoutPrefs>('apigw-playground:layout', parseLayoutPrefs(null), {
    serializer: { read: parseLayoutPrefs, write: writeLayoutPrefs },
  })
  // 'auto' follows the system until the user picks light or dark; the key is the one the old dark toggle used.
  const colorMode = useColorMode({ storageKey: 'apigw-playground:theme' })

  const tool = computed(() => prefs.value.tool)
  const colorScheme = computed<ColorScheme>({
    get: () => (colorMode.store.value === 'light' || colorMode.store.value === 'dark' ? colorMode.store.value : 'auto'),
    set: (scheme) => (colorMode.store.value = scheme),
  })

  function openTool(id: ToolId | undefined) {
    prefs.value = { ...prefs.value, tool: id }
  }
  function isOpen(panel: PanelId): boolean {
    return !prefs.value.collapsed.includes(panel)
  }
  function setOpen(panel: PanelId, open: boolean) {
    if (isOpen(panel) !== open) prefs.value = withPanel(prefs.value, panel, open)
  }

  return { tool, colorScheme, openTool, isOpen, setOpen }
})

if (import.meta.hot) import.meta.hot.accept(acceptHMRUpdate(useLayoutStore, import.meta.hot))
