import type { LogEntry, SessionEvent } from '../session/events'
import { redactSecrets } from '../session/endpoint'
import { utf8Bytes } from '../composer/message-size'
import { parseBase64, toBase64 } from '../composer/bytes'
import type { ConnectionNames } from './log-export'

/**
 * HAR 1.2 with Chrome's WebSocket extension (`_resourceType: 'websocket'`, `_webSocketMessages`: `type` send or
 * receive, `time` in epoch seconds, `opcode` 1 text or 2 binary with base64 `data`), the format DevTools' Network
 * panel saves ("Save all as HAR with content") and reads back. Written here because no HAR library knows the
 * WebSocket extension: one entry per connection, its messages in it. `_close` (ours) keeps the close a HAR cannot say.
 */
export interface HarMessage {
  type: 'send' | 'receive'
  time: number
  opcode: 1 | 2
  data: string
}

interface HarClose {
  code: number
  reason: string
  wasClean: boolean
  initiator: 'client' | 'server'
}

const CREATOR = { name: 'API Gateway WebSocket Playground', version: '1' }

/** The log's connections as HAR entries, oldest first; keepalives are sent messages, management calls stay out. */
export function toHar(entries: Iterable<LogEntry>, names: ConnectionNames = {}): string {
  const groups = new Map<string, LogEntry[]>()
  for (const entry of entries) {
    const key = `${entry.source ?? ''}\u0000${entry.connection}`
    let group = groups.get(key)
    if (!group) groups.set(key, (group = []))
    group.push(entry)
  }
  const harEntries = []
  for (const group of groups.values()) {
    const connecting = group.find((e) => e.kind === 'connecting')
    const open = group.find((e) => e.kind === 'open')
    const closed = group.find((e) => e.kind === 'closed')
    const messages: HarMessage[] = []
    let partial = 0
    for (const e of group) {
      if ((e.kind !== 'sent' && e.kind !== 'keepalive' && e.kind !== 'received') || e.data === undefined) continue
      if ('truncated' in e && e.truncated) partial++
      messages.push({
        type: e.direction === 'out' ? 'send' : 'receive',
        time: e.at / 1000,
        opcode: e.binary ? 2 : 1,
        data: e.data,
      })
    }
    if (!connecting && !messages.length) continue
    const started = (connecting ?? group[0]!).at
    const name = group[0]!.source !== undefined ? names[group[0]!.source] : group[0]!.connectionName
    const comments = [
      name && `Connection ${name}, #${group[0]!.connection}.`,
      !connecting && 'Its connecting entry was no longer in the log (the oldest entries go first): the URL is unknown.',
      partial &&
        `${partial} message${partial === 1 ? ' is' : 's are'} only their first and last characters (the log's text budget).`,
    ].filter(Boolean)
    harEntries.push({
      startedDateTime: new Date(started).toISOString(),
      time: Math.max(0, (closed ?? group.at(-1)!).at - started),
      request: {
        method: 'GET',
        url: connecting ? redactSecrets(connecting.url ?? '') : '',
        httpVersion: 'HTTP/1.1',
        headers: connecting?.protocols?.length
          ? [{ name: 'Sec-WebSocket-Protocol', value: connecting.protocols.join(', ') }]
          : [],
        queryString: [],
        cookies: [],
        headersSize: -1,
        bodySize: 0,
      },
      response: {
        status: open ? 101 : 0,
        statusText: open ? 'Switching Protocols' : '',
        httpVersion: 'HTTP/1.1',
        headers: open?.protocol ? [{ name: 'Sec-WebSocket-Protocol', value: open.protocol }] : [],
        cookies: [],
        content: { size: 0, mimeType: 'x-unknown' },
        redirectURL: '',
        headersSize: -1,
        bodySize: -1,
      },
      cache: {},
      timings: { blocked: -1, dns: -1, connect: -1, ssl: -1, send: 0, wait: open ? open.at - started : -1, receive: 0 },
      ...(comments.length ? { comment: comments.join(' ') } : {}),
      _resourceType: 'websocket',
      _webSocketMessages: messages,
      ...(closed
        ? {
            _close: {
              code: closed.code,
              reason: closed.reason,
              wasClean: closed.wasClean,
              initiator: closed.initiator,
            } satisfies HarClose,
          }
        : {}),
    })
  }
  return JSON.stringify({ log: { version: '1.2', creator: CREATOR, pages: [], entries: harEntries } }, null, 2)
}

/** Whether a parsed file is a HAR (`{ log: { entries: [...] } }`) rather than one of the log's own exports. */
export function isHar(value: unknown): boolean {
  const log = (value as { log?: { entries?: unknown } } | null)?.log
  return typeof log === 'object' && log !== null && Array.isArray(log.entries)
}

/**
 * A HAR's WebSocket entries as log events: each a connection (`HAR 1`, `HAR 2`… in file order), connecting at
 * `startedDateTime`, open when the handshake got 101 (after the `wait` timing), its text and binary messages, and the
 * close only a HAR of ours records. Other entries (HTTP requests) and frames (control, errors) are counted, not kept.
 */
