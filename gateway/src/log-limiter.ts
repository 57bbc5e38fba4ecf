import type { Clock } from './clock'
import type { LogFunction, LogLevel } from './options'

interface Budget {
  key: string
  level: LogLevel
  tokens: number
  last: number
  suppressed: number
}

/**
 * Log lines about one connection or one client address, rate-limited: a short burst, then one line per second, and
 * the count of what was left out is logged with the next line (or when the key is flushed). One flooding client
 * cannot fill the disk or the terminal, even with --quiet (errors are logged then too). Info and error lines have
 * separate budgets, so a chatty session's info lines never hide its errors.
 */
export class LogLimiter {
  private readonly budgets = new Map<string, Budget>()

  constructor(
    private readonly log: LogFunction,
    private readonly clock: Clock,
    private readonly burst = 5,
    private readonly perSecond = 1,
    private readonly maxKeys = 1000,
  ) {}

  line(key: string, text: string, level: LogLevel): void {
    const now = this.clock.now()
    const b = this.budget(key, level, now)
    b.tokens = Math.min(this.burst, b.tokens + ((now - b.last) / 1000) * this.perSecond)
    b.last = now
    if (b.tokens < 1) {
      b.suppressed++
      return
    }
    b.tokens -= 1
    if (b.suppressed > 0) {
      this.log(`${b.suppressed} more line(s) about ${key} left out`, level)
      b.suppressed = 0
    }
    this.log(text, level)
  }

  /** Counts `count` lines about `key` that were left out before they got here (logged with the next line or flush). */
  leftOut(key: string, count: number, level: LogLevel): void {
    if (count <= 0) return
    this.budget(key, level, this.clock.now()).suppressed += count
  }

  /** Logs what was left out for `key` and forgets it (a connection closed). */
  flush(key: string): void {
    this.flushId(key)
    this.flushId(`${key}\u0000info`)
  }

  private flushId(id: string): void {
    const b = this.budgets.get(id)
    if (!b) return
    this.budgets.delete(id)
    if (b.suppressed > 0) this.log(`${b.suppressed} more line(s) about ${b.key} left out`, b.level)
  }

  private budget(key: string, level: LogLevel, now: number): Budget {
    const id = level === 'info' ? `${key}\u0000info` : key
    let b = this.budgets.get(id)
    if (!b) {
      if (this.budgets.size >= this.maxKeys) this.flushOldest()
      b = { key, level, tokens: this.burst, last: now, suppressed: 0 }
      this.budgets.set(id, b)
    }
    return b
  }

  /** Keys tracked right now (bounded by maxKeys). */
  get size(): number {
    return this.budgets.size
  }

  private flushOldest(): void {
    const oldest = this.budgets.keys().next().value
    if (oldest !== undefined) this.flushId(oldest)
  }
}
