import { describe, expect, it } from 'vitest'
import type { SessionEvent } from '../session/events'
import { FULL_LARGE_MESSAGES, KEPT_HEAD_CHARS, KEPT_TAIL_CHARS, LARGE_MESSAGE_CHARS, LogBuffer } from './log-buffer'
import { compileFilter, FilteredView } from './log-filter'
import { toJson, toNdjson } from './log-export'
import { JSON_VIEW_MAX_CHARS, MAX_INDENT_DEPTH, parseJsonForView, prettyJsonCapped } from './json-view'

// Small factories keep the fixtures readable (Elk-style); they fill only the fields a test reads.
let clock = 1_700_000_000_000
const event = (kind: SessionEvent['kind'], extra: Record<string, unknown> = {}): SessionEvent =>
  ({
    at: clock++,
    connection: 1,
    kind,
    direction: kind === 'sent' || kind === 'keepalive' ? 'out' : kind === 'received' ? 'in' : 'none',
    ...extra,
  }) as SessionEvent
const sent = (data: string) => event('sent', { data, bytes: data.length })
const received = (data: string) => event('received', { data, bytes: data.length })

describe('LogBuffer', () => {
  it('keeps the newest entries up to its capacity and counts what it dropped', () => {
    const log = new LogBuffer(3)
    for (const d of ['a', 'b', 'c', 'd', 'e']) log.push(sent(d))
    expect(log.size).toBe(3)
    expect(log.dropped).toBe(2)
    expect(log.toArray().map((e) => e.data)).toEqual(['c', 'd', 'e'])
    expect(log.get(0)).toBeUndefined()
    expect(log.get(4)?.data).toBe('e')
    expect(log.firstSeq).toBe(2)
  })

  it('clears without reusing sequence numbers, and resizes keeping the newest', () => {
    const log = new LogBuffer(5)
    for (const d of ['a', 'b', 'c', 'd']) log.push(sent(d))
    log.resize(2)
    expect(log.toArray().map((e) => e.data)).toEqual(['c', 'd'])
    log.clear()
    expect(log.size).toBe(0)
    expect(log.push(sent('z')).seq).toBe(4)
  })

  it('holds the default 100,000 entries', () => {
    const log = new LogBuffer()
    for (let i = 0; i < 100_050; i++) log.push(received(String(i)))
    expect(log.size).toBe(100_000)
    expect(log.toArray()[0]?.data).toBe('50')
  })

  it('refuses a nonsense capacity', () => {
    expect(() => new LogBuffer(0)).toThrow(RangeError)
    expect(() => new LogBuffer({ maxChars: 0 })).toThrow(RangeError)
  })
})

describe('LogBuffer text budget', () => {
  it('drops the oldest entries once their text passes the budget, whichever limit comes first', () => {
    const log = new LogBuffer({ capacity: 100, maxChars: 10_000 })
    for (let i = 0; i < 25; i++) log.push(received(String(i % 10).repeat(1000)))
    expect(log.size).toBe(10)
    expect(log.heldChars).toBe(10_000)
    expect(log.dropped).toBe(15)
    expect(log.toArray()[0]?.data?.[0]).toBe('5')
    // Small entries: the entry limit comes first.
    const small = new LogBuffer({ capacity: 5, maxChars: 10_000 })
    for (let i = 0; i < 8; i++) small.push(received('x'))
    expect([small.size, small.dropped, small.heldChars]).toEqual([5, 3, 5])
  })

  it('keeps the newest entry even when it alone is over budget', () => {
    const log = new LogBuffer({ capacity: 100, maxChars: 100 })
    log.push(received('a'))
    log.push(received('b'.repeat(500)))
    expect(log.toArray().map((e) => e.data?.length)).toEqual([500])
  })

  it('keeps only the newest few large messages whole, the others as head and tail with their full size', () => {
    const log = new LogBuffer({ capacity: 100, maxChars: 100 * 1024 * 1024 })
    const big = (i: number) => `<${i}>` + 'm'.repeat(LARGE_MESSAGE_CHARS * 2) + `</${i}>`
    const count = FULL_LARGE_MESSAGES + 2
    for (let i = 0; i < count; i++) log.push(received(big(i)))
    log.push(received('x'.repeat(LARGE_MESSAGE_CHARS))) // not large: kept whole, and does not push a large one out
    const entries = log.toArray()
    const cut = entries.filter((e) => e.truncated)
    expect(cut.map((e) => e.seq)).toEqual([0, 1])
    expect(log.wholeLargeSeqs).toEqual([2, 3, 4].slice(0, FULL_LARGE_MESSAGES))
    expect(log.truncated).toBe(2)
    const first = cut[0]!
    expect(first.truncated).toEqual({ chars: big(0).length, head: KEPT_HEAD_CHARS, tail: KEPT_TAIL_CHARS })
    expect(first.data).toHaveLength(KEPT_HEAD_CHARS + KEPT_TAIL_CHARS)
    expect(first.data?.startsWith('<0>')).toBe(true)
    expect(first.data?.endsWith('</0>')).toBe(true)
    expect(entries.at(-2)?.data).toBe(big(count - 1))
    expect(log.heldChars).toBe(entries.reduce((n, e) => n + (e.data?.length ?? 0), 0))
  })

  it('shrinks to a smaller budget on request, and clears its counts', () => {
    const log = new LogBuffer({ capacity: 100, maxChars: 10_000 })
    for (let i = 0; i < 10; i++) log.push(received('y'.repeat(1000)))
    log.setCharBudget(3000)
    expect([log.size, log.dropped, log.heldChars]).toEqual([3, 7, 3000])
    log.clear()
    expect([log.size, log.dropped, log.heldChars, log.truncated]).toEqual([0, 0, 0, 0])
  })
})

