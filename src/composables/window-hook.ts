import { toRaw } from 'vue'
import { useLogStore } from '@/stores/log'
import { useSessionStore } from '@/stores/session'
import { redactSecrets } from '@/core/session/endpoint'
import { DEFAULT_EXPERIMENT, EXPERIMENT_CHOICE_KEY } from '@/core/experiments/choice'
import type { PlaygroundApi } from '@/core/playground-api'
import { labStoreIfLoaded } from './lab-store'

/**
 * `window.playground`: a documented, read-only view for scripts (Playwright, `npm run experiment`), of the type
 * PlaygroundApi. Every getter returns a fresh plain copy, so a script cannot change the page through it. No
 * credentials are reachable here.
 */
export function installWindowHook(): void {
  const session = useSessionStore()
  const log = useLogStore()
  const copy = <T>(value: T): T => structuredClone(toRaw(value))
  const hook = Object.freeze<PlaygroundApi>({
    version: 1,
    /** The selected connection. */
    get session() {
      // The exact state: the panels show traffic counters a few times a second during a flood.
      const state = session.currentState(session.selected.id) ?? session.state
      return copy({
        readyState: state.readyState,
        connection: state.connection,
        url: state.url,
        lastClose: state.lastClose,
      })
    },
    /** The page's connections in list order: set-up and state, never credentials (URLs come redacted). */
    get connections() {
      return copy(
        session.connections.map((c) => {
          const state = session.currentState(c.id) ?? c.state
          return {
            id: c.id,
            name: c.name,
            colour: c.colour,
            selected: c.id === session.selectedId,
            endpoint: redactSecrets(c.settings.endpoint),
            url: state.url,
            readyState: state.readyState,
            connection: state.connection,
            sentCount: state.sentCount,
            receivedCount: state.receivedCount,
            keepaliveEnabled: state.keepaliveEnabled,
            profile: c.settings.profileId,
            lastClose: state.lastClose,
          }
        }),
      )
    },
    /**
     * Where the page's sockets run: `{ kind: 'worker' }`, or `{ kind: 'inline' }` on the main thread; `fallback` says
     * why when a worker was asked for and could not start.
     */
    get sessionHost() {
      return session.hostInfo()
    },
    /** Copies of one connection's log entries (its `source` is the connection's id), oldest first, at most 10,000. */
    connectionLog(id: string, limit = 10_000) {
      return copy(log.entriesOf(id, Math.min(10_000, Math.max(0, limit))))
    },
    get log() {
      return {
        // From the page's copy of the log, like the entries (with the log in a worker, its counters may run ahead).
        total: log.scriptCounts().total,
        dropped: log.scriptCounts().dropped,
        /** Copies of entries by position (as Array.slice, negatives from the end), at most 10,000 per call. */
        entries(start = 0, end?: number) {
          const slice = log.entriesAt(start, end)
          return copy(slice.slice(0, 10_000))
        },
      }
    },
    get experiment(): PlaygroundApi['experiment'] {
      const lab = labStoreIfLoaded()
      // The lab loads when opened or chosen by a link: until then it is idle, with the user's last choice.
      if (!lab) {
        return { id: storedChoice(), status: 'idle', progress: undefined, rows: [], summary: [], errors: [] }
      }
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

function storedChoice(): string {
  try {
    return localStorage.getItem(EXPERIMENT_CHOICE_KEY) ?? DEFAULT_EXPERIMENT
  } catch {
    // Storage the browser refuses (a privacy setting): the lab would start from its default, too.
    return DEFAULT_EXPERIMENT
  }
}
