import type { MeasureValue, ResultRow } from './types'

export type MeasureSummary =
  | { measure: string; kind: 'number'; count: number; mean: number; min: number; max: number; documented?: MeasureValue }
  | { measure: string; kind: 'boolean'; count: number; trueCount: number; documented?: MeasureValue }

/** Mean, min and max of every numeric measure (and how often a boolean was true) over the rows without errors. */
export function summarise(rows: readonly ResultRow[]): MeasureSummary[] {
  const numbers = new Map<string, number[]>()
  const booleans = new Map<string, boolean[]>()
  const documented = new Map<string, MeasureValue>()
  for (const row of rows) {
    if (row.error) continue
    for (const [measure, value] of Object.entries(row.measured)) {
      if (typeof value === 'number' && Number.isFinite(value)) push(numbers, measure, value)
      else if (typeof value === 'boolean') push(booleans, measure, value)
      if (measure in row.documented && !documented.has(measure)) documented.set(measure, row.documented[measure] ?? null)
    }
  }
  const out: MeasureSummary[] = []
  for (const [measure, values] of numbers) {
    const sum = values.reduce((a, b) => a + b, 0)
    out.push({
      measure,
      kind: 'number',
      count: values.length,
      mean: sum / values.length,
      min: Math.min(...values),
      max: Math.max(...values),
      ...withDocumented(documented, measure),
    })
  }
  for (const [measure, values] of booleans) {
    const trueCount = values.filter(Boolean).length
    out.push({ measure, kind: 'boolean', count: values.length, trueCount, ...withDocumented(documented, measure) })
  }
  return out
}

function push<T>(map: Map<string, T[]>, key: string, value: T): void {
  const list = map.get(key)
  if (list) list.push(value)
  else map.set(key, [value])
}

function withDocumented(documented: Map<string, MeasureValue>, measure: string): { documented?: MeasureValue } {
  return documented.has(measure) ? { documented: documented.get(measure) ?? null } : {}
}
