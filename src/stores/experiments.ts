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
  resultsToCsv,
  resultsToJson,
  runExperiment,
  saveHistory,
  summarise,
  type ExperimentId,
  type ExperimentProgress,
  type ResultRow,
} from '@/core/experiments'
import { observeSockets } from '@/core/session/observed-socket'
import type { SocketLike } from '@/core/session/session'
import { useManagementStore } from './management'
import { useSessionStore } from './session'
import { useSettingsStore } from './settings'

export type LabStatus = 'idle' | 'running' | 'done' | 'cancelled' | 'failed'

/** Experiment connections are numbered from here in the log and on the timeline, apart from the page's own. */

/**
 * The timeout lab: runs the framework-free experiments with the browser's WebSocket, shows their connections on the
 * page's timeline and log, and keeps results in localStorage.
 */
export const useExperimentsStore = defineStore('experiments', () => {
  const settings = useSettingsStore()
  const session = useSessionStore()
  const management = useManagementStore()

  const selectedId = useLocalStorage<ExperimentId>('apigw-playground:experiment', 'idle')
  const inputs = reactive<Record<string, string>>({})
  const runs = shallowRef(1)
  const status = shallowRef<LabStatus>('idle')
  const progress = shallowRef<ExperimentProgress>()
  const rows = shallowRef<ResultRow[]>([])
  const history = shallowRef<ResultRow[]>(loadHistory(localStorage))
  const errors = shallowRef<string[]>([])
  let controller: AbortController | undefined

  const definition = computed(() => findExperiment(selectedId.value) ?? EXPERIMENTS[0]!)
  const summary = computed(() => summarise(rows.value))

  // One observer for the page's lifetime, so experiment connections keep counting up across experiments.
  const createSocket = observeSockets(
    (url, protocols) => new WebSocket(url, protocols) as unknown as SocketLike,
    ({ socket, ...event }) => session.record({ ...event, connection: EXPERIMENT_CONNECTION_BASE + socket }),
  )

  function select(id: string): boolean {
    if (!isExperimentId(id)) return false
    selectedId.value = id
    for (const key of Object.keys(inputs)) delete inputs[key]
    return true
  }

  function input() {
    const profile = settings.profile
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
    if (session.isActive) {
      errors.value = ['Disconnect the page’s own connection first: the experiment opens its own connections and times them alone.']
      return
    }
    const def = definition.value
    controller = new AbortController()
    status.value = 'running'
    rows.value = []
    progress.value = undefined
    try {
      const managementApi = await management.experimentManagement()
      const result = await runExperiment(def, input(), { createSocket, management: managementApi }, {
        signal: controller.signal,
        onProgress: (p) => (progress.value = p),
        onRow: (row) => (rows.value = [...rows.value, row]),
      })
      rows.value = result
      status.value = 'done'
    } catch (e) {
      if (e instanceof ExperimentCancelledError) {
        rows.value = e.rows
        status.value = 'cancelled'
      } else {
        errors.value = [(e as Error).message]
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

  return { selectedId, inputs, runs, status, progress, rows, history, errors, definition, summary, select, start, cancel, clearHistory, exportAs }
})

if (import.meta.hot) import.meta.hot.accept(acceptHMRUpdate(useExperimentsStore, import.meta.hot))