describe('filters', () => {
  const log = new LogBuffer(100)
  log.push(event('connecting', { url: 'ws://x/dev' }))
  log.push(sent('{"action":"echo"}'))
  log.push(received('Hello World'))
  log.push(event('closed', { code: 1001, reason: 'Going away' }))

  const data = (spec: Parameters<typeof compileFilter>[0]) => {
    const f = compileFilter(spec)
    if (!f.ok) throw new Error(f.error)
    return log
      .toArray()
      .filter(f.test)
      .map((e) => e.kind)
  }

  it('filters by direction', () => {
    expect(data({ text: '', regex: false, direction: 'in' })).toEqual(['received'])
    expect(data({ text: '', regex: false, direction: 'out' })).toEqual(['sent'])
    expect(data({ text: '', regex: false, direction: 'events' })).toEqual(['connecting', 'closed'])
  })

  it('searches text case-insensitively, including close reasons and codes', () => {
    expect(data({ text: 'hello', regex: false, direction: 'all' })).toEqual(['received'])
    expect(data({ text: 'going', regex: false, direction: 'all' })).toEqual(['closed'])
    expect(data({ text: '1001', regex: false, direction: 'all' })).toEqual(['closed'])
  })

  it('keeps one connection’s entries, together with the direction and text filters', () => {
    const two = new LogBuffer(100)
    two.push(event('open', { source: 'c1' }))
    two.push(event('sent', { source: 'c1', data: 'hello from A', bytes: 12 }))
    two.push(event('sent', { source: 'c2', data: 'hello from B', bytes: 12 }))
    two.push(event('received', { source: 'c2', data: 'reply to B', bytes: 10 }))
    two.push(event('open', { source: 'lab', connection: 1001 }))
    const of = (spec: Parameters<typeof compileFilter>[0]) => {
      const f = compileFilter(spec)
      if (!f.ok) throw new Error(f.error)
      return {
        kinds: two
          .toArray()
          .filter(f.test)
          .map((e) => `${e.source}:${e.kind}`),
        active: f.active,
      }
    }
    expect(of({ text: '', regex: false, direction: 'all', source: 'c2' })).toEqual({
      kinds: ['c2:sent', 'c2:received'],
      active: true,
    })
    expect(of({ text: '', regex: false, direction: 'out', source: 'c2' }).kinds).toEqual(['c2:sent'])
    expect(of({ text: 'hello', regex: false, direction: 'all', source: 'c1' }).kinds).toEqual(['c1:sent'])
    expect(of({ text: '', regex: false, direction: 'all', source: 'lab' }).kinds).toEqual(['lab:open'])
    // Empty (or absent): every connection's, and the filter is not active.
    expect(of({ text: '', regex: false, direction: 'all', source: '' })).toEqual({
      kinds: ['c1:open', 'c1:sent', 'c2:sent', 'c2:received', 'lab:open'],
      active: false,
    })
    // The connection test is part of the cheap stage the page runs itself (the text stage runs in a worker).
    const f = compileFilter({ text: 'hello', regex: false, direction: 'all', source: 'c1' })
    expect(
      f.ok &&
        two
          .toArray()
          .filter(f.direction)
          .map((e) => e.kind),
    ).toEqual(['open', 'sent'])
  })

  it('supports regular expressions and explains invalid ones', () => {
    expect(data({ text: '"action":"\\w+"', regex: true, direction: 'all' })).toEqual(['sent'])
    const bad = compileFilter({ text: '([', regex: true, direction: 'all' })
    expect(bad).toMatchObject({ ok: false, error: expect.stringContaining('Invalid regular expression') })
    if (bad.ok) return
    expect(bad.error.match(/Invalid regular expression/g)).toHaveLength(1)
    expect(bad.error).not.toContain('/([/')
  })
})

