import type { ExportFile, ExportOptions, LogCore, OpenResult } from './log-core'
import { exportFileName, toJson, toNdjson, type LogExportKind } from './log-export'
import { toHar } from './har'
import { parseLogFile } from './log-import'

/**
 * The log as a file and back. Apart from LogCore because the formats (NDJSON, JSON, HAR both ways) are only needed
 * when someone exports or opens a file: the page loads this module then (log-host.ts), which keeps it out of the
 * first load; the connections worker, whose log answers exports, imports it with the rest.
 */
export function exportLog(core: LogCore, kind: LogExportKind, options: ExportOptions = {}): ExportFile {
  const { entries, meta } = core.exportContent(options)
  const names = options.connectionNames ?? {}
  const text =
    kind === 'ndjson' ? toNdjson(entries, names) : kind === 'har' ? toHar(entries, names) : toJson(entries, meta, names)
  return { name: exportFileName(kind), text, type: kind === 'ndjson' ? 'application/x-ndjson' : 'application/json' }
}

/** Reads an exported NDJSON/JSON/HAR file into the log, bounded by its capacity. */
export function openLogFile(core: LogCore, text: string): OpenResult {
  const result = parseLogFile(text, core.buffer.capacity)
  if (!result.ok) return result
  core.load(result.entries)
  const notes = [
    result.skipped && `${count(result.skipped, 'unreadable record')} skipped`,
    result.dropped && `${result.dropped.toLocaleString('en-US')} oldest left out to stay within the log capacity`,
  ].filter(Boolean)
  return {
    ok: true,
    summary: `${count(result.entries.length, 'entry', 'entries')}${notes.length ? ` (${notes.join('; ')})` : ''}`,
  }
}

/** "1 entry", "12,000 entries". */
function count(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`
}
