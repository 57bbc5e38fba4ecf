import type { LogEntry } from './session/events'
import type { ConnectionState } from './session/page-connection'
import type { ProfileId } from './session/timeout-profiles'
import type { ExperimentProgress, LabStatus, ResultRow } from './experiments/types'
import type { MeasureSummary } from './experiments/summary'

/**
 * The type of `window.playground` (src/composables/window-hook.ts installs it, checked against this). Here, in
 * framework-free core, so the e2e specs and scripts (tsconfig.node.json) can type their reads of it without the
 * stores it reads from. Every value is a plain copy.
 */
export interface PlaygroundApi {
  readonly version: 1
  /** The selected connection. */
  readonly session: Pick<ConnectionState, 'readyState' | 'connection' | 'url' | 'lastClose'>
  /** The page's connections in list order: set-up and state, never credentials (URLs come redacted). */
  readonly connections: PlaygroundConnection[]
  /** Where the page's sockets run; `fallback` says why they run on the main thread when a worker could not start. */
  readonly sessionHost: { kind: 'worker' | 'inline'; fallback?: string }
  /** One connection's log entries (`source` is its id), oldest first, at most 10,000. */
  connectionLog(id: string, limit?: number): LogEntry[]
  readonly log: {
    total: number
    dropped: number
    /** Entries by position (as Array.slice, negatives from the end), at most 10,000 per call. */
    entries(start?: number, end?: number): LogEntry[]
  }
  /** The Timeout lab: `idle`, with the user's last choice of experiment, until it loads. */
  readonly experiment: {
    id: string
    status: LabStatus
    progress: ExperimentProgress | undefined
    rows: ResultRow[]
    summary: MeasureSummary[]
    errors: string[]
  }
}

export type PlaygroundConnection = Pick<
  ConnectionState,
  'url' | 'readyState' | 'connection' | 'sentCount' | 'receivedCount' | 'keepaliveEnabled' | 'lastClose'
> & {
  id: string
  name: string
  colour: string
  selected: boolean
  endpoint: string
  profile: ProfileId
}
