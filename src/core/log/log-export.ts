import type { LogEntry } from '../session/events'
import { redactSecrets } from '../session/endpoint'

/** One JSON object per line: easy to grep, stream and load into jq. */
export function toNdjson(entries: Iterable<LogEntry>): string {
  let out = ''
  for (const entry of entries) out += JSON.stringify(exportable(entry)) + '\n'
  return out
}

export function toJson(entries: Iterable<LogEntry>, meta: Record<string, unknown> = {}): string {
  return JSON.stringify(
    { exportedAt: new Date().toISOString(), ...meta, entries: Array.from(entries, exportable) },
    null,
    2,
  )
}

/** Adds an ISO time next to the epoch ms, and drops secrets should a presigned URL ever reach an entry. */
function exportable(entry: LogEntry): Record<string, unknown> {
  const record: Record<string, unknown> = { ...entry, time: new Date(entry.at).toISOString() }
  if (typeof entry.url === 'string') record.url = redactSecrets(entry.url)
  // Binary frames are exported as the bytes, base64-encoded, and say so.
  if (entry.binary) record.encoding = 'base64'
  return record
}

export function exportFileName(kind: 'ndjson' | 'json', at = Date.now()): string {
  const stamp = new Date(at).toISOString().replace(/[:.]/g, '-').replace(/Z$/, '')
  return `websocket-log-${stamp}.${kind}`
}
