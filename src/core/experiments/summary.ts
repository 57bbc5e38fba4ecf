import type { MeasureValue, ResultRow } from './types'

export interface ValueCount {
  value: number | string
  count: number
}

export type MeasureSummary =
  | {
      measure: string
      kind: 'number'
      count: number
      mean: number
      min: number
      max: number
      documented?: MeasureValue
    }
  | { measure: string; kind: 'boolean'; count: number; trueCount: number; documented?: MeasureValue }
  /** Close codes, HTTP statuses and words are values to count, not quantities to average. */
  | { measure: string; kind: 'values'; count: number; values: ValueCount[]; documented?: MeasureValue }

/** Measures whose numbers name something (close codes, HTTP statuses) rather than measure it. */
export function isCodeMeasure(measure: string): boolean {
  return /(?:Code|Status)$/.test(measure)
}

/**
 * Mean, min and max of every numeric measure, how often a boolean was true, and how often each code, status or word
 * came back, over the rows without errors.
 */
export function summarise(rows: readonly ResultRow[]): MeasureSummary[] {
  const numbers = new Map<string, number[]>()
  const booleans = new Map<string, boolean[]>()
  const values = new Map<string, (number | string)[]>()
  const documented = new Map<string, MeasureValue>()
  for (const row of rows) {
    if (row.error) continue
    for (const [measure, value] of Object.entries(row.measured)) {
      if (typeof value === 'number' && Number.isFinite(value))
        push(isCodeMeasure(measure) ? values : numbers, measure, value)
      else if (typeof value === 'boolean') push(booleans, measure, value)
      else if (typeof value === 'string' && isCodeMeasure(measure)) push(values, measure, value)
      if (measure in row.documented && !documented.has(measure))
        documented.set(measure, row.documented[measure] ?? null)
    }
  }
  const out: MeasureSummary[] = []
  for (const [measure, list] of numbers) {
    const sum = list.reduce((a, b) => a + b, 0)
    out.push({
      measure,
      kind: 'number',
      count: list.length,
      mean: sum / list.length,
      min: Math.min(...list),
      max: Math.max(...list),
      ...withDocumented(documented, measure),
    })
  }
  for (const [measure, list] of values) {
    out.push({
      measure,
      kind: 'values',
      count: list.length,
      values: countValues(list),
      ...withDocumented(documented, measure),
    })
  }
  for (const [measure, list] of booleans) {
    const trueCount = list.filter(Boolean).length
    out.push({ measure, kind: 'boolean', count: list.length, trueCount, ...withDocumented(documented, measure) })
  }
  return out
}

/** Each distinct value with how often it came, most frequent first (ties in the order first seen). */
export function countValues(list: readonly (number | string)[]): ValueCount[] {
  const counts = new Map<number | string, number>()
  for (const value of list) counts.set(value, (counts.get(value) ?? 0) + 1)
  return [...counts].map(([value, count]) => ({ value, count })).sort((a, b) => b.count - a.count)
}

function push<T>(map: Map<string, T[]>, key: string, value: T): void {
  const list = map.get(key)
  if (list) list.push(value)
  else map.set(key, [value])
}

function withDocumented(documented: Map<string, MeasureValue>, measure: string): { documented?: MeasureValue } {
  return documented.has(measure) ? { documented: documented.get(measure) ?? null } : {}
}
