import { describe, expect, it } from 'vitest'
import { errorMessage } from '../error-message'
import { checkKeys, parsePastedKeys } from './pasted-keys'
import { FIRST_RETRY_MS, MAX_FAILURES, MAX_RETRY_MS, MIN_INTERVAL_MS, nextRefreshDelay } from './refresh-schedule'

const AKID = 'ASIAXAMPLEKEY1234567'
const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY'
const TOKEN = 'IQoJb3JpZ2luX2VjEPT//////////wEaCXVzLWVhc3QtMSJHMEUCIQ=='
const EXPIRY = '2026-12-02T03:04:05+00:00'
const expected = { accessKeyId: AKID, secretAccessKey: SECRET, sessionToken: TOKEN, expiresAt: Date.parse(EXPIRY) }

describe('pasted keys', () => {
  it.each([
    [
      'export-credentials --format env',
      `export AWS_ACCESS_KEY_ID=${AKID}\nexport AWS_SECRET_ACCESS_KEY=${SECRET}\nexport AWS_SESSION_TOKEN=${TOKEN}\nexport AWS_CREDENTIAL_EXPIRATION=${EXPIRY}\n`,
    ],
    [
      '--format env-no-export',
      `AWS_ACCESS_KEY_ID=${AKID}\r\nAWS_SECRET_ACCESS_KEY=${SECRET}\r\nAWS_SESSION_TOKEN=${TOKEN}\r\nAWS_CREDENTIAL_EXPIRATION=${EXPIRY}`,
    ],
    [
      '--format powershell',
      `$Env:AWS_ACCESS_KEY_ID="${AKID}"\n$Env:AWS_SECRET_ACCESS_KEY="${SECRET}"\n$Env:AWS_SESSION_TOKEN="${TOKEN}"\n$Env:AWS_CREDENTIAL_EXPIRATION="${EXPIRY}"`,
    ],
    [
      '--format windows-cmd',
      `set AWS_ACCESS_KEY_ID=${AKID}\nset AWS_SECRET_ACCESS_KEY=${SECRET}\nset AWS_SESSION_TOKEN=${TOKEN}\nset AWS_CREDENTIAL_EXPIRATION=${EXPIRY}`,
    ],
    [
      '--format process (JSON)',
      JSON.stringify(
        { Version: 1, AccessKeyId: AKID, SecretAccessKey: SECRET, SessionToken: TOKEN, Expiration: EXPIRY },
        null,
        4,
      ),
    ],
    [
      'sts get-session-token / assume-role',
      JSON.stringify({
        Credentials: { AccessKeyId: AKID, SecretAccessKey: SECRET, SessionToken: TOKEN, Expiration: EXPIRY },
        AssumedRoleUser: { Arn: 'arn:aws:sts::1:assumed-role/r/s' },
      }),
    ],
    [
      '~/.aws/credentials section',
      `[default]\naws_access_key_id = ${AKID}\naws_secret_access_key = ${SECRET}\naws_session_token = ${TOKEN}\naws_credential_expiration = ${EXPIRY}`,
    ],
  ])('reads %s', (_, text) => {
    expect(parsePastedKeys(text)).toEqual({ ok: true, keys: expected })
  })

  it('takes long-term keys without token or expiry', () => {
    expect(parsePastedKeys(`AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE\nAWS_SECRET_ACCESS_KEY=${SECRET}`)).toEqual({
      ok: true,
      keys: { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: SECRET },
    })
    expect(checkKeys({ accessKeyId: ' AKIAIOSFODNN7EXAMPLE ', secretAccessKey: SECRET, sessionToken: '' })).toEqual({
      ok: true,
      keys: { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: SECRET },
    })
  })

  it.each([
    ['', /Paste the output/],
    ['hello', /No AWS_ACCESS_KEY_ID/],
    ['{"AccessKeyId": ', /not valid JSON/],
    ['{"Version": 1}', /No access key id/],
    [`AWS_ACCESS_KEY_ID=${AKID}`, /No secret access key/],
    [JSON.stringify({ SecretAccessKey: SECRET }), /No access key id/],
    [`AWS_ACCESS_KEY_ID=akia lower\nAWS_SECRET_ACCESS_KEY=x`, /capital letters and digits/],
    [`AWS_ACCESS_KEY_ID=${AKID}\nAWS_SECRET_ACCESS_KEY=${SECRET}`, /session token too/],
    [
      `AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE\nAWS_SECRET_ACCESS_KEY=${SECRET}\nAWS_CREDENTIAL_EXPIRATION=soon`,
      /not a date/,
    ],
  ])('explains what is wrong with %j', (text, error) => {
    const result = parsePastedKeys(text)
    expect(result.ok).toBe(false)
    if (!result.ok) expect(result.error).toMatch(error)
  })
})

describe('refresh schedule', () => {
  const now = 1_000_000_000
  it('refreshes a minute before expiry, or at three quarters of a short life', () => {
    expect(nextRefreshDelay({ now, obtainedAt: now, expiresAt: now + 3_600_000, failures: 0 })).toBe(3_540_000)
    expect(nextRefreshDelay({ now, obtainedAt: now, expiresAt: now + 40_000, failures: 0 })).toBe(30_000)
  })

  it('never sooner than the minimum interval, even for credentials about to expire or already expired', () => {
    expect(
      nextRefreshDelay({ now, obtainedAt: now - 3_600_000, expiresAt: now + 30_000, lastAttemptAt: now, failures: 0 }),
    ).toBe(MIN_INTERVAL_MS)
    expect(
      nextRefreshDelay({
        now,
        obtainedAt: now - 3_600_000,
        expiresAt: now - 1,
        lastAttemptAt: now - 2_000,
        failures: 0,
      }),
    ).toBe(MIN_INTERVAL_MS)
  })

  it('backs off after failures, up to a cap, and stops after too many', () => {
    const delays = [1, 2, 3, 4].map((failures) => nextRefreshDelay({ now, expiresAt: now + 5_000, failures }))
    expect(delays).toEqual([FIRST_RETRY_MS, 10_000, 20_000, 40_000])
    expect(nextRefreshDelay({ now, failures: 4, lastAttemptAt: now })).toBe(40_000)
    expect(nextRefreshDelay({ now, failures: 1, lastAttemptAt: now })).toBe(MIN_INTERVAL_MS)
    expect(nextRefreshDelay({ now, failures: MAX_FAILURES, expiresAt: now + 60_000 })).toBeUndefined()
    expect(MAX_RETRY_MS).toBeGreaterThan(40_000)
  })

  it('does not refresh credentials without an expiry', () => {
    expect(nextRefreshDelay({ now, failures: 0 })).toBeUndefined()
  })
})

describe('errorMessage', () => {
  it('keeps an SDK error name, a plain message, or the string form', () => {
    const sdk = Object.assign(new Error('The security token included in the request is expired'), {
      name: 'ExpiredTokenException',
    })
    expect(errorMessage(sdk)).toBe('ExpiredTokenException: The security token included in the request is expired')
    expect(errorMessage(new Error('plain'))).toBe('plain')
    expect(errorMessage({ message: 'object' })).toBe('object')
    expect(errorMessage('text')).toBe('text')
    expect(errorMessage(undefined)).toBe('undefined')
  })
})
