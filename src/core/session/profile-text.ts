import { spokenDuration } from '../timing/time-format'
import type { CloseInfo } from './session'
import type { ExpectedCloses, TimeoutProfile } from './timeout-profiles'

/**
 * Explanations and warnings that depend on the timeout profile in use, so a 10 s custom profile is not explained
 * with AWS's 10 minutes.
 */

/** "10 min", or "1 min (2 min after the first message)" when the two idle timers differ. */
export function idleTimeoutText(profile: TimeoutProfile): string {
  const before = spokenDuration(profile.idleBeforeFirstMessageMs)
  return profile.idleBeforeFirstMessageMs === profile.idleAfterFirstMessageMs
    ? before
    : `${before} before the first message, ${spokenDuration(profile.idleAfterFirstMessageMs)} after`
}

/** The 1001 explanation with this profile's idle timeout and maximum duration. */
export function goingAwayText(profile: TimeoutProfile): string {
  return `The server is going away. API Gateway sends this when the idle timeout (${idleTimeoutText(profile)}) or the maximum connection duration (${spokenDuration(profile.maxDurationMs)}) is reached; a browser sends it when the tab closes.`
}

/** A warning when keepalives come too rarely to hold the connection open under this profile. */
export function keepaliveTooSlow(intervalMs: number, profile: TimeoutProfile): string | undefined {
  if (!Number.isFinite(intervalMs) || intervalMs <= 0) return undefined
  const idleMs = Math.min(profile.idleBeforeFirstMessageMs, profile.idleAfterFirstMessageMs)
  if (intervalMs < idleMs) return undefined
  return `A keepalive every ${spokenDuration(intervalMs)} is not faster than the profile's idle timeout (${idleTimeoutText(profile)}): the connection will go idle and close before the next one. Choose an interval under ${spokenDuration(idleMs)}.`
}

export type MatchedTimer = { timer: 'idle' | 'max'; text: string }

/**
 * Whether a server-initiated close came when the profile's idle or maximum-duration timer was due. The tolerance
 * allows for the gateway's own timer granularity and a busy browser: 2 % of the timer, at least 1.5 s.
 */
export function closeMatchesTimer(
  close: Pick<CloseInfo, 'at' | 'initiator' | 'beforeOpen'>,
  expected: ExpectedCloses | undefined,
  profile: TimeoutProfile,
): MatchedTimer | undefined {
  if (!expected || close.initiator !== 'server' || close.beforeOpen) return undefined
  // Only the timer due first can be why: the other one had not run out yet.
  const timerMs =
    expected.firstCause === 'idle'
      ? Math.max(profile.idleBeforeFirstMessageMs, profile.idleAfterFirstMessageMs)
      : profile.maxDurationMs
  if (Math.abs(close.at - expected.firstAt) > Math.max(1500, timerMs * 0.02)) return undefined
  return expected.firstCause === 'idle'
    ? { timer: 'idle', text: `Matches the idle timeout (${idleTimeoutText(profile)}) of the profile` }
    : { timer: 'max', text: `Matches the maximum duration (${spokenDuration(profile.maxDurationMs)}) of the profile` }
}
