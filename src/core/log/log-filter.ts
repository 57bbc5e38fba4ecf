import type { LogEntry } from '../session/events'
import type { LogBuffer } from './log-buffer'
import { compileTextMatcher, searchableText, type TextPattern } from './text-match'

export type DirectionFilter = 'all' | 'in' | 'out' | 'events'

export interface LogFilterSpec {
  text: string
  regex: boolean
  direction: DirectionFilter
  /** Only one page connection's entries (its id, `lab` for the Timeout lab's); empty or absent: every connection's. */
  source?: string
}

export type CompiledFilter =
  | {
      ok: true
      /** The whole filter, run here: for tests and small inputs, never for a user's regex on received data in the page. */
      test: (entry: LogEntry) => boolean
      /** The cheap part (direction and connection), safe on the page's thread. */
      direction: (entry: LogEntry) => boolean
      /** The text part, if any: the page runs it in a worker with a time budget. */
      pattern?: TextPattern
      active: boolean
    }
  | { ok: false; error: string }

export function compileFilter(spec: LogFilterSpec): CompiledFilter {
  const pattern = spec.text ? { text: spec.text, regex: spec.regex } : undefined
  const matcher = pattern ? compileTextMatcher(pattern) : undefined
  if (matcher && !matcher.ok) return matcher
  const wanted = spec.direction
  const source = spec.source || undefined
  const direction = (entry: LogEntry): boolean => {
    if (source !== undefined && entry.source !== source) return false
    if (wanted === 'in') return entry.direction === 'in'
    if (wanted === 'out') return entry.direction === 'out'
    if (wanted === 'events') return entry.direction === 'none'
    return true
  }
  const test = (entry: LogEntry): boolean => direction(entry) && (!matcher?.ok || matcher.match(searchableText(entry)))
  return { ok: true, test, direction, pattern, active: Boolean(pattern) || wanted !== 'all' || source !== undefined }
}

/** Runs a text pattern on a batch elsewhere (the page: a worker with a time budget) and answers the seqs that match. */
export type TextStage = (pattern: TextPattern, seqs: number[], texts: string[]) => Promise<number[]>

/** A batch sent to the text stage holds at most this much text or this many entries (one larger entry goes alone). */
const BATCH_CHARS = 1024 * 1024
const BATCH_ENTRIES = 2000

/**
 * The seq numbers of the entries a filter lets through, kept up to date as entries arrive: appending tests only
 * the new entry, so a filter on a 100,000-entry log costs nothing per message. With a text pattern and a text
 * stage, entries that pass the direction test wait in `pending` and join the view when the stage answers.
 * Without a filter (`all`) the view is the buffer itself and keeps no seqs: nothing to do per message.
 */
export class FilteredView {
  /** Every entry passes (no test, or a filter known to be inactive): positions are the buffer's. */
  private all: boolean
  private seqs: number[] = []
  /** Index in `seqs` of the first seq still in the buffer; trimming is lazy to avoid shifting a big array. */
  private head = 0
  private direction: (entry: LogEntry) => boolean = () => true
  private pattern: TextPattern | undefined
  private test: (entry: LogEntry) => boolean = () => true
  /** Seqs waiting for the text stage, in order. */
  private pending: number[] = []
  private pendingHead = 0
  private busy = false
  private inFlight = 0
  /** Bumped whenever the filter or the log changes under a batch in flight, whose answer is then ignored. */
  private generation = 0

  /** Called when answers from the text stage changed the view, and when the stage failed (the filter is then off). */
  onChange: () => void = () => {}
  onError: (error: Error) => void = () => {}

  constructor(
    private buffer: LogBuffer,
    test?: (entry: LogEntry) => boolean,
    private textStage?: TextStage,
  ) {
    if (test) this.test = test
    this.all = test === undefined
    this.rebuild()
  }

  /** A plain test, run here on every entry. */
  setTest(test: (entry: LogEntry) => boolean): void {
    this.setFilter({ direction: test })
  }

  /**
   * A direction test run here, and a text pattern run by the text stage (here if there is none). `all`: the filter
   * lets every entry through (compileFilter's `active` is false), so the view need not test or list them.
   */
  setFilter(filter: {
    direction: (entry: LogEntry) => boolean
    pattern?: TextPattern
    test?: (entry: LogEntry) => boolean
    all?: boolean
  }): void {
    this.all = filter.all === true && !filter.pattern
    this.direction = filter.direction
    this.pattern = filter.pattern
    this.test = filter.test ?? filter.direction
    this.rebuild()
  }

