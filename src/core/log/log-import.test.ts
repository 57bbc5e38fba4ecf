import { describe, expect, it } from 'vitest'
import { LogBuffer } from './log-buffer'
import { toJson, toNdjson } from './log-export'
import { parseLogFile } from './log-import'

function sampleLog() {
  const log = new LogBuffer(10)
  log.push({ at: 1000, connection: 1, kind: 'connecting', direction: 'none', url: 'ws://127.0.0.1:4001/dev' })
  log.push({ at: 1001, connection: 1, kind: 'sent', direction: 'out', data: '{"action":"echo"}', bytes: 17 })
  log.push({ at: 1002, connection: 1, kind: 'received', direction: 'in', data: '3q2+7w==', bytes: 4, binary: true })
  log.push({
    at: 1003,
    connection: 1,
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

describe('opening an exported log', () => {
  it('says what is wrong with a file that is not a log in words, not in its bytes', () => {
    // A picture or an archive, read as text: JSON.parse's message quoted its undecodable bytes.
    const binary = new TextDecoder().decode(
      new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0xff]),
    )
    expect(parseLogFile(binary, 100)).toEqual({
      ok: false,
      error: 'This is not a text file (it holds binary data): open an .ndjson, .json or .har log.',
    })
    // A HAR without its entries list was "No log entries found (1 record without a known kind, direction and time)."
    for (const har of ['{"log":{"version":"1.2"}}', '{"log":{"version":"1.2","entries":"none"}}'])
      expect(parseLogFile(har, 100)).toEqual({
        ok: false,
        error: 'This looks like a HAR, but it has no list of entries (log.entries): is the file whole?',
      })
  })

  it('reads back NDJSON and JSON exports, binary entries included', () => {
    for (const text of [toNdjson(sampleLog().entries()), toJson(sampleLog().entries(), { capacity: 10 })]) {
      const result = parseLogFile(text, 100)
      expect(result.ok).toBe(true)
      if (!result.ok) return
      expect(result.entries.map((e) => e.kind)).toEqual(['connecting', 'sent', 'received', 'closed'])
      expect(result.entries[2]).toEqual({
        at: 1002,
        connection: 1,
        kind: 'received',
        direction: 'in',
        data: '3q2+7w==',
        bytes: 4,
        binary: true,
      })
      expect(result.entries[3]).toMatchObject({ code: 1001, initiator: 'server', wasClean: true })
    }
  })

  it('keeps the newest entries up to the log capacity', () => {
    const result = parseLogFile(toNdjson(sampleLog().entries()), 2)
    expect(result).toMatchObject({ ok: true, dropped: 2 })
    expect(result.ok && result.entries.map((e) => e.kind)).toEqual(['received', 'closed'])
  })

  it('keeps only known fields of known kinds, with their types, and no credentials', () => {
    const text = [
      JSON.stringify({
        at: 1,
        connection: 1,
        kind: 'sent',
        direction: 'out',
        data: 'x',
        html: '<img onerror=alert(1)>',
        bytes: 'lots',
      }),
      JSON.stringify({ at: 2, connection: 1, kind: 'bogus', direction: 'out' }),
      JSON.stringify({
        at: 3,
        connection: 1,
        kind: 'connecting',
        direction: 'none',
        url: 'wss://a.example/prod?X-Amz-Security-Token=SECRET',
      }),
    ].join('\n')
    const result = parseLogFile(text, 100)
    expect(result).toMatchObject({ ok: true, skipped: 1 })
    if (!result.ok) return
    expect(result.entries[0]).toEqual({ at: 1, connection: 1, kind: 'sent', direction: 'out', data: 'x' })
    expect(result.entries[1]!.url).not.toContain('SECRET')
  })

  it('keeps the connection names an export wrote, and drops the other tab’s ids', () => {
    const file = toNdjson(
      [
        { seq: 1, at: 1, connection: 1, source: 'c1', kind: 'sent', direction: 'out', data: 'a', bytes: 1 },
        { seq: 2, at: 2, connection: 2, source: 'c7', kind: 'sent', direction: 'out', data: 'b', bytes: 1 },
      ],
      { c1: 'orders' },
    )
    const result = parseLogFile(file, 10)
    expect(result.ok && result.entries.map((e) => [e.connectionName, e.source])).toEqual([
      ['orders', undefined],
      [undefined, undefined],
    ])
  })

  it('says what is wrong with a file that is not a log export', () => {
    expect(parseLogFile('', 10)).toMatchObject({ ok: false, error: 'The file is empty.' })
    expect(parseLogFile('{"at":1,"kind":"sent","direction":"out"}\nnot json', 10)).toMatchObject({
      ok: false,
      error: expect.stringContaining('Line 2 is not JSON'),
    })
    // A broken first record of an NDJSON file is named by its line too, not reported as "not valid JSON".
    expect(
      parseLogFile('{"at":1,"kind":"sent",direction":"out"}\n{"at":2,"kind":"sent","direction":"out"}', 10),
    ).toMatchObject({
      ok: false,
      error: expect.stringMatching(/^Line 1 is not JSON \(.+\): is this an NDJSON log export\?$/),
    })
    expect(parseLogFile('{\n  "entries": [\n', 10)).toMatchObject({
      ok: false,
      error: expect.stringContaining('not valid JSON'),
    })
    expect(parseLogFile('[1,2]', 10)).toMatchObject({ ok: false, error: expect.stringContaining('JSON array') })
    expect(parseLogFile('{"entries": [{"hello": 1}]}', 10)).toMatchObject({
      ok: false,
      error: expect.stringContaining('No log entries found (1 record'),
    })
    expect(parseLogFile('{"entries": ', 10)).toMatchObject({
      ok: false,
      error: expect.stringContaining('not valid JSON'),
    })
  })
})
