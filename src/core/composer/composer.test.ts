import { describe, expect, it } from 'vitest'
import { billedUnits, formatBytes, sizeVerdict, utf8Bytes } from './message-size'
import { MessageHistory, saveMessage } from './message-history'
import { checkJson, locateJsonError, prettify } from './json-text'

describe('message size', () => {
  it('counts UTF-8 bytes, not characters', () => {
    expect(utf8Bytes('abc')).toBe(3)
    expect(utf8Bytes('é')).toBe(2)
    expect(utf8Bytes('あ')).toBe(3)
    expect(utf8Bytes('😀')).toBe(4)
    const sample = 'ping あ😀 é'.repeat(100)
    expect(utf8Bytes(sample)).toBe(new TextEncoder().encode(sample).length)
    // ASCII before, between and after the others; a lone surrogate counts 3, as TextEncoder's replacement does.
    for (const text of ['plain ascii', 'ascii then é', 'é then ascii', 'a😀b\ud800c', '\udc00'])
      expect(utf8Bytes(text)).toBe(new TextEncoder().encode(text).length)
  })

  it('counts as TextEncoder does, short and long text alike, wherever the first non-ASCII character falls', () => {
    const encoded = (text: string) => new TextEncoder().encode(text).length
    // 1-, 2-, 3- and 4-byte characters, a pair split by the end, lone and reversed surrogates, NUL and DEL.
    const tricky = [
      'é',
      'ß',
      'あ',
      '€',
      '😀',
      '\ud83d',
      '\ude00',
      '\ude00\ud83d',
      '\u0000',
      '\u007f',
      '\u0080',
      '\uffff',
    ]
    for (const length of [0, 1, 100, 255, 256, 257, 1000, 5000])
      for (const char of tricky)
        for (const at of [0, Math.floor(length / 2), length]) {
          const text = 'a'.repeat(at) + char + 'b'.repeat(Math.max(0, length - at))
          expect(utf8Bytes(text), `${JSON.stringify(char)} at ${at} of ${text.length}`).toBe(encoded(text))
        }
    for (const length of [0, 255, 256, 257, 4096]) expect(utf8Bytes('x'.repeat(length))).toBe(length)
    // A surrogate pair across the end of the ASCII run, and one that the text ends in the middle of.
    expect(utf8Bytes('x'.repeat(255) + '😀')).toBe(259)
    expect(utf8Bytes('x'.repeat(256) + '\ud83d')).toBe(259)
  })

  it('judges sizes against the 32 KB frame and 128 KB message limits', () => {
    expect(sizeVerdict(32 * 1024).level).toBe('ok')
    expect(sizeVerdict(32 * 1024 + 1).level).toBe('over-frame')
    expect(sizeVerdict(128 * 1024).level).toBe('over-frame')
    expect(sizeVerdict(128 * 1024 + 1)).toMatchObject({ level: 'over-message', text: expect.stringContaining('1009') })
  })

  it('meters messages in 32 KB units, at least one', () => {
    expect(billedUnits(0)).toBe(1)
    expect(billedUnits(32 * 1024)).toBe(1)
    expect(billedUnits(33 * 1024)).toBe(2)
    expect(formatBytes(1536)).toBe('1.5 KB')
  })
})

describe('history and saved messages', () => {
  it('recalls older messages with up, comes back to the draft with down', () => {
    const h = new MessageHistory()
    h.record('one')
    h.record('two')
    h.record('two')
    expect(h.previous('draft')).toBe('two')
    expect(h.previous('two')).toBe('one')
    expect(h.previous('one')).toBeUndefined()
    expect(h.next()).toBe('two')
    expect(h.next()).toBe('draft')
    expect(h.all).toEqual(['one', 'two'])
  })

  it('saves by name, replacing a message of the same name', () => {
    let r = saveMessage([], { name: ' echo ', body: '{"action":"echo"}', mode: 'json' })
    expect(r).toMatchObject({ ok: true, list: [{ name: 'echo' }] })
    if (!r.ok) return
    r = saveMessage(r.list, { name: 'echo', body: 'new', mode: 'text' })
    expect(r.ok && r.list).toEqual([{ name: 'echo', body: 'new', mode: 'text' }])
    expect(saveMessage([], { name: '  ', body: 'x', mode: 'text' })).toMatchObject({ ok: false })
  })
})

describe('JSON checks', () => {
  it('points at the line and column of an error', () => {
    expect(checkJson('{\n  "a": 1,\n}')).toMatchObject({ ok: false, line: 3 })
    expect(prettify('{"a":[1,2]}')).toBe('{\n  "a": [\n    1,\n    2\n  ]\n}')
  })
})

describe('JSON errors name the place once, with a line and column', () => {
  it.each([
    ['{x}', 1, 2, 'expected a property name in double quotes'],
    ['{"a":1,}', 1, 8, 'trailing comma before }'],
    ['[1,2', 1, 5, 'expected , or ]'],
    ['{"a":1} x', 1, 9, 'after the end of the JSON value'],
    ['{\n  "a": tru\n}', 2, 8, 'expected a value'],
    ['{"a": "open', 1, 7, 'never closed'],
    ["{'a':1}", 1, 2, 'expected a property name in double quotes'],
    ['[01]', 1, 2, 'not a valid number'],
    ['{"a" 1}', 1, 6, 'expected : after the property name'],
    ['"\\x"', 1, 2, 'is not a JSON escape'],
  ])('%j → line %i, column %i', (text, line, column, reason) => {
    const result = checkJson(text)
    expect(result).toMatchObject({ ok: false, line, column })
    if (result.ok) return
    expect(result.error).toContain(reason)
    expect(result.error.match(/line/g)).toHaveLength(1)
    expect(result.error).not.toMatch(/position/)
  })

  it('finds nothing wrong in valid JSON', () => {
    for (const text of ['{"a":[1,-2.5e3,true,false,null,"\\u00e9\\n"]}', ' 0 ', '[]', '{}'])
      expect(locateJsonError(text)).toBeUndefined()
  })
})
