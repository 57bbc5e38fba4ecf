import { EXPERIMENT_CONNECTION_BASE } from '@/core/session/connection-label'
import { acceptHMRUpdate, defineStore } from 'pinia'
import { computed, reactive, shallowRef } from 'vue'
import { useLocalStorage } from '@vueuse/core'
import {
  EXPERIMENTS,
  ExperimentCancelledError,
  appendHistory,
  findExperiment,
  isExperimentId,
  loadHistory,
  resolveParams,
  resultsToCsv,
  resultsToJson,
  runExperiment,
  saveHistory,
  summarise,
  type ExperimentId,
  type ExperimentProgress,
  type LabStatus,
  type ResultRow,
} from '@/core/experiments'
import { EXPERIMENT_CHOICE_KEY, DEFAULT_EXPERIMENT } from '@/core/experiments/choice'
import { observeSockets } from '@/core/session/observed-socket'
import type { SocketLike } from '@/core/session/session'
import { redactSecrets } from '@/core/session/endpoint'
import { errorMessage } from '@/core/error-message'
import { useCallsStore } from './calls'
import { useSessionStore } from './session'

/** Experiment connections are numbered from here in the log and on the timeline, apart from the page's own. */

/**
 * The timeout lab: runs the framework-free experiments with the browser's WebSocket, shows their connections on the
 * page's timeline and log, and keeps results in localStorage.
 */
export const useExperimentsStore = defineStore('experiments', () => {
  const session = useSessionStore()
  const calls = useCallsStore()

  const storedId = useLocalStorage<ExperimentId>(EXPERIMENT_CHOICE_KEY, DEFAULT_EXPERIMENT)
  /** An experiment a link chose: this tab's only, until the user picks one (as the link's other settings). */
  const linkId = shallowRef<ExperimentId>()
  const selectedId = computed<ExperimentId>({
    get: () => linkId.value ?? storedId.value,
    set: (id) => {
      linkId.value = undefined
      storedId.value = id
    },
  })
  const inputs = reactive<Record<string, string>>({})
  const runs = shallowRef(1)
  const status = shallowRef<LabStatus>('idle')
  const progress = shallowRef<ExperimentProgress>()
  const rows = shallowRef<ResultRow[]>([])
  const history = shallowRef<ResultRow[]>(loadHistory(localStorage))
  const errors = shallowRef<string[]>([])
  let controller: AbortController | undefined

  const definition = computed(() => findExperiment(selectedId.value) ?? EXPERIMENTS[0]!)
  /** What the run will show under the planned timers, when its parameters ask for something else (see advise). */
  const advice = computed(() => {
    const check = resolveParams(definition.value, input())
    return check.ok ? (definition.value.advise?.(check.params) ?? []) : []
  })
  /** The summary counts successful runs only; failed ones are listed apart with their reasons. */
  const summary = computed(() => summarise(rows.value))
  const failedRows = computed(() => rows.value.filter((row) => row.error))
  const goodRows = computed(() => rows.value.filter((row) => !row.error))

  // One observer for the page's lifetime, so experiment connections keep counting up across experiments.
  const createSocket = observeSockets(
    (url, protocols) => new WebSocket(url, protocols) as unknown as SocketLike,
    // Experiment URLs may be presigned: the log and timeline get them redacted, as the page's own.
    ({ socket, ...event }) => {
      // Only `connecting` carries a URL; `event` is this callback's own copy.
      if (event.kind === 'connecting') event.url = redactSecrets(event.url)
      session.record({ ...event, connection: EXPERIMENT_CONNECTION_BASE + socket, source: 'lab' })
    },
  )

  function select(id: string, options: { fromLink?: boolean } = {}): boolean {
    if (!isExperimentId(id)) return false
    if (options.fromLink) linkId.value = id
    else selectedId.value = id
    for (const key of Object.keys(inputs)) delete inputs[key]
    return true
  }

  function input() {
    // The lab runs against the selected connection's endpoint, under its timeout profile.
    const { profile, settings } = session.selected
    return {
      endpoint: settings.endpoint,
      protocols: settings.protocols,
      runs: runs.value,
      idleSeconds: profile.idleBeforeFirstMessageMs / 1000,
      maxSeconds: profile.maxDurationMs / 1000,
      ...inputs,
    }
  }

  async function start(): Promise<void> {
    if (status.value === 'running') return
    errors.value = []
    if (session.anyActive) {
      errors.value = [
        'Disconnect the page’s own connections first: the experiment opens its own connections and times them alone.',
      ]
      return
    }
    const def = definition.value
    controller = new AbortController()
    status.value = 'running'
    rows.value = []
    progress.value = undefined
    try {
      const aws = await calls.experimentAws()
      const result = await runExperiment(
        def,
        input(),
        { createSocket, management: aws.management, signUrl: aws.signUrl },
        {
          signal: controller.signal,
          onProgress: (p) => (progress.value = p),
          onRow: (row) => (rows.value = [...rows.value, row]),
        },
      )
      rows.value = result
      const failed = result.filter((row) => row.error).length
      status.value = failed === 0 ? 'done' : failed === result.length ? 'failed' : 'partly failed'
    } catch (e) {
      if (e instanceof ExperimentCancelledError) {
        rows.value = e.rows
        status.value = 'cancelled'
      } else {
        errors.value = [errorMessage(e)]
        status.value = 'failed'
      }
    } finally {
      controller = undefined
      if (rows.value.length) {
        history.value = appendHistory(history.value, rows.value)
        saveHistory(localStorage, history.value)
      }
    }
  }

  function cancel(): void {
    controller?.abort()
  }

  function clearHistory(): void {
    history.value = []
    saveHistory(localStorage, [])
  }

  function exportAs(kind: 'csv' | 'json', which: 'current' | 'history'): { name: string; text: string; type: string } {
    const data = which === 'current' ? rows.value : history.value
    const stamp = new Date().toISOString().replace(/[:.]/g, '-').replace(/Z$/, '')
    return kind === 'csv'
      ? { name: `experiments-${stamp}.csv`, text: resultsToCsv(data), type: 'text/csv' }
      : { name: `experiments-${stamp}.json`, text: resultsToJson(data), type: 'application/json' }
  }

  return {
    selectedId,
    inputs,
    runs,
    status,
    progress,
    rows,
    goodRows,
    failedRows,
    history,
    errors,
    definition,
    advice,
    summary,
    select,
    start,
    cancel,
    clearHistory,
    exportAs,
  }
})

if (import.meta.hot) import.meta.hot.accept(acceptHMRUpdate(useExperimentsStore, import.meta.hot))