describe('FilteredView', () => {
  it('follows appends and evictions without rescanning', () => {
    const log = new LogBuffer(4)
    const f = compileFilter({ text: 'keep', regex: false, direction: 'all' })
    if (!f.ok) throw new Error()
    const view = new FilteredView(log, f.test)
    for (const d of ['keep1', 'drop', 'keep2', 'keep3', 'drop', 'keep4']) view.append(log.push(received(d)))
    expect(view.slice(0, 10).map((e) => e.data)).toEqual(['keep2', 'keep3', 'keep4'])
    expect(view.length).toBe(3)
    expect(view.indexOfSeq(5)).toBe(2)
    view.setTest(() => true)
    expect(view.length).toBe(4)
  })

  it('without a filter is the buffer itself, through drops, budget cuts, clears and resizes', () => {
    // Two buffers fed alike: one seen through an unfiltered view, one through a view that tests every entry.
    const buffers = [new LogBuffer({ capacity: 5, maxChars: 40 }), new LogBuffer({ capacity: 5, maxChars: 40 })]
    const unfiltered = new FilteredView(buffers[0]!)
    const tested = new FilteredView(buffers[1]!, () => true)
    const views = [unfiltered, tested]
    const same = () => {
      expect(unfiltered.length).toBe(tested.length)
      expect(unfiltered.slice(0, 10).map((e) => e.seq)).toEqual(tested.slice(0, 10).map((e) => e.seq))
      expect([...unfiltered.entries()].map((e) => e.data)).toEqual([...tested.entries()].map((e) => e.data))
      for (const i of [-1, 0, 1, 2.5, 4, 5]) expect(unfiltered.at(i)?.seq).toBe(tested.at(i)?.seq)
      for (let seq = -1; seq < buffers[0]!.nextSeq + 1; seq++)
        expect(unfiltered.indexOfSeq(seq)).toBe(tested.indexOfSeq(seq))
    }
    const feed = (data: string) => views.forEach((v, i) => v.append(buffers[i]!.push(received(data))))
    for (const d of ['a', 'bb', 'ccc', 'dddd', 'eeeee', 'ffffff']) feed(d)
    same()
    expect(unfiltered.slice(0, 10).map((e) => e.data)).toEqual(['bb', 'ccc', 'dddd', 'eeeee', 'ffffff'])
    feed('x'.repeat(30)) // over the text budget: the oldest go
    same()
    expect(unfiltered.length).toBe(2)
    buffers.forEach((b) => b.resize(1))
    views.forEach((v) => v.rebuild())
    same()
    buffers.forEach((b) => b.clear())
    views.forEach((v) => v.rebuild())
    same()
    expect(unfiltered.length).toBe(0)
    feed('after')
    same()
    // A filter that lets some through, then none again.
    const f = compileFilter({ text: '', regex: false, direction: 'out' })
    if (!f.ok) throw new Error()
    unfiltered.setFilter({ ...f, all: !f.active })
    expect(unfiltered.length).toBe(0)
    const none = compileFilter({ text: '', regex: false, direction: 'all' })
    if (!none.ok) throw new Error()
    unfiltered.setFilter({ ...none, all: !none.active })
    same()
    expect(unfiltered.at(0)?.data).toBe('after')
  })
})

describe('exports', () => {
  const log = new LogBuffer(10)
  log.push(event('connecting', { url: 'wss://a/prod?X-Amz-Security-Token=SECRET&X-Amz-Signature=sig&room=1' }))
  log.push(sent('<img src=x onerror=alert(1)>'))

  it('writes one JSON object per line with ISO times', () => {
    const lines = toNdjson(log.entries()).trim().split('\n')
    expect(lines).toHaveLength(2)
    const first = JSON.parse(lines[0]!)
    expect(first.time).toBe(new Date(first.at).toISOString())
    expect(JSON.parse(lines[1]!).data).toBe('<img src=x onerror=alert(1)>')
  })

  it('says which entries were cut and how long they were', () => {
    const big = new LogBuffer({ capacity: 10 })
    for (let i = 0; i <= FULL_LARGE_MESSAGES; i++) big.push(received('z'.repeat(LARGE_MESSAGE_CHARS + 1)))
    const first = JSON.parse(toNdjson(big.entries()).split('\n')[0]!)
    expect(first.truncated).toEqual({ chars: LARGE_MESSAGE_CHARS + 1, head: KEPT_HEAD_CHARS, tail: KEPT_TAIL_CHARS })
    expect(JSON.parse(toJson(big.entries(), { truncated: big.truncated })).truncated).toBe(1)
  })

  it('never exports a session token or signature', () => {
    const json = toJson(log.entries(), { cap: 10 })
    expect(json).not.toContain('SECRET')
    expect(json).not.toContain('sig&')
    expect(JSON.parse(json)).toMatchObject({ cap: 10, entries: [{ kind: 'connecting' }, { kind: 'sent' }] })
  })
})

