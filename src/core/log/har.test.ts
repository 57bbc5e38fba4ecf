import { describe, expect, it } from 'vitest'
import { LogBuffer } from './log-buffer'
import { toHar } from './har'
import { parseLogFile } from './log-import'

/** Two connections of one page (ids c1, c2), the second still open, with a text, a binary and a keepalive message. */
function twoConnections() {
  const log = new LogBuffer(20)
  const c1 = { source: 'c1', connection: 1 } as const
  const c2 = { source: 'c2', connection: 1 } as const
  log.push({
    ...c1,
    at: 1_000,
    kind: 'connecting',
    direction: 'none',
    url: 'wss://abc.execute-api.us-east-1.amazonaws.com/prod?X-Amz-Signature=secret',
    protocols: ['chat'],
  })
  log.push({ ...c1, at: 1_040, kind: 'open', direction: 'none', protocol: 'chat' })
  log.push({ ...c2, at: 1_050, kind: 'connecting', direction: 'none', url: 'ws://127.0.0.1:4001/dev' })
  log.push({ ...c1, at: 1_100, kind: 'sent', direction: 'out', data: '{"action":"whoami"}', bytes: 19 })
  log.push({ ...c2, at: 1_120, kind: 'open', direction: 'none' })
  log.push({ ...c1, at: 1_150, kind: 'received', direction: 'in', data: '3q2+7w==', bytes: 4, binary: true })
  log.push({
    ...c1,
    at: 1_160,
    kind: 'aws',
    direction: 'none',
    aws: { op: 'GetConnection', connectionId: 'x', ok: true, latencyMs: 3 },
  })
  log.push({ ...c2, at: 1_200, kind: 'keepalive', direction: 'out', data: 'ping', bytes: 4 })
  log.push({
    ...c1,
    at: 2_000,
    kind: 'closed',
    direction: 'none',
    code: 1001,
    reason: 'Going away',
    wasClean: true,
    initiator: 'server',
    beforeOpen: false,
  })
  return log
}

