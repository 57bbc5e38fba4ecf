import { toRaw } from 'vue'
import { useExperimentsStore } from '@/stores/experiments'
import { useLogStore } from '@/stores/log'
import { useSessionStore } from '@/stores/session'

/**
 * `window.playground`: a documented, read-only view for scripts (Playwright, `npm run experiment`). Every getter
 * returns a fresh plain copy, so a script cannot change the page through it. No credentials are reachable here.
 */
export function installWindowHook(): void {
  const lab = useExperimentsStore()
  const session = useSessionStore()
  const log = useLogStore()
  const copy = <T>(value: T): T => structuredClone(toRaw(value))
  const hook = Object.freeze({
    version: 1,
    get session() {
      return copy({
        readyState: session.state.readyState,
        connection: session.state.connection,
        url: session.state.url,
        lastClose: session.state.lastClose,
      })
    },
    get log() {
      return {
        total: log.total,
        dropped: log.dropped,
        /** Copies of entries by position (as Array.slice, negatives from the end), at most 10,000 per call. */
        entries(start = 0, end?: number) {
          const slice = log.entriesAt(start, end)
          return copy(slice.slice(0, 10_000))
        },
      }
    },
    get experiment() {
      return copy({
        id: lab.selectedId,
        status: lab.status,
        progress: lab.progress ? { ...lab.progress } : undefined,
        rows: lab.rows.map((r) => toRaw(r)),
        summary: lab.summary.map((s) => ({ ...s })),
        errors: [...lab.errors],
      })
    },
  })
  Object.defineProperty(window, 'playground', { value: hook, enumerable: true })
}
