import { describeEndpoint, withoutSecrets } from '../session/endpoint'
import { profileOf, resolveParams, type ExperimentInput } from './params'
import { ProbeSocket } from './probe-socket'
import { ExperimentCancelled, GLOBAL_TIMERS, RunScope } from './run-scope'
import type { ExperimentDefinition, ExperimentDeps, ExperimentProgress, ResultRow, RunContext } from './types'

/** How long a finished run waits for its sockets' close events before the next run starts. */
const CLOSE_SETTLE_MS = 2000

export interface RunOptions {
  signal?: AbortSignal
  onProgress?: (progress: ExperimentProgress) => void
  /** Called as each run finishes, so a table can fill in live. */
  onRow?: (row: ResultRow) => void
  /** How often progress is reported between phases. Default 500 ms. */
  progressIntervalMs?: number
}

/** Rejected with when the signal aborts; carries the runs finished before the cancel. */
export class ExperimentCancelledError extends ExperimentCancelled {
  constructor(readonly rows: ResultRow[]) {
    super()
  }
}

/**
 * Runs every run of an experiment in turn and returns one row per run. A run that fails (no handshake, no close
 * in time) gives a row with `error` and the next run still happens; a cancel stops at once, releases every socket
 * and timer, and rejects with ExperimentCancelledError.
 */
export async function runExperiment(
  definition: ExperimentDefinition,
  input: ExperimentInput,
  deps: ExperimentDeps,
  options: RunOptions = {},
): Promise<ResultRow[]> {
  const checked = resolveParams(definition, input)
  if (!checked.ok) throw new Error(checked.errors.join(' '))
  const params = checked.params
  if (definition.needsManagement?.(params) && !deps.management) {
    throw new Error(`${definition.title} needs the @connections API: give a management endpoint.`)
  }
  const now = deps.now ?? Date.now
  const timers = deps.timers ?? GLOBAL_TIMERS
  const signal = options.signal ?? new AbortController().signal
  const rows: ResultRow[] = []
  const estimateMs = definition.estimateRunMs(params)
  const endpointKind = describeEndpoint(params.endpoint).kind
  const documented = definition.documented(params)
  const { runs } = params
  // Estimates change as a run learns more; the bar must still never move backwards.
  let shownFraction = 0

  for (let run = 1; run <= runs; run++) {
    if (signal.aborted) throw new ExperimentCancelledError(rows)
    const scope = new RunScope(timers, signal)
    const runStart = now()
    let runEndsAt = runStart + estimateMs
    let phaseText = 'Starting'
    const report = () => {
      const span = Math.max(1, runEndsAt - runStart)
      const within = Math.min(0.99, Math.max(0, (now() - runStart) / span))
      options.onProgress?.({
        experimentId: definition.id,
        fraction: (shownFraction = Math.max(shownFraction, (run - 1 + within) / runs)),
        run,
        runs,
        phase: phaseText,
        expectedEndAt: Math.max(now(), runEndsAt) + estimateMs * (runs - run),
      })
    }
    const tick = () => {
      report()
      scope.setTimeout(tick, options.progressIntervalMs ?? 500)
    }
    const ctx: RunContext = {
      run,
      params,
      signal,
      now,
      number: (name) => Number(params.values[name]),
      text: (name) => String(params.values[name] ?? ''),
      phase(text, endsAt) {
        phaseText = text
        if (endsAt !== undefined) runEndsAt = endsAt
        report()
      },
      sleep: (ms) => scope.sleep(ms),
      async open(openOptions) {
        const url = deps.signUrl ? await scope.within(deps.signUrl(params.endpoint), 30_000) : params.endpoint
        if (url === undefined) throw new Error('Signing the connection URL took more than 30 s.')
        return ProbeSocket.open(url, params.protocols, { createSocket: deps.createSocket, now }, scope, openOptions)
      },
      management() {
        if (!deps.management) throw new Error('This experiment needs the @connections API.')
        return deps.management
      },
    }
    const row: ResultRow = {
      experimentId: definition.id,
      run,
      startedAt: new Date(runStart).toISOString(),
      endpoint: withoutSecrets(params.endpoint),
      endpointKind,
      profile: profileOf(params),
      params: { ...params.values },
      measured: {},
      documented,
    }
    try {
      tick()
      row.measured = await definition.run(ctx)
    } catch (error) {
      if (error instanceof ExperimentCancelled || signal.aborted) throw new ExperimentCancelledError(rows)
      row.error = error instanceof Error ? error.message : String(error)
    } finally {
      // Every socket and timer of the run goes here, on success, failure and cancel alike.
      scope.dispose()
    }
    // The run's sockets finish closing (briefly: a close handshake) before the next run opens its own.
    await scope.settled(CLOSE_SETTLE_MS)
    rows.push(row)
    options.onRow?.(row)
  }
  options.onProgress?.({
    experimentId: definition.id,
    fraction: 1,
    run: runs,
    runs,
    phase: 'Done',
    expectedEndAt: now(),
  })
  return rows
}
