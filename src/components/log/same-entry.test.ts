import { describe, expect, it } from 'vitest'
import type { LogEntry } from '@/core/session/events'
import { sameEntry } from './same-entry'

const message = (over: Partial<LogEntry> = {}): LogEntry =>
  ({ seq: 7, kind: 'received', direction: 'in', connection: 1, at: 1000, data: 'hello', bytes: 5, ...over }) as LogEntry

describe('sameEntry', () => {
  it('takes a fresh copy with the same fields for the same entry', () => {
    expect(sameEntry(message(), message())).toBe(true)
    expect(
      sameEntry(
        message({ truncated: { chars: 9, head: 2, tail: 2 } }),
        message({ truncated: { chars: 9, head: 2, tail: 2 } }),
      ),
    ).toBe(true)
  })

  it('tells apart another entry, a changed field, a field more and a changed nested field', () => {
    expect(sameEntry(message(), message({ seq: 8 }))).toBe(false)
    expect(sameEntry(message(), message({ data: 'hellp' }))).toBe(false)
    expect(sameEntry(message(), message({ restored: true }))).toBe(false)
    expect(
      sameEntry(
        message({ truncated: { chars: 9, head: 2, tail: 2 } }),
        message({ truncated: { chars: 9, head: 3, tail: 2 } }),
      ),
    ).toBe(false)
    const closing = { seq: 3, kind: 'closing', direction: 'none', connection: 1, at: 5 } as LogEntry
    expect(sameEntry(closing, { ...closing, code: 1000 } as LogEntry)).toBe(false)
  })
})
