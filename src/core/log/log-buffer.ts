import type { LogEntry, SessionEvent } from '../session/events'

export const DEFAULT_LOG_CAPACITY = 100_000
/** Message text the log holds before it drops the oldest entries, in MB (counted as characters: 1 per ASCII byte). */
export const DEFAULT_LOG_MEGABYTES = 256
export const MIN_LOG_MEGABYTES = 1
export const MAX_LOG_MEGABYTES = 4096
const MB = 1024 * 1024

/**
 * A message longer than this is "large": API Gateway never delivers one (its limit is 128 KB), so only another
 * server or a local test sends them, and only the newest few are kept whole.
 */
export const LARGE_MESSAGE_CHARS = 128 * 1024
/** How many of the newest large messages keep their full text; older ones keep a head and a tail. */
export const FULL_LARGE_MESSAGES = 3
export const KEPT_HEAD_CHARS = 16 * 1024
export const KEPT_TAIL_CHARS = 16 * 1024

export interface LogBufferLimits {
  /** Entries held at most. */
  capacity?: number
  /** Characters of entry text held at most. */
  maxChars?: number
}

/**
 * A bounded log: a ring buffer addressed by a sequence number that only grows, so a view can keep seq numbers
 * and find out cheaply which ones the buffer has since dropped. It is bounded twice, by entries and by the text
 * they hold, and the oldest entries go by whichever limit comes first. Plain data, never reactive: a flood of
 * messages must not pay for Vue's proxies.
 */
export class LogBuffer {
  private slots: (LogEntry | undefined)[]
  private next = 0
  private first = 0
  private chars = 0
  private cap: number
  private maxChars: number
  /** seqs of the large messages still held whole, oldest first (at most FULL_LARGE_MESSAGES). */
  private wholeLarge: number[] = []

  constructor(limits: LogBufferLimits | number = {}) {
    const { capacity = DEFAULT_LOG_CAPACITY, maxChars = DEFAULT_LOG_MEGABYTES * MB } =
      typeof limits === 'number' ? { capacity: limits } : limits
    this.cap = checkCapacity(capacity)
    this.maxChars = checkMaxChars(maxChars)
    this.slots = new Array(this.cap)
  }

  get capacity(): number {
    return this.cap
  }

  get charBudget(): number {
    return this.maxChars
  }

  /** Characters of text the held entries take (message data, reasons, URLs). */
  get heldChars(): number {
    return this.chars
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

  /** Entries dropped to stay within capacity or the text budget since the last clear. */
  dropped = 0

  /** Large messages cut to a head and a tail since the last clear. */
  truncated = 0

  /** seqs of the large messages whose full text is still held, oldest first. */
  get wholeLargeSeqs(): readonly number[] {
    return this.wholeLarge
  }

  /** Numbers the event in place (no copy: this runs for every message of a flood) and stores it. */
  push(event: SessionEvent): LogEntry {
    const entry = event as LogEntry
    entry.seq = this.next
    if (this.next - this.first >= this.cap) this.dropOldest()
    this.slots[this.next % this.cap] = entry
    this.next++
    this.chars += textChars(entry)
    if (entry.data !== undefined && entry.data.length > LARGE_MESSAGE_CHARS) {
      this.wholeLarge.push(entry.seq)
      if (this.wholeLarge.length > FULL_LARGE_MESSAGES) this.truncate(this.wholeLarge.shift()!)
    }
    // The newest entry always stays, even alone over budget: the log never hides what just happened.
    while (this.chars > this.maxChars && this.size > 1) this.dropOldest()
    return entry
  }

  /**
   * Puts a new object in the place of a held entry (same seq), so views that compare objects see the change.
   * Answers false when the entry is no longer held.
   */
  replace(seq: number, entry: SessionEvent): boolean {
    const old = this.get(seq)
    if (!old) return false
    const next = entry as LogEntry
    next.seq = seq
    this.slots[seq % this.cap] = next
    this.chars += textChars(next) - textChars(old)
    while (this.chars > this.maxChars && this.size > 1) this.dropOldest()
    return true
  }

  /**
   * The newest held entry, among the last `within`, for which `test` holds: a bounded look back for the record an
   * event completes.
   */
  findRecent(test: (entry: LogEntry) => boolean, within: number): LogEntry | undefined {
    for (let seq = this.next - 1; seq >= Math.max(this.first, this.next - within); seq--) {
      const entry = this.slots[seq % this.cap]!
      if (test(entry)) return entry
    }
    return undefined
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
    this.chars = 0
    this.wholeLarge = []
    this.dropped = 0
    this.truncated = 0
  }

  /** Keeps the newest entries that fit the new capacity. */
  resize(cap: number): void {
    checkCapacity(cap)
    const kept = this.toArray().slice(-cap)
    for (let i = 0; i < this.size - kept.length; i++) this.chars -= textChars(this.slots[(this.first + i) % this.cap]!)
    this.dropped += this.size - kept.length
    this.cap = cap
    this.slots = new Array(cap)
    this.first = this.next - kept.length
    for (const entry of kept) this.slots[entry.seq % cap] = entry
    this.wholeLarge = this.wholeLarge.filter((seq) => seq >= this.first)
  }

  /** Keeps the newest entries whose text fits the new budget. */
  setCharBudget(maxChars: number): void {
    this.maxChars = checkMaxChars(maxChars)
    while (this.chars > this.maxChars && this.size > 1) this.dropOldest()
  }

  private dropOldest(): void {
    const index = this.first % this.cap
    const old = this.slots[index]
    if (old) this.chars -= textChars(old)
    // Cleared, not left for the next push to overwrite: a budget drop must free the text now.
    this.slots[index] = undefined
    if (this.wholeLarge[0] === this.first) this.wholeLarge.shift()
    this.first++
    this.dropped++
  }

  private truncate(seq: number): void {
    const entry = this.get(seq)
    if (!entry?.data || entry.truncated) return
    const before = entry.data.length
    entry.data = headAndTail(entry.data, KEPT_HEAD_CHARS, KEPT_TAIL_CHARS)
    entry.truncated = { chars: before, head: KEPT_HEAD_CHARS, tail: KEPT_TAIL_CHARS }
    this.chars -= before - entry.data.length
    this.truncated++
  }
}

/**
 * The first `head` and last `tail` characters as a new string. A plain slice would be a view into the original,
 * keeping all of it alive; the JSON round trip builds a copy that owns its characters.
 */
export function headAndTail(text: string, head: number, tail: number): string {
  return JSON.parse(JSON.stringify(text.slice(0, head) + text.slice(text.length - tail))) as string
}

function textChars(entry: LogEntry): number {
  return (
    (entry.data?.length ?? 0) + (entry.message?.length ?? 0) + (entry.reason?.length ?? 0) + (entry.url?.length ?? 0)
  )
}

function checkCapacity(cap: number): number {
  if (!Number.isInteger(cap) || cap < 1) throw new RangeError('The log capacity must be a whole number of at least 1.')
  return cap
}

function checkMaxChars(maxChars: number): number {
  if (!Number.isFinite(maxChars) || maxChars < 1)
    throw new RangeError('The log text budget must be at least 1 character.')
  return maxChars
}