export function fromHar(value: unknown): { events: SessionEvent[]; skipped: number; sockets: number } {
  const entries = (value as { log: { entries: unknown[] } }).log.entries
  const events: SessionEvent[] = []
  let skipped = 0
  let sockets = 0
  for (const raw of entries) {
    const e = raw as Record<string, unknown> | null
    if (!e || typeof e !== 'object' || (e._resourceType !== 'websocket' && !Array.isArray(e._webSocketMessages)))
      continue
    const started = Date.parse(String(e.startedDateTime))
    if (!Number.isFinite(started)) {
      skipped++
      continue
    }
    const connection = ++sockets
    const connectionName = `HAR ${connection}`
    const base = { connection, connectionName } as const
    const request = (e.request ?? {}) as { url?: unknown; headers?: unknown }
    const response = (e.response ?? {}) as { status?: unknown; headers?: unknown }
    const protocols = header(request.headers, 'sec-websocket-protocol')
      ?.split(',')
      .map((p) => p.trim())
      .filter(Boolean)
    events.push({
      ...base,
      at: started,
      kind: 'connecting',
      direction: 'none',
      url: redactSecrets(typeof request.url === 'string' ? request.url : ''),
      ...(protocols?.length ? { protocols } : {}),
    })
    const messages = (Array.isArray(e._webSocketMessages) ? e._webSocketMessages : []) as unknown[]
    let openedAt: number | undefined
    if (response.status === 101) {
      const wait = Number((e.timings as { wait?: unknown } | undefined)?.wait)
      const firstMessage = epochMs(Number((messages[0] as { time?: unknown } | undefined)?.time))
      // The handshake's answer came after `wait`; never after the first message.
      openedAt = Math.min(started + (Number.isFinite(wait) && wait > 0 ? wait : 0), firstMessage ?? Infinity)
      const protocol = header(response.headers, 'sec-websocket-protocol')
      events.push({ ...base, at: openedAt, kind: 'open', direction: 'none', ...(protocol ? { protocol } : {}) })
    }
    let lastAt = openedAt ?? started
    for (const m of messages) {
      const message = toMessage(m)
      if (!message) {
        skipped++
        continue
      }
      // No time (Playwright's omitTiming writes -1): the message keeps its place, at the time of the one before.
      const at = epochMs(message.time) ?? lastAt
      lastAt = at
      const binary = message.bytes !== undefined
      events.push({
        ...base,
        at,
        kind: message.type === 'send' ? 'sent' : 'received',
        direction: message.type === 'send' ? 'out' : 'in',
        // The log keeps binary messages as standard base64.
        data: binary ? toBase64(message.bytes!) : message.data,
        bytes: binary ? message.bytes!.length : utf8Bytes(message.data),
        ...(binary ? { binary: true } : {}),
        ...(openedAt !== undefined ? { sinceOpen: at - openedAt } : {}),
      } as SessionEvent)
    }
    const close = toClose(e._close)
    if (close) {
      const time = Number(e.time)
      events.push({
        ...base,
        at: started + (Number.isFinite(time) && time >= 0 ? time : 0),
        kind: 'closed',
        direction: 'none',
        ...close,
        beforeOpen: openedAt === undefined,
      })
    }
  }
  // One connection's events are in order; several connections interleave by time, as the log shows them.
  events.sort((a, b) => a.at - b.at)
  return { events, skipped, sockets }
}

/** A text or binary message (`bytes`: a binary one's, decoded), or nothing for anything else. */
function toMessage(raw: unknown): (HarMessage & { bytes?: Uint8Array }) | undefined {
  const m = raw as Partial<HarMessage> | null
  if (!m || typeof m !== 'object') return undefined
  if ((m.type !== 'send' && m.type !== 'receive') || (m.opcode !== 1 && m.opcode !== 2)) return undefined
  if (typeof m.time !== 'number' || typeof m.data !== 'string') return undefined
  if (m.opcode === 1) return m as HarMessage
  const parsed = parseBase64(m.data)
  return parsed.ok ? { ...(m as HarMessage), bytes: parsed.bytes } : undefined
}

/**
 * A message's time in epoch ms. DevTools writes epoch seconds, Playwright's `recordHar` epoch milliseconds: told apart
 * by size (seconds stay under 1e11 until the year 5138). Undefined for none (negative, not finite).
 */
function epochMs(time: number): number | undefined {
  if (!Number.isFinite(time) || time < 0) return undefined
  return time >= 1e11 ? time : time * 1000
}

function toClose(raw: unknown): HarClose | undefined {
  const c = raw as Partial<HarClose> | null
  if (!c || typeof c !== 'object' || typeof c.code !== 'number' || !Number.isInteger(c.code)) return undefined
  return {
    code: c.code,
    reason: typeof c.reason === 'string' ? c.reason : '',
    wasClean: c.wasClean === true,
    initiator: c.initiator === 'client' ? 'client' : 'server',
  }
}

function header(headers: unknown, name: string): string | undefined {
  if (!Array.isArray(headers)) return undefined
  const found = headers.find(
    (h) => h && typeof h === 'object' && String((h as { name?: unknown }).name).toLowerCase() === name,
  ) as { value?: unknown } | undefined
  return typeof found?.value === 'string' ? found.value : undefined
}