describe('bounded JSON view', () => {
  it('prints exactly what JSON.stringify(v, null, 2) prints when it fits', () => {
    const samples: unknown[] = [
      { a: 1 },
      [],
      {},
      [1, [2, [3]]],
      { s: 'x"y', n: null, t: true, nested: { e: [], o: {} }, u: undefined },
      'text',
      5,
    ]
    for (const v of samples)
      expect(prettyJsonCapped(v, 1e6)).toEqual({ text: JSON.stringify(v, null, 2), complete: true })
  })

  it('costs what it shows: a 6 KB array nested 3,000 deep prints only up to the cap, without deep indentation', () => {
    const text = '['.repeat(3000) + ']'.repeat(3000)
    const parsed = parseJsonForView(text)
    if (parsed.kind !== 'json') throw new Error(parsed.kind)
    const shown = prettyJsonCapped(parsed.value, 10_000)
    expect(shown.complete).toBe(false)
    expect(shown.text.length).toBeLessThan(10_000 + 2 * MAX_INDENT_DEPTH + 10)
    // Fully printed it stays linear in the input (JSON.stringify would make 18 MB of it).
    const all = prettyJsonCapped(parsed.value, Infinity)
    expect(all.complete).toBe(true)
    expect(all.text.length).toBeLessThan(6000 * (2 * MAX_INDENT_DEPTH + 2))
    // Compared as compact JSON: a recursive deep-equal of 3,000 levels can itself overflow the test's stack.
    expect(JSON.stringify(JSON.parse(all.text))).toBe(text)
  })

  it('reads only the items it prints of a long array', () => {
    const items = Array.from({ length: 100_000 }, (_, i) => i)
    let read = 0
    const counted = new Proxy(items, {
      get(target, key, receiver) {
        if (typeof key === 'string' && /^\d+$/.test(key)) read++
        return Reflect.get(target, key, receiver) as unknown
      },
    })
    const shown = prettyJsonCapped(counted, 1000)
    expect(shown.complete).toBe(false)
    expect(shown.text.startsWith('[\n  0,\n  1,')).toBe(true)
    expect(read).toBeLessThan(200)
  })

  it('parses only JSON-looking text up to a size', () => {
    expect(parseJsonForView('{"a":1}')).toEqual({ kind: 'json', value: { a: 1 } })
    expect(parseJsonForView('ping')).toEqual({ kind: 'text' })
    expect(parseJsonForView('{broken')).toEqual({ kind: 'text' })
    expect(parseJsonForView('[' + ' '.repeat(JSON_VIEW_MAX_CHARS) + ']')).toEqual({ kind: 'too-large' })
  })
})

describe('binary entries', () => {
  const binary = (base64: string, bytes: number) => event('received', { data: base64, bytes, binary: true })

  it('are exported as base64, marked with their encoding and byte count', () => {
    const log = new LogBuffer(10)
    log.push(binary('3q2+7w==', 4))
    log.push(received('text'))
    const [bin, text] = toNdjson(log.entries())
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line))
    expect(bin).toMatchObject({ data: '3q2+7w==', bytes: 4, binary: true, encoding: 'base64' })
    expect(text.encoding).toBeUndefined()
  })

  it('match a filter on the hex the log shows', () => {
    const filter = compileFilter({ text: 'ad be', regex: false, direction: 'all' })
    expect(filter.ok && filter.test({ ...binary('3q2+7w==', 4), seq: 0 })).toBe(true)
    expect(filter.ok && filter.test({ ...received('3q2+7w=='), seq: 1 })).toBe(false)
  })
})

describe('exporting a filtered log', () => {
  it('gives the matching entries only, oldest first, including after the buffer dropped some', () => {
    const log = new LogBuffer(4)
    const filter = compileFilter({ text: 'keep', regex: false, direction: 'all' })
    if (!filter.ok) throw new Error(filter.error)
    const view = new FilteredView(log, filter.test)
    for (const d of ['keep 1', 'drop', 'keep 2', 'keep 3', 'drop', 'keep 4']) view.append(log.push(sent(d)))
    const exported = toNdjson(view.entries())
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line).data)
    expect(exported).toEqual(['keep 2', 'keep 3', 'keep 4'])
  })
})
