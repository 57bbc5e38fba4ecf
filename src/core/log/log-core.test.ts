import { describe, expect, it } from 'vitest'
import type { SessionEvent } from '../session/events'
import { LogCore, MAX_WINDOW_ROWS } from './log-core'
import { exportLog, openLogFile } from './log-files'

let at = 1_000_000
const event = (body: Record<string, unknown>): SessionEvent =>
  ({ at: at++, connection: 1, source: 'c1', ...body }) as SessionEvent
const received = (data: string, extra: Record<string, unknown> = {}) =>
  event({ kind: 'received', direction: 'in', data, bytes: data.length, ...extra })
const sent = (data: string) => event({ kind: 'sent', direction: 'out', data, bytes: data.length })

describe('LogCore', () => {
  it('counts what it holds and answers windows of the filtered view by position, with opening times', () => {
    const core = new LogCore({ capacity: 5 })
    core.append(event({ kind: 'open', direction: 'none', connection: 7 }))
    for (let i = 0; i < 6; i++) core.append(i % 2 ? sent(`out ${i}`) : received(`in ${i}`, { connection: 7 }))
    expect(core.counters()).toMatchObject({ total: 5, matching: 5, dropped: 2, appended: 7, filterActive: false })

    core.setFilter({ text: '', regex: false, direction: 'in' })
    const window = core.rows(1, 10)
    expect(window.start).toBe(1)
    expect(window.rows.map((e) => e.data)).toEqual(['in 4'])
    expect(window.openedAt).toEqual([[7, expect.any(Number)]])
    expect(core.counters()).toMatchObject({ matching: 2, filterActive: true })
    expect(core.indexOf(window.rows[0]!.seq)).toBe(1)
  })

  it('bumps the version on every change a window could see, and bounds a window', () => {
    const core = new LogCore({ capacity: 5000 })
    const v0 = core.counters().version
    for (let i = 0; i < 2000; i++) core.append(received(`m${i}`))
    const v1 = core.counters().version
    expect(v1).toBeGreaterThan(v0)
    expect(core.rows(0, 5000).rows).toHaveLength(MAX_WINDOW_ROWS)
    core.setFilter({ text: '(', regex: true, direction: 'all' })
    expect(core.counters().filterError).toMatch(/.+/)
    expect(core.counters().version).toBeGreaterThan(v1)
    // The last good filter stays.
    expect(core.counters().matching).toBe(2000)
  })

  it('runs a text filter here when it has no text stage, and exports what it lets through with the filter', () => {
    const core = new LogCore()
    core.append(received('hay'))
    core.append(received('needle', { source: 'c2' }))
    core.append(sent('needle too'))
    core.setFilter({ text: 'needle', regex: false, direction: 'all', source: 'c2' })
    expect(core.rows(0, 10).rows.map((e) => e.data)).toEqual(['needle'])
    const json = JSON.parse(exportLog(core, 'json', { onlyMatching: true, connectionName: 'B', userAgent: 'UA' }).text)
    expect(json).toMatchObject({
      userAgent: 'UA',
      filter: { text: 'needle', connection: { id: 'c2', name: 'B' } },
      entries: [{ data: 'needle' }],
    })
    expect(exportLog(core, 'ndjson').text.trim().split('\n')).toHaveLength(3)
  })

  it('gives entries by position and one connection’s newest entries, and replaces everything on load', () => {
    const core = new LogCore()
    core.append(received('a'))
    core.append(received('b', { source: 'c2' }))
    core.append(received('c'))
    expect(core.entriesAt(-1).map((e) => e.data)).toEqual(['c'])
    expect(core.entriesOf('c1', 1).map((e) => e.data)).toEqual(['c'])
    core.load([{ ...event({ kind: 'open', direction: 'none', connection: 3 }), restored: true } as SessionEvent])
    expect(core.counters()).toMatchObject({ total: 1, dropped: 0 })
    expect(core.connectionOpenedAt(3)).toBeDefined()
    core.load([{ ...event({ kind: 'open', direction: 'none', connection: 4 }), restored: true } as SessionEvent], {
      skipRestoredOpenings: true,
    })
    expect(core.connectionOpenedAt(4)).toBeUndefined()
  })

  it('reports what an import skipped, and a clear message for a file that is not a log', () => {
    const core = new LogCore({ capacity: 100 })
    const line = JSON.stringify({ kind: 'received', direction: 'in', at: 1, connection: 1, data: 'x' })
    expect(openLogFile(core, `${line}\nnot json\n`)).toMatchObject({ ok: false })
    expect(openLogFile(core, `${line}\n${line}\n`)).toEqual({ ok: true, summary: '2 entries' })
    expect(core.counters().total).toBe(2)
    expect(openLogFile(core, '[1,2]')).toMatchObject({ ok: false, error: expect.stringMatching(/not a log export/) })
  })

  it('counts what an import read in words that fit the number', () => {
    const line = (at: number) => JSON.stringify({ kind: 'received', direction: 'in', at, connection: 1, data: 'x' })
    expect(openLogFile(new LogCore({ capacity: 100 }), line(1))).toEqual({ ok: true, summary: '1 entry' })
    expect(openLogFile(new LogCore({ capacity: 100 }), `${line(1)}\n{"kind":"bogus"}\n`)).toEqual({
      ok: true,
      summary: '1 entry (1 unreadable record skipped)',
    })
    const many = Array.from({ length: 1200 }, (_, i) => line(i)).join('\n')
    expect(openLogFile(new LogCore({ capacity: 100 }), many)).toEqual({
      ok: true,
      summary: '100 entries (1,100 oldest left out to stay within the log capacity)',
    })
  })
})
