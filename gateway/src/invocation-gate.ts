/** What the gate pauses when a sender is too far ahead: a connection's socket (ws's pause/resume). */
export interface Pausable {
  pause(): void
  resume(): void
}

type Job = () => Promise<void>

/**
 * Route invocations for client messages, bounded. At most `maxRunning` run at once across every connection; the rest
 * wait in one line per connection, and the lines take turns, so one flooding client cannot starve the others. The
 * lines are bounded by backpressure, not by dropping messages: a connection with `perSource` waiting messages (or any
 * sender while `maxQueued` wait in all) is paused, i.e. its socket is no longer read, until its line is half as long.
 * A paused socket still delivers what `ws` had already read (one socket read, at most 64 KB), so a line can overshoot
 * by that much; after that the client's own writes block, as against any server that reads slower than it sends.
 */
export class InvocationGate {
  private running = 0
  private queued = 0
  /** Waiting jobs per connection; Map order is the turn order (a served line moves to the back). */
  private readonly lines = new Map<string, Job[]>()
  private readonly paused = new Map<string, Pausable>()

  constructor(
    private readonly maxRunning: number,
    private readonly maxQueued: number,
    private readonly perSource = 32,
  ) {}

  /** Runs `job` now or when its turn comes; pauses `source` when its line (or all lines) are full. */
  submit(key: string, source: Pausable, job: Job): void {
    if (this.running < this.maxRunning && this.queued === 0) return this.start(job)
    let line = this.lines.get(key)
    if (!line) this.lines.set(key, (line = []))
    line.push(job)
    this.queued++
    if ((line.length >= this.perSource || this.queued >= this.maxQueued) && !this.paused.has(key)) {
      this.paused.set(key, source)
      source.pause()
    }
    this.pump()
  }

  /** A connection closed: it is no longer paused (its waiting messages still run, as they were received). */
  forget(key: string): void {
    this.paused.delete(key)
  }

  get stats(): { running: number; queued: number; paused: number } {
    return { running: this.running, queued: this.queued, paused: this.paused.size }
  }

  private start(job: Job): void {
    this.running++
    void job()
      .catch(() => {})
      .finally(() => {
        this.running--
        this.pump()
      })
  }

  private pump(): void {
    while (this.running < this.maxRunning && this.queued > 0) {
      const [key, line] = this.lines.entries().next().value as [string, Job[]]
      const job = line.shift()!
      this.queued--
      this.lines.delete(key)
      if (line.length > 0) this.lines.set(key, line)
      this.start(job)
    }
    if (this.paused.size > 0 && this.queued <= this.maxQueued / 2) {
      for (const [key, source] of this.paused) {
        if ((this.lines.get(key)?.length ?? 0) > this.perSource / 2) continue
        this.paused.delete(key)
        source.resume()
      }
    }
  }
}
