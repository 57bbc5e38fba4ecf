import { describe, expect, it } from 'vitest'
import { looksLikeCredential, redactUrl } from './redact'

const JWT = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U'
const HEX = '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08'
const B64 = 'QUtJQUlPU0ZPRE5ON0VYQU1QTEUvd0phbHJYVXRuRkVNSQ=='

// [url, what `remove` leaves, names removed]
const TABLE: [string, string, string[]][] = [
  ['wss://h/prod', 'wss://h/prod', []],
  ['wss://h/prod?room=1&keepalive=30', 'wss://h/prod?room=1&keepalive=30', []],
  ['wss://h/prod?token=abc&room=1', 'wss://h/prod?room=1', ['token']],
  ['wss://h/prod?Authorization=Bearer%20x', 'wss://h/prod', ['Authorization']],
  ['wss://h/prod?auth=1', 'wss://h/prod', ['auth']],
  ['wss://h/prod?access_token=a&id_token=b', 'wss://h/prod', ['access_token', 'id_token']],
  ['wss://h/prod?apiKey=a&x-api-key=b&KEY=c', 'wss://h/prod', ['apiKey', 'x-api-key', 'KEY']],
  [
    'wss://h/prod?client_secret=a&password=b&passwd=c&pwd=d',
    'wss://h/prod',
    ['client_secret', 'password', 'passwd', 'pwd'],
  ],
  [
    'wss://h/prod?sig=1&Signature=a&sessionId=b&jwt=c&myJWT=d',
    'wss://h/prod?sig=1',
    ['Signature', 'sessionId', 'jwt', 'myJWT'],
  ],
  [
    'wss://h/prod?X-Amz-Algorithm=AWS4&x-amz-date=2026&X-Amz-Security-Token=T&room=a',
    'wss://h/prod?room=a',
    ['X-Amz-Algorithm', 'x-amz-date', 'X-Amz-Security-Token'],
  ],
  // By value: a JWT, a long hex or base64 string, whatever the name.
  [`wss://h/prod?t=${JWT}&room=1`, 'wss://h/prod?room=1', ['t']],
  [`wss://h/prod?c=${HEX}`, 'wss://h/prod', ['c']],
  [`wss://h/prod?c=${encodeURIComponent(B64)}`, 'wss://h/prod', ['c']],
  // Long words and short ids are not credentials.
  [
    'wss://h/prod?topic=averyveryverylongtopicnamewithoutanydigits',
    'wss://h/prod?topic=averyveryverylongtopicnamewithoutanydigits',
    [],
  ],
  ['wss://h/prod?room=abc123', 'wss://h/prod?room=abc123', []],
  // Percent-encoded names, `+` for spaces, malformed escapes, repeated and bare parameters.
  ['wss://h/prod?%74oken=a', 'wss://h/prod', ['token']],
  ['wss://h/prod?my+token=a&q=a+b', 'wss://h/prod?q=a+b', ['my token']],
  ['wss://h/prod?token=%zz&x=%zz', 'wss://h/prod?x=%zz', ['token']],
  ['wss://h/prod?token=a&token=b&token', 'wss://h/prod', ['token']],
  ['wss://h/prod?&&room=1&', 'wss://h/prod?room=1', []],
  // User info never survives.
  ['wss://user:pass@h/prod?room=1', 'wss://h/prod?room=1', ['user info']],
  ['ws://127.0.0.1:4001/dev/@connections/x', 'ws://127.0.0.1:4001/dev/@connections/x', []],
]

describe('redactUrl', () => {
  it.each(TABLE)('%s', (url, expected, removed) => {
    expect(redactUrl(url, 'remove')).toEqual({ url: expected, removed })
  })

  it('masks values but keeps names and order', () => {
    expect(redactUrl('wss://h/prod?room=1&X-Amz-Signature=abc&token=t', 'mask').url).toBe(
      'wss://h/prod?room=1&X-Amz-Signature=REDACTED&token=REDACTED',
    )
  })

  it('judges names case-insensitively with any prefix or suffix', () => {
    for (const name of [
      'TOKEN',
      'xTokenX',
      'Auth',
      'AUTHORIZATION',
      'the_key',
      'SECRET2',
      'Password',
      'SIGNATURE',
      'Session',
      'JWT',
      'X-AMZ-WHATEVER',
    ]) {
      expect(looksLikeCredential(name, 'v')).toBe(true)
    }
    for (const name of ['room', 'keepalive', 'stage', 'amz']) expect(looksLikeCredential(name, 'v')).toBe(false)
  })
})
