import { isResultRow } from './serialise'
import type { ResultRow } from './types'

/** The part of window.localStorage the history needs; a Map-backed fake works in tests. */
export type StorageLike = Pick<Storage, 'getItem' | 'setItem'>

export const HISTORY_KEY = 'apigw-ws-playground.experiment-results'
/** localStorage holds about 5 MB: keep the newest rows well inside it. */
export const MAX_HISTORY_ROWS = 1000

export function loadHistory(storage: StorageLike, key = HISTORY_KEY): ResultRow[] {
  let text: string | null
  try {
    text = storage.getItem(key)
  } catch {
    return []
  }
  if (!text) return []
  try {
    const value: unknown = JSON.parse(text)
    return Array.isArray(value) ? value.filter(isResultRow) : []
  } catch {
    // A corrupt entry must not break the page: start over.
    return []
  }
}

export function saveHistory(
  storage: StorageLike,
  rows: readonly ResultRow[],
  key = HISTORY_KEY,
): { ok: true } | { ok: false; error: string } {
  try {
    storage.setItem(key, JSON.stringify(rows.slice(-MAX_HISTORY_ROWS)))
    return { ok: true }
  } catch (e) {
    return { ok: false, error: `The results could not be saved: ${e instanceof Error ? e.message : String(e)}` }
  }
}

/** Past rows plus new ones, oldest dropped beyond the limit. Pure: the caller saves. */
export function appendHistory(
  history: readonly ResultRow[],
  rows: readonly ResultRow[],
  max = MAX_HISTORY_ROWS,
): ResultRow[] {
  return [...history, ...rows].slice(-max)
}

export function historyFor(history: readonly ResultRow[], experimentId: string): ResultRow[] {
  return history.filter((row) => row.experimentId === experimentId)
}