describe('HAR export and import', () => {
  it("writes one HAR entry per connection with Chrome's WebSocket messages, and no secret", () => {
    const text = toHar(twoConnections().entries(), { c1: 'Primary', c2: 'Local' })
    expect(text).not.toContain('secret')
    const har = JSON.parse(text)
    expect(har.log.version).toBe('1.2')
    expect(har.log.entries).toHaveLength(2)
    const [first, second] = har.log.entries
    expect(first).toMatchObject({
      startedDateTime: new Date(1_000).toISOString(),
      time: 1_000,
      request: { method: 'GET', headers: [{ name: 'Sec-WebSocket-Protocol', value: 'chat' }] },
      response: {
        status: 101,
        statusText: 'Switching Protocols',
        headers: [{ name: 'Sec-WebSocket-Protocol', value: 'chat' }],
      },
      timings: { wait: 40 },
      comment: 'Connection Primary, #1.',
      _resourceType: 'websocket',
      _close: { code: 1001, reason: 'Going away', wasClean: true, initiator: 'server' },
    })
    expect(first.request.url).toMatch(/^wss:\/\/abc\.execute-api\.us-east-1\.amazonaws\.com\/prod\?X-Amz-Signature=/)
    // The management call is not a WebSocket message.
    expect(first._webSocketMessages).toEqual([
      { type: 'send', time: 1.1, opcode: 1, data: '{"action":"whoami"}' },
      { type: 'receive', time: 1.15, opcode: 2, data: '3q2+7w==' },
    ])
    expect(second).toMatchObject({ request: { url: 'ws://127.0.0.1:4001/dev' }, response: { status: 101 }, time: 150 })
    expect(second._close).toBeUndefined()
    expect(second._webSocketMessages).toEqual([{ type: 'send', time: 1.2, opcode: 1, data: 'ping' }])
  })

  it('reads a HAR back: connections, handshake, messages with their sizes, and the close our HAR keeps', () => {
    const result = parseLogFile(toHar(twoConnections().entries()), 100)
    expect(result.ok).toBe(true)
    if (!result.ok) return
    expect(result.skipped).toBe(0)
    expect(result.entries.map((e) => [e.connectionName, e.kind, e.at])).toEqual([
      ['HAR 1', 'connecting', 1_000],
      ['HAR 1', 'open', 1_040],
      ['HAR 2', 'connecting', 1_050],
      ['HAR 1', 'sent', 1_100],
      ['HAR 2', 'open', 1_120],
      ['HAR 1', 'received', 1_150],
      ['HAR 2', 'sent', 1_200],
      ['HAR 1', 'closed', 2_000],
    ])
    expect(result.entries[0]).toMatchObject({ connection: 1, protocols: ['chat'] })
    expect(result.entries[1]).toMatchObject({ protocol: 'chat' })
    expect(result.entries[3]).toMatchObject({ direction: 'out', data: '{"action":"whoami"}', bytes: 19, sinceOpen: 60 })
    expect(result.entries[5]).toMatchObject({ direction: 'in', data: '3q2+7w==', bytes: 4, binary: true })
    expect(result.entries[7]).toMatchObject({
      code: 1001,
      reason: 'Going away',
      wasClean: true,
      initiator: 'server',
      beforeOpen: false,
    })
  })

  it('reads a DevTools HAR: HTTP entries and control frames left out and counted, URL-safe base64, UTF-8 sizes', () => {
    const at = (ms: number) => (Date.parse('2026-12-04T10:00:01.000Z') + ms) / 1000
    const devtools = {
      log: {
        version: '1.2',
        entries: [
          {
            startedDateTime: '2026-12-04T10:00:00.000Z',
            request: { url: 'https://example.com/' },
            response: { status: 200 },
          },
          {
            startedDateTime: '2026-12-04T10:00:01.000Z',
            time: 5_000,
            request: { method: 'GET', url: 'wss://abc.execute-api.eu-west-1.amazonaws.com/dev', headers: [] },
            response: { status: 101, headers: [] },
            timings: { wait: 120.5 },
            _resourceType: 'websocket',
            _webSocketMessages: [
              { type: 'send', time: at(200), opcode: 1, data: 'héllo' },
              { type: 'receive', time: at(300), opcode: 2, data: '3q2-7w' },
              { type: 'receive', time: at(400), opcode: 9, data: '' },
              { type: 'receive', time: 'soon', opcode: 1, data: 'x' },
            ],
          },
        ],
      },
    }
    const result = parseLogFile(JSON.stringify(devtools), 100)
    expect(result.ok).toBe(true)
    if (!result.ok) return
    expect(result.skipped).toBe(2)
    const started = Date.parse('2026-12-04T10:00:01.000Z')
    expect(result.entries.map((e) => e.kind)).toEqual(['connecting', 'open', 'sent', 'received'])
    expect(result.entries[1]!.at).toBe(started + 120.5)
    expect(result.entries[2]).toMatchObject({ data: 'héllo', bytes: 6 })
    expect(result.entries[3]).toMatchObject({ data: '3q2+7w==', bytes: 4, binary: true })
  })

  it("reads Playwright's recordHar times (epoch ms) and messages without a time (omitTiming: -1) in their place", () => {
    const started = Date.parse('2026-12-04T10:00:00.000Z')
    const har = {
      log: {
        entries: [
          {
            startedDateTime: new Date(started).toISOString(),
            request: { url: 'ws://127.0.0.1:4001/dev' },
            response: { status: 101 },
            timings: { wait: -1 },
            _resourceType: 'websocket',
            _webSocketMessages: [
              { type: 'send', time: started + 25, opcode: 1, data: 'a' },
              { type: 'receive', time: -1, opcode: 1, data: 'b' },
              { type: 'receive', time: started + 90, opcode: 1, data: 'c' },
            ],
          },
        ],
      },
    }
    const result = parseLogFile(JSON.stringify(har), 100)
    expect(result.ok && result.entries.map((e) => [e.kind, e.at - started, e.data])).toEqual([
      ['connecting', 0, undefined],
      ['open', 0, undefined],
      ['sent', 25, 'a'],
      ['received', 25, 'b'],
      ['received', 90, 'c'],
    ])
  })

  it('says what is wrong with a HAR that holds no WebSocket, and keeps only the newest entries that fit', () => {
    const result = parseLogFile(
      JSON.stringify({ log: { entries: [{ request: { url: 'https://example.com/' } }] } }),
      100,
    )
    expect(result).toEqual({
      ok: false,
      error: expect.stringMatching(/^This HAR has no WebSocket connection \(1 entry, none with _webSocketMessages\)/),
    })
    const small = parseLogFile(toHar(twoConnections().entries()), 3)
    expect(small.ok && [small.entries.length, small.dropped]).toEqual([3, 5])
  })
})
