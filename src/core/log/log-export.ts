import type { LogEntry } from '../session/events'
import { redactSecrets } from '../session/endpoint'

/** The log's export formats: its own (NDJSON, JSON) and HAR with Chrome's WebSocket messages (see har.ts). */
export type LogExportKind = 'ndjson' | 'json' | 'har'

/** Connection names by `source` id (the page's connections, removed ones included): exports name each entry's. */
export type ConnectionNames = Readonly<Record<string, string>>

/** One JSON object per line: easy to grep, stream and load into jq. */
export function toNdjson(entries: Iterable<LogEntry>, names: ConnectionNames = {}): string {
  let out = ''
  for (const entry of entries) out += JSON.stringify(exportable(entry, names)) + '\n'
  return out
}

export function toJson(
  entries: Iterable<LogEntry>,
  meta: Record<string, unknown> = {},
  names: ConnectionNames = {},
): string {
  return JSON.stringify(
    {
      exportedAt: new Date().toISOString(),
      ...meta,
      entries: Array.from(entries, (entry) => exportable(entry, names)),
    },
    null,
    2,
  )
}

/**
 * Adds an ISO time next to the epoch ms and the connection's name (a file read elsewhere has only its `source` id
 * otherwise), and drops secrets should a presigned URL ever reach an entry.
 */
function exportable(entry: LogEntry, names: ConnectionNames): Record<string, unknown> {
  const record: Record<string, unknown> = { ...entry, time: new Date(entry.at).toISOString() }
  if (entry.source !== undefined && Object.hasOwn(names, entry.source)) record.connectionName = names[entry.source]
  if (typeof entry.url === 'string') record.url = redactSecrets(entry.url)
  // Binary frames are exported as the bytes, base64-encoded, and say so.
  if (entry.binary) record.encoding = 'base64'
  return record
}

export function exportFileName(kind: LogExportKind, at = Date.now()): string {
  const stamp = new Date(at).toISOString().replace(/[:.]/g, '-').replace(/Z$/, '')
  return `websocket-log-${stamp}.${kind}`
}
