import { describe, expect, it } from 'vitest'
import type { LogEntry } from '../session/events'
import { LogBuffer } from './log-buffer'
import { restorable, storable, WriteQueue } from './log-persistence'

const entry = (seq: number, body: Record<string, unknown> = {}): LogEntry =>
  ({ seq, at: 1000 + seq, connection: 1, kind: 'received', direction: 'in', data: `m${seq}`, ...body }) as LogEntry

describe('what is kept across reloads', () => {
  it('masks credentials in URLs, also inside messages, and changes nothing else', () => {
    const connecting = entry(1, {
      kind: 'connecting',
      direction: 'none',
      data: undefined,
      url: 'wss://x.example/dev?X-Amz-Security-Token=SECRET&X-Amz-Signature=abc&room=1',
    })
    expect(storable(connecting).url).toBe(
      'wss://x.example/dev?X-Amz-Security-Token=REDACTED&X-Amz-Signature=REDACTED&room=1',
    )
    const error = entry(2, {
      kind: 'error',
      direction: 'none',
      data: undefined,
      message: "The URL 'wss://x.example/dev?token=SECRET1234' is invalid.",
    })
    expect(storable(error).message).toBe("The URL 'wss://x.example/dev?token=REDACTED' is invalid.")
    const message = entry(3, { data: '{"a":1}', bytes: 7 })
    expect(storable(message)).toEqual(message)
    expect(storable(message)).not.toBe(message)
    // The live entry keeps its URL for the page: only the copy is masked.
    expect(connecting.url).toContain('SECRET')
    expect(JSON.stringify([connecting, error].map((e) => storable(e)))).not.toMatch(/SECRET/)
  })

  it('reads back entries oldest first, marked restored, skipping what is not an entry and keeping unknown fields', () => {
    const records = [
      storable(entry(5)),
      { hello: 'world' },
      null,
      { ...storable(entry(6)), connectionId: 'abc=', tab: 2 },
      { ...storable(entry(7)), at: 'yesterday' },
      { ...storable(entry(8)), truncated: { chars: 300_000, head: 16, tail: 16 } },
    ]
    const back = restorable(records)
    expect(back.map((e) => e.data)).toEqual(['m5', 'm6', 'm8'])
    expect(back.every((e) => e.restored)).toBe(true)
    expect(back.some((e) => 'seq' in e)).toBe(false)
    expect(back[1]).toMatchObject({ connectionId: 'abc=', tab: 2 })
    expect(back[2]).toMatchObject({ truncated: { chars: 300_000 } })
    // And they never come back marked twice or carry the flag into storage.
    expect(storable({ ...back[0]!, seq: 0 } as LogEntry)).not.toHaveProperty('restored')
  })
})

describe('kept entries across tabs', () => {
  const keptBy = (tab: string, names: Record<string, string>) => ({ tab, nameOf: (source: string) => names[source] })

  it('keeps each entry with its tab and connection name', () => {
    const kept = storable(entry(1, { source: 'c2' }), keptBy('tab-a', { c2: 'Orders API' }))
    expect(kept).toMatchObject({ source: 'c2', connectionName: 'Orders API', keptInTab: 'tab-a' })
    // An entry this tab cannot name (opened from a file, restored from another tab) keeps the name it came with; one
    // it can gets the name its connection has now.
    expect(storable(entry(2, { connectionName: 'From a file' }), keptBy('tab-a', {})).connectionName).toBe(
      'From a file',
    )
    expect(
      storable(entry(2, { source: 'c2', connectionName: 'Orders' }), keptBy('tab-a', { c2: 'Shop' })),
    ).toMatchObject({ connectionName: 'Shop' })
    expect(storable(entry(3, { source: 'lab' }), keptBy('tab-a', {}))).not.toHaveProperty('connectionName')
  })

  it('gives back the connection ids in the tab that kept them, and names only in another tab', () => {
    const records = [
      storable(entry(1, { source: 'c1' }), keptBy('tab-a', { c1: 'Connection 1' })),
      storable(entry(2, { source: 'c2' }), keptBy('tab-a', { c2: 'Orders API' })),
      storable(entry(3, { source: 'lab' }), keptBy('tab-a', {})),
      storable(entry(4, { source: 'c1' })),
    ]
    // The same tab after a reload: its connections have the same ids, so rows follow renames.
    expect(restorable(records, 'tab-a').map((e) => e.source)).toEqual(['c1', 'c2', 'lab', 'c1'])
    // Another tab: its c1 is another connection and it has no c2; the rows show the names they were kept with. The
    // lab's id is the same in every tab, and entries kept before tabs were recorded stay as they were.
    const elsewhere = restorable(records, 'tab-b')
    expect(elsewhere.map((e) => [e.source, e.connectionName])).toEqual([
      [undefined, 'Connection 1'],
      [undefined, 'Orders API'],
      ['lab', undefined],
      ['c1', undefined],
    ])
    expect(elsewhere.some((e) => 'keptInTab' in e)).toBe(false)
  })
})

describe('WriteQueue', () => {
  it('batches entries by seq, a later change replacing the queued one', () => {
    const queue = new WriteQueue(100)
    queue.add(entry(1))
    queue.add(entry(2, { kind: 'closing', direction: 'none', data: undefined }))
    queue.add(entry(2, { kind: 'closing', direction: 'none', data: undefined, code: 1000 }))
    expect(queue.size).toBe(2)
    const batch = queue.take(0)
    expect(batch.puts.map((e) => [e.seq, e.code])).toEqual([
      [1, undefined],
      [2, 1000],
    ])
    expect(batch.deleteBelow).toBe(0)
    expect(queue.size).toBe(0)
  })

  it('is bounded like the ring buffer: the oldest go, and entries the buffer dropped are deleted, not written', () => {
    const buffer = new LogBuffer({ capacity: 3 })
    const queue = new WriteQueue(buffer.capacity)
    for (let i = 0; i < 5; i++) queue.add(buffer.push(entry(0, { data: `m${i}` })))
    expect(queue.size).toBe(3)
    const batch = queue.take(buffer.firstSeq)
    expect(batch.puts.map((e) => e.data)).toEqual(['m2', 'm3', 'm4'])
    // Everything older than the buffer's oldest goes from the store in the same write.
    expect(batch.deleteBelow).toBe(2)

    // The MB budget drops entries too: queued ones the buffer no longer holds are left out.
    const small = new LogBuffer({ capacity: 10, maxChars: 10 })
    const q = new WriteQueue(small.capacity)
    for (const data of ['aaaa', 'bbbb', 'cccc']) q.add(small.push(entry(0, { data })))
    expect(q.take(small.firstSeq)).toEqual({
      puts: [expect.objectContaining({ data: 'bbbb' }), expect.objectContaining({ data: 'cccc' })],
      deleteBelow: 1,
    })

    queue.setLimit(1)
    queue.add(entry(10))
    queue.add(entry(11))
    expect(queue.take(0).puts.map((e) => e.seq)).toEqual([11])
  })
})