  /** Entries waiting for the text stage, or being matched by it. */
  get pendingCount(): number {
    return this.pending.length - this.pendingHead + this.inFlight
  }

  rebuild(): void {
    this.generation++
    this.busy = false
    this.inFlight = 0
    this.seqs = []
    this.head = 0
    this.pending = []
    this.pendingHead = 0
    if (this.all) return
    for (const entry of this.buffer.entries()) this.accept(entry)
    this.pump()
  }

  append(entry: LogEntry): void {
    if (this.all) return
    this.accept(entry)
    this.trim()
    this.pump()
  }

  private accept(entry: LogEntry): void {
    if (this.pattern && this.textStage) {
      if (this.direction(entry)) this.pending.push(entry.seq)
    } else if (this.test(entry)) this.seqs.push(entry.seq)
  }

  /** Sends the next batch of pending entries to the text stage, one batch at a time so answers stay in order. */
  private pump(): void {
    if (this.busy || !this.pattern || !this.textStage) return
    const first = this.buffer.firstSeq
    const seqs: number[] = []
    const texts: string[] = []
    let chars = 0
    while (
      this.pendingHead < this.pending.length &&
      seqs.length < BATCH_ENTRIES &&
      (chars < BATCH_CHARS || !seqs.length)
    ) {
      const seq = this.pending[this.pendingHead++]!
      if (seq < first) continue
      const text = searchableText(this.buffer.get(seq)!)
      if (seqs.length && chars + text.length > BATCH_CHARS) {
        this.pendingHead--
        break
      }
      seqs.push(seq)
      texts.push(text)
      chars += text.length
    }
    this.compactPending()
    if (!seqs.length) return
    this.busy = true
    this.inFlight = seqs.length
    const generation = this.generation
    this.textStage(this.pattern, seqs, texts).then(
      (matched) => {
        if (generation !== this.generation) return
        this.busy = false
        this.inFlight = 0
        for (const seq of matched) this.seqs.push(seq)
        this.trim()
        this.onChange()
        this.pump()
      },
      (error: Error) => {
        if (generation !== this.generation) return
        // The pattern failed (too slow): the view falls back to the direction filter alone.
        this.setFilter({ direction: this.direction })
        this.onError(error)
        this.onChange()
      },
    )
  }

  private compactPending(): void {
    if (this.pendingHead > 4096 && this.pendingHead > this.pending.length / 2) {
      this.pending = this.pending.slice(this.pendingHead)
      this.pendingHead = 0
    }
  }

  private trim(): void {
    const first = this.buffer.firstSeq
    while (this.head < this.seqs.length && this.seqs[this.head]! < first) this.head++
    if (this.head > 4096 && this.head > this.seqs.length / 2) {
      this.seqs = this.seqs.slice(this.head)
      this.head = 0
    }
  }

  get length(): number {
    if (this.all) return this.buffer.size
    this.trim()
    return this.seqs.length - this.head
  }

  /** The i-th matching entry, oldest first. */
  at(i: number): LogEntry | undefined {
    if (this.all) return Number.isInteger(i) && i >= 0 ? this.buffer.get(this.buffer.firstSeq + i) : undefined
    const seq = this.seqs[this.head + i]
    return seq === undefined ? undefined : this.buffer.get(seq)
  }

  slice(start: number, end: number): LogEntry[] {
    const out: LogEntry[] = []
    for (let i = Math.max(0, start); i < Math.min(end, this.length); i++) {
      const entry = this.at(i)
      if (entry) out.push(entry)
    }
    return out
  }

  /** The matching entries, oldest first (what an export of the filtered log contains). */
  *entries(): IterableIterator<LogEntry> {
    for (let i = 0; i < this.length; i++) {
      const entry = this.at(i)
      if (entry) yield entry
    }
  }

  indexOfSeq(seq: number): number {
    if (this.all) return this.buffer.get(seq) ? seq - this.buffer.firstSeq : -1
    this.trim()
    let lo = this.head
    let hi = this.seqs.length - 1
    while (lo <= hi) {
      const mid = (lo + hi) >> 1
      const v = this.seqs[mid]!
      if (v === seq) return mid - this.head
      if (v < seq) lo = mid + 1
      else hi = mid - 1
    }
    return -1
  }
}
