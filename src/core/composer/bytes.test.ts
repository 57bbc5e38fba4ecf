import { describe, expect, it } from 'vitest'
import { binaryFrameNote, fromBase64, parseBytes, toBase64, toHex } from './bytes'

describe('bytes typed as hex or base64', () => {
  it('reads hex with spaces, colons, 0x prefixes and either case', () => {
    for (const text of ['deadbeef', 'de ad be ef', 'DE:AD:BE:EF', '0xde 0xad 0xbe 0xef', 'de\nad,be ef']) {
      const parsed = parseBytes(text, 'hex')
      expect(parsed.ok && Array.from(parsed.bytes)).toEqual([0xde, 0xad, 0xbe, 0xef])
    }
  })

  it('says what is wrong with bad hex', () => {
    expect(parseBytes('de ad b', 'hex')).toMatchObject({ ok: false, error: expect.stringContaining('odd number (5)') })
    expect(parseBytes('de zz', 'hex')).toMatchObject({
      ok: false,
      error: expect.stringContaining('“z” is not a hex digit'),
    })
    expect(parseBytes('  ', 'hex')).toMatchObject({ ok: false, error: expect.stringContaining('Empty') })
  })

  it('reads standard and URL-safe base64, padded or not', () => {
    for (const text of ['3q2+7w==', '3q2+7w', '3q2-7w', '3q2 +7w==\n']) {
      const parsed = parseBytes(text, 'base64')
      expect(parsed.ok && Array.from(parsed.bytes)).toEqual([0xde, 0xad, 0xbe, 0xef])
    }
  })

  it('says what is wrong with bad base64', () => {
    expect(parseBytes('3q2*', 'base64')).toMatchObject({ ok: false, error: expect.stringContaining('“*”') })
    expect(parseBytes('3q2+7', 'base64')).toMatchObject({
      ok: false,
      error: expect.stringContaining('cannot be whole bytes'),
    })
    expect(parseBytes('3q==7w', 'base64')).toMatchObject({ ok: false })
  })

  it('shows bytes as hex and base64, and round-trips big messages', () => {
    const bytes = Uint8Array.from([0, 1, 0xfe, 0xff])
    expect(toHex(bytes)).toBe('00 01 fe ff')
    expect(toHex(bytes, 2)).toBe('00 01 … (2 more bytes)')
    expect(toBase64(bytes)).toBe('AAH+/w==')
    const big = Uint8Array.from({ length: 200_000 }, (_, i) => (i * 7) & 0xff)
    expect(Array.from(fromBase64(toBase64(big)))).toEqual(Array.from(big))
  })
})

describe('binary frames at API Gateway', () => {
  it('warn of the 1003 close on API Gateway and the local gateway only', () => {
    expect(binaryFrameNote('aws')).toContain('1003')
    expect(binaryFrameNote('local')).toContain('1003')
    expect(binaryFrameNote('other')).toBeUndefined()
  })
})
