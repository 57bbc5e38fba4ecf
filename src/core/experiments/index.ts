/** The timeout lab's framework-free core: experiment definitions, the runner, results and their exports. */
export { EXPERIMENTS, findExperiment, isExperimentId } from './catalog'
export { runExperiment, ExperimentCancelledError, type RunOptions } from './runner'
export { ExperimentCancelled } from './run-scope'
export {
  COMMON_PARAMS,
  defaultValues,
  resolveParams,
  profileOf,
  type ExperimentInput,
  type ParamsCheck,
} from './params'
export { DOCUMENTED } from './documented'
export { fetchManagement } from './fetch-management'
export { summarise, countValues, isCodeMeasure, type MeasureSummary, type ValueCount } from './summary'
export { formatMeasure, formatValueCounts, describeRunStatus, type RunStatus } from './result-format'
export {
  resultsToCsv,
  resultsToJson,
  parseResultsJson,
  csvCell,
  RESULTS_FORMAT,
  type ResultsDocument,
} from './serialise'
export {
  loadHistory,
  saveHistory,
  appendHistory,
  historyFor,
  HISTORY_KEY,
  MAX_HISTORY_ROWS,
  type StorageLike,
} from './history'
export { RESET_VARIANTS, type ResetVariant } from './idle-reset'
export { echoMessage } from './size-limits'
export type { ProbeSocket, OpenOptions, ReceivedMessage } from './probe-socket'
export type * from './types'
