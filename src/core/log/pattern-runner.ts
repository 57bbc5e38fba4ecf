import type { MatchReply, MatchRequest, TextPattern } from './text-match'

/** The part of a Web Worker the runner uses. */
export interface WorkerLike {
  postMessage(message: MatchRequest): void
  terminate(): void
  onmessage: ((event: MessageEvent<MatchReply>) => void) | null
  onerror: ((event: ErrorEvent) => void) | null
}

/** A batch of texts may take this long in the worker before the pattern counts as too slow and the worker is ended. */
export const PATTERN_TIME_BUDGET_MS = 2000
/** Extra time for the first batch of a fresh worker, which must load before it can answer. */
export const WORKER_STARTUP_MS = 3000

export class PatternTooSlowError extends Error {
  constructor(
    readonly budgetMs: number,
    readonly texts: number,
  ) {
    super(
      `The filter pattern took longer than ${budgetMs / 1000} s on ${texts.toLocaleString('en-US')} log ${texts === 1 ? 'entry' : 'entries'} and was stopped, so the filter is off. ` +
        'Patterns with nested repetition such as (a+)+ can take exponential time; simplify it, or turn off “.*” to search plain text.',
    )
  }
}

/**
 * Sends batches of text to a worker one at a time, each with a time budget. A batch over budget terminates the
 * worker (the only way to stop a running regex) and a fresh one is started for the next pattern.
 */
export class PatternRunner {
  private worker: WorkerLike | undefined
  private fresh = false
  private nextId = 1
  private inFlight:
    | {
        id: number
        resolve: (matched: number[]) => void
        reject: (e: Error) => void
        timer: ReturnType<typeof setTimeout>
      }
    | undefined

  constructor(
    private createWorker: () => WorkerLike,
    private budgetMs = PATTERN_TIME_BUDGET_MS,
    private startupMs = WORKER_STARTUP_MS,
  ) {}

  /** The seqs whose text matches, in the order given. One batch at a time: the caller awaits each. */
  match(pattern: TextPattern, seqs: number[], texts: string[]): Promise<number[]> {
    if (this.inFlight) return Promise.reject(new Error('One batch at a time.'))
    const worker = (this.worker ??= this.start())
    const allowance = this.fresh ? this.startupMs : 0
    this.fresh = false
    const id = this.nextId++
    return new Promise<number[]>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.inFlight = undefined
        this.endWorker()
        reject(new PatternTooSlowError(this.budgetMs, seqs.length))
      }, this.budgetMs + allowance)
      this.inFlight = { id, resolve, reject, timer }
      worker.postMessage({ id, pattern: { text: pattern.text, regex: pattern.regex }, seqs, texts })
    })
  }

  /** Ends the worker and fails any batch in flight (e.g. the pattern changed). */
  stop(): void {
    const pending = this.inFlight
    this.inFlight = undefined
    this.endWorker()
    if (pending) {
      clearTimeout(pending.timer)
      pending.reject(new Error('Stopped.'))
    }
  }

  private start(): WorkerLike {
    const worker = this.createWorker()
    this.fresh = true
    worker.onmessage = (event) => {
      const pending = this.inFlight
      if (!pending || event.data.id !== pending.id) return
      this.inFlight = undefined
      clearTimeout(pending.timer)
      if ('error' in event.data) pending.reject(new Error(event.data.error))
      else pending.resolve(event.data.matched)
    }
    worker.onerror = (event) => {
      const pending = this.inFlight
      this.inFlight = undefined
      this.endWorker()
      if (pending) {
        clearTimeout(pending.timer)
        pending.reject(new Error(`The filter worker failed: ${event.message}`))
      }
    }
    return worker
  }

  private endWorker(): void {
    this.worker?.terminate()
    this.worker = undefined
  }
}
