import type { Direction, LogKind, SessionEvent } from '../session/events'
import { redactSecrets } from '../session/endpoint'
import { fromHar, isHar } from './har'

const KINDS: readonly LogKind[] = [
  'connecting',
  'open',
  'sent',
  'received',
  'keepalive',
  'error',
  'closing',
  'closed',
  'aws',
  'reconnect',
]
const DIRECTIONS: readonly Direction[] = ['out', 'in', 'none']
const STRING_FIELDS = ['data', 'url', 'protocol', 'reason', 'message', 'connectionName'] as const
const NUMBER_FIELDS = ['sinceOpen', 'bytes', 'code', 'delayMs'] as const
const BOOLEAN_FIELDS = ['binary', 'wasClean', 'beforeOpen'] as const

export type ImportResult =
  { ok: true; entries: SessionEvent[]; skipped: number; dropped: number } | { ok: false; error: string }

/**
 * Reads a log exported as NDJSON (one entry a line) or JSON ({ entries: [...] }) back into events to browse and
 * filter, or a HAR's WebSocket connections (DevTools' "Save all as HAR with content", or this page's HAR export). Only the known fields of known kinds are kept, with their types checked: a file is data, never trusted.
 * Keeps the newest `max` entries, as the log's ring buffer would.
 */
export function parseLogFile(text: string, max: number): ImportResult {
  const trimmed = text.trim()
  if (!trimmed) return { ok: false, error: 'The file is empty.' }
  let records: unknown[]
  const whole = tryJson(trimmed)
  if (whole.ok && Array.isArray(whole.value)) {
    return {
      ok: false,
      error: 'This is a JSON array, not a log export: open a .ndjson file or a .json file with an "entries" list.',
    }
  }
  const firstLine = trimmed.split('\n', 1)[0]!.trim()
  // One object per line, even a broken one: read line by line, so the error names the line (a pretty-printed JSON
  // file's first line is a lone brace).
  const looksLineByLine = firstLine.length > 1 && firstLine.startsWith('{') && firstLine.endsWith('}')
  if (whole.ok && isHar(whole.value)) return fromHarFile(whole.value, max)
  // A "log" object without its entries list (a HAR cut short or hand-edited) is no export of ours either.
  const top = whole.ok ? (whole.value as { log?: unknown; entries?: unknown } | null) : undefined
  if (typeof top?.log === 'object' && top.log !== null && !Array.isArray(top.entries))
    return {
      ok: false,
      error: 'This looks like a HAR, but it has no list of entries (log.entries): is the file whole?',
    }
  if (whole.ok) {
    const entries = (whole.value as { entries?: unknown } | null)?.entries
    records = Array.isArray(entries) ? entries : [whole.value]
  } else if (trimmed.includes('\n') && (looksLineByLine || tryJson(firstLine).ok)) {
    records = []
    const lines = trimmed.split('\n')
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i]!.trim()
      if (!line) continue
      const parsed = tryJson(line)
      if (!parsed.ok)
        return { ok: false, error: `Line ${i + 1} is not JSON (${parsed.error}): is this an NDJSON log export?` }
      records.push(parsed.value)
    }
  } else if (/[\u0000\uFFFD]/.test(trimmed.slice(0, 4096))) {
    // JSON.parse would quote the undecodable bytes it stopped at: a line of replacement characters.
    return { ok: false, error: 'This is not a text file (it holds binary data): open an .ndjson, .json or .har log.' }
  } else {
    return { ok: false, error: `The file is not valid JSON: ${whole.error}` }
  }
  const entries: SessionEvent[] = []
  let skipped = 0
  for (const record of records) {
    const event = toEvent(record)
    if (event) entries.push(event)
    else skipped++
  }
  if (!entries.length)
    return {
      ok: false,
      error: `No log entries found (${skipped} record${skipped === 1 ? '' : 's'} without a known kind, direction and time).`,
    }
  const dropped = Math.max(0, entries.length - max)
  return { ok: true, entries: dropped ? entries.slice(-max) : entries, skipped, dropped }
}

function fromHarFile(har: unknown, max: number): ImportResult {
  const { events, skipped, sockets } = fromHar(har)
  if (!sockets) {
    const count = (har as { log: { entries: unknown[] } }).log.entries.length
    return {
      ok: false,
      error: `This HAR has no WebSocket connection (${count} entr${count === 1 ? 'y' : 'ies'}, none with _webSocketMessages): save it from DevTools' Network panel ("Save all as HAR") once the socket has opened.`,
    }
  }
  const dropped = Math.max(0, events.length - max)
  return { ok: true, entries: dropped ? events.slice(-max) : events, skipped, dropped }
}

function toEvent(record: unknown): SessionEvent | undefined {
  if (!record || typeof record !== 'object') return undefined
  const r = record as Record<string, unknown>
  if (!KINDS.includes(r.kind as LogKind) || !DIRECTIONS.includes(r.direction as Direction)) return undefined
  if (typeof r.at !== 'number' || !Number.isFinite(r.at)) return undefined
  // Built field by field from a file: each field is checked on its own, not against its kind.
  const event: Record<string, unknown> = {
    at: r.at,
    connection: Number.isInteger(r.connection) ? (r.connection as number) : 0,
    kind: r.kind as LogKind,
    direction: r.direction as Direction,
  }
  const target = event
  for (const f of STRING_FIELDS) if (typeof r[f] === 'string') target[f] = r[f]
  for (const f of NUMBER_FIELDS) if (typeof r[f] === 'number' && Number.isFinite(r[f])) target[f] = r[f]
  for (const f of BOOLEAN_FIELDS) if (typeof r[f] === 'boolean') target[f] = r[f]
  if (r.initiator === 'client' || r.initiator === 'server') event.initiator = r.initiator
  if (Array.isArray(r.protocols) && r.protocols.every((p) => typeof p === 'string'))
    event.protocols = r.protocols as string[]
  // A file from elsewhere may hold a presigned URL: it never reaches the page with its credentials.
  if (typeof event.url === 'string') event.url = redactSecrets(event.url)
  const aws = r.aws as Record<string, unknown> | undefined
  if (
    aws &&
    typeof aws === 'object' &&
    typeof aws.op === 'string' &&
    ['PostToConnection', 'GetConnection', 'DeleteConnection'].includes(aws.op)
  ) {
    event.aws = {
      op: aws.op as 'PostToConnection',
      connectionId: String(aws.connectionId ?? ''),
      ok: aws.ok === true,
      status: typeof aws.status === 'number' ? aws.status : undefined,
      latencyMs: typeof aws.latencyMs === 'number' ? aws.latencyMs : 0,
      error: typeof aws.error === 'string' ? aws.error : undefined,
    }
  }
  return event as unknown as SessionEvent
}

function tryJson(text: string): { ok: true; value: unknown } | { ok: false; error: string } {
  try {
    return { ok: true, value: JSON.parse(text) }
  } catch (e) {
    return { ok: false, error: (e as Error).message }
  }
}
