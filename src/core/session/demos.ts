import type { SessionEvent } from './events'
import { timeoutProfile } from './page-connection'
import { redactUrl } from './redact'
import type { Result } from './session'
import { formatDuration, type ProfileId, type TimeoutProfile } from './timeout-profiles'
import type { ConnectionSetup } from './url-setup'

/**
 * Demos set up several connections side by side in one click (or one link, `?demo=…`): what a single socket
 * cannot show. Framework-free: `planDemo` says which connections to make, `DemoRun` watches them and does the
 * demo's one scripted step (the broadcast) once they are open.
 */

export type DemoId = 'keepalive-vs-none' | 'broadcast'

export interface DemoInfo {
  id: DemoId
  title: string
  summary: string
}

export const DEMOS: readonly DemoInfo[] = [
  {
    id: 'keepalive-vs-none',
    title: 'Keepalive vs none',
    summary:
      'Two connections to the same endpoint, one sending a keepalive and one silent: the idle timeout closes only the silent one.',
  },
  {
    id: 'broadcast',
    title: 'Broadcast',
    summary:
      'Three connections; once all are open, the first sends the broadcast route message and all three receive it.',
  },
]

export function findDemo(id: string): DemoInfo | undefined {
  return DEMOS.find((d) => d.id === id)
}

/** What a demo starts from: the selected connection's set-up (or a link's). */
export interface DemoBase {
  endpoint: string
  protocols?: string
  /** The keepalive payload (the demo's keepalive sends it). */
  payload?: string
  profile: ProfileId
  idleSeconds: number
  maxSeconds: number
  /** A keepalive interval asked for (a link's `keepalive=`); otherwise the demo picks one from the profile. */
  keepaliveSeconds?: number
}

export type DemoConnection = ConnectionSetup & { name: string; endpoint: string }

export interface DemoPlan {
  demo: DemoInfo
  connections: DemoConnection[]
  /** The connection to select: its countdown is the one the page shows. */
  select: number
  /** Sent once every connection is open. */
  afterOpen?: { from: number; data: string }
  /** One sentence for the page: what will happen. */
  description: string
  /** How long DemoRun watches before it gives up: a bound, so no demo watches forever. */
  watchMs: number
}

export const KEEPALIVE_NAMES = { with: 'with keepalive', without: 'without keepalive' } as const
export const BROADCAST_NAMES = ['broadcaster', 'listener 1', 'listener 2'] as const
export const BROADCAST_TEXT = 'hello from the broadcast demo'
/** How long the broadcast demo waits for its connections to open and the message to arrive. */
export const BROADCAST_TIMEOUT_MS = 30_000
/** The local gateway's built-in `broadcast` route posts {"action":"broadcast","from","data"} to every connection. */
export const BROADCAST_MESSAGE = JSON.stringify({ action: 'broadcast', data: BROADCAST_TEXT })
const DEFAULT_KEEPALIVE_SECONDS = 60

/** The shortest idle timeout under a profile, in seconds: before the first message, or after it. */
function shortestIdleSeconds(profile: TimeoutProfile): number {
  return Math.min(profile.idleBeforeFirstMessageMs, profile.idleAfterFirstMessageMs) / 1000
}

/**
 * The demo's keepalive interval: a third of the profile's shortest idle timeout (so a keepalive delayed by a busy
 * machine still arrives in time), at most the article's 60 s, in tenths of a second.
 */
export function demoKeepaliveSeconds(profile: TimeoutProfile): number {
  const third = Math.floor((shortestIdleSeconds(profile) / 3) * 10) / 10
  return Math.min(DEFAULT_KEEPALIVE_SECONDS, third)
}

export type PlanResult = { ok: true; plan: DemoPlan } | { ok: false; error: string }

export function planDemo(id: string, base: DemoBase): PlanResult {
  const demo = findDemo(id)
  if (!demo) return { ok: false, error: `Unknown demo “${id}”: use ${DEMOS.map((d) => d.id).join(' or ')}.` }
  if (!base.endpoint) return { ok: false, error: `The demo “${demo.title}” needs an endpoint: type one first.` }
  const shared: ConnectionSetup & { endpoint: string } = {
    endpoint: base.endpoint,
    protocols: base.protocols || undefined,
    profile: base.profile,
    idleSeconds: base.idleSeconds,
    maxSeconds: base.maxSeconds,
  }
  for (const key of Object.keys(shared) as (keyof typeof shared)[]) if (shared[key] === undefined) delete shared[key]
  const shown = redactUrl(base.endpoint, 'mask').url
  const profile = timeoutProfile({
    profileId: base.profile,
    customIdleSeconds: base.idleSeconds,
    customMaxSeconds: base.maxSeconds,
  })
  if (demo.id === 'broadcast')
    return {
      ok: true,
      plan: {
        demo,
        connections: BROADCAST_NAMES.map((name) => ({ ...shared, name })),
        select: 0,
        afterOpen: { from: 0, data: BROADCAST_MESSAGE },
        description: `Three connections to ${shown}; once all are open, “${BROADCAST_NAMES[0]}” sends ${BROADCAST_MESSAGE} and all three should receive it.`,
        watchMs: BROADCAST_TIMEOUT_MS,
      },
    }
  const idle = shortestIdleSeconds(profile)
  // The silent connection never sends, so the idle timeout before a first message is the one that closes it.
  const silentIdle = profile.idleBeforeFirstMessageMs / 1000
  const seconds = base.keepaliveSeconds ?? demoKeepaliveSeconds(profile)
  if (seconds < 0.1)
    return { ok: false, error: `The idle timeout (${idle} s) is too short for a keepalive demo: use at least 0.3 s.` }
  if (seconds >= idle)
    return {
      ok: false,
      error: `A keepalive every ${seconds} s cannot beat an idle timeout of ${idle} s: choose a shorter interval.`,
    }
  const payload = base.payload || 'ping'
  return {
    ok: true,
    plan: {
      demo,
      connections: [
        { ...shared, name: KEEPALIVE_NAMES.with, keepaliveSeconds: seconds, payload },
        { ...shared, name: KEEPALIVE_NAMES.without },
      ],
      // The silent one's countdown is the interesting one: it reaches zero and the connection closes.
      select: 1,
      description: `Two connections to ${shown}: “${KEEPALIVE_NAMES.with}” sends ${payload} every ${seconds} s, “${KEEPALIVE_NAMES.without}” sends nothing. ${profile.label}: the idle timeout should close only “${KEEPALIVE_NAMES.without}”, after ${silentIdle} s.`,
      // Twice the silent connection's idle timeout, and a minute for slow handshakes.
      watchMs: 2 * silentIdle * 1000 + 60_000,
    },
  }
}

