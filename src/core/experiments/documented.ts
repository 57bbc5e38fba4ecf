import { FRAME_LIMIT_BYTES, MESSAGE_LIMIT_BYTES } from '../composer/message-size'
import { AWS_PROFILE } from '../session/timeout-profiles'

/** AWS's documented numbers (spec §0, §5), shown next to every measurement. */
export const DOCUMENTED = {
  idleTimeoutMs: AWS_PROFILE.idleBeforeFirstMessageMs,
  maxDurationMs: AWS_PROFILE.maxDurationMs,
  frameLimitBytes: FRAME_LIMIT_BYTES,
  messageLimitBytes: MESSAGE_LIMIT_BYTES,
  oversizeCloseCode: 1009,
  goneStatus: 410,
  /** Observed once and emulated by serverless-offline, not documented: shown as a guess. */
  timeoutCloseCode: '1001 (unconfirmed)',
} as const

export function idleMs(params: { idleSeconds: number }): number {
  return params.idleSeconds * 1000
}

export function maxMs(params: { maxSeconds: number }): number {
  return params.maxSeconds * 1000
}
