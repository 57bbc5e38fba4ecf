import { describe, expect, it } from 'vitest'
import { spokenDuration } from '../timing/time-format'
import { closeMatchesTimer, goingAwayText, keepaliveTooSlow } from './profile-text'
import { ARTICLE_PROFILE, AWS_PROFILE, customProfile, expectedCloses } from './timeout-profiles'

describe('profile-aware text', () => {
  it('says durations as people do', () => {
    expect([600_000, 7_200_000, 10_000, 90_000, 500, 3_725_000].map(spokenDuration)).toEqual([
      '10 min',
      '2 h',
      '10 s',
      '1 min 30 s',
      '0.5 s',
      '1 h 2 min 5 s',
    ])
  })

  it('explains 1001 with the active profile, not always 10 min', () => {
    expect(goingAwayText(AWS_PROFILE)).toContain('idle timeout (10 min) or the maximum connection duration (2 h)')
    expect(goingAwayText(customProfile(10, 60))).toContain(
      'idle timeout (10 s) or the maximum connection duration (1 min)',
    )
    expect(goingAwayText(ARTICLE_PROFILE)).toContain('1 min before the first message, 2 min after')
  })

  it('flags a keepalive no faster than the idle timeout', () => {
    expect(keepaliveTooSlow(60_000, AWS_PROFILE)).toBeUndefined()
    expect(keepaliveTooSlow(15_000, customProfile(10, 60))).toMatch(
      /every 15 s is not faster than the profile's idle timeout \(10 s\)/,
    )
    expect(keepaliveTooSlow(10_000, customProfile(10, 60))).toBeDefined()
    // The article profile's shorter idle timer (1 min before the first message) is the one to beat.
    expect(keepaliveTooSlow(90_000, ARTICLE_PROFILE)).toContain('under 1 min')
  })

  it('labels a server close that came when the idle or max timer was due', () => {
    const profile = customProfile(10, 60)
    const expected = expectedCloses(profile, { openedAt: 0, sentCount: 0 })
    const close = (at: number, initiator: 'server' | 'client' = 'server') =>
      closeMatchesTimer({ at, initiator, beforeOpen: false }, expected, profile)
    expect(close(10_400)).toMatchObject({ timer: 'idle', text: expect.stringContaining('idle timeout (10 s)') })
    expect(close(60_900, 'server')).toBeUndefined() // the idle timer was due first: the max timer cannot be why
    expect(close(5_000)).toBeUndefined()
    expect(close(10_000, 'client')).toBeUndefined()
    const busy = expectedCloses(profile, { openedAt: 0, sentCount: 3, lastSentAt: 55_000 })
    expect(closeMatchesTimer({ at: 60_300, initiator: 'server', beforeOpen: false }, busy, profile)).toMatchObject({
      timer: 'max',
    })
  })
})
