import type { useExperimentsStore } from '@/stores/experiments'

type LabStore = ReturnType<typeof useExperimentsStore>

let loading: Promise<LabStore> | undefined
let loaded: LabStore | undefined

/**
 * The Timeout lab's store, with every experiment's code, loads the first time the lab or a link needs it: it is a
 * sixth of the page's code and no part of the first paint.
 */
export function loadLabStore(): Promise<LabStore> {
  loading ??= import('@/stores/experiments').then(({ useExperimentsStore }) => (loaded = useExperimentsStore()))
  return loading
}

/** The lab's store once loaded: before that no experiment can have run. */
export function labStoreIfLoaded(): LabStore | undefined {
  return loaded
}
