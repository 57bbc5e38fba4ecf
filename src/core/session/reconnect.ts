import { presignedLifetime, presignedReuseNote } from './presigned'
import type { SessionEvent } from './events'
import type { Result, WebSocketSession } from './session'

export interface ReconnectSettings {
  /** Reconnect after a close the user did not ask for (a server close, a refused or timed-out handshake). */
  enabled: boolean
  /** Give up on a handshake that has not finished after this long; 0 = wait as long as the browser does. */
  handshakeTimeoutMs: number
  initialDelayMs: number
  maxDelayMs: number
  /** Attempts in a row before giving up; an open connection starts the count again. */
  maxAttempts: number
}

export const DEFAULT_RECONNECT: ReconnectSettings = {
  enabled: false,
  handshakeTimeoutMs: 0,
  initialDelayMs: 1000,
  maxDelayMs: 30_000,
  maxAttempts: 10,
}

export const MAX_RECONNECT_ATTEMPTS = 100
const MAX_HANDSHAKE_TIMEOUT_MS = 600_000

/** Exponential backoff: the first retry after `initialDelayMs`, doubling each time, never beyond `maxDelayMs`. */
export function backoffDelay(
  attempt: number,
  settings: Pick<ReconnectSettings, 'initialDelayMs' | 'maxDelayMs'>,
): number {
  return Math.min(settings.maxDelayMs, settings.initialDelayMs * 2 ** Math.max(0, attempt - 1))
}

export function reconnectSettingsProblem(s: ReconnectSettings): string | undefined {
  if (
    !Number.isFinite(s.handshakeTimeoutMs) ||
    s.handshakeTimeoutMs < 0 ||
    s.handshakeTimeoutMs > MAX_HANDSHAKE_TIMEOUT_MS
  )
    return 'The handshake timeout is between 0 (off) and 600 seconds.'
  if (s.handshakeTimeoutMs > 0 && s.handshakeTimeoutMs < 100)
    return 'A handshake timeout under 0.1 s would cut off every handshake.'
  if (!Number.isFinite(s.initialDelayMs) || s.initialDelayMs < 100) return 'Wait at least 0.1 s before reconnecting.'
  if (!Number.isFinite(s.maxDelayMs) || s.maxDelayMs < s.initialDelayMs || s.maxDelayMs > 3_600_000)
    return 'The longest wait is between the first wait and one hour.'
  if (!Number.isInteger(s.maxAttempts) || s.maxAttempts < 1 || s.maxAttempts > MAX_RECONNECT_ATTEMPTS)
    return `Attempts are a whole number from 1 to ${MAX_RECONNECT_ATTEMPTS}.`
  return undefined
}

type Report = (event: SessionEvent) => void

/**
 * Optional auto-reconnect with exponential backoff, and a handshake timeout, around a session. Both are off by
 * default. Owns at most one timer of each kind; a close the user asked for never triggers a reconnect.
 * Its decisions are reported as `reconnect` events, which the log and the timeline show.
 */
export class AutoReconnect {
  private settings: ReconnectSettings = { ...DEFAULT_RECONNECT }
  private target: { url: string; protocols: string[] } | undefined
  private attempt = 0
  private retryTimer: ReturnType<typeof setTimeout> | undefined
  private handshakeTimer: ReturnType<typeof setTimeout> | undefined
  private timedOut = false
  private readonly unsubscribe: () => void
  /** When the pending reconnect will run, for the status panel. */
  nextAttemptAt: number | undefined

  constructor(
    private readonly session: WebSocketSession,
    private readonly report: Report,
    private readonly now: () => number = Date.now,
  ) {
    this.unsubscribe = session.subscribe((event) => this.onEvent(event))
  }

  get current(): Readonly<ReconnectSettings> {
    return this.settings
  }

  configure(settings: ReconnectSettings): Result {
    const problem = reconnectSettingsProblem(settings)
    if (problem) return { ok: false, error: problem }
    this.settings = { ...settings }
    if (!settings.enabled) this.cancelRetry()
    return { ok: true }
  }

  /** A connect the user asked for: a fresh count of attempts. */
  connect(url: string, protocols: string[] = []): Result {
    this.cancelRetry()
    this.attempt = 0
    this.target = { url, protocols }
    return this.open()
  }

  /** A disconnect the user asked for: no reconnect follows, and a pending one is cancelled. */
  disconnect(code?: number, reason?: string): Result {
    const pending = this.retryTimer !== undefined
    this.cancelRetry()
    this.target = undefined
    if (pending && !this.session.isActive) {
      this.emit('Reconnect cancelled.')
      return { ok: true }
    }
    return this.session.disconnect(code, reason)
  }

  dispose(): void {
    this.cancelRetry()
    this.clearHandshakeTimer()
    this.unsubscribe()
  }

  private open(): Result {
    this.timedOut = false
    const result = this.session.connect(this.target!.url, this.target!.protocols)
    if (result.ok && this.settings.handshakeTimeoutMs > 0 && this.session.readyState === 0) {
      const limit = this.settings.handshakeTimeoutMs
      this.handshakeTimer = setTimeout(() => {
        this.handshakeTimer = undefined
        if (this.session.readyState !== 0) return
        this.timedOut = true
        this.emit(`Handshake timed out after ${seconds(limit)}: closing the attempt.`)
        this.session.disconnect()
      }, limit)
    }
    return result
  }

  private onEvent(event: SessionEvent): void {
    if (event.kind === 'open') {
      this.clearHandshakeTimer()
      this.attempt = 0
    } else if (event.kind === 'closed') {
      this.clearHandshakeTimer()
      const unasked = event.initiator === 'server' || this.timedOut
      if (this.settings.enabled && this.target && unasked) this.scheduleRetry()
    }
  }

  private scheduleRetry(): void {
    if (this.attempt >= this.settings.maxAttempts) {
      this.emit(`Gave up after ${this.attempt} reconnect attempt${this.attempt === 1 ? '' : 's'}.`)
      this.target = undefined
      return
    }
    this.attempt++
    const delay = backoffDelay(this.attempt, this.settings)
    this.nextAttemptAt = this.now() + delay
    // A presigned URL is reused as is: say so on the first retry, and on any retry it can no longer pass.
    const retryAt = this.now() + delay
    const expiry = presignedLifetime(this.target!.url)?.expiresAt
    const note =
      this.attempt === 1 || (expiry !== undefined && retryAt >= expiry)
        ? presignedReuseNote(this.target!.url, retryAt)
        : undefined
    this.emit(
      `Reconnecting in ${seconds(delay)} (attempt ${this.attempt} of ${this.settings.maxAttempts}).${note ? ` ${note}` : ''}`,
      delay,
    )
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined
      this.nextAttemptAt = undefined
      if (this.target && !this.session.isActive) this.open()
    }, delay)
  }

  private cancelRetry(): void {
    if (this.retryTimer !== undefined) clearTimeout(this.retryTimer)
    this.retryTimer = undefined
    this.nextAttemptAt = undefined
  }

  private clearHandshakeTimer(): void {
    if (this.handshakeTimer !== undefined) clearTimeout(this.handshakeTimer)
    this.handshakeTimer = undefined
  }

  private emit(message: string, delayMs?: number): void {
    this.report({
      at: this.now(),
      connection: this.session.connection,
      source: this.session.source,
      kind: 'reconnect',
      direction: 'none',
      message,
      delayMs,
    })
  }
}

function seconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${(ms / 1000).toFixed(1)} s`
}
