/** What idle timeout and maximum duration to expect, under the profile the user picks. */

export type ProfileId = 'aws' | 'article' | 'custom'

export interface TimeoutProfile {
  id: ProfileId
  label: string
  /** Idle timeout before any client message has been sent, in ms. */
  idleBeforeFirstMessageMs: number
  /** Idle timeout after the first client message, in ms. */
  idleAfterFirstMessageMs: number
  maxDurationMs: number
}

const MINUTE = 60_000

export const AWS_PROFILE: TimeoutProfile = {
  id: 'aws',
  label: 'AWS documented: 10 min idle, 2 h max',
  idleBeforeFirstMessageMs: 10 * MINUTE,
  idleAfterFirstMessageMs: 10 * MINUTE,
  maxDurationMs: 120 * MINUTE,
}

/** The seed article measured these by hand in DevTools; AWS documents 10 min, so they are likely environment-specific. */
export const ARTICLE_PROFILE: TimeoutProfile = {
  id: 'article',
  label: 'As observed in the article: 1 min idle before the first message, 2 min after',
  idleBeforeFirstMessageMs: 1 * MINUTE,
  idleAfterFirstMessageMs: 2 * MINUTE,
  maxDurationMs: 120 * MINUTE,
}

export function customProfile(idleSeconds: number, maxSeconds: number): TimeoutProfile {
  return {
    id: 'custom',
    label: `Custom: ${idleSeconds} s idle, ${maxSeconds} s max`,
    idleBeforeFirstMessageMs: idleSeconds * 1000,
    idleAfterFirstMessageMs: idleSeconds * 1000,
    maxDurationMs: maxSeconds * 1000,
  }
}

export interface ActivityState {
  openedAt?: number
  lastSentAt?: number
  lastReceivedAt?: number
  sentCount: number
}

export interface ExpectedCloses {
  /** When the idle timeout should close the connection, if nothing more is sent or received. */
  idleAt: number
  maxAt: number
  /** Whichever comes first. */
  firstAt: number
  firstCause: 'idle' | 'max'
}

/** API Gateway counts traffic in either direction as activity (spec §5.2). */
export function expectedCloses(profile: TimeoutProfile, activity: ActivityState): ExpectedCloses | undefined {
  if (activity.openedAt === undefined) return undefined
  const lastTraffic = Math.max(activity.openedAt, activity.lastSentAt ?? 0, activity.lastReceivedAt ?? 0)
  const idleMs = activity.sentCount > 0 ? profile.idleAfterFirstMessageMs : profile.idleBeforeFirstMessageMs
  const idleAt = lastTraffic + idleMs
  const maxAt = activity.openedAt + profile.maxDurationMs
  return idleAt <= maxAt
    ? { idleAt, maxAt, firstAt: idleAt, firstCause: 'idle' }
    : { idleAt, maxAt, firstAt: maxAt, firstCause: 'max' }
}

export function formatDuration(ms: number): string {
  const negative = ms < 0
  let s = Math.floor(Math.abs(ms) / 1000)
  const h = Math.floor(s / 3600)
  s -= h * 3600
  const m = Math.floor(s / 60)
  s -= m * 60
  const body =
    h > 0 ? `${h}:${String(m).padStart(2, '0')}:${String(s).padStart(2, '0')}` : `${m}:${String(s).padStart(2, '0')}`
  return negative ? `-${body}` : body
}
