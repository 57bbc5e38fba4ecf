import type { TimerApi } from './types'

export class ExperimentCancelled extends Error {
  constructor() {
    super('The experiment was cancelled.')
    this.name = 'ExperimentCancelled'
  }
}

/**
 * Owns every timer and socket a run starts, so a cancel or the end of a run can release all of them at once.
 * Every wait here also ends on abort, so nothing keeps an experiment alive after cancel.
 */
export class RunScope {
  private readonly timers = new Set<unknown>()
  private readonly cleanups = new Set<() => void>()

  constructor(
    private readonly timerApi: TimerApi,
    readonly signal: AbortSignal,
  ) {}

  get activeTimers(): number {
    return this.timers.size
  }

  setTimeout(callback: () => void, ms: number): () => void {
    const handle = this.timerApi.setTimeout(
      () => {
        this.timers.delete(handle)
        callback()
      },
      Math.max(0, ms),
    )
    this.timers.add(handle)
    return () => {
      if (this.timers.delete(handle)) this.timerApi.clearTimeout(handle)
    }
  }

  private readonly closing: Promise<unknown>[] = []

  /** Something the run must see finish after dispose, such as a socket's close event. */
  awaitAfterDispose(done: Promise<unknown>): void {
    this.closing.push(done)
  }

  /**
   * After dispose: resolves when everything registered with awaitAfterDispose has finished, or after `ms`. The next
   * run then starts on a clean slate, and the page's timeline never shows two lab connections at once.
   */
  settled(ms: number): Promise<void> {
    if (this.closing.length === 0) return Promise.resolve()
    return new Promise<void>((resolve) => {
      const handle = this.timerApi.setTimeout(resolve, ms)
      void Promise.allSettled(this.closing).then(() => {
        this.timerApi.clearTimeout(handle)
        resolve()
      })
    })
  }

  /** Registers something to undo when the run ends; returns a function that unregisters it. */
  onCleanup(cleanup: () => void): () => void {
    this.cleanups.add(cleanup)
    return () => this.cleanups.delete(cleanup)
  }

  throwIfCancelled(): void {
    if (this.signal.aborted) throw new ExperimentCancelled()
  }

  sleep(ms: number): Promise<void> {
    return this.within(new Promise<never>(() => {}), ms).then(() => undefined)
  }

  /** The promise's value, or undefined after `ms`; rejects with ExperimentCancelled on abort. */
  within<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
    this.throwIfCancelled()
    return new Promise<T | undefined>((resolve, reject) => {
      const finish = () => {
        cancelTimer()
        this.signal.removeEventListener('abort', onAbort)
      }
      const onAbort = () => {
        finish()
        reject(new ExperimentCancelled())
      }
      const cancelTimer = this.setTimeout(() => {
        finish()
        resolve(undefined)
      }, ms)
      this.signal.addEventListener('abort', onAbort, { once: true })
      promise.then(
        (value) => {
          finish()
          resolve(value)
        },
        (error: unknown) => {
          finish()
          reject(error instanceof Error ? error : new Error(String(error)))
        },
      )
    })
  }

  dispose(): void {
    for (const cleanup of [...this.cleanups]) {
      try {
        cleanup()
      } catch {
        // One failing cleanup must not leave the others' sockets open.
      }
    }
    this.cleanups.clear()
    for (const handle of this.timers) this.timerApi.clearTimeout(handle)
    this.timers.clear()
  }
}

export const GLOBAL_TIMERS: TimerApi = {
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
}
