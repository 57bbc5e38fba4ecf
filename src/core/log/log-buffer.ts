import type { LogEntry, SessionEvent } from '../session/events'

export const DEFAULT_LOG_CAPACITY = 100_000

/**
 * A bounded log: a ring buffer addressed by a sequence number that only grows, so a view can keep seq numbers
 * and find out cheaply which ones the buffer has since dropped. Plain data, never reactive: a flood of messages
 * must not pay for Vue's proxies.
 */
export class LogBuffer {
  private slots: (LogEntry | undefined)[]
  private next = 0
  private first = 0

  constructor(private cap = DEFAULT_LOG_CAPACITY) {
    if (!Number.isInteger(cap) || cap < 1) throw new RangeError('The log capacity must be a whole number of at least 1.')
    this.slots = new Array(cap)
  }

  get capacity(): number {
    return this.cap
  }

  /** seq of the oldest entry still held. */
  get firstSeq(): number {
    return this.first
  }

  /** seq the next entry will get. */
  get nextSeq(): number {
    return this.next
  }

  get size(): number {
    return this.next - this.first
  }

  /** Entries dropped to stay within capacity since the last clear. */
  dropped = 0

  /** Numbers the event in place (no copy: this runs for every message of a flood) and stores it. */
  push(event: SessionEvent): LogEntry {
    const entry = event as LogEntry
    entry.seq = this.next
    this.slots[this.next % this.cap] = entry
    this.next++
    if (this.next - this.first > this.cap) {
      this.first++
      this.dropped++
    }
    return entry
  }

  get(seq: number): LogEntry | undefined {
    if (seq < this.first || seq >= this.next) return undefined
    return this.slots[seq % this.cap]
  }

  last(): LogEntry | undefined {
    return this.get(this.next - 1)
  }

  /** Oldest first. */
  *entries(): IterableIterator<LogEntry> {
    for (let seq = this.first; seq < this.next; seq++) yield this.slots[seq % this.cap]!
  }

  toArray(): LogEntry[] {
    return Array.from(this.entries())
  }

  clear(): void {
    this.slots = new Array(this.cap)
    this.first = this.next
    this.dropped = 0
  }

  /** Keeps the newest entries that fit the new capacity. */
  resize(cap: number): void {
    if (!Number.isInteger(cap) || cap < 1) throw new RangeError('The log capacity must be a whole number of at least 1.')
    const kept = this.toArray().slice(-cap)
    this.cap = cap
    this.slots = new Array(cap)
    this.dropped += this.size - kept.length
    this.first = this.next - kept.length
    for (const entry of kept) this.slots[entry.seq % cap] = entry
  }
}
