import { describe, expect, it } from 'vitest'
import { checkClientCloseCode, explainClose } from './close-codes'
import { AWS_PROFILE, ARTICLE_PROFILE, customProfile, expectedCloses, formatDuration } from './timeout-profiles'
import { parseUrlSetup, setupQuery, toUrlQuery } from './url-setup'

describe('close codes', () => {
  it('explains the codes API Gateway users meet', () => {
    expect(explainClose(1001).text).toMatch(/idle timeout/)
    expect(explainClose(1009).text).toMatch(/32 KB/)
    expect(explainClose(1006, true).name).toBe('Handshake failed')
    expect(explainClose(4321).name).toMatch(/Application/)
  })

  it('does not claim that no close frame arrived for 1006: the browser reports a rejected one the same way', () => {
    const text = explainClose(1006).text
    expect(text).not.toMatch(/without a close frame/)
    expect(text).toMatch(/one arrived and the browser rejected it/)
    expect(text).toMatch(/1005, 1006 or 1015/)
  })

  it('checks what a browser may send', () => {
    expect(checkClientCloseCode(undefined, '')).toBeUndefined()
    expect(checkClientCloseCode(1000, 'done')).toBeUndefined()
    expect(checkClientCloseCode(4000, '')).toBeUndefined()
    expect(checkClientCloseCode(1001, '')).toMatch(/1000 or a code from 3000/)
    expect(checkClientCloseCode(1000, 'x'.repeat(124))).toMatch(/123 bytes/)
  })
})

describe('timeout profiles', () => {
  it('expects the idle close from the last traffic in either direction', () => {
    const c = expectedCloses(AWS_PROFILE, { openedAt: 0, lastSentAt: 1000, lastReceivedAt: 5000, sentCount: 1 })
    expect(c).toMatchObject({ idleAt: 605_000, maxAt: 7_200_000, firstCause: 'idle' })
  })

  it('reproduces the article: 1 minute before the first message, 2 minutes after', () => {
    expect(expectedCloses(ARTICLE_PROFILE, { openedAt: 0, sentCount: 0 })?.idleAt).toBe(60_000)
    expect(expectedCloses(ARTICLE_PROFILE, { openedAt: 0, lastSentAt: 10_000, sentCount: 1 })?.idleAt).toBe(130_000)
  })

  it('lets the maximum duration win when it comes first', () => {
    expect(expectedCloses(customProfile(100, 60), { openedAt: 0, sentCount: 0 })).toMatchObject({
      firstCause: 'max',
      firstAt: 60_000,
    })
    expect(expectedCloses(AWS_PROFILE, { sentCount: 0 })).toBeUndefined()
  })

  it('formats durations', () => {
    expect(formatDuration(61_000)).toBe('1:01')
    expect(formatDuration(7_200_000)).toBe('2:00:00')
    expect(formatDuration(-1500)).toBe('-0:01')
  })
})

describe('URL set-up', () => {
  it('round-trips a set-up through the query string', () => {
    const setup = {
      endpoint: 'ws://127.0.0.1:4001/dev?room=1',
      autoconnect: true,
      keepaliveSeconds: 30,
      payload: '{"action":"ping"}',
      profile: 'custom' as const,
      idleSeconds: 10,
      maxSeconds: 60,
    }
    expect(parseUrlSetup(toUrlQuery(setup))).toEqual({ setup, problems: [] })
  })

  it('reports bad values instead of failing', () => {
    const parsed = parseUrlSetup('?keepalive=soon&profile=fast&endpoint=ws://x/dev')
    expect(parsed.setup).toEqual({ endpoint: 'ws://x/dev' })
    expect(parsed.problems).toHaveLength(2)
  })

  it('never puts a signature or session token in a link', () => {
    expect(toUrlQuery({ endpoint: 'wss://a/prod?X-Amz-Security-Token=SECRET&X-Amz-Signature=s' })).not.toMatch(
      /SECRET|Signature/,
    )
  })

  it('says which parameters a link left out, and adds autoconnect only when asked', () => {
    const { query, leftOut } = setupQuery({ endpoint: 'wss://a/prod?token=SECRET&room=1&Authorization=x' })
    expect(query).not.toContain('SECRET')
    expect(parseUrlSetup(query).setup).toEqual({ endpoint: 'wss://a/prod?room=1' })
    expect(leftOut).toEqual(['token', 'Authorization'])
    expect(setupQuery({ endpoint: 'wss://a/prod' }).leftOut).toEqual([])
  })
})
