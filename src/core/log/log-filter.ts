import type { LogEntry } from '../session/events'
import type { LogBuffer } from './log-buffer'
import { fromBase64, toHex } from '../composer/bytes'

export type DirectionFilter = 'all' | 'in' | 'out' | 'events'

export interface LogFilterSpec {
  text: string
  regex: boolean
  direction: DirectionFilter
}

export type CompiledFilter = { ok: true; test: (entry: LogEntry) => boolean; active: boolean } | { ok: false; error: string }

export function compileFilter(spec: LogFilterSpec): CompiledFilter {
  let matchText: ((s: string) => boolean) | undefined
  if (spec.text) {
    if (spec.regex) {
      let re: RegExp
      try {
        re = new RegExp(spec.text, 'i')
      } catch (e) {
        // The engine's message already starts "Invalid regular expression: /…/i:"; keep only its reason.
        const reason = (e as Error).message.replace(/^Invalid regular expression:\s*(?:\/.*\/[a-z]*:\s*)?/s, '')
        return { ok: false, error: `Invalid regular expression: ${reason}` }
      }
      matchText = (s) => re.test(s)
    } else {
      const needle = spec.text.toLowerCase()
      matchText = (s) => s.toLowerCase().includes(needle)
    }
  }
  const direction = spec.direction
  const test = (entry: LogEntry): boolean => {
    if (direction === 'in' && entry.direction !== 'in') return false
    if (direction === 'out' && entry.direction !== 'out') return false
    if (direction === 'events' && entry.direction !== 'none') return false
    if (!matchText) return true
    return matchText(searchableText(entry))
  }
  return { ok: true, test, active: Boolean(matchText) || direction !== 'all' }
}

function searchableText(entry: LogEntry): string {
  // Binary entries hold base64: the filter also matches the hex the log shows (of the first 4 KB).
  let text = entry.binary && entry.data ? `${entry.data}\n${toHex(fromBase64(entry.data), 4096)}` : (entry.data ?? '')
  if (entry.message) text += `\n${entry.message}`
  if (entry.reason) text += `\n${entry.reason}`
  if (entry.url) text += `\n${entry.url}`
  if (entry.code !== undefined) text += `\n${entry.code}`
  return text
}

/**
 * The seq numbers of the entries a filter lets through, kept up to date as entries arrive: appending tests only
 * the new entry, so a filter on a 100,000-entry log costs nothing per message.
 */
export class FilteredView {
  private seqs: number[] = []
  /** Index in `seqs` of the first seq still in the buffer; trimming is lazy to avoid shifting a big array. */
  private head = 0

  constructor(
    private buffer: LogBuffer,
    private test: (entry: LogEntry) => boolean = () => true,
  ) {
    this.rebuild()
  }

  setTest(test: (entry: LogEntry) => boolean): void {
    this.test = test
    this.rebuild()
  }

  rebuild(): void {
    this.seqs = []
    this.head = 0
    for (const entry of this.buffer.entries()) if (this.test(entry)) this.seqs.push(entry.seq)
  }

  append(entry: LogEntry): void {
    if (this.test(entry)) this.seqs.push(entry.seq)
    this.trim()
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
    this.trim()
    return this.seqs.length - this.head
  }

  /** The i-th matching entry, oldest first. */
  at(i: number): LogEntry | undefined {
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