/** What a running demo needs from the page: its connections' events, and sending on one of them. */
export interface DemoTarget {
  send(id: string, data: string): Result
  subscribe(listener: (event: SessionEvent) => void): () => void
}

export interface DemoRunOptions {
  onStatus: (status: string, finished: boolean) => void
}

/**
 * Watches a demo's connections (ids in the plan's order) and reports what happens in one sentence at a time. The
 * broadcast demo sends its message once all are open, and counts who received it. It stops watching when the demo
 * has shown its point, when a connection fails, or after a bounded time; `dispose` stops it early.
 */
export class DemoRun {
  status = ''
  finished = false
  private readonly unsubscribe: () => void
  /** Connections whose socket started during this run: a close of an earlier socket is not the demo's. */
  private readonly started = new Set<string>()
  private readonly opened = new Set<string>()
  private readonly closed = new Map<string, number>()
  private readonly received = new Set<string>()
  private openedAt = new Map<string, number>()
  private sent = false
  private timer: ReturnType<typeof setTimeout> | undefined

  constructor(
    private readonly plan: DemoPlan,
    private readonly ids: readonly string[],
    private readonly target: DemoTarget,
    private readonly options: DemoRunOptions,
  ) {
    this.unsubscribe = target.subscribe((event) => this.onEvent(event))
    this.timer = setTimeout(() => this.giveUp(plan.watchMs), plan.watchMs)
    this.report(`Connecting ${ids.length} connections…`)
  }

  dispose(): void {
    if (this.timer !== undefined) clearTimeout(this.timer)
    this.timer = undefined
    this.unsubscribe()
  }

  private name(id: string): string {
    return `“${this.plan.connections[this.ids.indexOf(id)]?.name ?? id}”`
  }

  private report(status: string, finished = false): void {
    this.status = status
    this.finished = finished
    if (finished) this.dispose()
    this.options.onStatus(status, finished)
  }

  private onEvent(event: SessionEvent): void {
    if (this.finished || event.source === undefined || !this.ids.includes(event.source)) return
    const id = event.source
    if (event.kind === 'connecting') this.started.add(id)
    else if (!this.started.has(id)) return
    else if (event.kind === 'open') {
      this.opened.add(id)
      this.openedAt.set(id, event.at)
      if (this.opened.size === this.ids.length) this.allOpen()
    } else if (event.kind === 'closed') {
      this.closed.set(id, event.code)
      this.onClosed(id, event.code, event.at)
    } else if (event.kind === 'received' && this.sent && event.data?.includes('"action":"broadcast"')) {
      this.received.add(id)
      if (this.received.size === this.ids.length)
        this.report(`All ${this.ids.length} connections received the broadcast from ${this.name(this.ids[0]!)}.`, true)
    }
  }

  private allOpen(): void {
    const { afterOpen } = this.plan
    if (this.plan.demo.id === 'keepalive-vs-none') {
      this.report(`Both open. ${this.plan.description}`)
      return
    }
    if (!afterOpen) return
    const from = this.ids[afterOpen.from]!
    const result = this.target.send(from, afterOpen.data)
    if (!result.ok) {
      this.report(`${this.name(from)} could not send the broadcast: ${result.error}`, true)
      return
    }
    this.sent = true
    this.report(`All ${this.ids.length} open: ${this.name(from)} sent the broadcast; waiting for it to arrive…`)
  }

  private onClosed(id: string, code: number, at: number): void {
    if (this.plan.demo.id === 'broadcast') {
      this.report(`${this.name(id)} closed (${code}) before the demo finished.`, true)
      return
    }
    const [withId, withoutId] = this.ids as [string, string]
    const opened = this.openedAt.get(id)
    const after = opened === undefined ? 'before it opened' : `after ${formatDuration(at - opened)}`
    if (id === withoutId) {
      const other = this.closed.has(withId)
        ? `${this.name(withId)} had closed too (${this.closed.get(withId)}).`
        : `${this.name(withId)} is still open.`
      this.report(`${this.name(withoutId)} closed with ${code} ${after}; ${other}`, true)
    } else {
      this.report(
        `${this.name(withId)} closed with ${code} ${after}, before ${this.name(withoutId)}: a keepalive does not help against this close.`,
        true,
      )
    }
  }

  private giveUp(timeoutMs: number): void {
    this.timer = undefined
    const n = this.ids.length
    const seconds = Math.round(timeoutMs / 1000)
    if (this.plan.demo.id === 'broadcast')
      this.report(
        `Stopped watching after ${seconds} s: ${this.opened.size} of ${n} opened, ${this.received.size} of ${n} received the broadcast.`,
        true,
      )
    else this.report(`Stopped watching after ${seconds} s: no connection closed.`, true)
  }
}
