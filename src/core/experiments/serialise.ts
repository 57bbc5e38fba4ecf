import type { MeasureValue, ParamValue, ResultRow } from './types'

type Cell = MeasureValue | ParamValue | undefined

const FIXED_COLUMNS = [
  'experiment',
  'run',
  'startedAt',
  'endpointKind',
  'endpoint',
  'profile',
  'idleSeconds',
  'maxSeconds',
] as const

/**
 * One line per row, a header first. Params, measures and documented values each get their own columns (the union
 * over all rows, in first-seen order), so rows of different experiments can share one file.
 */
export function resultsToCsv(rows: readonly ResultRow[]): string {
  const params = columnNames(rows, (r) => r.params)
  const measured = columnNames(rows, (r) => r.measured)
  const documented = columnNames(rows, (r) => r.documented)
  const header = [
    ...FIXED_COLUMNS,
    ...params.map((p) => `param.${p}`),
    ...measured,
    ...documented.map((d) => `documented.${d}`),
    'error',
  ]
  const lines = [header.map(csvCell)]
  for (const row of rows) {
    lines.push(
      [
        row.experimentId,
        row.run,
        row.startedAt,
        row.endpointKind,
        row.endpoint,
        row.profile.id,
        row.profile.idleSeconds,
        row.profile.maxSeconds,
        ...params.map((p) => row.params[p]),
        ...measured.map((m) => row.measured[m]),
        ...documented.map((d) => row.documented[d]),
        row.error,
      ].map(csvCell),
    )
  }
  // RFC 4180 line ends: spreadsheets expect them.
  return lines.map((cells) => cells.join(',')).join('\r\n') + '\r\n'
}

export function csvCell(value: Cell): string {
  if (value === undefined || value === null) return ''
  if (typeof value !== 'string') return String(value)
  // Close reasons and endpoints come from outside: never let a spreadsheet run one as a formula (OWASP CSV injection).
  const text = startsLikeFormula(value) ? `'${value}` : value
  // Anything beyond plain words is quoted, so no separator (',' ';' tab '|') inside a cell can start a new cell.
  return PLAIN_CELL.test(text) ? text : `"${text.replace(/"/g, '""')}"`
}

const PLAIN_CELL = /^[\w.:/](?:[\w.:/ -]*[\w.:/])?$/

/**
 * OWASP's leading characters (= + - @ tab CR), plus LF and NUL, the fullwidth ＝ ＋ － ＠ that spreadsheets fold to
 * ASCII, and the same behind leading whitespace, which some spreadsheets trim before they parse.
 */
export function startsLikeFormula(value: string): boolean {
  return /^[\t\r\n\0]/.test(value) || /^[\s\0]*[=+\-@\uFF1D\uFF0B\uFF0D\uFF20]/.test(value)
}

function columnNames(rows: readonly ResultRow[], pick: (row: ResultRow) => Record<string, unknown>): string[] {
  const names = new Set<string>()
  for (const row of rows) for (const name of Object.keys(pick(row))) names.add(name)
  return [...names]
}

export const RESULTS_FORMAT = 'apigw-websocket-lab-results'

export interface ResultsDocument {
  format: typeof RESULTS_FORMAT
  version: 1
  exportedAt: string
  rows: ResultRow[]
}

export function resultsToJson(rows: readonly ResultRow[], exportedAt = new Date()): string {
  const document: ResultsDocument = {
    format: RESULTS_FORMAT,
    version: 1,
    exportedAt: exportedAt.toISOString(),
    rows: [...rows],
  }
  return JSON.stringify(document, null, 2)
}

/** Reads an exported document (or a bare array of rows) back; drops anything that is not a result row. */
export function parseResultsJson(text: string): ResultRow[] {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    return []
  }
  const rows = Array.isArray(value) ? value : isObject(value) && Array.isArray(value.rows) ? value.rows : []
  return rows.filter(isResultRow)
}

export function isResultRow(value: unknown): value is ResultRow {
  return (
    isObject(value) &&
    typeof value.experimentId === 'string' &&
    typeof value.run === 'number' &&
    typeof value.startedAt === 'string' &&
    typeof value.endpoint === 'string' &&
    typeof value.endpointKind === 'string' &&
    isObject(value.profile) &&
    isObject(value.params) &&
    isObject(value.measured) &&
    isObject(value.documented)
  )
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
