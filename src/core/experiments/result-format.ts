import { isCodeMeasure, type ValueCount } from './summary'
import type { MeasureValue, ResultRow } from './types'

/**
 * How the lab prints a measured value. Codes and statuses are names, printed as they are ("1001", never "1,001");
 * quantities get thousands separators and one decimal at most.
 */
export function formatMeasure(measure: string, value: MeasureValue | undefined): string {
  if (value === undefined || value === null) return '—'
  if (typeof value !== 'number') return String(value)
  if (isCodeMeasure(measure)) return String(value)
  return Number.isInteger(value) ? value.toLocaleString('en-US') : value.toFixed(1)
}

/** "1001 ×3, 1006 ×1": every distinct value with its count. */
export function formatValueCounts(values: readonly ValueCount[]): string {
  return values.map((v) => `${v.value} ×${v.count}`).join(', ')
}

export type RunStatus = 'idle' | 'running' | 'done' | 'partly failed' | 'cancelled' | 'failed'

/** The lab's status line: a run whose rows failed is not simply "done". */
export function describeRunStatus(
  status: RunStatus,
  rows: readonly Pick<ResultRow, 'error'>[],
): { text: string; failed: boolean } {
  const failedRows = rows.filter((r) => r.error).length
  const finished = status === 'done' || status === 'partly failed' || status === 'failed'
  if (!finished || failedRows === 0) return { text: status, failed: status === 'failed' }
  if (failedRows === rows.length)
    return { text: `failed: ${failedRows === 1 ? 'the run' : `all ${failedRows} runs`} failed`, failed: true }
  return { text: `partly failed: ${failedRows} of ${rows.length} runs failed`, failed: true }
}
